// Staff, a caregiver, a case system or a person helped posts a request (the chat form, bot/api.ts,
// use-cases/ask-for-help.ts): the time and the person are checked, the consent gate is asked
// (infra/broadcast-hold.ts broadcastHoldOf, domain/consent.ts), and in one transaction the request row
// is stored, the act audited and the first wave offered (infra/requests.ts sendNextWave, which writes
// the outbox row `offers.send`). A request whose consent or staff's word on a caregiver's link is
// missing is saved held and goes out later (use-cases/release-held-requests.ts).
import type { Database, Queryable } from '../infra/db.ts';
import { audit } from '../infra/audit.ts';
import { getPersonCentre } from '../infra/persons.ts';
import { broadcastHoldOf } from '../infra/broadcast-hold.ts';
import { insertRequestRow, sendNextWave, type MatchingSettings, type OfferedWave } from '../infra/requests.ts';
import type { BroadcastHold } from '../domain/consent.ts';
import { osloWallClock } from '../domain/time-zone.ts';

export type PostRequestResult =
  /** `heldFor`: why a saved request does not go out yet (no valid consent, or a caregiver link staff have not confirmed). */
  | { ok: true; requestId: string; status: 'open' | 'waiting_consent'; heldFor: BroadcastHold | null; offered: number; wave: OfferedWave | null }
  | { ok: false; errors: Record<string, string> };

export type PostRequestInput = Parameters<typeof insertRequestRow>[1] & {
  matching: MatchingSettings;
  /** A window over several days («når som helst denne uka», issue 19) instead of the fields' date, time and «fleksibel til». */
  window?: { startsAt: Date; flexibleUntil: Date | null };
  /** The first wave's offer ids are returned when it has at most this many (OfferedWave.offerIds). */
  idsUpTo?: number;
};

export async function postRequest(db: Database, input: PostRequestInput): Promise<PostRequestResult> {
  const f = input.fields;
  const startsAt = input.window?.startsAt ?? osloWallClock(f.date, f.time);
  if (startsAt.getTime() <= input.now.getTime()) return { ok: false, errors: { date: 'error.past' } };
  const flexibleUntil = input.window ? input.window.flexibleUntil : f.flexibleUntilTime ? osloWallClock(f.date, f.flexibleUntilTime) : null;
  if (flexibleUntil && flexibleUntil.getTime() <= startsAt.getTime()) return { ok: false, errors: { flexibleUntilTime: 'error.flexibleBeforeStart' } };
  const gate = await postingGate(db, input);
  if (!gate) return { ok: false, errors: { personId: 'error.unknownPerson' } };
  const { heldFor, status } = gate;

  return db.transaction(async (tx) => {
    const requestId = await insertRequestRow(tx, input, { startsAt, flexibleUntil, status });
    await audit(tx, { actorId: input.createdBy, action: 'request.create', requestId, personId: f.personId, at: input.now });
    const wave = status === 'open' ? await sendNextWave(tx, requestId, input.now, input.matching, { idsUpTo: input.idsUpTo ?? 0 }) : null;
    return { ok: true as const, requestId, status, heldFor, offered: wave?.offered ?? 0, wave };
  });
}

/**
 * Whether a request (or a series: use-cases/create-series.ts) may be posted about this person — one of
 * the centre's people, not erased (null: it may not) — and whether it goes out now or waits held: the
 * consent gate, valid consent and no caregiver link waiting for staff.
 */
export async function postingGate(
  db: Queryable,
  input: { centreId: string; fields: { personId: string }; now: Date },
): Promise<{ heldFor: BroadcastHold | null; status: 'open' | 'waiting_consent' } | null> {
  const person = await getPersonCentre(db, input.fields.personId);
  if (!person || person.erased || person.centreId !== input.centreId) return null;
  const heldFor = await broadcastHoldOf(db, input.fields.personId, input.now);
  return { heldFor, status: heldFor === null ? 'open' : 'waiting_consent' };
}
