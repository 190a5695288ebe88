// The one place that says what about a request anyone may see, and who may see the rest
// (rule 3: redacted offer, revealed assignment; each reveal recorded).

import type { PrivateRequestDetails, PublicRequestView, Role } from './types.ts';
import type { ChannelKind } from './channels.ts';

export type PrivateField = keyof PrivateRequestDetails;

/** In the order they are listed to a reader; findPersonalData and RevealRecord keep this order. */
export const PRIVATE_FIELDS: readonly PrivateField[] = [
  'personName',
  'address',
  'phone',
  'meetingPlace',
  'handoverNote',
  'contactName',
  'contactPhone',
];

/** What the assigned volunteer is shown on reveal — all of it: that is the point of the hand-over. */
export const REVEALED_FIELDS: readonly PrivateField[] = PRIVATE_FIELDS;

/**
 * What a centre may choose to let travel by SMS to the assigned volunteer (with the time, which is
 * public anyway): the name and the address. Never a phone number, a note or a contact person.
 */
export const SMS_DETAIL_FIELDS: readonly PrivateField[] = ['personName', 'address'];

/**
 * Which of the details a message on `channel` may carry to the assigned volunteer. SMS passes through
 * operators and sits on a phone's lock screen: by default nothing (the volunteer gets a one-time link
 * instead), or SMS_DETAIL_FIELDS when their centre has chosen so (recorded in the audit log).
 */
export function fieldsCarriedBy(channel: ChannelKind, centreSendsSmsDetails: boolean): readonly PrivateField[] {
  if (channel !== 'sms') return REVEALED_FIELDS;
  return centreSendsSmsDetails ? SMS_DETAIL_FIELDS : [];
}

/**
 * What an offer may show: kind of help, area, when, how long, flags, the public summary.
 * Built field by field (an allow-list) so that whatever else the argument carries at run time —
 * personId, exact location, private details — cannot ride along.
 */
export function publicView(r: PublicRequestView): PublicRequestView {
  return {
    id: r.id,
    centreId: r.centreId,
    group: r.group,
    district: r.district,
    startsAt: new Date(r.startsAt.getTime()),
    durationMinutes: r.durationMinutes,
    flexibleUntil: r.flexibleUntil === null ? null : new Date(r.flexibleUntil.getTime()),
    summary: r.summary,
    requirements: {
      language: r.requirements.language,
      policeCertificate: r.requirements.policeCertificate,
      firstTimeFriendly: r.requirements.firstTimeFriendly,
      staffAlong: r.requirements.staffAlong,
    },
    urgent: r.urgent,
  };
}

export interface Viewer {
  memberId: string;
  role: Role;
  /**
   * Staff: their centre. Volunteers: the centres where they are in good standing (approved) — a
   * volunteer a centre removed or paused loses sight of that centre's tasks at once.
   */
  centreIds: readonly string[];
}

export interface RevealSubject {
  centreId: string;
  assignedVolunteerId: string | null;
  createdBy: string;
}

/**
 * The assigned volunteer while in good standing at the request's centre; staff and coordinators of
 * the request's centre; the caregiver or person helped who asked. Nobody else — admins included: running the system is
 * no reason to read about a person. Production code asks this before it renders a person's details
 * (reveal on accept, «Mine oppdrag», reminders, the tab, Teams' refresh, series).
 */
export function mayReveal(viewer: Viewer, request: RevealSubject): boolean {
  const me = viewer.memberId;
  // An empty id must never equal an unset creator or assignee.
  if (me === '') return false;
  if (request.assignedVolunteerId !== null && request.assignedVolunteerId === me) {
    return viewer.role !== 'volunteer' || viewer.centreIds.includes(request.centreId);
  }
  if (viewer.role === 'staff' || viewer.role === 'coordinator') return viewer.centreIds.includes(request.centreId);
  // Whoever asked for it, for someone they care for or for themselves.
  if (viewer.role === 'caregiver' || viewer.role === 'person') return request.createdBy === me;
  return false;
}

/** One reveal for the audit log: who saw which of a person's details, for which request, when. */
export interface RevealRecord {
  viewerId: string;
  viewerRole: Role;
  requestId: string;
  personId: string | null;
  fields: PrivateField[];
  at: Date;
}

