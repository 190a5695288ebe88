// A wave's offers go out in slices (one job per OFFER_SLICE_SIZE offers): one read for the slice, the
// card rendered once per locale and channel (only the offer id differs), the sends side by side over
// the connector's keep-alive agent, and one UPDATE recording them all. Per offer, what sendOffer
// guarantees still holds: an offer already delivered, already failed on a channel, going first by SMS,
// to a volunteer who has left, or to one with push devices, is handed to its own `offer` job (the
// one-offer path, jobs/send.ts and jobs/reach.ts), as is any offer whose send was refused, paced,
// rate-limited or failed — nothing here decides anything that path would decide differently.
import { channelOrder, rendersCards } from '../domain/channels.ts';
import { isGatewaySms, offerMessageKey, recordDeliveryFailure } from '../infra/channels.ts';
import { isCluster } from '../infra/redis.ts';
import { SendError } from '../infra/connector.ts';
import { offersForSlice, recordOffersDelivered, type SliceOffer } from '../infra/offers.ts';
import { getRequest } from '../infra/requests.ts';
import type { HelpRequest } from '../domain/types.ts';
import { cardChannelOf, type CardContext } from '../adaptive-cards/card.ts';
import { renderOffer } from './messages.ts';
import { kickOutbox, sendJobId, type Queues, type SendJob } from './queues.ts';
import { queueJobs, type TimedJob } from './recipients.ts';
import { chatRefused } from './conversation.ts';
import type { SendDeps } from './deps.ts';
import { isWebChat, webChatRefused } from './webchat-delivery.ts';
import { claimOffers, passClaims, sleep } from './send-gate.ts';

/**
 * Offers per slice: as many as one worker may have out unrecorded (SEND_CONCURRENCY in workers.ts).
 * One slice's sends are in flight while the next reads its offers and the last records its own; a
 * slice of 50 rather than 25 halves the statements and Redis calls per offer (docs/benchmarks.md).
 */
export const OFFER_SLICE_SIZE = 50;

export type SliceJob = Extract<SendJob, { kind: 'offers' }>;

/**
 * A wave's offers (in the order they are sent: by id) as slice jobs named by the wave's outbox row and
 * their place in it. Whoever queues them — the outbox's dispatch, or first the turn that posted the
 * request — queues the same job ids, so the second add of a slice is a no-op.
 */
export function sliceJobs(requestId: string, outboxId: number, offerIds: readonly string[], at: Date): TimedJob[] {
  const jobs: TimedJob[] = [];
  for (let i = 0; i * OFFER_SLICE_SIZE < offerIds.length; i++) {
    const slice = offerIds.slice(i * OFFER_SLICE_SIZE, (i + 1) * OFFER_SLICE_SIZE);
    jobs.push({ job: { kind: 'offers', requestId, offerIds: slice, part: `o${outboxId}.${i}` }, at });
  }
  return jobs;
}

/**
 * The largest wave the turn that posted it queues itself (queueWave): a bigger one's sends take long
 * enough that one more hop does not count, and its ids would weigh on the turn.
 */
export const WAVE_QUEUED_BY_THE_TURN = 20 * OFFER_SLICE_SIZE;

/**
 * Right after the posting commits: the wave's slices queued at once, rather than one hop later when the
 * dispatch has read the row, the request and the offers again (the first offers then reach volunteers
 * ~10 ms sooner; docs/benchmarks.md), and then the row's dispatch, marked `sliced` so that it only adds
 * the request's timers. Always the whole wave, in one addBulk, and the dispatch only after it: should
 * the add fail, no dispatch says `sliced`, and the one the turn or the poller queues instead reads the
 * unsent offers and queues them all. A poller's job for the row that comes first slices what is still
 * unsent, which may already be fewer: its same ids are no-ops only because every offer is in a slice
 * queued here. Only for offers that may go now: quiet hours' holding is the dispatch's.
 */
export async function queueWave(queues: Queues, requestId: string, wave: { outboxId: number; offerIds: readonly string[] }, now: Date): Promise<void> {
  await queueJobs(queues, sliceJobs(requestId, wave.outboxId, wave.offerIds, now), now);
  await kickOutbox(queues, [wave.outboxId], { sliced: true });
}

/** Stands for the offer id in the card rendered once per slice; never a real offer's (uuid v4 has a 4 there). */
const OFFER_ID_MARK = '00000000-0000-0000-0000-0000000ffe75';

