// A volunteer dropped out of a taken request (they cancelled, left its series, lost their standing or
// left Dugnad): it opens again if it has not started — one under way ends not done
// (infra/requests.ts reopenAfterDropOut) — staff are told through the outbox, and the next wave goes to
// volunteers who have not had it yet (infra/requests.ts sendNextWave).
import type { Queryable } from '../infra/db.ts';
import { addOutbox } from '../infra/outbox.ts';
import { reopenAfterDropOut, sendNextWave, type MatchingSettings } from '../infra/requests.ts';

/**
 * Runs inside the caller's transaction, after the assignment was cancelled; returns how many offers
 * went out. `notify: false` when the caller tells once for several (a series left whole).
 */
export async function reopenRequest(
  tx: Queryable,
  input: { requestId: string; assignmentId: string; at: Date; matching: MatchingSettings; notify?: boolean },
): Promise<number> {
  const reopened = await reopenAfterDropOut(tx, input.requestId, input.assignmentId, input.at);
  // A volunteer leaving a whole series is told to the caregiver once, not once per visit.
  if (input.notify !== false) await addOutbox(tx, 'assignment.cancelled', input.assignmentId);
  return (await sendNextWave(tx, input.requestId, input.at, input.matching, { reopened })).offered;
}
