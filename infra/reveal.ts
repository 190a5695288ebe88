// The one way a volunteer is shown a person's details: the confidentiality rule decides
// (volunteer-standing.ts `volunteerMaySee` → domain/confidentiality.ts `mayReveal`), the details are
// read, and the reveal is written to the audit log before anything is shown. It runs inside the
// caller's transaction (an accept, a series' reveal, «Mine oppdrag», a reminder), so it is a store
// function rather than a use case: one home all of them call.
import type { Queryable } from './db.ts';
import { auditReveals } from './audit.ts';
import { privateDetails } from './request-row.ts';
import { volunteerMaySee, volunteerViewer } from './volunteer-standing.ts';
import { mayReveal, REVEALED_FIELDS, type RevealSubject, type Viewer } from '../domain/confidentiality.ts';
import type { PrivateRequestDetails } from '../domain/types.ts';

/** A request whose details are shown, as the audit log records it. */
export interface RevealedRequest {
  id: string;
  personId: string | null;
}

/**
 * The details of `requests[0]` (for a series, its first visit ahead: the person is the same on every
 * visit) if the rule lets the volunteer see `subject` now, with a reveal recorded for every request
 * shown; null, and nothing recorded, when the rule says no or there is nothing to show.
 */
export async function revealDetails(
  db: Queryable,
  input: { volunteerId: string; channelId: string | null; at: Date; subject: RevealSubject; requests: readonly RevealedRequest[] },
): Promise<PrivateRequestDetails | null> {
  const first = input.requests[0];
  if (!first) return null;
  if (!(await volunteerMaySee(db, input.volunteerId, input.subject))) return null;
  const details = await privateDetails(db, first.id);
  if (!details) return null;
  await recordReveals(db, input.volunteerId, input.channelId, input.at, input.requests);
  return details;
}

/**
 * Details the caller read in the same statement as who the volunteer is to the rule (`viewer`, e.g.
 * the accept that won the race): kept only if the rule lets them see `subject`, and the reveal recorded
 * before they are returned; null, and nothing recorded, when the rule says no.
 */
export async function revealRead(
  db: Queryable,
  input: { volunteerId: string; channelId: string | null; at: Date; viewer: Viewer | null; subject: RevealSubject; request: RevealedRequest; details: PrivateRequestDetails },
): Promise<PrivateRequestDetails | null> {
  if (input.viewer === null || !mayReveal(input.viewer, input.subject)) return null;
  await recordReveals(db, input.volunteerId, input.channelId, input.at, [input.request]);
  return input.details;
}

/**
 * A list of tasks whose details the caller read in one query («Mine oppdrag»): only those the rule
 * lets the volunteer see now are kept, and each kept one is recorded as a reveal, in one statement.
 * `viewer`: who the volunteer is to the rule, when the caller's query read that too (else it is read here).
 */
export async function revealListed<T>(
  db: Queryable,
  input: { volunteerId: string; channelId: string | null; at: Date; items: readonly T[]; subjectOf: (item: T) => RevealSubject; requestOf: (item: T) => RevealedRequest; viewer?: Viewer | null },
): Promise<T[]> {
  const viewer = input.viewer !== undefined ? input.viewer : await volunteerViewer(db, input.volunteerId);
  const shown = input.items.filter((item) => viewer !== null && mayReveal(viewer, input.subjectOf(item)));
  await recordReveals(db, input.volunteerId, input.channelId, input.at, shown.map(input.requestOf));
  return shown;
}

async function recordReveals(db: Queryable, volunteerId: string, channelId: string | null, at: Date, requests: readonly RevealedRequest[]): Promise<void> {
  await auditReveals(db, {
    actorId: volunteerId, fields: [...REVEALED_FIELDS], channelId, at,
    items: requests.map((r) => ({ requestId: r.id, personId: r.personId })),
  });
}
