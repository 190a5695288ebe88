// A person's rights over what we hold about them (GDPR art. 15 and 17): innsyn — everything stored
// about a person helped, and who has seen it — and erasure. Both only for staff of the person's
// centre, and both are themselves written to the append-only audit log. What is stored where, and
// why, is described in docs/privacy.md; keep the two in step.
import type { Database, Queryable } from './db.ts';
import { audit } from './audit.ts';
import { endOwnAccounts } from './persons.ts';
import { CANCEL_REASON_CODES } from '../domain/lifecycle.ts';
import type { ConsentBasis, RequestStatus, Role } from '../domain/types.ts';

/** Someone who did something: a member (name null once they have left) or, with id null, Dugnad itself (retention). */
export interface ActorRef {
  id: string | null;
  role: Role | null;
  name: string | null;
}

/** An assignment as an export shows it (staff's innsyn about a person, and a volunteer's own data). */
export interface AssignmentRecord {
  status: string;
  assignedAt: string;
  confirmedAt: string | null;
  cancelledAt: string | null;
  cancelReason: string | null;
  outcome: string | null;
  outcomeReason: string | null;
  hours: number | null;
}

export interface PersonExport {
  format: 'dugnad-innsyn/1';
  generatedAt: string;
  generatedBy: ActorRef;
  centre: { id: string; name: string };
  person: {
    id: string;
    name: string | null;
    address: string | null;
    phone: string | null;
    district: string;
    notes: string | null;
    location: { lat: number; lon: number } | null;
    createdAt: string;
    createdBy: ActorRef | null;
    erasedAt: string | null;
  };
  consents: Array<{
    id: string;
    basis: ConsentBasis;
    relation: string | null;
    recordedBy: ActorRef | null;
    givenAt: string;
    validUntil: string;
    withdrawnAt: string | null;
    renewalRequestedAt: string | null;
    expiryNotifiedAt: string | null;
  }>;
  requests: Array<{
    id: string;
    status: RequestStatus;
    group: string;
    district: string;
    startsAt: string;
    durationMinutes: number;
    flexibleUntil: string | null;
    summary: string;
    meetingPlace: string | null;
    handoverNote: string | null;
    contactName: string | null;
    contactPhone: string | null;
    language: string | null;
    policeCertificate: boolean;
    firstTimeFriendly: boolean;
    staffAlong: boolean;
    urgent: boolean;
    source: string;
    externalRef: string | null;
    createdAt: string;
    createdBy: ActorRef | null;
    takenAt: string | null;
    cancelledAt: string | null;
    expiredAt: string | null;
    detailsErasedAt: string | null;
    /** Volunteers who got the offer: kind of help, area and time only — never who or where. */
    offeredTo: number;
    assignments: Array<{ id: string; volunteer: ActorRef } & AssignmentRecord>;
    concerns: Array<{ id: string; reportedBy: ActorRef; text: string | null; createdAt: string; erasedAt: string | null }>;
    /** The caregiver's word on the visit (staff only); the comment is erased like concern texts. */
    feedback: Array<{ id: string; givenBy: ActorRef | null; rating: string; comment: string | null; createdAt: string; commentErasedAt: string | null }>;
  }>;
  /** Every audit entry about the person or their requests, oldest first: who saw or changed what, when. */
  accessLog: Array<{ at: string; action: string; actor: ActorRef; requestId: string | null; fields: string[]; channelId: string | null }>;
}

/** The audit `fields` of an innsyn: the staff member saw everything the export holds. */
export const EXPORT_AUDIT_FIELDS = ['export'] as const;

const iso = (d: Date | null): string | null => (d ? new Date(d).toISOString() : null);

interface MemberRow {
  id: string;
  role: Role;
  name: string | null;
  left_at: Date | null;
}

async function actorsById(db: Queryable, ids: Array<string | null>): Promise<(id: string | null) => ActorRef> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  const rows = wanted.length
    ? await db.query<MemberRow>('SELECT id, role, name, left_at FROM members WHERE id = ANY($1::uuid[])', [wanted])
    : [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  return (id) => {
    if (id === null) return { id: null, role: null, name: null };
    const m = byId.get(id);
    return { id, role: m?.role ?? null, name: m?.left_at ? null : (m?.name ?? null) };
  };
}

