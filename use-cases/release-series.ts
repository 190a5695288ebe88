// Nobody took a series offered whole within the wave time (the `series.release` timer, or nobody fit
// it at all: use-cases/create-series.ts): it stops being offered whole, and each visit still to come
// goes out as an ordinary request, with its own wave (infra/requests.ts sendNextWave); the outbox row
// `series.released` closes the series offers. One transaction.
import type { Database, Queryable } from '../infra/db.ts';
import { addOutbox } from '../infra/outbox.ts';
import { markSeriesReleased } from '../infra/series.ts';
import { sendNextWave, type MatchingSettings } from '../infra/requests.ts';

export async function releaseSeries(db: Database, seriesId: string, now: Date, matching: MatchingSettings): Promise<boolean> {
  return db.transaction((tx) => releaseSeriesIn(tx, seriesId, now, matching));
}

/** releaseSeries inside the caller's transaction; false if the series was no longer offered whole. */
export async function releaseSeriesIn(tx: Queryable, seriesId: string, now: Date, matching: MatchingSettings): Promise<boolean> {
  const visits = await markSeriesReleased(tx, seriesId, now);
  if (visits === null) return false;
  for (const id of visits) await sendNextWave(tx, id, now, matching);
  await addOutbox(tx, 'series.released', seriesId);
  return true;
}
