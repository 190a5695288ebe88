// Staff erase a person helped on request (GDPR art. 17), for their own centre: consent is recorded as
// withdrawn and requests still ahead are cancelled by the same rule as a withdrawn consent
// (use-cases/cancel-person-requests.ts: a visit already under way keeps its status and its hours; the
// assigned volunteer and those with an offer are told, without details, through the outbox), then
// everything that names or describes the person is erased (infra/privacy.ts eraseRecordsOfPerson).
// One transaction; safe to repeat.
import type { Database } from '../infra/db.ts';
import { eraseRecordsOfPerson, lockPersonForErasure, type ErasedRecords } from '../infra/privacy.ts';
import { cancelPersonRequests } from './cancel-person-requests.ts';

export type EraseResult = { ok: false } | ({ ok: true; alreadyErased: boolean; cancelledRequests: number } & ErasedRecords);

export async function erasePerson(
  db: Database,
  input: { personId: string; centreId: string; staffId: string; channelId: string; at: Date },
): Promise<EraseResult> {
  return db.transaction(async (tx): Promise<EraseResult> => {
    const found = await lockPersonForErasure(tx, input.personId, input.centreId);
    if (!found) return { ok: false };
    const cancelled = await cancelPersonRequests(tx, { personId: input.personId, by: input.staffId, at: input.at });
    const erased = await eraseRecordsOfPerson(tx, input);
    return { ok: true, alreadyErased: found.erasedAt !== null, cancelledRequests: cancelled.length, ...erased };
  });
}
