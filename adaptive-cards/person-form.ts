// Staff register a person helped, with the consent on file (rule 2). Input ids are the fields of
// `personFields`.
import type { ConsentBasis } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { personFields } from './actions.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { adaptiveCard, heading, subheading, text } from './card.ts';
import { formKit, PHONE_PATTERN, type FormErrors, type FormValues } from './form.ts';
import { t } from './texts.ts';

export type PersonField = keyof (typeof personFields)['shape'];

export const CONSENT_BASES: readonly ConsentBasis[] = ['self', 'proxy', 'staff_recorded'];

export interface PersonFormInput {
  values?: FormValues<PersonField>;
  errors?: FormErrors<PersonField>;
  /** Today in Europe/Oslo as YYYY-MM-DD: default and latest allowed consent date. */
  today?: string;
  /** A caregiver registers the person they care for: consent is the person's own or theirs as proxy. */
  audience?: 'staff' | 'caregiver';
}

export function personFormCard(ctx: CardContext, input: PersonFormInput = {}): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<PersonField>(locale, input.values, input.errors);
  const caregiver = input.audience === 'caregiver';
  const fields: CardElement[] = [
    ...f.text('name', t(locale, 'person.name'), { required: true, maxLength: 100 }),
    ...f.text('address', t(locale, 'person.address'), { required: true, maxLength: 200 }),
    ...f.text('phone', t(locale, 'person.phone'), { required: true, style: 'tel', regex: PHONE_PATTERN, invalidKey: 'error.phone' }),
    ...f.text('district', t(locale, 'person.district'), { required: true, maxLength: 60 }),
    // Staff's notes stay with staff; a caregiver's are what the person enjoys and what a volunteer
    // should know, and become the note to the volunteer when they ask for help.
    ...f.text('notes', t(locale, caregiver ? 'caregiver.personNotes' : 'person.notes'), { multiline: true, maxLength: 1000 }),
    subheading(t(locale, 'person.consentHeading')),
    ...f.choice(
      'consentBasis',
      t(locale, 'person.consentBasis'),
      CONSENT_BASES.filter((b) => caregiver ? b !== 'staff_recorded' : true).map((b) => ({ title: t(locale, `consent.${b}`), value: b })),
      { expanded: true, required: true, invalidKey: 'error.consentBasis' },
    ),
    ...f.text('consentRelation', t(locale, 'person.consentRelation'), { maxLength: 60 }),
    ...f.date('consentDate', t(locale, 'person.consentDate'), {
      required: true,
      ...(input.today ? { defaultValue: input.today, max: input.today } : {}),
    }),
  ];
  const body: CardElement[] = [
    heading(t(locale, caregiver ? 'caregiver.personTitle' : 'person.title')),
    text(t(locale, caregiver ? 'caregiver.personIntro' : 'person.intro'), { isSubtle: true }),
    ...f.summary(),
    ...fields,
  ];
  return adaptiveCard(ctx, body, {
    fallbackText: t(locale, 'person.title'),
    fullWidth: true,
    actions: [
      actionButton(channel, t(locale, 'person.submit'), { action: caregiver ? 'caregiver.person.submit' : 'staff.person.submit' }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
    ],
  });
}
