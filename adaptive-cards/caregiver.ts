// What a family caregiver sees: a short sign-up, and their requests in plain words ("Vi leter etter
// en frivillig", "Astrid kommer tirsdag 10:00–13:00"). Of the volunteer, only the first name.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement, ShowCardAction } from './card.ts';
import { actionSet, adaptiveCard, container, heading, showCard, text } from './card.ts';
import { formKit, PHONE_PATTERN, type FormErrors, type FormValues } from './form.ts';
import { formatDuration, formatTime, formatWhen } from './format.ts';
import { t } from './texts.ts';
import type { RequestStatus } from '../domain/types.ts';

export type CaregiverSignupField = 'name' | 'phone' | 'channel';

/** `smsOffered`: this server sends SMS, so they may choose it for their notices. */
export function caregiverSignupCard(ctx: CardContext, input: { values?: FormValues<CaregiverSignupField>; errors?: FormErrors<CaregiverSignupField>; smsOffered?: boolean } = {}): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<CaregiverSignupField>(locale, input.values, input.errors);
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'caregiver.signupTitle')),
      text(t(locale, 'caregiver.signupIntro'), { isSubtle: true }),
      ...f.summary(),
      ...f.text('name', t(locale, 'signup.name'), { required: true, maxLength: 100 }),
      ...f.text('phone', t(locale, 'signup.phone'), { required: true, style: 'tel', regex: PHONE_PATTERN, invalidKey: 'error.phone' }),
      ...(input.smsOffered
        ? f.choice('channel', t(locale, 'caregiver.channel'), [
            { title: t(locale, 'signup.channelChat'), value: 'chat' },
            { title: t(locale, 'signup.channelSms'), value: 'sms' },
          ], { expanded: true, defaultValue: 'chat' })
        : []),
    ],
    {
      fallbackText: t(locale, 'caregiver.signupTitle'),
      actions: [
        actionButton(channel, t(locale, 'caregiver.signupSubmit'), { action: 'caregiver.signup.submit' }, { style: 'positive' }),
        actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
      ],
    },
  );
}

export interface CaregiverRequestItem {
  requestId: string;
  groupLabel: string;
  personFirstName: string;
  startsAt: Date;
  /** «Når som helst denne uka»: the end of the window (issue 19). */
  flexibleUntil?: Date | null;
  durationMinutes: number;
  status: RequestStatus;
  volunteerFirstName: string | null;
  /** Only when the volunteer agreed to share it. */
  volunteerPhone?: string | null;
  /** Held until staff confirm the caregiver's link to the person. */
  awaitingVerification?: boolean;
  /** Ended without the visit happening (never the reason: that is for staff). */
  notDone?: boolean;
  /** While quiet hours hold its offers: when they go out. */
  goesOutAt?: Date | null;
}

export function caregiverStatusText(ctx: CardContext, r: CaregiverRequestItem): string {
  const when = formatWhen(ctx.locale, r.startsAt, r.flexibleUntil ?? null);
  if (r.status === 'taken') {
    const name = r.volunteerFirstName ?? '';
    return r.volunteerPhone ? t(ctx.locale, 'caregiver.status.takenPhone', { name, when, phone: r.volunteerPhone }) : t(ctx.locale, 'caregiver.status.taken', { name, when });
  }
  if (r.notDone) return t(ctx.locale, 'caregiver.status.notDone');
  if (r.status === 'open' && r.goesOutAt) return t(ctx.locale, 'caregiver.status.sendsAt', { time: formatTime(r.goesOutAt) });
  return r.awaitingVerification ? t(ctx.locale, 'caregiver.status.awaiting_verification') : t(ctx.locale, `caregiver.status.${r.status}`);
}

/**
 * «Avlys» for a caregiver's (or a person helped's) visit, wherever it is offered — their request list
 * and the day-before reminder: it asks first, naming the visit's date, and mentions a volunteer only
 * when one has it (`volunteerFirstName`). Only «Ja, avlys besøket» cancels.
 */
export function cancelVisitAction(
  ctx: CardContext,
  visit: { requestId: string; startsAt: Date; flexibleUntil?: Date | null; volunteerFirstName: string | null },
): ShowCardAction {
  const { locale, channel } = ctx;
  const when = formatWhen(locale, visit.startsAt, visit.flexibleUntil ?? null);
  const question = visit.volunteerFirstName
    ? t(locale, 'caregiver.cancelQuestionTold', { when, name: visit.volunteerFirstName })
    : t(locale, 'caregiver.cancelQuestion', { when });
  return showCard(t(locale, 'caregiver.cancel'), [text(question)], [
    actionButton(channel, t(locale, 'caregiver.cancelConfirm'), { action: 'caregiver.request.cancel', requestId: visit.requestId }, { style: 'destructive' }),
  ]);
}

export function caregiverRequestsCard(ctx: CardContext, input: { requests: readonly CaregiverRequestItem[] }): AdaptiveCard {
  const { locale, channel } = ctx;
  const body: CardElement[] = [heading(t(locale, 'caregiver.requestsTitle'))];
  if (input.requests.length === 0) body.push(text(t(locale, 'caregiver.requestsEmpty')));
  for (const r of input.requests) {
    const items: CardElement[] = [
      text(r.personFirstName ? `${r.groupLabel} · ${r.personFirstName}` : r.groupLabel, { weight: 'bolder' }),
      text(`${formatWhen(locale, r.startsAt, r.flexibleUntil ?? null)} (${formatDuration(locale, r.durationMinutes)})`, { spacing: 'none' }),
      text(caregiverStatusText(ctx, r), { spacing: 'small' }),
    ];
    if (r.status === 'open' || r.status === 'taken' || r.status === 'waiting_consent') {
      items.push(actionSet([cancelVisitAction(ctx, { ...r, volunteerFirstName: r.status === 'taken' ? r.volunteerFirstName : null })]));
    }
    body.push(container(items, { separator: true, spacing: 'medium' }));
  }
  body.push(actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'caregiver.requestsTitle') });
}
