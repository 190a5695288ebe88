// A request no longer waits for anyone (taken, cancelled, expired): the cards that still say it does are
// drawn again — each open offer, and each escalation card staff were sent (infra/notice-cards.ts).
import { offersToClose } from '../infra/offers.ts';
import { openNoticeCards } from '../infra/notice-cards.ts';
import type { Queryable } from '../infra/db.ts';
import type { TimedJob } from './recipients.ts';

export async function closingJobs(db: Queryable, requestId: string, now: Date): Promise<TimedJob[]> {
  const jobs: TimedJob[] = [];
  for (const offerId of await offersToClose(db, requestId)) jobs.push({ job: { kind: 'offer.close', offerId }, at: now });
  for (const cardId of await openNoticeCards(db, requestId)) jobs.push({ job: { kind: 'notice.close', cardId }, at: now });
  return jobs;
}
