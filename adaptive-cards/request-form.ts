// Staff post a help request for a person they serve. Input ids are the fields of
// `helpRequestFields`. Public and private fields are labelled as such, so staff know what every
// offered volunteer sees (summary, area) and what only the assigned volunteer sees.
import { actionButton } from './action.ts';
import type { helpRequestFields } from './actions.ts';
import type { AdaptiveCard, CardContext, CardElement, Choice } from './card.ts';
import { adaptiveCard, heading, stackedButtons, subheading, text } from './card.ts';
import { languageChoices } from './choices.ts';
import { formatDuration } from './format.ts';
import { formKit, inputString, PHONE_PATTERN, type FormErrors, type FormValues } from './form.ts';
import { t } from './texts.ts';
import { seriesInputs, type SeriesField } from './series-form.ts';

export type RequestField = keyof (typeof helpRequestFields)['shape'];

export interface PersonOption {
  id: string;
  /** What staff recognise the person by, e.g. "Kari Nordmann, Ingeberg". */
  label: string;
}

export interface GroupOption {
  key: string;
  label: string;
}

export interface RequestFormInput {
  /** The persons this staff member may post requests for. Empty: the card asks to register one. */
  persons: readonly PersonOption[];
  groups: readonly GroupOption[];
  values?: FormValues<RequestField | SeriesField>;
  errors?: FormErrors<RequestField | SeriesField>;
  /** Today in Europe/Oslo as YYYY-MM-DD: earliest date in the picker. */
  today?: string;
  /** A caregiver asks for the person they care for: no staff-only requirements. */
  audience?: 'staff' | 'caregiver';
}

/** The recurrence shows from the start when a repeat was chosen or one of its fields needs fixing. */
function seriesOpen(input: RequestFormInput): boolean {
  const repeat = inputString(input.values?.repeat);
  return repeat === '1' || repeat === '2' || Boolean(input.errors?.repeat || input.errors?.untilDate || input.errors?.visitCount);
}

export const DURATION_CHOICES = [30, 60, 90, 120, 180, 240] as const;
export const DEFAULT_DURATION = 60;

export function requestFormCard(ctx: CardContext, input: RequestFormInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const caregiver = input.audience === 'caregiver';
  const title = t(locale, caregiver ? 'caregiver.requestTitle' : 'request.title');
  if (input.persons.length === 0) {
    return adaptiveCard(
      ctx,
      [
        heading(title),
        text(t(locale, caregiver ? 'caregiver.noPersons' : 'request.noPersons')),
        ...stackedButtons([
          caregiver
            ? actionButton(channel, t(locale, 'caregiver.registerPerson'), { action: 'caregiver.person.new' }, { style: 'positive' })
            : actionButton(channel, t(locale, 'menu.registerPerson'), { action: 'staff.person.new' }, { style: 'positive' }),
          actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
        ]),
      ],
      { fallbackText: t(locale, 'request.noPersons') },
    );
  }

  const f = formKit<RequestField | SeriesField>(locale, input.values, input.errors);
  const durations: Choice[] = DURATION_CHOICES.map((m) => ({ title: formatDuration(locale, m), value: String(m) }));
  const given = inputString(input.values?.durationMinutes);
  if (given && /^\d+$/.test(given) && !durations.some((d) => d.value === given)) {
    durations.push({ title: formatDuration(locale, Number(given)), value: given });
  }

  const personChoice = f.choice(
    'personId',
    t(locale, 'request.person'),
    input.persons.map((p) => ({ title: p.label, value: p.id })),
    { required: true, defaultValue: input.persons.length === 1 ? input.persons[0]?.id : undefined },
  );
  const group = input.groups.length > 0
    ? f.choice('group', t(locale, 'request.group'), input.groups.map((g) => ({ title: g.label, value: g.key })), { required: true })
    : [text(t(locale, 'signup.noGroups'), { color: 'attention' })];
  const when: CardElement[] = [
    ...f.date('date', t(locale, 'request.date'), { required: true, ...(input.today ? { min: input.today } : {}) }),
    ...f.time('time', t(locale, 'request.time'), { required: true }),
    ...f.choice('durationMinutes', t(locale, 'request.duration'), durations, { required: true, invalidKey: 'error.duration', defaultValue: String(DEFAULT_DURATION) }),
    // The same time every week or every other week (issue 5): caregivers, and staff acting for one.
    ...seriesInputs<RequestField>(locale, f, { ...(input.today ? { today: input.today } : {}), open: seriesOpen(input) }),
  ];
  const what: CardElement[] = [
    ...f.text('district', t(locale, 'request.district'), { required: true, maxLength: 60 }),
    ...f.text('summary', t(locale, 'request.summary'), { required: true, multiline: true, maxLength: 300, placeholder: t(locale, 'request.summaryPlaceholder') }),
    text(t(locale, 'request.summaryHint'), { weight: 'bolder', size: 'small', spacing: 'small' }),
    ...f.text('meetingPlace', t(locale, 'request.meetingPlace'), { maxLength: 200 }),
    ...f.text('handoverNote', t(locale, 'request.handoverNote'), { multiline: true, maxLength: 1000 }),
    text(t(locale, 'request.handoverHint'), { isSubtle: true, size: 'small', spacing: 'small' }),
  ];
  // A caregiver's form is short (issue 14): what, when, where and a note. Staff's requirements, the
  // contact person (the caregiver is it) and the flexible window stay on staff's form.
  const fields: CardElement[] = caregiver
    ? [...personChoice, ...group, ...when, ...what]
    : [
        ...personChoice,
        ...group,
        ...when,
        ...f.time('flexibleUntilTime', t(locale, 'request.flexibleUntil')),
        text(t(locale, 'request.flexibleHint'), { isSubtle: true, size: 'small', spacing: 'small' }),
        ...what,
        ...f.text('contactName', t(locale, 'request.contactName'), { maxLength: 100 }),
        ...f.text('contactPhone', t(locale, 'request.contactPhone'), { style: 'tel', regex: PHONE_PATTERN, invalidKey: 'error.phone' }),
        subheading(t(locale, 'request.requirements')),
        ...f.choice('language', t(locale, 'request.language'), languageChoices(locale), { placeholder: t(locale, 'request.languageAny') }),
        ...f.toggle('firstTimeFriendly', t(locale, 'request.firstTimeFriendly')),
        ...f.toggle('staffAlong', t(locale, 'request.staffAlong')),
        ...f.toggle('policeCertificate', t(locale, 'request.policeCertificate')),
        ...f.toggle('urgent', t(locale, 'request.urgent')),
      ];

  const body: CardElement[] = [heading(title), ...f.summary(), ...fields];
  return adaptiveCard(ctx, body, {
    fallbackText: title,
    fullWidth: true,
    actions: [
      actionButton(channel, t(locale, 'request.submit'), { action: caregiver ? 'caregiver.request.submit' : 'staff.request.submit' }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
    ],
  });
}
