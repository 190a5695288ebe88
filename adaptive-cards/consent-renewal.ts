// For staff: a person's consent (samtykke) is about to run out, or has. Without valid consent no new
// requests for the person go out (rule 2). Staff either record that it is renewed, or that it is
// withdrawn — which cancels open requests and erases the person's details, so it asks first.
import type { Locale } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, container, heading, showCard, text } from './card.ts';
import { formatDateWithYear } from './format.ts';
import { t } from './texts.ts';

export interface ConsentRenewalCardInput {
  personId: string;
  /** How staff know the person, e.g. "Astrid F., Ingeberg". */
  personLabel: string;
  expiresAt: Date;
  /** True once the expiry date has passed. */
  expired: boolean;
}

/** "Samtykket for Astrid F. går ut 3. januar 2027" / "… har gått ut" — the heading; a fuller activity summary than 'consentRenewal.summary'. */
export function consentRenewalTitle(locale: Locale, input: Pick<ConsentRenewalCardInput, 'personLabel' | 'expiresAt' | 'expired'>): string {
  return input.expired
    ? t(locale, 'consentRenewal.expired', { person: input.personLabel })
    : t(locale, 'consentRenewal.expiring', { person: input.personLabel, date: formatDateWithYear(locale, input.expiresAt) });
}

export function consentRenewalCard(ctx: CardContext, input: ConsentRenewalCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const personId = input.personId;
  const title = consentRenewalTitle(locale, input);

  const head: CardElement[] = [heading(title, { size: 'medium' })];
  if (input.expired) head.push(text(t(locale, 'consentRenewal.expiredOn', { date: formatDateWithYear(locale, input.expiresAt) }), { spacing: 'small' }));
  const body: CardElement[] = [
    container(head, { style: input.expired ? 'attention' : 'warning' }),
    text(t(locale, input.expired ? 'consentRenewal.explainExpired' : 'consentRenewal.explainExpiring')),
    actionSet([actionButton(channel, t(locale, 'consentRenewal.renew'), { action: 'staff.consent.renew', personId }, { style: 'positive' })], { spacing: 'medium' }),
    text(t(locale, 'consentRenewal.renewHint'), { isSubtle: true, spacing: 'small' }),
    actionSet(
      [
        showCard(
          t(locale, 'consentRenewal.withdraw'),
          [text(t(locale, 'consentRenewal.withdrawText'), { weight: 'bolder' })],
          [actionButton(channel, t(locale, 'consentRenewal.withdrawConfirm'), { action: 'staff.consent.withdraw', personId }, { style: 'destructive' })],
          'destructive',
        ),
      ],
      { spacing: 'medium' },
    ),
  ];
  return adaptiveCard(ctx, body, { fallbackText: title });
}
