// Staff record that a person's consent is withdrawn: what has not started stops
// (use-cases/cancel-person-requests.ts) and the person's details are erased, on the person and on
// every request about them (infra/consent-lifecycle.ts), in one transaction.
import type { Database } from '../infra/db.ts';
import { eraseDetailsOnWithdrawal, isActivePersonOf } from '../infra/consent-lifecycle.ts';
import { cancelPersonRequests } from './cancel-person-requests.ts';

export async function withdrawConsent(db: Database, input: { personId: string; centreId: string; staffId: string; at: Date }): Promise<{ ok: boolean; cancelled: number }> {
  return db.transaction(async (tx) => {
    if (!(await isActivePersonOf(tx, input.personId, input.centreId))) return { ok: false, cancelled: 0 };
    const cancelled = await cancelPersonRequests(tx, { personId: input.personId, by: input.staffId, at: input.at });
    await eraseDetailsOnWithdrawal(tx, input);
    return { ok: true, cancelled: cancelled.length };
  });
}
