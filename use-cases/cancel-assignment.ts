// The volunteer can't make it: their assignment ends with their reason, and the request reopens and
// goes out again without them; staff are told (use-cases/reopen-request.ts). One transaction.
import type { Database } from '../infra/db.ts';
import { dropAssignment } from '../infra/offers.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import { reopenRequest } from './reopen-request.ts';

export type CancelAssignmentResult = { ok: true; requestId: string; reoffered: number } | { ok: false };

export async function cancelAssignment(
  db: Database,
  input: { assignmentId: string; volunteerId: string; reason: string; now: Date; matching: MatchingSettings },
): Promise<CancelAssignmentResult> {
  return db.transaction(async (tx): Promise<CancelAssignmentResult> => {
    const requestId = await dropAssignment(tx, input);
    if (!requestId) return { ok: false };
    const reoffered = await reopenRequest(tx, { requestId, assignmentId: input.assignmentId, at: input.now, matching: input.matching });
    return { ok: true, requestId, reoffered };
  });
}
