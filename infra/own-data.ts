// A person's own data (GDPR art. 15) for everyone who chats with Dugnad — volunteer, caregiver, staff,
// and a person helped who asks for themselves (whose record as a person helped is theirs, so it is
// here: details, consents, their notes to volunteers): what we hold about them, and nothing of anyone
// else's. No other person helped is named (their details are theirs, through staff's innsyn,
// infra/privacy.ts), no volunteer or staff member but themselves; a
// task or request appears by its public facts (kind of help, area, time), as an offer shows it. What
// they wrote themselves (a reason, a concern, a comment on a visit) is theirs and is included. The
// export is itself written to the audit log, and shows up in its own access log. docs/privacy.md.
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';
import type { AssignmentRecord } from './privacy.ts';
import type { AvailabilityWindow, Locale, Role } from '../domain/types.ts';

export interface PublicTaskFacts {
  requestId: string;
  group: string;
  district: string;
  startsAt: string;
  durationMinutes: number;
}

export interface OwnDataExport {
  format: 'dugnad-mine-data/1';
  generatedAt: string;
  you: {
    id: string;
    role: Role;
    name: string | null;
    phone: string | null;
    email: string | null;
    locale: Locale;
    centres: Array<{ id: string; name: string }>;
    preferredChannel: string | null;
    createdAt: string;
  };
  /** The chat accounts Dugnad reaches you at: channel, the channel's id for you, when last seen. */
  chatAccounts: Array<{ channel: string; userId: string; tenantId: string | null; lastSeenAt: string | null; unreachableSince: string | null }>;
  volunteer: null | {
    status: string;
    district: string;
    postcode: string | null;
    location: { lat: number; lon: number } | null;
    groups: string[];
    languages: string[];
    availability: AvailabilityWindow[];
    weeklyCap: number;
    comfort: string;
    policeCertificateCheckedOn: string | null;
    pausedUntil: string | null;
    approvedAt: string | null;
    sharePhoneWithCaregivers: boolean;
    milestoneMessages: boolean;
    declarationsSigned: Array<{ version: number; signedAt: string; channel: string }>;
  };
  /** Tasks you were offered, as the offer showed them. */
  offers: Array<PublicTaskFacts & { status: string; sentAt: string | null; respondedAt: string | null }>;
  /** «Be the regular volunteer» offers for a series of visits. */
  seriesOffers: Array<{ seriesId: string; status: string; sentAt: string | null; respondedAt: string | null }>;
  /** Tasks you took, and what you reported. */
  tasks: Array<PublicTaskFacts & { assignmentId: string } & AssignmentRecord>;
  /** Concerns you reported to staff, in your own words (erased by retention after a while). */
  concernsReported: Array<{ requestId: string; text: string | null; reportedAt: string }>;
  /** Requests you asked for (staff, caregivers): public facts and status; the person's details are theirs. */
  requestsAsked: Array<PublicTaskFacts & { status: string; summary: string; askedAt: string }>;
  /** How many people you registered (their details are theirs, not in this file). */
  personsRegistered: number;
  /** What you said about visits (caregivers, people helped). */
  feedbackGiven: Array<{ requestId: string; rating: string; comment: string | null; givenAt: string }>;
  /** A person helped who signed up themselves (issue 19): their own record as a person helped. */
  personHelped: null | {
    personId: string;
    name: string | null;
    address: string | null;
    phone: string | null;
    district: string;
    /** Staff confirm people who sign up themselves where the centre asks for it: pending, confirmed, rejected. */
    confirmation: string | null;
    createdAt: string;
    consents: Array<{ basis: string; givenAt: string; validUntil: string; withdrawnAt: string | null }>;
    /** What you wrote to the volunteer on each request («Er det noe den frivillige bør vite?»). */
    notesToVolunteers: Array<{ requestId: string; note: string }>;
  };
  /** What you did with other people's details: every audit entry with you as the actor, oldest first. */
  yourActions: Array<{ at: string; action: string; requestId: string | null; fields: string[]; channel: string | null }>;
}

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);
const date = (d: string | Date | null): string | null => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));

interface FactsRow {
  request_id: string;
  group_key: string;
  district: string;
  starts_at: Date;
  duration_minutes: number;
}
const facts = (r: FactsRow): PublicTaskFacts => ({ requestId: r.request_id, group: r.group_key, district: r.district, startsAt: iso(r.starts_at)!, durationMinutes: r.duration_minutes });

