// A person's held requests go out once the basis for them arrives: consent renewed
// (use-cases/renew-consent.ts) or a caregiver's link confirmed (use-cases/decide-caregiver-link.ts).
// One sequence for both: the requests whose time has not passed open again and each sends its wave,
// where the consent gate is asked once more (infra/requests.ts sendNextWave).
import type { Queryable } from '../infra/db.ts';
import { openHeldRequests, sendNextWave, type MatchingSettings } from '../infra/requests.ts';

/** Runs inside the caller's transaction; returns how many offers went out. */
export async function releaseHeldRequests(tx: Queryable, input: { personId: string; at: Date; matching: MatchingSettings }): Promise<number> {
  let released = 0;
  for (const id of await openHeldRequests(tx, input.personId, input.at)) released += (await sendNextWave(tx, id, input.at, input.matching)).offered;
  return released;
}
