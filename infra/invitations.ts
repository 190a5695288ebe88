// Invitations: an imported volunteer's single-use code, as a link (web chat), a QR code on paper, a
// deep link or a code typed to the bot in Teams. Whoever uses it first is connected to that profile.
// Only the code's hash is stored; a new invitation replaces the open one; each runs out.
//
// Delivery is a small interface: today the coordinator hands out links or a printed sheet; an SMS
// sender (issue 12's transport) slots in as another InvitationSender.
import { addDays } from 'date-fns';
import QRCode from 'qrcode';
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';
import { linkAccount, type ChatAccount } from './identities.ts';
import { newTypableCode, normalizeTypableCode, sha256Hex } from './secret-tokens.ts';

export const DEFAULT_INVITATION_VALID_DAYS = 30;

/**
 * A code as the bot reads it in a message: "invitasjon K7QM-4XPD-9ARB" (dashes optional after the
 * word), or the code alone in its dashed form — so an ordinary twelve-letter word is never taken for one.
 */
const CODE_IN_TEXT = /^(?:(?:invitasjon|invitation|kode|code)\s*:?\s*([0-9a-z]{4}[\s-]?[0-9a-z]{4}[\s-]?[0-9a-z]{4})|([0-9a-z]{4}[\s-][0-9a-z]{4}[\s-][0-9a-z]{4}))$/i;

export function invitationCodeIn(text: string): string | null {
  const m = CODE_IN_TEXT.exec(text.trim());
  const code = m?.[1] ?? m?.[2];
  return code ? normalizeTypableCode(code) : null;
}

/** "invitasjon" typed alone, or with something that is no code: the bot explains how. */
export function mentionsInvitation(text: string): boolean {
  return /^(invitasjon|invitation)\b/i.test(text.trim());
}

function hashCode(code: string): string {
  return sha256Hex(`dugnad-invitation:${normalizeTypableCode(code)}`);
}

export interface InvitationLinks {
  /** The web chat with the code in the fragment (never sent to a server, so never in a log). */
  web: string;
  /** Teams: a chat with the bot with the code in the compose box; null without a bot app id. */
  teams: string | null;
}

export function invitationLinks(code: string, opts: { publicBaseUrl: string; botAppId: string }): InvitationLinks {
  const base = opts.publicBaseUrl.replace(/\/+$/, '');
  const teams = opts.botAppId
    ? `https://teams.microsoft.com/l/chat/0/0?users=28:${encodeURIComponent(opts.botAppId)}&message=${encodeURIComponent(`invitasjon ${code}`)}`
    : null;
  return { web: `${base}/#invitasjon=${code}`, teams };
}

export interface IssuedInvitation {
  invitationId: string;
  memberId: string;
  name: string;
  district: string;
  /** For an SMS sender; shown to the coordinator beside the name. */
  phone: string | null;
  code: string;
  links: InvitationLinks;
  /** The QR code of the web link, as an SVG data URL for an <img>. */
  qr: string;
  expiresAt: Date;
  sentVia: 'link' | 'sms';
}

/** How an invitation reaches the volunteer. Only a sender that can deliver to this one says true. */
export interface InvitationSender {
  readonly via: 'sms';
  send(invitation: IssuedInvitation, text: string): Promise<boolean>;
}

/**
 * New invitations for volunteers of the centre (replacing their open ones). Refuses nobody silently:
 * ids that are not the centre's volunteers, or have left, are returned as `skipped`.
 */
export async function issueInvitations(
  db: Database,
  input: { centreId: string; memberIds: readonly string[]; by: string; now: Date; validDays: number; publicBaseUrl: string; botAppId: string },
): Promise<{ issued: IssuedInvitation[]; skipped: string[] }> {
  const issued = await db.transaction(async (tx) => {
    const people = await tx.query<{ id: string; name: string | null; district: string; phone: string | null }>(
      `SELECT m.id, m.name, v.district, m.phone FROM members m JOIN volunteers v ON v.member_id = m.id
         JOIN volunteer_centres vc ON vc.member_id = m.id AND vc.centre_id = $1
        WHERE m.id = ANY($2::uuid[]) AND m.left_at IS NULL AND v.status <> 'removed'
        ORDER BY m.name`,
      [input.centreId, [...new Set(input.memberIds)]],
    );
    const expiresAt = addDays(input.now, input.validDays);
    const out: Array<Omit<IssuedInvitation, 'qr'>> = [];
    for (const p of people) {
      await tx.query('UPDATE invitations SET replaced_at = $2 WHERE member_id = $1 AND accepted_at IS NULL AND replaced_at IS NULL', [p.id, input.now]);
      const code = newTypableCode();
      const rows = await tx.query<{ id: string }>(
        `INSERT INTO invitations (member_id, centre_id, token_hash, created_by, created_at, expires_at, sent_via) VALUES ($1, $2, $3, $4, $5, $6, 'link') RETURNING id`,
        [p.id, input.centreId, hashCode(code), input.by, input.now, expiresAt],
      );
      await audit(tx, { actorId: input.by, action: 'invitation.create', memberId: p.id, at: input.now });
      out.push({ invitationId: rows[0]!.id, memberId: p.id, name: p.name ?? '', district: p.district, phone: p.phone, code, links: invitationLinks(code, input), expiresAt, sentVia: 'link' });
    }
    return out;
  });
  const withQr = await Promise.all(issued.map(async (i) => ({ ...i, qr: await qrDataUrl(i.links.web) })));
  const found = new Set(withQr.map((i) => i.memberId));
  return { issued: withQr, skipped: input.memberIds.filter((id) => !found.has(id)) };
}

