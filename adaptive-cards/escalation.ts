// For staff when nobody has taken a request in time: what the request is, how many have been asked,
// how soon it starts, and what staff can do — send to everyone suitable, relax a requirement, phone
// volunteers from a call list (rule 9, manual fallback), or cancel. Public request facts only.
import type { EscalationOutcome } from '../domain/lifecycle.ts';
import type { Locale, PublicRequestView } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, showCard, subheading, telUrl, text } from './card.ts';
import { formatDateTime, formatWhen } from './format.ts';
import { FLAG_SEPARATOR, publicFacts, requestFlags } from './request-view.ts';
import { requestStatusText } from './staff-requests.ts';
import { t } from './texts.ts';

export interface EscalationCardInput {
  requestId: string;
  request: PublicRequestView;
  /** The interest group's label in the card's language. */
  groupLabel: string;
  /** How many volunteers have been offered it so far. */
  offeredCount: number;
  /** Hours from now until the start (may be fractional or negative). */
  hoursUntilStart: number;
  /** Whether there is a requirement left to relax (area, language, first-time friendly). */
  canRelax: boolean;
  /**
   * A volunteer had it and no longer has it (cancelled, left, or removed by staff), and nobody has taken
   * it since: «ledig igjen» (free again), as «ennå» (yet) would tell staff that nobody ever had. Why
   * the volunteer went, staff were told in its own notice; this names no one.
   */
  droppedOut: boolean;
}

/** "Oppdraget starter om 5 timer." — rounded down, days from 48 hours. */
export function startsInText(locale: Locale, hoursUntilStart: number): string {
  if (!Number.isFinite(hoursUntilStart) || hoursUntilStart <= 0) return t(locale, 'escalation.started');
  if (hoursUntilStart < 1) return t(locale, 'escalation.startsSoon');
  if (hoursUntilStart >= 48) return t(locale, 'escalation.startsInDays', { days: Math.floor(hoursUntilStart / 24) });
  const hours = Math.floor(hoursUntilStart);
  return hours === 1 ? t(locale, 'escalation.startsInHour') : t(locale, 'escalation.startsInHours', { hours });
}

/**
 * The card's fallback and the activity's summary (what a notification shows): "Ingen har tatt oppdraget
 * ennå: Følgehjelp tirsdag 1. desember kl. 14:00", a flexible window as its span.
 */
export function escalationSummary(locale: Locale, input: Pick<EscalationCardInput, 'groupLabel' | 'droppedOut'> & { request: Pick<PublicRequestView, 'startsAt' | 'flexibleUntil'> }): string {
  const when = formatWhen(locale, input.request.startsAt, input.request.flexibleUntil);
  return t(locale, input.droppedOut ? 'escalation.summaryFreeAgain' : 'escalation.summary', { what: input.groupLabel, when });
}

export function escalationCard(ctx: CardContext, input: EscalationCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const r = input.request;
  const requestId = input.requestId;

  const title = t(locale, input.droppedOut ? 'escalation.titleFreeAgain' : 'escalation.title');
  const body: CardElement[] = [container([heading(title, { size: 'medium' })], { style: 'warning' })];
  const flags = requestFlags(locale, r);
  if (flags.length > 0) body.push(text(flags.join(FLAG_SEPARATOR), { weight: 'bolder' }));
  body.push(
    facts([
      ...publicFacts(locale, r, input.groupLabel),
      { title: t(locale, 'staffRequests.status'), value: requestStatusText(locale, { status: 'open', offeredCount: input.offeredCount, takenByFirstName: null }) },
    ]),
    text(r.summary, { spacing: 'small' }),
    text(startsInText(locale, input.hoursUntilStart), { weight: 'bolder', spacing: 'medium' }),
    subheading(t(locale, 'escalation.whatNow')),
  );

  // Each choice on its own row, with one plain sentence saying what it does.
  body.push(
    actionSet([actionButton(channel, t(locale, 'escalation.widen'), { action: 'staff.request.widen', requestId }, { style: 'positive' })], { spacing: 'small' }),
    text(t(locale, 'escalation.widenHint'), { isSubtle: true, spacing: 'small' }),
  );
  if (input.canRelax) {
    body.push(
      actionSet([actionButton(channel, t(locale, 'escalation.relax'), { action: 'staff.request.relax', requestId })], { spacing: 'medium' }),
      text(t(locale, 'escalation.relaxHint'), { isSubtle: true, spacing: 'small' }),
    );
  }
  body.push(
    actionSet([actionButton(channel, t(locale, 'escalation.callList'), { action: 'staff.request.callList', requestId })], { spacing: 'medium' }),
    text(t(locale, 'escalation.callListHint'), { isSubtle: true, spacing: 'small' }),
    actionSet(
      [
        showCard(
          t(locale, 'staffRequests.cancel'),
          [text(t(locale, 'staffRequests.cancelConfirmWhen', { when: formatDateTime(locale, r.startsAt) }))],
          [actionButton(channel, t(locale, 'staffRequests.cancelConfirm'), { action: 'staff.request.cancel', requestId }, { style: 'destructive' })],
        ),
      ],
      { spacing: 'medium' },
    ),
  );
  return adaptiveCard(ctx, body, { fallbackText: escalationSummary(locale, input) });
}