export function revealRecord(input: {
  viewer: Pick<Viewer, 'memberId' | 'role'>;
  request: { id: string; personId: string | null };
  fields: readonly PrivateField[];
  at: Date;
}): RevealRecord {
  const fields = PRIVATE_FIELDS.filter((f) => input.fields.includes(f));
  if (fields.length === 0) throw new RangeError('A reveal record needs at least one field');
  return {
    viewerId: input.viewer.memberId,
    viewerRole: input.viewer.role,
    requestId: input.request.id,
    personId: input.request.personId,
    fields,
    at: new Date(input.at.getTime()),
  };
}

/**
 * The reasons the bot itself writes into assignments.cancel_reason; anything else there is what a
 * volunteer typed — staff-only, never shown to a caregiver.
 */
export const CANCEL_REASON_CODES = ['request_cancelled', 'volunteer_left', 'series_left', 'volunteer_removed'] as const;
export type CancelReasonCode = (typeof CANCEL_REASON_CODES)[number];

export function isCancelReasonCode(reason: string): reason is CancelReasonCode {
  return (CANCEL_REASON_CODES as readonly string[]).includes(reason);
}

// ---- the last guard on outgoing text --------------------------------------------------------------

const PHONE_FIELDS: ReadonlySet<PrivateField> = new Set(['phone', 'contactPhone']);
const NAME_FIELDS: ReadonlySet<PrivateField> = new Set(['personName', 'contactName']);
/** Shorter phone fragments would match times, dates and durations in ordinary text. */
const MIN_PHONE_DIGITS = 5;
/** A single name part shorter than this ("Bo", "Li") is too often an ordinary word. */
const MIN_NAME_PART = 3;
/** Norwegian subscriber numbers are 8 digits; a country code in front must not hide a match. */
const NATIONAL_DIGITS = 8;

/**
 * Which private fields appear in a text — the last guard on outgoing messages, and used in tests.
 * Case- and whitespace-insensitive. Names also match by any single part of three letters or more
 * (a surname alone identifies), as a whole word. Addresses also match by their street line (before
 * the first comma). Phone numbers are compared digits only, ignoring +47/0047, against digit runs in
 * the text that may contain spaces, dots, dashes and brackets.
 */
export function findPersonalData(text: string, details: PrivateRequestDetails): PrivateField[] {
  const haystack = normalize(text);
  const digitRuns = phoneDigitRuns(text);
  const found: PrivateField[] = [];
  for (const field of PRIVATE_FIELDS) {
    const value = details[field];
    if (value === null || value.trim() === '') continue;
    if (appears(field, value, haystack, digitRuns)) found.push(field);
  }
  return found;
}

function appears(field: PrivateField, value: string, haystack: string, digitRuns: readonly string[]): boolean {
  if (PHONE_FIELDS.has(field)) return phoneAppears(value, digitRuns);
  const needle = normalize(value);
  if (needle.length < 2) return false;
  if (haystack.includes(needle)) return true;
  if (NAME_FIELDS.has(field)) {
    return needle.split(/[\s-]+/).some((part) => part.length >= MIN_NAME_PART && containsWord(haystack, part));
  }
  if (field === 'address') {
    const street = needle.split(',')[0]?.trim() ?? '';
    return street.length >= MIN_NAME_PART && street !== needle && containsWord(haystack, street);
  }
  return false;
}

function normalize(s: string): string {
  return s.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim();
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

function containsWord(haystack: string, word: string): boolean {
  for (let at = haystack.indexOf(word); at !== -1; at = haystack.indexOf(word, at + 1)) {
    const before = haystack[at - 1];
    const after = haystack[at + word.length];
    if ((before === undefined || !WORD_CHAR.test(before)) && (after === undefined || !WORD_CHAR.test(after))) return true;
  }
  return false;
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

/** Runs of digits joined by the separators people write phone numbers with, as bare digits. */
function phoneDigitRuns(text: string): string[] {
  return (text.match(/\d[\d\s().\-\u2010-\u2015]*/g) ?? []).map(digitsOf).filter((d) => d.length >= MIN_PHONE_DIGITS);
}

function phoneAppears(value: string, digitRuns: readonly string[]): boolean {
  let digits = digitsOf(value);
  if (digits.startsWith('0047')) digits = digits.slice(4);
  else if (value.trim().startsWith('+47')) digits = digits.slice(2);
  if (digits.length < MIN_PHONE_DIGITS) return false;
  const national = digits.length > NATIONAL_DIGITS ? digits.slice(-NATIONAL_DIGITS) : digits;
  return digitRuns.some((run) => run.includes(national));
}
