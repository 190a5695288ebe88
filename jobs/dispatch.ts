// Outbox event → the individual sends it leads to. Idempotent: re-running an event queues the same
// deterministic job ids, which BullMQ ignores while the first ones are kept.
import type { Database } from '../infra/db.ts';
import { getOutbox, markDispatched } from '../infra/outbox.ts';
import { offersToClose, unsentOffers, assignmentInfo } from '../infra/offers.ts';
import { getRequest } from '../infra/requests.ts';
import { sendJobId, type Queues, type SendJob } from './queues.ts';

export async function dispatchOutbox(db: Database, queues: Queues, outboxId: number): Promise<void> {
  const row = await getOutbox(db, outboxId);
  if (!row || row.dispatched) return;
  const jobs: SendJob[] = [];
  switch (row.kind) {
    case 'offers.send':
      for (const offerId of await unsentOffers(db, row.refId)) jobs.push({ kind: 'offer', offerId });
      break;
    case 'request.taken': {
      for (const offerId of await offersToClose(db, row.refId)) jobs.push({ kind: 'offer.close', offerId });
      const request = await getRequest(db, row.refId);
      if (request?.createdBy) jobs.push({ kind: 'notify', memberId: request.createdBy, message: 'staff.requestTaken', refId: row.refId });
      break;
    }
    case 'request.cancelled': {
      for (const offerId of await offersToClose(db, row.refId)) jobs.push({ kind: 'offer.close', offerId });
      const assigned = await db.query<{ volunteer_id: string }>(
        `SELECT volunteer_id FROM assignments WHERE request_id = $1 AND cancel_reason = 'request_cancelled'`,
        [row.refId],
      );
      for (const a of assigned) jobs.push({ kind: 'notify', memberId: a.volunteer_id, message: 'volunteer.requestCancelled', refId: row.refId });
      break;
    }
    case 'volunteer.approved':
      jobs.push({ kind: 'notify', memberId: row.refId, message: 'volunteer.approved', refId: row.refId });
      break;
    case 'assignment.cancelled': {
      const info = await assignmentInfo(db, row.refId);
      if (info?.createdBy) jobs.push({ kind: 'notify', memberId: info.createdBy, message: 'staff.assignmentCancelled', refId: row.refId });
      break;
    }
  }
  if (jobs.length) await queues.send.addBulk(jobs.map((data) => ({ name: data.kind, data, opts: { jobId: sendJobId(data) } })));
  await markDispatched(db, outboxId);
}