interface Planned {
  offer: SliceOffer;
  address: NonNullable<SliceOffer['reach']>['addresses'][number];
  ctx: CardContext;
}

/** Sends a slice's offers; answers how many went from here (the rest were skipped or handed on). */
export async function sendOfferSlice(deps: SendDeps, job: SliceJob): Promise<{ sent: number; handedOn: number }> {
  const { db } = deps;
  // The request once for the slice, beside its offers (each of which says how the request stands).
  const [request, offers] = await Promise.all([getRequest(db, job.requestId), offersForSlice(db, job.offerIds, deps.now())]);
  if (!request) return { sent: 0, handedOn: 0 };
  const planned: Planned[] = [];
  const handOn: string[] = [];
  const open = offers.filter((o) => o.status === 'pending' && o.requestId === request.id && o.requestStatus === 'open'); // sendOffer skips the others too
  // Delivered already (a slice run again): done, unless a channel failed since — then its own job decides.
  const toSend = open.filter((o) => !(o.activityId || o.pushedAt) || o.failedBefore);
  const candidates = toSend.map((offer) => {
    const address = offer.reach && !offer.failedBefore && !offer.activityId && !offer.pushedAt ? firstAddress(deps, offer) : null;
    return !address || (offer.hasPush && deps.push) ? { offer, address: null } : { offer, address, ctx: { locale: offer.reach!.locale, channel: cardChannelOf(address.channelId) } };
  });
  // Each card (one per locale and channel) rendered while the claims are taken: rendering sends nothing.
  const cardKey = (p: Pick<Planned, 'ctx'>) => `${p.ctx.locale}|${p.ctx.channel}`;
  const [held, cards] = await Promise.all([
    deps.redis ? claimOffers(deps.redis, deps.prefix ?? 'dugnad', toSend.map((o) => o.offerId), sendJobId(job)) : toSend.map(() => 0),
    renderCards(deps, request, candidates.filter((c): c is Planned => c.address !== null), cardKey),
  ]);
  candidates.forEach((c, i) => {
    // Another job is sending it: that one records it (or, failing, its retries do).
    if (held[i]! > 0) return;
    if (c.address) planned.push(c as Planned);
    else handOn.push(c.offer.offerId);
  });

  const slice = deps.slice;
  const release = slice ? await slice.permits.take(planned.length) : () => undefined;
  const sent: Array<{ offerId: string; channelId: string; conversationId: string; activityId: string }> = [];
  /** Handed on, each after its own wait (a 429's Retry-After; 0 for the rest). */
  const delays = new Map<string, number>();
  let retryAfterMs: number | null = null;
  // Our own credentials refused (401): the others in the slice are handed on like any failed send, and
  // the refusal is raised once the slice is recorded, so the worker alerts and pauses as for one offer.
  let authRefused: SendError | null = null;
  try {
    const paced = await paceAll(deps, planned.map((p) => p.address.ref.conversation.id));
    const rate = slice?.rate ?? null;
    // The slice's slots in the tenant's budget, evenly spaced (jobs/send-gate.ts).
    const slots = rate ? await rate.reserve(planned.length) : null;
    const t0 = Date.now();
    await Promise.all(
      planned.map(async (p, i) => {
        if (!paced[i]) return void handOn.push(p.offer.offerId);
        const activity = { json: cards.get(cardKey(p))!.join(p.offer.offerId) };
        if (slots) await sleep(t0 + i * slots.intervalMs - Date.now());
        try {
          const res = await (slice?.messenger ?? deps.messenger).send(p.address.ref, activity);
          sent.push({ offerId: p.offer.offerId, channelId: p.address.channelId, conversationId: p.address.ref.conversation.id, activityId: res.id });
        } catch (err) {
          // Busy or down: the one-offer path tries again. Refused for good: recorded as that path records
          // it (jobs/reach.ts), so it goes on to the volunteer's next channel, or tells staff.
          if (err instanceof SendError && err.final) await recordRefusal(deps, p, err);
          else if (err instanceof SendError && err.rateLimited) {
            // This offer waits the Retry-After on its own job; the others keep their slots (the gate
            // decides whether the whole budget must wait).
            const waitMs = err.retryAfterMs ?? 1000;
            delays.set(p.offer.offerId, waitMs);
            if (rate) await rate.refused(waitMs).catch(() => 0);
            else retryAfterMs = Math.max(retryAfterMs ?? 0, waitMs);
          } else if (err instanceof SendError && err.authFailed) authRefused = err;
          else if (!(err instanceof SendError)) deps.log.warn({ err: (err as Error).message, kind: 'offers' }, 'offer send failed; handed to its own job');
          handOn.push(p.offer.offerId);
        }
      }),
    );
    const after = await recordOffersDelivered(db, job.requestId, sent, deps.now());
    // Taken or cancelled while these were on their way: closed now rather than left with a live button.
    const close = after.filter((a) => a.offerStatus !== 'pending' || a.requestStatus !== 'open').map((a): SendJob => ({ kind: 'offer.close', offerId: a.offerId }));
    const again = handOn.map((offerId) => ({ kind: 'offer' as const, offerId }));
    if (deps.redis) await passClaims(deps.redis, deps.prefix ?? 'dugnad', handOn, (offerId) => sendJobId({ kind: 'offer', offerId }));
    const jobs = [
      ...close.map((data) => ({ name: data.kind, data, opts: { jobId: sendJobId(data) } })),
      ...again.map((data) => ({ name: data.kind, data, opts: { jobId: sendJobId(data), delay: delays.get(data.offerId) ?? retryAfterMs ?? 0 } })),
    ];
    if (jobs.length > 0) await deps.queues.send.addBulk(jobs);
  } finally {
    release();
  }
  if (authRefused) throw authRefused;
  // The channel asked us to slow down and no budget gate paces the sends: the whole queue waits.
  if (retryAfterMs !== null) await slice?.pause(retryAfterMs);
  return { sent: sent.length, handedOn: handOn.length };
}

