// Sign-up and profile form for volunteers. Input ids are the fields of `volunteerSignupFields`.
import { actionButton } from './action.ts';
import type { volunteerSignupFields } from './actions.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { adaptiveCard, capitalize, heading, text } from './card.ts';
import { availabilityByDay, comfortChoices, dayPartChoices, languageChoices, weekdayName, WEEKDAYS, type AvailabilityDayField } from './choices.ts';
import { formKit, PHONE_PATTERN, POSTCODE_PATTERN, type FormErrors, type FormValue, type FormValues } from './form.ts';
import { t } from './texts.ts';

export type VolunteerSignupField = keyof (typeof volunteerSignupFields)['shape'];
/** The inputs of the form: the schema's fields, with availability asked one day at a time. */
export type VolunteerSignupInputField = Exclude<VolunteerSignupField, 'availability'> | AvailabilityDayField;

export interface InterestGroupOption {
  key: string;
  /** Already in the user's language (interest_groups.name_nb / name_en). */
  label: string;
}

export interface VolunteerSignupInput {
  groups: readonly InterestGroupOption[];
  /** The deployment's centres; the choice is shown only when there is more than one. */
  centres?: ReadonlyArray<{ id: string; name: string }>;
  /** 'edit' changes the heading and the button; the verb is the same. */
  mode?: 'signup' | 'edit';
  /** This server sends SMS: the volunteer may choose to get offers that way. */
  smsOffered?: boolean;
  /** Stored or submitted values: availability as "weekday:part" keys, or as the form's per-day answers. */
  values?: FormValues<VolunteerSignupField | AvailabilityDayField>;
  errors?: FormErrors<VolunteerSignupField>;
}

/** The per-day answers to show: as submitted, or from the stored "weekday:part" keys. */
function dayValues(values: FormValues<VolunteerSignupField | AvailabilityDayField>): Partial<Record<AvailabilityDayField, FormValue>> {
  if (WEEKDAYS.some((d) => values[`availability${d}`] !== undefined)) return {};
  const stored = values.availability;
  const slots = Array.isArray(stored) ? stored : typeof stored === 'string' ? stored.split(',') : [];
  return availabilityByDay(slots);
}

export const DEFAULT_WEEKLY_CAP = 2;

export function volunteerSignupCard(ctx: CardContext, input: VolunteerSignupInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const edit = input.mode === 'edit';
  const values = input.values ?? {};
  // A missing availability is told at the first day, where the person starts choosing.
  const { availability: availabilityError, ...errors } = input.errors ?? {};
  const f = formKit<VolunteerSignupInputField>(locale, { ...values, ...dayValues(values) }, { ...errors, ...(availabilityError ? { availability1: availabilityError } : {}) });

  const fields: CardElement[] = [
    ...f.text('name', t(locale, 'signup.name'), { required: true, maxLength: 100 }),
    ...f.text('phone', t(locale, 'signup.phone'), { required: true, style: 'tel', regex: PHONE_PATTERN, invalidKey: 'error.phone' }),
    ...f.text('email', t(locale, 'signup.email'), { style: 'email', maxLength: 200 }),
    ...f.text('district', t(locale, 'signup.district'), { required: true, maxLength: 60, placeholder: t(locale, 'signup.districtPlaceholder') }),
    ...f.text('postcode', t(locale, 'signup.postcode'), { maxLength: 4, regex: POSTCODE_PATTERN, invalidKey: 'error.postcode' }),
    ...((input.centres?.length ?? 0) > 1
      ? f.choice(
          'centres',
          t(locale, 'signup.centres'),
          (input.centres ?? []).map((c) => ({ title: c.name, value: c.id })),
          { multi: true, expanded: true, required: true, invalidKey: 'error.chooseCentre' },
        )
      : []),
    ...(input.groups.length > 0
      ? f.choice(
          'groups',
          t(locale, 'signup.groups'),
          input.groups.map((g) => ({ title: g.label, value: g.key })),
          { multi: true, expanded: true, required: true, invalidKey: 'error.chooseGroup' },
        )
      : [text(t(locale, 'signup.noGroups'), { isSubtle: true })]),
    ...f.choice('languages', t(locale, 'signup.languages'), languageChoices(locale), {
      multi: true,
      expanded: true,
      required: true,
      invalidKey: 'error.chooseLanguage',
      defaultValue: locale,
    }),
    // Seven choices of a phone's own picker instead of 21 small checkboxes (issue 14).
    text(t(locale, 'signup.availability'), { weight: 'bolder', spacing: 'medium' }),
    ...WEEKDAYS.flatMap((d) =>
      f.choice(`availability${d}`, capitalize(weekdayName(locale, d)), dayPartChoices(locale), { placeholder: t(locale, 'availability.dayNone') }),
    ),
    ...f.number('weeklyCap', t(locale, 'signup.weeklyCap'), { required: true, min: 1, max: 14, defaultValue: DEFAULT_WEEKLY_CAP, invalidKey: 'error.weeklyCap' }),
    ...f.choice('comfort', t(locale, 'signup.comfort'), comfortChoices(locale), { expanded: true, required: true, defaultValue: 'any' }),
    ...(input.smsOffered
      ? f.choice('channel', t(locale, 'signup.channel'), [
          { title: t(locale, 'signup.channelChat'), value: 'chat' },
          { title: t(locale, 'signup.channelSms'), value: 'sms' },
        ], { expanded: true, defaultValue: 'chat' })
      : []),
  ];

  const body: CardElement[] = [
    heading(t(locale, edit ? 'signup.editTitle' : 'signup.title')),
    text(t(locale, 'signup.intro')),
    ...f.summary(),
    ...fields,
  ];
  return adaptiveCard(ctx, body, {
    fallbackText: t(locale, edit ? 'signup.editTitle' : 'signup.title'),
    fullWidth: true,
    actions: [
      actionButton(channel, t(locale, edit ? 'signup.save' : 'signup.submit'), { action: 'volunteer.signup.submit' }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
    ],
  });
}
