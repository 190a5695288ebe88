// The regular volunteer steps back from the whole series: every visit still to come opens again and
// goes out as an ordinary request (without them); the caregiver is told once (the `series.left`
// outbox row, not one notice per visit).
import type { Database, Queryable } from '../infra/db.ts';
import { addOutbox } from '../infra/outbox.ts';
import { giveUpSeries } from '../infra/series.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import { reopenRequest } from './reopen-request.ts';

export type LeaveSeriesResult = { ok: true; freed: number } | { ok: false };

export async function leaveSeries(db: Database, input: { seriesId: string; volunteerId: string; now: Date; matching: MatchingSettings }): Promise<LeaveSeriesResult> {
  return db.transaction((tx) => leaveSeriesIn(tx, input));
}

/** leaveSeries inside the caller's transaction: also when the volunteer loses their standing or leaves Dugnad (use-cases/release-volunteer-work.ts). */
export async function leaveSeriesIn(tx: Queryable, input: { seriesId: string; volunteerId: string; now: Date; matching: MatchingSettings }): Promise<LeaveSeriesResult> {
  const freed = await giveUpSeries(tx, input);
  if (!freed) return { ok: false };
  for (const a of freed) await reopenRequest(tx, { requestId: a.requestId, assignmentId: a.id, at: input.now, matching: input.matching, notify: false });
  await addOutbox(tx, 'series.left', input.seriesId);
  return { ok: true, freed: freed.length };
}
