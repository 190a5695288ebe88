// Each integrating case system acts through one member record, so requests it posts have an owner
// like any other and can be scoped to it.
import type { Queryable } from './db.ts';

/**
 * The member a case system acts as, created on its first post. Call it inside the transaction that
 * writes the system's request, so a rejected first post leaves no member behind.
 */
export async function systemMember(db: Queryable, system: string, centreId: string): Promise<string> {
  const found = await db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'api' AND user_id = $1`, [system]);
  if (found[0]) return found[0].member_id;
  const m = await db.query<{ id: string }>(`INSERT INTO members (role, centre_id, name) VALUES ('staff', $1, $2) RETURNING id`, [centreId, `API: ${system}`]);
  const id = m[0]!.id;
  // Two first posts at once: the identity's primary key picks one member; the loser's is removed.
  const linked = await db.query<{ member_id: string }>(
    `INSERT INTO chat_identities (channel_id, user_id, member_id) VALUES ('api', $1, $2)
     ON CONFLICT (channel_id, user_id) DO UPDATE SET channel_id = EXCLUDED.channel_id RETURNING member_id`,
    [system, id],
  );
  const winner = linked[0]!.member_id;
  if (winner !== id) await db.query('DELETE FROM members WHERE id = $1', [id]);
  return winner;
}

/** Whether `memberId` is the member case system `system` acts as. */
export async function isApiSystemMember(db: Queryable, system: string, memberId: string): Promise<boolean> {
  const rows = await db.query(`SELECT 1 FROM chat_identities WHERE channel_id = 'api' AND user_id = $1 AND member_id = $2`, [system, memberId]);
  return rows.length > 0;
}
