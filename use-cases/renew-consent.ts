// Staff confirm a person's consent is renewed: a new record from today, and the requests that waited
// for it go out (use-cases/release-held-requests.ts), in one transaction.
import type { Database } from '../infra/db.ts';
import { isActivePersonOf, recordRenewedConsent } from '../infra/consent-lifecycle.ts';
import type { MatchingSettings } from '../infra/requests.ts';
import { releaseHeldRequests } from './release-held-requests.ts';

export async function renewConsent(
  db: Database,
  input: { personId: string; centreId: string; staffId: string; at: Date; validityMonths: number; matching: MatchingSettings },
): Promise<{ ok: boolean; released: number }> {
  return db.transaction(async (tx) => {
    if (!(await isActivePersonOf(tx, input.personId, input.centreId))) return { ok: false, released: 0 };
    await recordRenewedConsent(tx, input);
    return { ok: true, released: await releaseHeldRequests(tx, { personId: input.personId, at: input.at, matching: input.matching }) };
  });
}
