// One message to one conversation. Every branch checks the database first so a retried or
// duplicated job never sends twice what already went out.
import { getMember } from '../infra/identities.ts';
import { offerForSend, recordOfferClosedCard, recordOfferDelivered, recordOfferUndeliverable, type OfferForSend } from '../infra/offers.ts';
import { renderClosedOffer, renderNotification, renderOffer, renderResolvedEscalation } from './messages.ts';
import { getNoticeCard, markNoticeCardClosed } from '../infra/notice-cards.ts';
import { keepNoticeCard } from './closing.ts';
import { getRequest } from '../infra/requests.ts';
import { sendJobId, type SendJob } from './queues.ts';
import { redrawInStaffChannel, sendToStaffChannel } from './staff-channel.ts';
import { tell } from './recipients.ts';
import { mayReceive, redrawnWhenSettled } from '../domain/audiences.ts';
import { escalationOutcome } from '../domain/lifecycle.ts';
import { closeSeriesOffer, refreshSeriesOffer, sendSeriesOffer } from './series.ts';
import { pushToMember } from './webchat-delivery.ts';
import { offerClosedPush } from './push-notices.ts';
import { deliverToMember, sendQueuedSms, stillDelivered } from './reach.ts';
import { sendOfferSlice } from './offer-slices.ts';
import { claimOffers } from './send-gate.ts';
import type { SendDeps } from './deps.ts';
import { PaceError, redrawCard } from './conversation.ts';
import { rendersCards } from '../domain/channels.ts';
import { cardChannelOf } from '../adaptive-cards/card.ts';

export async function processSend(deps: SendDeps, job: SendJob): Promise<'sent' | 'skipped' | 'unreachable'> {
  switch (job.kind) {
    case 'offer':
      return sendOffer(deps, job);
    case 'offers':
      return (await sendOfferSlice(deps, job)).sent > 0 ? 'sent' : 'skipped';
    case 'offer.close':
      return closeOffer(deps, job.offerId);
    case 'notify':
      return notify(deps, job);
    case 'channel':
      return sendToStaffChannel(deps, job);
    case 'series.offer':
      return sendSeriesOffer(deps, job);
    case 'series.close':
      return closeSeriesOffer(deps, job.seriesOfferId);
    case 'offer.refresh':
      return refreshOffer(deps, job.offerId, job.startsAtMs);
    case 'series.refresh':
      return refreshSeriesOffer(deps, job.seriesOfferId, job.startsAtMs);
    case 'sms':
      return sendQueuedSms(deps, job.smsId);
    case 'notice.close':
      return closeNoticeCard(deps, job.cardId);
  }
}

async function sendOffer(deps: SendDeps, job: Extract<SendJob, { kind: 'offer' }>) {
  const offerId = job.offerId;
  const offer = await offerForSend(deps.db, offerId);
  if (!offer || offer.status !== 'pending' || offer.request.status !== 'open') return 'skipped' as const;
  if ((offer.activityId || offer.pushedAt) && (await stillDelivered(deps, job, offer.channelId))) return 'skipped' as const;
  // A slice may be sending it right now (jobs/offer-slices.ts): wait for that one to record it.
  if (deps.redis) {
    const [heldMs = 0] = await claimOffers(deps.redis, deps.prefix ?? 'dugnad', [offerId], sendJobId({ kind: 'offer', offerId }));
    if (heldMs > 0) throw new PaceError(heldMs);
  }
  // Each of the volunteer's channels in their order, until one takes it (jobs/reach.ts).
  const reached = await deliverToMember(deps, { memberId: offer.volunteerId, job, render: (ctx) => renderOffer(deps.db, offer, ctx) });
  if ('skipped' in reached) return 'skipped' as const;
  if ('unreachable' in reached) {
    await recordOfferUndeliverable(deps.db, offerId);
    await reportUnreachable(deps, offer, job.attempt ?? 0);
    return 'unreachable' as const;
  }
  const to = reached.sent;
  const after = await recordOfferDelivered(deps.db, { requestId: offer.request.id, offerId, channelId: to.channelId, conversationId: to.conversationId, activityId: to.activityId, at: deps.now(), pushed: to.pushed });
  // Taken while this card (or push) was on its way: close it now rather than leave a live button behind.
  // Only kept for their next visit: that visit reads the offer as it then stands (bot/open-items.ts).
  if ((to.activityId || to.pushed) && after && (after.offerStatus !== 'pending' || after.requestStatus !== 'open')) {
    const close: SendJob = { kind: 'offer.close', offerId };
    await deps.queues.send.add('offer.close', close, { jobId: sendJobId(close) });
  }
  return 'sent' as const;
}

/**
 * A volunteer we could not reach on any channel (never chatted, app not installed, blocked or removed
 * the bot, SMS refused or reported undelivered): staff hear of it instead of the offer silently
 * vanishing — gathered per wave, a little after the last of its volunteers was found unreachable, so
 * the list is complete however long the wave's sends take. One found later (an SMS the gateway reports
 * undelivered after the notice went: the job runs again with `attempt`) makes a new notice.
 */
async function reportUnreachable(deps: SendDeps, offer: OfferForSend, attempt: number): Promise<void> {
  const now = deps.now();
  await tell(deps, ['staff.unreachable'], offer.request.id, {
    at: new Date(now.getTime() + UNREACHABLE_REPORT_DELAY_MS),
    now,
    variant: `w${offer.request.wave}`,
    event: `o${offer.offerId}${attempt ? `a${attempt}` : ''}`,
    gather: true,
  });
}

export const UNREACHABLE_REPORT_DELAY_MS = 5000;