export interface PrivacyPerson {
  id: string;
  name: string | null;
  district: string;
  erased: boolean;
}

/** A person of this centre (erased ones too: innsyn still answers what is left of them). */
export async function privacyPerson(db: Queryable, personId: string, centreId: string): Promise<PrivacyPerson | null> {
  const rows = await db.query<{ id: string; name: string | null; district: string; erased_at: Date | null }>(
    'SELECT id, name, district, erased_at FROM persons WHERE id = $1 AND centre_id = $2',
    [personId, centreId],
  );
  const r = rows[0];
  return r ? { id: r.id, name: r.name, district: r.district, erased: r.erased_at !== null } : null;
}

/** The centre's people who still have details on file, by name, for the privacy list. */
export async function privacyPersons(db: Queryable, centreId: string, limit: number): Promise<{ persons: PrivacyPerson[]; total: number }> {
  const rows = await db.query<{ id: string; name: string | null; district: string; total: number }>(
    `SELECT id, name, district, count(*) OVER ()::int AS total FROM persons
      WHERE centre_id = $1 AND erased_at IS NULL ORDER BY name, id LIMIT $2`,
    [centreId, limit],
  );
  return { persons: rows.map((r) => ({ id: r.id, name: r.name, district: r.district, erased: false })), total: rows[0]?.total ?? 0 };
}

/**
 * Everything stored about a person helped, for staff of the person's centre; null if the person is
 * not theirs. The innsyn is itself a reveal (all details, to this staff member) and is audited in the
 * same transaction, so it shows up in its own access log.
 */