/** Everything about this member, for themselves; null if they are not (or no longer) a member. Audited. */
export async function exportOwnData(db: Database, input: { memberId: string; channelId: string; at: Date }): Promise<OwnDataExport | null> {
  return db.transaction(async (tx) => {
    const me = (await tx.query<{ id: string; role: Role; name: string | null; phone: string | null; email: string | null; locale: Locale; centre_id: string | null; preferred_channel: string | null; created_at: Date }>(
      `SELECT id, role, name, phone, email, locale, centre_id, preferred_channel, created_at FROM members WHERE id = $1 AND left_at IS NULL`,
      [input.memberId],
    ))[0];
    if (!me) return null;
    await audit(tx, { actorId: me.id, action: 'member.export', channelId: input.channelId, at: input.at });
    const centres = await tx.query<{ id: string; name: string }>(
      `SELECT id, name FROM centres WHERE id = $1 OR id IN (SELECT centre_id FROM volunteer_centres WHERE member_id = $2) ORDER BY name`,
      [me.centre_id, me.id],
    );
    const accounts = await tx.query<{ channel_id: string; user_id: string; tenant_id: string | null; last_seen_at: Date | null; unreachable_at: Date | null }>(
      `SELECT channel_id, user_id, tenant_id, last_seen_at, unreachable_at FROM chat_identities WHERE member_id = $1 ORDER BY last_seen_at DESC NULLS LAST`,
      [me.id],
    );
    return {
      format: 'dugnad-mine-data/1' as const,
      generatedAt: input.at.toISOString(),
      you: {
        id: me.id, role: me.role, name: me.name, phone: me.phone, email: me.email, locale: me.locale, centres,
        preferredChannel: me.preferred_channel, createdAt: iso(me.created_at)!,
      },
      chatAccounts: accounts.map((a) => ({ channel: a.channel_id, userId: a.user_id, tenantId: a.tenant_id, lastSeenAt: iso(a.last_seen_at), unreachableSince: iso(a.unreachable_at) })),
      volunteer: await volunteerPart(tx, me.id),
      ...(await taskParts(tx, me.id)),
      ...(await askerParts(tx, me.id)),
      personHelped: await personHelpedPart(tx, me.id),
      yourActions: (await tx.query<{ at: Date; action: string; request_id: string | null; fields: string[] | null; channel_id: string | null }>(
        `SELECT at, action, request_id, fields, channel_id FROM audit_log WHERE actor_id = $1 ORDER BY at, id`,
        [me.id],
      )).map((l) => ({ at: iso(l.at)!, action: l.action, requestId: l.request_id, fields: l.fields ?? [], channel: l.channel_id })),
    };
  });
}

async function volunteerPart(tx: Queryable, memberId: string): Promise<OwnDataExport['volunteer']> {
  const v = (await tx.query<{
    status: string; district: string; postcode: string | null; lat: number | null; lon: number | null; groups: string[]; languages: string[];
    availability: AvailabilityWindow[]; weekly_cap: number; comfort: string; police_certificate_checked_on: string | Date | null; paused_until: Date | null;
    approved_at: Date | null; share_phone: boolean; milestone_messages: boolean;
  }>('SELECT * FROM volunteers WHERE member_id = $1', [memberId]))[0];
  if (!v) return null;
  const signed = await tx.query<{ version: number; signed_at: Date; channel_id: string }>(
    'SELECT version, signed_at, channel_id FROM declaration_signatures WHERE member_id = $1 ORDER BY version',
    [memberId],
  );
  return {
    status: v.status, district: v.district, postcode: v.postcode, location: v.lat !== null && v.lon !== null ? { lat: v.lat, lon: v.lon } : null,
    groups: v.groups, languages: v.languages, availability: v.availability, weeklyCap: v.weekly_cap, comfort: v.comfort,
    policeCertificateCheckedOn: date(v.police_certificate_checked_on), pausedUntil: iso(v.paused_until), approvedAt: iso(v.approved_at),
    sharePhoneWithCaregivers: v.share_phone, milestoneMessages: v.milestone_messages,
    declarationsSigned: signed.map((s) => ({ version: s.version, signedAt: iso(s.signed_at)!, channel: s.channel_id })),
  };
}

