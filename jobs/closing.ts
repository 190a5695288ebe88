// A request no longer waits for anyone (taken, cancelled, expired): the cards that still say it does are
// drawn again — each open offer, and each escalation card staff were sent (infra/notice-cards.ts).
import { offersToClose } from '../infra/offers.ts';
import { openNoticeCards, recordNoticeCard } from '../infra/notice-cards.ts';
import type { Queryable } from '../infra/db.ts';
import { sendJobId, type Queues, type SendJob } from './queues.ts';
import type { TimedJob } from './recipients.ts';

/** `event`: the outbox row that settled the request (SendJob 'notice.close'). */
export async function closingJobs(db: Queryable, requestId: string, now: Date, event: number): Promise<TimedJob[]> {
  const jobs: TimedJob[] = [];
  for (const offerId of await offersToClose(db, requestId)) jobs.push({ job: { kind: 'offer.close', offerId }, at: now });
  for (const cardId of await openNoticeCards(db, requestId)) jobs.push({ job: { kind: 'notice.close', cardId, event: `o${event}` }, at: now });
  return jobs;
}

/**
 * Keeps track of an escalation card just sent, so that it is drawn again once its request is settled.
 * Settled while the card was on its way (taken during the send), the request's closing may already
 * have run without it: it is closed now. An older card about the same request still open in the same
 * chat (taken, then open again before its closing ran) is drawn as superseded by this one, so staff
 * see one card asking for help, not two.
 */
export async function keepNoticeCard(deps: { db: Queryable; queues: Queues }, card: Parameters<typeof recordNoticeCard>[1]): Promise<void> {
  const kept = await recordNoticeCard(deps.db, card);
  const close: SendJob[] = [
    ...(kept.settled ? [{ kind: 'notice.close' as const, cardId: kept.id }] : []),
    ...kept.older.map((cardId) => ({ kind: 'notice.close' as const, cardId, event: `s${kept.id}` })),
  ];
  if (close.length > 0) await deps.queues.send.addBulk(close.map((job) => ({ name: job.kind, data: job, opts: { jobId: sendJobId(job) } })));
}
