// A centre's Teams staff channel: where escalations and the morning overview go for the whole team.
// The reference is stored only from an authenticated turn in that channel, by staff of the centre.
import type { Database, Queryable } from './db.ts';
import { addOutbox } from './outbox.ts';
import type { ConversationRef } from './identities.ts';

export interface StaffChannel {
  centreId: string;
  conversationId: string;
  conversationRef: ConversationRef;
}

/**
 * A reply in a channel thread names the thread («19:…@thread.tacv2;messageid=…»); posting to the
 * channel itself starts a new post, which is what a notice should do.
 */
export function channelConversationId(conversationId: string): string {
  return conversationId.split(';')[0]!;
}

export type LinkResult = { ok: true } | { ok: false; reason: 'other_centre' };

/** Links the channel to the centre (replacing the centre's earlier channel); a channel serves one centre. */
export async function linkStaffChannel(
  db: Queryable,
  input: { centreId: string; conversationRef: ConversationRef; teamId: string | null; by: string; at: Date },
): Promise<LinkResult> {
  const conversationId = input.conversationRef.conversation.id;
  const rows = await db.query<{ centre_id: string }>(
    `INSERT INTO staff_channels (centre_id, conversation_id, tenant_id, team_id, conversation_ref, linked_by, linked_at)
     SELECT $1, $2, $3, $4, $5, $6, $7
      WHERE NOT EXISTS (SELECT 1 FROM staff_channels WHERE conversation_id = $2 AND centre_id <> $1)
     ON CONFLICT (centre_id) DO UPDATE
       SET conversation_id = EXCLUDED.conversation_id, tenant_id = EXCLUDED.tenant_id, team_id = EXCLUDED.team_id,
           conversation_ref = EXCLUDED.conversation_ref, linked_by = EXCLUDED.linked_by, linked_at = EXCLUDED.linked_at, unreachable_at = NULL
     RETURNING centre_id`,
    [input.centreId, conversationId, input.conversationRef.conversation.tenantId ?? null, input.teamId, JSON.stringify(input.conversationRef), input.by, input.at],
  );
  return rows.length > 0 ? { ok: true } : { ok: false, reason: 'other_centre' };
}

/** Unlinks this channel from the centre; false when it was not linked to it. */
export async function unlinkStaffChannel(db: Queryable, input: { centreId: string; conversationId: string }): Promise<boolean> {
  const rows = await db.query('DELETE FROM staff_channels WHERE centre_id = $1 AND conversation_id = $2 RETURNING centre_id', [input.centreId, input.conversationId]);
  return rows.length > 0;
}

/** The centre this channel is linked to, if any, and whether Teams has refused posts to it since. */
export async function centreOfChannel(db: Queryable, conversationId: string): Promise<{ centreId: string; unreachable: boolean } | null> {
  const rows = await db.query<{ centre_id: string; unreachable: boolean }>(
    'SELECT centre_id, unreachable_at IS NOT NULL AS unreachable FROM staff_channels WHERE conversation_id = $1',
    [conversationId],
  );
  const r = rows[0];
  return r ? { centreId: r.centre_id, unreachable: r.unreachable } : null;
}

/** The centre's channel, while the bot can still post there. */
export async function staffChannelOf(db: Queryable, centreId: string): Promise<StaffChannel | null> {
  const rows = await db.query<{ centre_id: string; conversation_id: string; conversation_ref: ConversationRef }>(
    'SELECT centre_id, conversation_id, conversation_ref FROM staff_channels WHERE centre_id = $1 AND unreachable_at IS NULL',
    [centreId],
  );
  const r = rows[0];
  return r ? { centreId: r.centre_id, conversationId: r.conversation_id, conversationRef: r.conversation_ref } : null;
}

export async function linkedCentres(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ centre_id: string }>('SELECT centre_id FROM staff_channels WHERE unreachable_at IS NULL ORDER BY centre_id');
  return rows.map((r) => r.centre_id);
}

/**
 * Teams refused for good (bot removed from the team, channel deleted): stop posting until staff link
 * again, and tell them, in the same transaction. Only the first refusal of a link marks it (a post
 * racing it, or a refusal of a channel replaced meanwhile, changes nothing), so staff are told once.
 */
export async function markStaffChannelUnreachable(db: Database, input: { centreId: string; conversationId: string; at: Date }): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx.query(
      'UPDATE staff_channels SET unreachable_at = $3 WHERE centre_id = $1 AND conversation_id = $2 AND unreachable_at IS NULL RETURNING centre_id',
      [input.centreId, input.conversationId, input.at],
    );
    if (rows.length === 0) return false;
    await addOutbox(tx, 'staffChannel.unreachable', input.centreId);
    return true;
  });
}

/** The channels linked in a team (a team may hold the staff channels of several centres). */
export async function staffChannelsOfTeam(db: Queryable, teamId: string): Promise<Array<{ centreId: string; conversationId: string }>> {
  const rows = await db.query<{ centre_id: string; conversation_id: string }>('SELECT centre_id, conversation_id FROM staff_channels WHERE team_id = $1', [teamId]);
  return rows.map((r) => ({ centreId: r.centre_id, conversationId: r.conversation_id }));
}

/** The centre's channel is still marked unreachable (not linked again, not unlinked). */
export async function isStaffChannelUnreachable(db: Queryable, centreId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM staff_channels WHERE centre_id = $1 AND unreachable_at IS NOT NULL', [centreId]);
  return rows.length > 0;
}