export async function exportPerson(
  db: Database,
  input: { personId: string; centreId: string; staffId: string; channelId: string; at: Date },
): Promise<PersonExport | null> {
  return db.transaction(async (tx) => {
    const persons = await tx.query<{
      id: string; centre_id: string; centre_name: string; name: string | null; address: string | null; phone: string | null; district: string;
      notes: string | null; lat: number | null; lon: number | null; created_by: string | null; created_at: Date; erased_at: Date | null;
    }>(
      `SELECT p.*, c.name AS centre_name FROM persons p JOIN centres c ON c.id = p.centre_id WHERE p.id = $1 AND p.centre_id = $2`,
      [input.personId, input.centreId],
    );
    const p = persons[0];
    if (!p) return null;
    await audit(tx, { actorId: input.staffId, action: 'reveal', personId: p.id, fields: [...EXPORT_AUDIT_FIELDS], channelId: input.channelId, at: input.at });

    const consents = await tx.query<{
      id: string; basis: ConsentBasis; relation: string | null; recorded_by: string | null; given_at: Date; valid_until: Date;
      withdrawn_at: Date | null; renewal_requested_at: Date | null; expiry_notified_at: Date | null;
    }>('SELECT * FROM consents WHERE person_id = $1 ORDER BY given_at, created_at', [p.id]);
    const requests = await tx.query<{
      id: string; status: RequestStatus; group_key: string; district: string; starts_at: Date; duration_minutes: number; flexible_until: Date | null;
      summary: string; meeting_place: string | null; handover_note: string | null; contact_name: string | null; contact_phone: string | null;
      language: string | null; police_certificate: boolean; first_time_friendly: boolean; staff_along: boolean; urgent: boolean; source: string;
      external_ref: string | null; created_at: Date; created_by: string | null; taken_at: Date | null; cancelled_at: Date | null;
      expired_at: Date | null; details_erased_at: Date | null; offered: number;
    }>(
      `SELECT r.*, (SELECT count(*)::int FROM offers o WHERE o.request_id = r.id) AS offered
         FROM help_requests r WHERE r.person_id = $1 ORDER BY r.starts_at, r.id`,
      [p.id],
    );
    const requestIds = requests.map((r) => r.id);
    const assignments = await tx.query<{
      id: string; request_id: string; volunteer_id: string; status: string; assigned_at: Date; confirmed_at: Date | null; cancelled_at: Date | null;
      cancel_reason: string | null; outcome: string | null; outcome_reason: string | null; hours: string | number | null;
    }>('SELECT * FROM assignments WHERE request_id = ANY($1::uuid[]) ORDER BY assigned_at, id', [requestIds]);
    const concerns = await tx.query<{ id: string; request_id: string; reported_by: string; text: string | null; created_at: Date; erased_at: Date | null }>(
      'SELECT id, request_id, reported_by, text, created_at, erased_at FROM concerns WHERE request_id = ANY($1::uuid[]) ORDER BY created_at, id',
      [requestIds],
    );
    const feedback = await tx.query<{ id: string; request_id: string; given_by: string | null; rating: string; comment: string | null; created_at: Date; comment_erased_at: Date | null }>(
      'SELECT id, request_id, given_by, rating, comment, created_at, comment_erased_at FROM visit_feedback WHERE request_id = ANY($1::uuid[]) ORDER BY created_at, id',
      [requestIds],
    );
    const log = await tx.query<{ at: Date; action: string; actor_id: string | null; request_id: string | null; fields: string[] | null; channel_id: string | null }>(
      `SELECT at, action, actor_id, request_id, fields, channel_id FROM audit_log
        WHERE person_id = $1 OR request_id = ANY($2::uuid[]) ORDER BY at, id`,
      [p.id, requestIds],
    );
    const actor = await actorsById(tx, [
      input.staffId,
      p.created_by,
      ...consents.map((c) => c.recorded_by),
      ...requests.map((r) => r.created_by),
      ...assignments.map((a) => a.volunteer_id),
      ...concerns.map((c) => c.reported_by),
      ...feedback.map((f) => f.given_by),
      ...log.map((l) => l.actor_id),
    ]);
    const maybeActor = (id: string | null) => (id === null ? null : actor(id));

    return {
      format: 'dugnad-innsyn/1' as const,
      generatedAt: input.at.toISOString(),
      generatedBy: actor(input.staffId),
      centre: { id: p.centre_id, name: p.centre_name },
      person: {
        id: p.id,
        name: p.name,
        address: p.address,
        phone: p.phone,
        district: p.district,
        notes: p.notes,
        location: p.lat !== null && p.lon !== null ? { lat: p.lat, lon: p.lon } : null,
        createdAt: iso(p.created_at)!,
        createdBy: maybeActor(p.created_by),
        erasedAt: iso(p.erased_at),
      },
      consents: consents.map((c) => ({
        id: c.id,
        basis: c.basis,
        relation: c.relation,
        recordedBy: maybeActor(c.recorded_by),
        givenAt: iso(c.given_at)!,
        validUntil: iso(c.valid_until)!,
        withdrawnAt: iso(c.withdrawn_at),
        renewalRequestedAt: iso(c.renewal_requested_at),
        expiryNotifiedAt: iso(c.expiry_notified_at),
      })),
      requests: requests.map((r) => ({
        id: r.id,
        status: r.status,
        group: r.group_key,
        district: r.district,
        startsAt: iso(r.starts_at)!,
        durationMinutes: r.duration_minutes,
        flexibleUntil: iso(r.flexible_until),
        summary: r.summary,
        meetingPlace: r.meeting_place,
        handoverNote: r.handover_note,
        contactName: r.contact_name,
        contactPhone: r.contact_phone,
        language: r.language,
        policeCertificate: r.police_certificate,
        firstTimeFriendly: r.first_time_friendly,
        staffAlong: r.staff_along,
        urgent: r.urgent,
        source: r.source,
        externalRef: r.external_ref,
        createdAt: iso(r.created_at)!,
        createdBy: maybeActor(r.created_by),
        takenAt: iso(r.taken_at),
        cancelledAt: iso(r.cancelled_at),
        expiredAt: iso(r.expired_at),
        detailsErasedAt: iso(r.details_erased_at),
        offeredTo: r.offered,
        assignments: assignments
          .filter((a) => a.request_id === r.id)
          .map((a) => ({
            id: a.id,
            volunteer: actor(a.volunteer_id),
            status: a.status,
            assignedAt: iso(a.assigned_at)!,
            confirmedAt: iso(a.confirmed_at),
            cancelledAt: iso(a.cancelled_at),
            cancelReason: a.cancel_reason,
            outcome: a.outcome,
            outcomeReason: a.outcome_reason,
            hours: a.hours === null ? null : Number(a.hours),
          })),
        concerns: concerns
          .filter((c) => c.request_id === r.id)
          .map((c) => ({ id: c.id, reportedBy: actor(c.reported_by), text: c.text, createdAt: iso(c.created_at)!, erasedAt: iso(c.erased_at) })),
        feedback: feedback
          .filter((f) => f.request_id === r.id)
          .map((f) => ({ id: f.id, givenBy: maybeActor(f.given_by), rating: f.rating, comment: f.comment, createdAt: iso(f.created_at)!, commentErasedAt: iso(f.comment_erased_at) })),
      })),
      accessLog: log.map((l) => ({ at: iso(l.at)!, action: l.action, actor: actor(l.actor_id), requestId: l.request_id, fields: l.fields ?? [], channelId: l.channel_id })),
    };
  });
}