/** The slice's cards as JSON, once per key, cut where each offer's id goes (join them with it). */
async function renderCards(deps: SendDeps, request: HelpRequest, planned: readonly Planned[], keyOf: (p: Planned) => string): Promise<Map<string, string[]>> {
  const first = new Map<string, Planned>();
  for (const p of planned) if (!first.has(keyOf(p))) first.set(keyOf(p), p);
  const rendered = await Promise.all(
    [...first].map(async ([key, p]) => [key, JSON.stringify(await renderOffer(deps.db, { ...p.offer, request, offerId: OFFER_ID_MARK }, p.ctx)).split(OFFER_ID_MARK)] as const),
  );
  return new Map(rendered);
}

async function recordRefusal(deps: SendDeps, p: Planned, err: SendError): Promise<void> {
  const key = offerMessageKey(p.offer.offerId);
  const refused = isWebChat(p.address.channelId) ? await webChatRefused(deps, p.address.ref, err, 'offer') : (await chatRefused(deps, p.address.ref, err, 'offer'), true);
  if (refused) await recordDeliveryFailure(deps.db, { messageKey: key, channel: p.address.kind, memberId: p.offer.volunteerId, at: deps.now() });
}

/** The first channel in the volunteer's order, when it is a chat that shows cards (else: the one-offer path). */
function firstAddress(deps: SendDeps, offer: SliceOffer) {
  const reach = offer.reach!;
  const usable = reach.addresses.filter((a) => !isGatewaySms(a.ref) || deps.channels?.sms);
  const first = channelOrder(reach.preferred, usable)[0];
  return first && !isGatewaySms(first.ref) && rendersCards(first.channelId) ? first : null;
}

/** pace() for many conversations in one Redis round trip: true where this send may go now. */
async function paceAll(deps: SendDeps, conversationIds: readonly string[]): Promise<boolean[]> {
  if (!deps.redis || !deps.paceMs || conversationIds.length === 0) return conversationIds.map(() => true);
  const key = (id: string) => `${deps.prefix ?? 'dugnad'}:pace:${id}`;
  // A cluster spreads the keys over nodes, where one pipeline cannot go.
  if (isCluster(deps.redis)) return Promise.all(conversationIds.map(async (id) => (await deps.redis!.set(key(id), '1', 'PX', deps.paceMs!, 'NX')) === 'OK'));
  const pipeline = deps.redis.pipeline();
  for (const id of conversationIds) pipeline.set(key(id), '1', 'PX', deps.paceMs, 'NX');
  const results = (await pipeline.exec()) ?? [];
  return conversationIds.map((_, i) => results[i]?.[1] === 'OK');
}
