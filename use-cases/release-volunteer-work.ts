// A volunteer lost their standing at a centre (`centreId`; null: everywhere) — removed or paused by
// its staff (use-cases/set-volunteer-status.ts), left it (use-cases/save-volunteer-profile.ts), or left
// Dugnad (use-cases/leave-dugnad.ts). Their open offers there close, the series they hold there go back
// whole (the caregiver hears once: use-cases/leave-series.ts), and every task there that is not over is
// cancelled: one that has not started goes out again, one under way ends not done; whoever posted it
// is told (use-cases/reopen-request.ts).
import type { Queryable } from '../infra/db.ts';
import { endAssignmentsAt, withdrawOffersAt } from '../infra/volunteers.ts';
import { seriesHeldBy } from '../infra/series.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import type { CancelReasonCode } from '../domain/confidentiality.ts';
import { leaveSeriesIn } from './leave-series.ts';
import { reopenRequest } from './reopen-request.ts';

/** Runs inside the caller's transaction; returns the requests the volunteer's tasks were on. */
export async function releaseVolunteerWork(
  tx: Queryable,
  input: { memberId: string; centreId: string | null; reason: CancelReasonCode; at: Date; matching: MatchingSettings },
): Promise<string[]> {
  const { memberId, centreId, at, matching } = input;
  await withdrawOffersAt(tx, memberId, centreId);
  for (const seriesId of await seriesHeldBy(tx, memberId, centreId)) await leaveSeriesIn(tx, { seriesId, volunteerId: memberId, now: at, matching });
  const released = await endAssignmentsAt(tx, input);
  for (const a of released) await reopenRequest(tx, { requestId: a.requestId, assignmentId: a.id, at, matching });
  return released.map((a) => a.requestId);
}
