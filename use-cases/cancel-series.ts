// The caregiver (or staff of the centre) cancels every visit of a series still to come; past ones stay
// as they were. The visits' assignments end and their offers close (infra/requests.ts
// closeCancelledRequests), the series offers too, and the volunteers who had visits are told once,
// through the outbox (`series.cancelled`). One transaction.
import type { Database } from '../infra/db.ts';
import { addOutbox } from '../infra/outbox.ts';
import { markSeriesCancelled, withdrawSeriesOffers } from '../infra/series.ts';
import { closeCancelledRequests } from '../infra/requests.ts';

export async function cancelSeries(
  db: Database,
  input: { seriesId: string; centreId: string; by: string; now: Date; onlyOwn: boolean },
): Promise<{ ok: true; cancelled: number; volunteerTold: boolean } | { ok: false }> {
  return db.transaction(async (tx) => {
    const visits = await markSeriesCancelled(tx, input);
    if (visits === null) return { ok: false as const };
    const ended = await closeCancelledRequests(tx, visits, input.now);
    await withdrawSeriesOffers(tx, [input.seriesId]);
    await addOutbox(tx, 'series.cancelled', input.seriesId);
    return { ok: true as const, cancelled: visits.length, volunteerTold: ended > 0 };
  });
}
