// "Mine forespørsler": the staff member's requests with their status in plain words, and a
// cancel button (with an "are you sure?" step) for those that are still running.
import type { Locale, RequestStatus } from '../domain/types.ts';
import { isCancelReasonCode } from '../domain/confidentiality.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement, Fact } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, showCard, subheading, text } from './card.ts';
import { formatDateTime, formatTime } from './format.ts';
import { t } from './texts.ts';
import { page } from './paging.ts';

export interface StaffRequestItem {
  requestId: string;
  groupLabel: string;
  startsAt: Date;
  district: string;
  status: RequestStatus;
  /** How many volunteers have been offered it so far. */
  offeredCount: number;
  /** First name of the volunteer who took it (staff may see who). */
  takenByFirstName: string | null;
  /** Who it is for, as staff know the person (staff with access only). */
  personLabel?: string | null;
  /** The public summary, to tell similar requests apart. */
  summary?: string | null;
  /** Ended without the visit happening, with the reason in words when there is one. */
  notDone?: { reason: string | null } | null;
  /** Asked for by the person helped themselves: «Bestilt selv» (issue 19). */
  selfOrdered?: boolean;
  /** While quiet hours hold its offers: when they go out. */
  goesOutAt?: Date | null;
}

export interface StaffRequestsInput {
  requests: readonly StaffRequestItem[];
  /** At most this many are shown (card size limits); the rest behind «Vis flere». Default 20. */
  limit?: number;
  /** Where this page starts in the whole list; default 0. */
  offset?: number;
  /** How many there are in all, when `requests` are already just this page (paged by the query). */
  total?: number;
}

const CANCELLABLE: ReadonlySet<RequestStatus> = new Set<RequestStatus>(['waiting_consent', 'open', 'taken']);

/** A cancel reason for staff: one the bot recorded (left, removed) in words, what a volunteer typed as it is. */
export function cancelReasonText(locale: Locale, reason: string): string {
  return isCancelReasonCode(reason) ? t(locale, `notify.reason.${reason}`) : reason;
}

/** "Venter på samtykke", "Sendt ut til 12 frivillige", "Tatt av Kari", "Gjennomført", … */
export function requestStatusText(locale: Locale, item: Pick<StaffRequestItem, 'status' | 'offeredCount' | 'takenByFirstName' | 'notDone' | 'goesOutAt'>): string {
  if (item.notDone) return item.notDone.reason ? t(locale, 'staffRequests.notDoneReason', { reason: cancelReasonText(locale, item.notDone.reason) }) : t(locale, 'staffRequests.notDone');
  switch (item.status) {
    case 'waiting_consent':
      return t(locale, 'staffRequests.waiting_consent');
    case 'open':
      if (item.offeredCount <= 0) return t(locale, 'staffRequests.notSentYet');
      if (item.goesOutAt) return t(locale, 'staffRequests.sendsAt', { time: formatTime(item.goesOutAt) });
      return item.offeredCount === 1 ? t(locale, 'staffRequests.sentOne') : t(locale, 'staffRequests.sentMany', { count: item.offeredCount });
    case 'taken':
      return item.takenByFirstName ? t(locale, 'staffRequests.takenBy', { name: item.takenByFirstName }) : t(locale, 'staffRequests.taken');
    case 'done':
      return t(locale, 'staffRequests.done');
    case 'cancelled':
      return t(locale, 'staffRequests.cancelled');
    case 'expired':
      return t(locale, 'staffRequests.expired');
  }
}

export function staffRequestsCard(ctx: CardContext, input: StaffRequestsInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const { shown, footer } = page(ctx, input.requests, { offset: input.offset ?? 0, limit: input.limit ?? 20, total: input.total, more: (offset) => ({ action: 'staff.requests.more', offset }) });
  const body: CardElement[] = [heading(t(locale, 'staffRequests.title'))];
  if (input.requests.length === 0) body.push(text(t(locale, 'staffRequests.empty')));

  shown.forEach((r, i) => {
    const list: Fact[] = [
      { title: t(locale, 'staffRequests.status'), value: requestStatusText(locale, r) },
      { title: t(locale, 'offer.where'), value: r.district },
    ];
    if (r.personLabel) list.push({ title: t(locale, 'task.person'), value: r.personLabel });
    const items: CardElement[] = [
      subheading(`${r.groupLabel} – ${formatDateTime(locale, r.startsAt)}`, { spacing: 'none', size: 'default' }),
      facts(list, { spacing: 'small' }),
    ];
    if (r.summary) items.push(text(r.summary, { isSubtle: true, spacing: 'small' }));
    if (r.selfOrdered) items.push(text(t(locale, 'staffRequests.selfOrdered'), { weight: 'bolder', spacing: 'small' }));
    if (CANCELLABLE.has(r.status)) {
      items.push(
        actionSet([
          showCard(
            t(locale, 'staffRequests.cancel'),
            [text(t(locale, r.status === 'taken' ? 'staffRequests.cancelConfirmTold' : 'staffRequests.cancelConfirmWhen', { when: formatDateTime(locale, r.startsAt) }))],
            [actionButton(channel, t(locale, 'staffRequests.cancelConfirm'), { action: 'staff.request.cancel', requestId: r.requestId }, { style: 'destructive' })],
          ),
        ]),
      );
    }
    body.push(container(items, { separator: i > 0, spacing: 'medium' }));
  });

  body.push(...footer);
  return adaptiveCard(ctx, body, {
    fallbackText: t(locale, 'staffRequests.title'),
    fullWidth: true,
    actions: [
      actionButton(channel, t(locale, 'menu.newRequest'), { action: 'staff.request.new' }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
    ],
  });
}
