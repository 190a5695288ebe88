// «Jeg trenger hjelp»: a person who needs a hand signs up themselves, once — name, phone, address and
// area — and gives their own consent in plain words: what is stored, who sees it, for how long. The
// button that sends the form is the consent («Ja, jeg samtykker»); the record is the ordinary consent,
// basis self. Large buttons, one per row.
import { z } from 'zod';
import { actionButton } from './action.ts';
import { phone, requiredText } from './actions.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { adaptiveCard, container, heading, stackedButtons, subheading, text } from './card.ts';
import { formKit, PHONE_PATTERN, type FormErrors, type FormValues } from './form.ts';
import { t } from './texts.ts';

export const selfSignupFields = z.object({
  name: requiredText(100),
  phone,
  address: requiredText(200),
  district: requiredText(60),
  /** Asked only where the deployment serves several centres. */
  centre: z.string().trim().max(64).optional().transform((v) => (v ? v : null)),
});
export type SelfSignupFields = z.output<typeof selfSignupFields>;
export type SelfSignupField = keyof (typeof selfSignupFields)['shape'];

export interface SelfSignupInput {
  values?: FormValues<SelfSignupField>;
  errors?: FormErrors<SelfSignupField>;
  /** The deployment's centres; the choice is shown only when there is more than one. */
  centres: ReadonlyArray<{ id: string; name: string }>;
  /** How long the consent lasts, and how long details are kept after the last task (configuration). */
  consentMonths: number;
  retentionDays: number;
}

export function selfSignupCard(ctx: CardContext, input: SelfSignupInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<SelfSignupField>(locale, input.values, input.errors);
  const body: CardElement[] = [
    heading(t(locale, 'self.signupTitle')),
    text(t(locale, 'self.signupIntro')),
    ...f.summary(),
    ...f.text('name', t(locale, 'signup.name'), { required: true, maxLength: 100 }),
    ...f.text('phone', t(locale, 'signup.phone'), { required: true, style: 'tel', regex: PHONE_PATTERN, invalidKey: 'error.phone' }),
    ...f.text('address', t(locale, 'self.address'), { required: true, maxLength: 200 }),
    ...f.text('district', t(locale, 'self.district'), { required: true, maxLength: 60, placeholder: t(locale, 'self.districtHint') }),
  ];
  if (input.centres.length > 1) {
    body.push(...f.choice('centre', t(locale, 'self.centre'), input.centres.map((c) => ({ title: c.name, value: c.id })), { expanded: true, required: true, invalidKey: 'error.chooseCentre' }));
  }
  body.push(
    container(
      [
        subheading(t(locale, 'self.consentTitle'), { spacing: 'none' }),
        text(t(locale, 'self.consentStored')),
        text(t(locale, 'self.consentWho')),
        text(t(locale, 'self.consentHowLong', { months: input.consentMonths, days: input.retentionDays })),
      ],
      { style: 'emphasis', spacing: 'medium' },
    ),
    ...stackedButtons([
      actionButton(channel, t(locale, 'self.consentGive'), { action: 'self.signup.submit' }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
    ]),
  );
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'self.signupTitle') });
}
