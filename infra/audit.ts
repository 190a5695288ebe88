// The append-only record of who saw or changed whose personal data.
import type { Database, Queryable } from './db.ts';
import { groupCommit } from './group-commit.ts';

export type AuditAction =
  | 'reveal' | 'person.create' | 'consent.record' | 'person.erase' | 'volunteer.leave' | 'request.create' | 'link.confirm' | 'link.reject' | 'member.export'
  // Issue 18: a record created or changed by an import (fields = what changed), invitations made and taken.
  | 'import.create' | 'import.update' | 'invitation.create' | 'invitation.accept'
  // A centre's choice to send (fields) or not send (no fields) the name and address by SMS.
  | 'centre.smsDetails';

export async function audit(
  tx: Queryable,
  entry: {
    actorId: string | null; action: AuditAction; requestId?: string | null; personId?: string | null; fields?: string[]; channelId?: string | null; at: Date;
    /** The volunteer the entry is about (imports, invitations). */
    memberId?: string | null;
    importId?: string | null;
  },
): Promise<void> {
  await tx.query(
    'INSERT INTO audit_log (at, actor_id, action, request_id, person_id, fields, channel_id, member_id, import_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
    [entry.at, entry.actorId, entry.action, entry.requestId ?? null, entry.personId ?? null, entry.fields ?? null, entry.channelId ?? null, entry.memberId ?? null, entry.importId ?? null],
  );
}

export async function revealsOf(db: Queryable, personId: string): Promise<Array<{ actorId: string | null; requestId: string | null; fields: string[]; at: Date }>> {
  const rows = await db.query<{ actor_id: string | null; request_id: string | null; fields: string[] | null; at: Date }>(
    `SELECT actor_id, request_id, fields, at FROM audit_log WHERE person_id = $1 AND action = 'reveal' ORDER BY at`,
    [personId],
  );
  return rows.map((r) => ({ actorId: r.actor_id, requestId: r.request_id, fields: r.fields ?? [], at: r.at }));
}

/** Several reveals by one actor at one moment (e.g. «Mine oppdrag»), in one statement. */
export async function auditReveals(
  tx: Queryable,
  input: { actorId: string; fields: string[]; channelId: string | null; at: Date; items: Array<{ requestId: string; personId: string | null }> },
): Promise<void> {
  const rows = input.items.map((i): RevealRow => ({ at: input.at, actorId: input.actorId, requestId: i.requestId, personId: i.personId, fields: input.fields, channelId: input.channelId }));
  // Outside a transaction, concurrent turns' reveals share a statement; inside one they must commit
  // (or roll back) with the rest of it.
  if (isAutocommit(tx)) await appendReveals(tx, rows);
  else await insertReveals(tx, rows);
}

interface RevealRow { at: Date; actorId: string; requestId: string; personId: string | null; fields: string[]; channelId: string | null }

const isAutocommit = (db: Queryable): db is Database => (db as Partial<Database>).autocommit === true;

async function insertReveals(db: Queryable, rows: RevealRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO audit_log (at, actor_id, action, request_id, person_id, fields, channel_id)
     SELECT t.at, t.actor_id, 'reveal', t.request_id, t.person_id, string_to_array(t.fields, ','), t.channel_id
       FROM unnest($1::timestamptz[], $2::uuid[], $3::uuid[], $4::uuid[], $5::text[], $6::text[]) AS t(at, actor_id, request_id, person_id, fields, channel_id)`,
    [rows.map((r) => r.at), rows.map((r) => r.actorId), rows.map((r) => r.requestId), rows.map((r) => r.personId), rows.map((r) => r.fields.join(',')), rows.map((r) => r.channelId)],
  );
}

const appendReveals = groupCommit(insertReveals);