/** Stands in for an erased summary (the column may not be empty of meaning, nor null). */
export const ERASED_SUMMARY = '—';

/** What an erasure wiped: requests, concern texts and feedback comments (use-cases/erase-person.ts). */
export interface ErasedRecords {
  erasedRequests: number;
  erasedConcerns: number;
  erasedFeedback: number;
}

/** The person of this centre, locked for an erasure; null if not theirs. `erasedAt`: erased before (erasure is safe to repeat). */
export async function lockPersonForErasure(tx: Queryable, personId: string, centreId: string): Promise<{ erasedAt: Date | null } | null> {
  const found = await tx.query<{ erased_at: Date | null }>('SELECT erased_at FROM persons WHERE id = $1 AND centre_id = $2 FOR UPDATE', [personId, centreId]);
  return found[0] ? { erasedAt: found[0].erased_at } : null;
}

/**
 * Everything that names or describes the person goes (art. 17): the person's details, every request's
 * private columns, its free-text summary and location, the case system's reference, concern texts,
 * caregivers' feedback comments and what volunteers typed about a visit; the person's own chat account
 * ends. Ids, kind of help, district, times, hours and statuses stay for statistics; the audit log stays
 * whole (append-only, ids only) and records the erasure.
 *
 * Job payloads in Redis and outbox rows hold ids only, so there is nothing to erase there; what
 * Teams or Web Chat already show in a conversation is out of our reach (docs/privacy.md).
 */
export async function eraseRecordsOfPerson(
  tx: Queryable,
  input: { personId: string; staffId: string; channelId: string; at: Date },
): Promise<ErasedRecords> {
  const at = input.at;
  const requests = await tx.query<{ id: string }>(
    `UPDATE help_requests SET meeting_place = NULL, handover_note = NULL, contact_name = NULL, contact_phone = NULL, lat = NULL, lon = NULL,
            external_ref = NULL, summary = $3, details_erased_at = COALESCE(details_erased_at, $2), updated_at = $2
      WHERE person_id = $1 RETURNING id`,
    [input.personId, at, ERASED_SUMMARY],
  );
  const requestIds = requests.map((r) => r.id);
  const concerns = await tx.query<{ id: string }>(
    `UPDATE concerns SET text = NULL, erased_at = COALESCE(erased_at, $2) WHERE request_id = ANY($1::uuid[]) AND text IS NOT NULL RETURNING id`,
    [requestIds, at],
  );
  const feedback = await tx.query<{ id: string }>(
    `UPDATE visit_feedback SET comment = NULL, comment_erased_at = COALESCE(comment_erased_at, $2) WHERE request_id = ANY($1::uuid[]) AND comment IS NOT NULL RETURNING id`,
    [requestIds, at],
  );
  await tx.query(
    `UPDATE assignments SET outcome_reason = NULL, cancel_reason = CASE WHEN cancel_reason = ANY($2::text[]) THEN cancel_reason ELSE NULL END
      WHERE request_id = ANY($1::uuid[])`,
    [requestIds, [...CANCEL_REASON_CODES]],
  );
  await tx.query(
    `UPDATE persons SET name = NULL, address = NULL, phone = NULL, notes = NULL, lat = NULL, lon = NULL, erased_at = COALESCE(erased_at, $2) WHERE id = $1`,
    [input.personId, at],
  );
  // A person who asked for themselves: their own chat account goes too.
  await endOwnAccounts(tx, [input.personId], at);
  await audit(tx, { actorId: input.staffId, action: 'person.erase', personId: input.personId, channelId: input.channelId, at });
  return { erasedRequests: requests.length, erasedConcerns: concerns.length, erasedFeedback: feedback.length };
}
