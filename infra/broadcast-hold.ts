// Whether a request about a person may go out now — their consent, then the wait on a link staff must
// verify (a caregiver's, or a person who signed up themselves) — and the start of that wait. Apart from
// the request, person and link stores so each can ask without importing the others.
import type { Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import { consentsOf } from './consents.ts';
import { broadcastHold, consentState, type BroadcastHold } from '../domain/consent.ts';

export type LinkStatus = 'pending' | 'confirmed' | 'rejected';

/**
 * Whether a request about this person may go out now (domain/consent.ts broadcastHold: consent, then
 * the caregiver link): the one read every broadcast asks — a new request, a new series, each wave.
 */
export async function broadcastHoldOf(db: Queryable, personId: string, now: Date): Promise<BroadcastHold | null> {
  const rows = await db.query<{ link_status: LinkStatus | null }>('SELECT link_status FROM persons WHERE id = $1', [personId]);
  return broadcastHold(consentState(await consentsOf(db, personId), now), rows[0]?.link_status ?? null);
}

/** Who registered the person: a caregiver (their link), or the person themselves (issue 19). Each has its centre setting. */
export type LinkKind = 'caregiver' | 'self';
const SETTING: Readonly<Record<LinkKind, string>> = { caregiver: 'verify_caregiver_links', self: 'verify_self_registrations' };

export async function verifiesLinks(db: Queryable, centreId: string, kind: LinkKind): Promise<boolean> {
  const rows = await db.query<{ on: boolean }>(`SELECT ${SETTING[kind]} AS on FROM centres WHERE id = $1`, [centreId]);
  return rows[0]?.on === true;
}

export async function setVerifyLinks(db: Queryable, centreId: string, kind: LinkKind, on: boolean): Promise<void> {
  await db.query(`UPDATE centres SET ${SETTING[kind]} = $2 WHERE id = $1`, [centreId, on]);
}

/**
 * A caregiver just registered this person, or the person signed up themselves (same transaction):
 * where the centre verifies such people, the person waits and the centre's staff are asked. Returns
 * whether they wait.
 */
export async function holdNewLink(tx: Queryable, personId: string, centreId: string, kind: LinkKind): Promise<boolean> {
  if (!(await verifiesLinks(tx, centreId, kind))) return false;
  await tx.query(`UPDATE persons SET link_status = 'pending' WHERE id = $1`, [personId]);
  await addOutbox(tx, 'link.pending', personId);
  return true;
}