async function taskParts(tx: Queryable, memberId: string): Promise<Pick<OwnDataExport, 'offers' | 'seriesOffers' | 'tasks' | 'concernsReported'>> {
  const offers = await tx.query<FactsRow & { status: string; sent_at: Date | null; responded_at: Date | null }>(
    `SELECT o.request_id, r.group_key, r.district, r.starts_at, r.duration_minutes, o.status, od.sent_at, o.responded_at
       FROM offers o JOIN help_requests r ON r.id = o.request_id LEFT JOIN offer_deliveries od ON od.offer_id = o.id WHERE o.volunteer_id = $1 ORDER BY o.created_at, o.id`,
    [memberId],
  );
  const seriesOffers = await tx.query<{ series_id: string; status: string; sent_at: Date | null; responded_at: Date | null }>(
    'SELECT series_id, status, sent_at, responded_at FROM series_offers WHERE volunteer_id = $1 ORDER BY created_at, id',
    [memberId],
  );
  const tasks = await tx.query<FactsRow & {
    id: string; status: string; assigned_at: Date; confirmed_at: Date | null; cancelled_at: Date | null; cancel_reason: string | null;
    outcome: string | null; outcome_reason: string | null; hours: string | number | null;
  }>(
    `SELECT a.id, a.request_id, r.group_key, r.district, r.starts_at, r.duration_minutes, a.status, a.assigned_at, a.confirmed_at, a.cancelled_at,
            a.cancel_reason, a.outcome, a.outcome_reason, a.hours
       FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE a.volunteer_id = $1 ORDER BY r.starts_at, a.id`,
    [memberId],
  );
  const concerns = await tx.query<{ request_id: string; text: string | null; created_at: Date }>(
    'SELECT request_id, text, created_at FROM concerns WHERE reported_by = $1 ORDER BY created_at, id',
    [memberId],
  );
  return {
    offers: offers.map((o) => ({ ...facts(o), status: o.status, sentAt: iso(o.sent_at), respondedAt: iso(o.responded_at) })),
    seriesOffers: seriesOffers.map((o) => ({ seriesId: o.series_id, status: o.status, sentAt: iso(o.sent_at), respondedAt: iso(o.responded_at) })),
    tasks: tasks.map((a) => ({
      ...facts(a), assignmentId: a.id, status: a.status, assignedAt: iso(a.assigned_at)!, confirmedAt: iso(a.confirmed_at), cancelledAt: iso(a.cancelled_at),
      cancelReason: a.cancel_reason, outcome: a.outcome, outcomeReason: a.outcome_reason, hours: a.hours === null ? null : Number(a.hours),
    })),
    concernsReported: concerns.map((c) => ({ requestId: c.request_id, text: c.text, reportedAt: iso(c.created_at)! })),
  };
}

async function personHelpedPart(tx: Queryable, memberId: string): Promise<OwnDataExport['personHelped']> {
  const p = (await tx.query<{ id: string; name: string | null; address: string | null; phone: string | null; district: string; link_status: string | null; created_at: Date }>(
    `SELECT p.id, p.name, p.address, p.phone, p.district, p.link_status, p.created_at FROM members m JOIN persons p ON p.id = m.person_id
      WHERE m.id = $1 AND m.role = 'person'`,
    [memberId],
  ))[0];
  if (!p) return null;
  const consents = await tx.query<{ basis: string; given_at: Date; valid_until: Date; withdrawn_at: Date | null }>(
    'SELECT basis, given_at, valid_until, withdrawn_at FROM consents WHERE person_id = $1 ORDER BY given_at, id',
    [p.id],
  );
  const notes = await tx.query<{ id: string; handover_note: string }>(
    'SELECT id, handover_note FROM help_requests WHERE person_id = $1 AND created_by = $2 AND handover_note IS NOT NULL ORDER BY starts_at, id',
    [p.id, memberId],
  );
  return {
    personId: p.id, name: p.name, address: p.address, phone: p.phone, district: p.district, confirmation: p.link_status, createdAt: iso(p.created_at)!,
    consents: consents.map((c) => ({ basis: c.basis, givenAt: iso(c.given_at)!, validUntil: iso(c.valid_until)!, withdrawnAt: iso(c.withdrawn_at) })),
    notesToVolunteers: notes.map((n) => ({ requestId: n.id, note: n.handover_note })),
  };
}

async function askerParts(tx: Queryable, memberId: string): Promise<Pick<OwnDataExport, 'requestsAsked' | 'personsRegistered' | 'feedbackGiven'>> {
  const requests = await tx.query<FactsRow & { status: string; summary: string; created_at: Date }>(
    `SELECT id AS request_id, group_key, district, starts_at, duration_minutes, status, summary, created_at
       FROM help_requests WHERE created_by = $1 ORDER BY starts_at, id`,
    [memberId],
  );
  // Someone who signed up themselves registered their own person: that is `personHelped`, not someone they registered.
  const persons = await tx.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM persons p WHERE p.created_by = $1 AND NOT EXISTS (SELECT 1 FROM members m WHERE m.id = $1 AND m.person_id = p.id)',
    [memberId],
  );
  const feedback = await tx.query<{ request_id: string; rating: string; comment: string | null; created_at: Date }>(
    'SELECT request_id, rating, comment, created_at FROM visit_feedback WHERE given_by = $1 ORDER BY created_at, id',
    [memberId],
  );
  return {
    requestsAsked: requests.map((r) => ({ ...facts(r), status: r.status, summary: r.summary, askedAt: iso(r.created_at)! })),
    personsRegistered: persons[0]?.n ?? 0,
    feedbackGiven: feedback.map((f) => ({ requestId: f.request_id, rating: f.rating, comment: f.comment, givenAt: iso(f.created_at)! })),
  };
}