export interface ResolvedEscalationInput {
  request: PublicRequestView;
  groupLabel: string;
  outcome: EscalationOutcome;
  /** Who took it (first name only); null in the shared staff channel, which names no one. */
  takenByFirstName: string | null;
}

/** The headline of an escalation card drawn again once nobody need act on it. */
export function resolvedEscalationTitle(locale: Locale, input: Pick<ResolvedEscalationInput, 'outcome' | 'takenByFirstName'>): string {
  if (input.outcome === 'cancelled') return t(locale, 'escalation.resolvedCancelled');
  if (input.outcome === 'expired') return t(locale, 'escalation.resolvedExpired');
  if (input.outcome === 'superseded') return t(locale, 'escalation.superseded');
  return input.takenByFirstName ? t(locale, 'escalation.resolvedTaken', { name: input.takenByFirstName }) : t(locale, 'escalation.resolvedTakenShared');
}

/**
 * The escalation card once the request no longer waits for anyone (taken, cancelled, expired): drawn
 * again in place with the public facts and no buttons, so nobody phones volunteers for a settled task.
 */
export function resolvedEscalationCard(ctx: CardContext, input: ResolvedEscalationInput): AdaptiveCard {
  const { locale } = ctx;
  const r = input.request;
  const title = resolvedEscalationTitle(locale, input);
  const body: CardElement[] = [
    container([heading(title, { size: 'medium' })], { style: input.outcome === 'taken' ? 'good' : 'emphasis' }),
    facts(publicFacts(locale, r, input.groupLabel)),
    text(r.summary, { spacing: 'small' }),
  ];
  return adaptiveCard(ctx, body, { fallbackText: title });
}

export interface CallListVolunteer {
  name: string;
  phone: string;
  district: string;
}

export interface CallListCardInput {
  request: PublicRequestView;
  groupLabel: string;
  /** In the order staff should call them: at most CALL_LIST_MAX are shown. */
  volunteers: readonly CallListVolunteer[];
  /** How many fit in all (the list may hold only the first of them); default: as many as given. */
  total?: number;
}

/** How many volunteers the call list shows (a card must stay readable and within Teams' size limit). */
export const CALL_LIST_MAX = 25;

/** The manual fallback: names and phone numbers with a call button each. Staff only. */
export function callListCard(ctx: CardContext, input: CallListCardInput): AdaptiveCard {
  const { locale } = ctx;
  const r = input.request;
  const body: CardElement[] = [
    heading(t(locale, 'callList.title')),
    facts([
      { title: t(locale, 'offer.what'), value: input.groupLabel },
      { title: t(locale, 'offer.where'), value: r.district },
      { title: t(locale, 'offer.when'), value: formatDateTime(locale, r.startsAt) },
    ]),
    container([text(t(locale, 'callList.staffOnly'), { weight: 'bolder' })], { style: 'warning', spacing: 'medium' }),
  ];

  const total = Math.max(input.total ?? 0, input.volunteers.length);
  if (total === 0) {
    body.push(text(t(locale, 'callList.empty'), { spacing: 'medium' }));
    return adaptiveCard(ctx, body, { fallbackText: t(locale, 'callList.title') });
  }

  const shown = input.volunteers.slice(0, CALL_LIST_MAX);
  body.push(text(t(locale, 'callList.intro'), { spacing: 'medium' }));
  if (total > shown.length) body.push(text(t(locale, 'common.showing', { shown: shown.length, total }), { isSubtle: true, spacing: 'small' }));
  shown.forEach((v, i) => {
    body.push(
      container(
        [
          text(v.name, { weight: 'bolder' }),
          // The number is written out too: not every client can follow a tel: link.
          text(t(locale, 'callList.line', { district: v.district, phone: v.phone }), { spacing: 'none' }),
          actionSet([{ type: 'Action.OpenUrl', title: t(locale, 'task.call', { name: v.name }), url: telUrl(v.phone) }], { spacing: 'small' }),
        ],
        { separator: i > 0, spacing: 'medium' },
      ),
    );
  });
  // A card holds the first ones only (Teams' message size limit); the rest are named by number.
  if (total > shown.length) body.push(text(t(locale, 'callList.more', { count: total - shown.length }), { weight: 'bolder', spacing: 'medium' }));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'callList.title') });
}
