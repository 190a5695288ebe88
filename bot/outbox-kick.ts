// After a change commits, queue its outbox rows right away instead of waiting for the poller.
// If Redis is down this is skipped silently: the rows stay in the database and the poller sends them.
import { pendingOutbox } from '../infra/outbox.ts';
import { kickOutbox, type Queues } from '../jobs/queues.ts';
import type { Database } from '../infra/db.ts';

export async function kickPendingOutbox(deps: { db: Database; queues: Queues }): Promise<void> {
  try {
    const rows = await pendingOutbox(deps.db, 200);
    await kickOutbox(deps.queues, rows.map((r) => r.id));
  } catch {
    // the poller will pick them up
  }
}