async function closeOffer(deps: SendDeps, offerId: string) {
  const offer = await offerForSend(deps.db, offerId);
  if (!offer || !offer.channelId || (!offer.activityId && !offer.pushedAt)) return 'skipped' as const;
  // Already shows it closed: drawn by a late press's own turn (infra/offers.ts settleAccept), or by this job before a retry.
  if (offer.closedCardSent) return 'skipped' as const;
  // Web Chat's winner had their card replaced with the details in the turn; only Teams' is closed here.
  if (offer.status === 'accepted' && cardChannelOf(offer.channelId) !== 'teams') return 'skipped' as const;
  let result: 'sent' | 'gone' = 'gone';
  if (offer.activityId && offer.conversationId) {
    const card = { volunteerId: offer.volunteerId, channelId: offer.channelId, conversationId: offer.conversationId, activityId: offer.activityId };
    // The winner's Teams user id (MRI) goes on the public card: their client alone asks for the details.
    result = await redrawCard(deps, card, (ctx, ref) => renderClosedOffer(deps.db, offer, ctx, offer.status === 'accepted' ? [ref.user.id] : []));
  }
  // The notification still on their phone says «Oppdraget er tatt» instead of inviting a tap.
  if (offer.pushedAt && offer.status !== 'declined') {
    const member = await getMember(deps.db, offer.volunteerId);
    if (member && (await pushToMember(deps, offer.volunteerId, await offerClosedPush(deps.db, offer, member.locale))) > 0) result = 'sent';
  }
  await recordOfferClosedCard(deps.db, offerId, deps.now());
  return result === 'sent' ? ('sent' as const) : ('skipped' as const);
}

/**
 * The visit moved while its offer card is still open on the volunteer's screen: the card is drawn
 * again in place with the new time, buttons and all. Only while it is still open, and only for the
 * latest move (an older job finds another start and leaves the card to the newer one).
 */
async function refreshOffer(deps: SendDeps, offerId: string, startsAtMs: number) {
  const offer = await offerForSend(deps.db, offerId);
  if (!offer || !offer.activityId || !offer.conversationId || !offer.channelId) return 'skipped' as const;
  if (offer.status !== 'pending' || offer.request.status !== 'open' || offer.request.startsAt.getTime() !== startsAtMs) return 'skipped' as const;
  const card = { volunteerId: offer.volunteerId, channelId: offer.channelId, conversationId: offer.conversationId, activityId: offer.activityId };
  return (await redrawCard(deps, card, (ctx) => renderOffer(deps.db, offer, ctx))) === 'sent' ? ('sent' as const) : ('skipped' as const);
}

async function notify(deps: SendDeps, job: Extract<SendJob, { kind: 'notify' }>) {
  const member = await getMember(deps.db, job.memberId);
  if (!member) return 'unreachable' as const;
  // The last guard (domain/audiences.ts), before anything is rendered for any channel (chat, SMS, push):
  // whoever queued it, a notice never reaches a role outside its audience.
  if (!mayReceive(job.message, member.role)) {
    deps.log.warn({ message: job.message, refId: job.refId, memberId: job.memberId, role: member.role }, 'notice refused: role outside its audience');
    return 'skipped' as const;
  }
  // Each of the member's channels in their order, until one takes it (jobs/reach.ts).
  const reached = await deliverToMember(deps, {
    memberId: job.memberId,
    job,
    render: (ctx, channelId) =>
      renderNotification(deps.db, job.message, job.refId, ctx, { ...(job.variant ? { variant: job.variant } : {}), now: deps.now(), memberId: job.memberId, channelId }),
  });
  if ('skipped' in reached) return 'skipped' as const;
  if (!('sent' in reached)) return 'unreachable' as const;
  // An escalation card shown in a chat is kept track of: it is drawn again once the request is settled.
  const to = reached.sent;
  if (redrawnWhenSettled(job.message) && to.activityId && to.conversationId && rendersCards(to.channelId)) {
    await keepNoticeCard(deps, { requestId: job.refId, message: job.message, to: { memberId: job.memberId }, channelId: to.channelId, conversationId: to.conversationId, activityId: to.activityId, at: deps.now() });
  }
  return 'sent' as const;
}

/**
 * An escalation card whose request was taken, cancelled or expired: drawn again in place as settled,
 * without its buttons (no call list for a task already taken). Once per card; a conversation that is
 * gone is no failure (its buttons answer truly when tapped: bot/staff-commands.ts).
 */
async function closeNoticeCard(deps: SendDeps, cardId: string) {
  const card = await getNoticeCard(deps.db, cardId);
  if (!card || card.closedAt) return 'skipped' as const;
  // Open again (the volunteer cancelled before this ran) and no newer card after it: true as it stands.
  const request = await getRequest(deps.db, card.requestId);
  if (!request || escalationOutcome(request.status, card.superseded) === null) return 'skipped' as const;
  let result: 'sent' | 'gone' = 'gone';
  if (card.memberId) {
    // The same guard as the notice it redraws (notify): one no longer in its audience (left, or now
    // in another role) is not drawn anything more.
    const member = await getMember(deps.db, card.memberId);
    if (member && mayReceive(card.message, member.role)) {
      const to = { volunteerId: card.memberId, channelId: card.channelId, conversationId: card.conversationId, activityId: card.activityId };
      result = await redrawCard(deps, to, async (ctx) => (await renderResolvedEscalation(deps.db, request, ctx, { shared: false, superseded: card.superseded }))!);
    }
  } else if (card.centreId) {
    result = await redrawInStaffChannel(deps, card, request);
  }
  await markNoticeCardClosed(deps.db, cardId, deps.now());
  return result === 'sent' ? ('sent' as const) : ('skipped' as const);
}