/** Hands each invitation to the sender where it can deliver; the rest stay links for the coordinator. */
export async function deliverInvitations(db: Queryable, issued: IssuedInvitation[], sender: InvitationSender | null, textOf: (i: IssuedInvitation) => string): Promise<IssuedInvitation[]> {
  if (!sender) return issued;
  const out: IssuedInvitation[] = [];
  for (const i of issued) {
    if (i.phone && (await sender.send(i, textOf(i)))) {
      await db.query(`UPDATE invitations SET sent_via = $2 WHERE id = $1`, [i.invitationId, sender.via]);
      out.push({ ...i, sentVia: sender.via });
    } else {
      out.push(i);
    }
  }
  return out;
}

export async function qrDataUrl(text: string): Promise<string> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

export type AcceptResult =
  | { ok: true; memberId: string; centreId: string }
  | { ok: false; reason: 'invalid' | 'other_profile' };

/**
 * Connects the chat account to the invited volunteer. Single use under any concurrency: one
 * conditional UPDATE claims the invitation. An account that already belongs to someone else is
 * refused without using the invitation up.
 */
export async function acceptInvitation(db: Database, input: { code: string; account: ChatAccount; currentMemberId: string | null; now: Date }): Promise<AcceptResult> {
  return db.transaction(async (tx) => {
    const found = await tx.query<{ id: string; member_id: string; centre_id: string }>(
      `SELECT i.id, i.member_id, i.centre_id FROM invitations i JOIN members m ON m.id = i.member_id
        WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.replaced_at IS NULL AND i.expires_at > $2 AND m.left_at IS NULL
          AND EXISTS (SELECT 1 FROM volunteers v WHERE v.member_id = i.member_id AND v.status <> 'removed')`,
      [hashCode(input.code), input.now],
    );
    const invitation = found[0];
    if (!invitation) return { ok: false as const, reason: 'invalid' as const };
    if (input.currentMemberId !== null && input.currentMemberId !== invitation.member_id) return { ok: false as const, reason: 'other_profile' as const };
    const claimed = await tx.query(
      `UPDATE invitations SET accepted_at = $2, accepted_channel = $3 WHERE id = $1 AND accepted_at IS NULL AND replaced_at IS NULL RETURNING id`,
      [invitation.id, input.now, input.account.channelId],
    );
    if (claimed.length === 0) return { ok: false as const, reason: 'invalid' as const };
    await linkAccount(tx, input.account, invitation.member_id);
    await audit(tx, { actorId: invitation.member_id, action: 'invitation.accept', memberId: invitation.member_id, channelId: input.account.channelId, at: input.now });
    return { ok: true as const, memberId: invitation.member_id, centreId: invitation.centre_id };
  });
}

export type InvitationState = 'none' | 'open' | 'expired' | 'accepted';

export interface InvitationListItem {
  memberId: string;
  name: string;
  district: string;
  state: InvitationState;
  /** When invited (open), when it ran out (expired), when connected (accepted; null when connected some other way). */
  at: Date | null;
}

/** The centre's imported volunteers and where each stands with the invitation; connected last. */
export async function invitationList(db: Queryable, centreId: string, now: Date): Promise<InvitationListItem[]> {
  const rows = await db.query<{ id: string; name: string | null; district: string; created_at: Date | null; expires_at: Date | null; accepted_at: Date | null; connected: boolean }>(
    `SELECT m.id, m.name, v.district, i.created_at, i.expires_at, i.accepted_at,
            EXISTS (SELECT 1 FROM chat_identities c WHERE c.member_id = m.id AND c.channel_id NOT IN ('dev', 'api')) AS connected
       FROM volunteer_imports vi JOIN members m ON m.id = vi.member_id JOIN volunteers v ON v.member_id = m.id
       LEFT JOIN LATERAL (SELECT created_at, expires_at, accepted_at FROM invitations
                           WHERE member_id = m.id AND centre_id = $1 ORDER BY (accepted_at IS NOT NULL) DESC, created_at DESC LIMIT 1) i ON true
      WHERE vi.centre_id = $1 AND m.left_at IS NULL AND v.status <> 'removed'`,
    [centreId],
  );
  const items = rows.map((r): InvitationListItem => {
    const base = { memberId: r.id, name: r.name ?? '', district: r.district };
    if (r.accepted_at) return { ...base, state: 'accepted', at: r.accepted_at };
    if (r.connected) return { ...base, state: 'accepted', at: null };
    if (!r.created_at || !r.expires_at) return { ...base, state: 'none', at: null };
    return r.expires_at > now ? { ...base, state: 'open', at: r.created_at } : { ...base, state: 'expired', at: r.expires_at };
  });
  const order: Record<InvitationState, number> = { none: 0, expired: 1, open: 2, accepted: 3 };
  return items.sort((a, b) => order[a.state] - order[b.state] || a.name.localeCompare(b.name, 'nb'));
}
