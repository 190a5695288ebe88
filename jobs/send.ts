// One message to one conversation. Every branch checks the database first so a retried or
// duplicated job never sends twice what already went out.
import type { Database } from '../infra/db.ts';
import { getMember } from '../infra/identities.ts';
import { conversationIn, markUnreachable } from '../infra/identities.ts';
import { offerForSend, recordOfferClosedCard, recordOfferDelivered, recordOfferUndeliverable, type OfferForSend } from '../infra/offers.ts';
import { SendError, type Messenger, type OutgoingActivity } from '../infra/connector.ts';
import type { CardContext } from '../adaptive-cards/card.ts';
import type { Logger } from '../infra/log.ts';
import type { RedisClient } from '../infra/redis.ts';
import { renderClosedOffer, renderNotification, renderOffer, channelOf } from './messages.ts';
import { sendJobId, type Queues, type SendJob } from './queues.ts';
import { sendToStaffChannel } from './staff-channel.ts';
import { tell } from './recipients.ts';
import { mayReceive } from '../domain/audiences.ts';
import { closeSeriesOffer, refreshSeriesOffer, sendSeriesOffer } from './series.ts';
import { pushToMember, type PushDeps } from './webchat-delivery.ts';
import { offerClosedPush } from './push-notices.ts';
import { deliverToMember, sendQueuedSms, stillDelivered, type ChannelDeps } from './reach.ts';
import { rendersCards } from '../domain/channels.ts';
import { sendOfferSlice } from './offer-slices.ts';
import { claimOffers, type RateGate, type SendPermits } from './send-gate.ts';

export interface SendDeps {
  db: Database;
  messenger: Messenger;
  queues: Queues;
  log: Logger;
  now: () => Date;
  /** For per-conversation pacing across all workers. */
  redis?: RedisClient;
  prefix?: string;
  paceMs?: number;
  /** Web Push for the web chat; absent = no push (not configured). */
  push?: PushDeps;
  /** SMS and the settings around it (jobs/reach.ts); without it, SMS is off. */
  channels?: ChannelDeps;
  /** What a slice of offers (jobs/offer-slices.ts) shares with the worker; absent: no limits (tests calling processSend directly). */
  slice?: SliceDeps;
}

export interface SliceDeps {
  /** The connector without the per-send rate gate: a slice reserves its slots at once. */
  messenger: Messenger;
  permits: SendPermits;
  rate: RateGate | null;
  /** Pause the send queue (a 429's Retry-After). */
  pause(ms: number): Promise<void>;
}

/** This conversation had a message a moment ago; wait `waitMs` before sending the next. */
export class PaceError extends Error {
  constructor(readonly waitMs: number) {
    super('paced');
  }
}

/** At most one message per conversation (or SMS number) per `paceMs`, across every worker process (a Redis key with a TTL). */
export async function pace(deps: SendDeps, conversationId: string, paceMs = deps.paceMs): Promise<void> {
  if (!deps.redis || !paceMs) return;
  const key = `${deps.prefix ?? 'dugnad'}:pace:${conversationId}`;
  const ok = await deps.redis.set(key, '1', 'PX', paceMs, 'NX');
  if (ok === 'OK') return;
  const ttl = await deps.redis.pttl(key);
  throw new PaceError(Math.max(10, ttl));
}

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
  const after = await recordOfferDelivered(deps.db, { offerId, channelId: to.channelId, conversationId: to.conversationId, activityId: to.activityId, at: deps.now(), pushed: to.pushed });
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

type ConversationRef = NonNullable<Awaited<ReturnType<typeof conversationIn>>>;

/**
 * A card already in a volunteer's chat, drawn again in place (closed, or with a new time).
 * 'gone': the conversation it lives in can no longer be addressed; a click on it is answered kindly.
 */
export async function redrawCard(
  deps: SendDeps,
  card: { volunteerId: string; channelId: string; conversationId: string; activityId: string },
  render: (ctx: CardContext, ref: ConversationRef) => Promise<OutgoingActivity>,
): Promise<'sent' | 'gone'> {
  // A text (an SMS) cannot be drawn again: whoever answers it late is told then.
  if (!rendersCards(card.channelId)) return 'gone';
  const [ref, member] = await Promise.all([conversationIn(deps.db, card.volunteerId, card.channelId), getMember(deps.db, card.volunteerId)]);
  if (!ref || !member || ref.conversation.id !== card.conversationId) return 'gone';
  const activity = await render({ locale: member.locale, channel: channelOf(card.channelId) }, ref);
  await pace(deps, ref.conversation.id);
  await deps.messenger.update(ref, card.activityId, activity).catch((err: unknown) => {
    if (err instanceof SendError && err.final) return; // the card is gone; nothing to update
    throw err;
  });
  return 'sent';
}

async function closeOffer(deps: SendDeps, offerId: string) {
  const offer = await offerForSend(deps.db, offerId);
  if (!offer || !offer.channelId || (!offer.activityId && !offer.pushedAt)) return 'skipped' as const;
  // Web Chat's winner had their card replaced with the details in the turn; only Teams' is closed here.
  if (offer.status === 'accepted' && channelOf(offer.channelId) !== 'teams') return 'skipped' as const;
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
  return 'sent' in reached ? ('sent' as const) : ('unreachable' as const);
}

/** Sends; a final refusal (blocked, removed) marks the account unreachable instead of retrying forever. */
export async function deliver<T>(deps: SendDeps, ref: { channelId: string; user: { id: string } }, send: () => Promise<T>, ref_id: string): Promise<T | null> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof SendError && err.final) {
      await chatRefused(deps, ref, err, ref_id);
      return null;
    }
    throw err;
  }
}

/** A final refusal from a chat (blocked, removed): logged, and the account marked unreachable. */
export async function chatRefused(deps: SendDeps, ref: { channelId: string; user: { id: string } }, err: SendError, refId: string): Promise<void> {
  deps.log.warn({ status: err.status, channelId: ref.channelId, refId }, 'recipient unreachable');
  if (err.status === 403 || err.status === 404) await markUnreachable(deps.db, ref.channelId, ref.user.id);
}
