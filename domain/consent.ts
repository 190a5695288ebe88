// Consent first (rule 2): a request about a person goes out only while that person's consent is on
// file. Consent can be withdrawn; it also runs out and has to be renewed.

import { tz } from '@date-fns/tz';
import { addDays, addMonths } from 'date-fns';
import { z } from 'zod';
import type { ConsentBasis, ConsentRecord } from './types.ts';
import { TIME_ZONE } from './time-zone.ts';

/** Validity runs in calendar months as people in Oslo count them, whatever zone the server is in. */
export const DEFAULT_CONSENT_VALIDITY_MONTHS = 12;

export type ConsentStateName = 'valid' | 'expiring_soon' | 'expired' | 'withdrawn' | 'missing';

export interface ConsentState {
  state: ConsentStateName;
  /** The record the state is about: the live one, the expired one, or the one withdrawn. */
  current: ConsentRecord | null;
  expiresAt: Date | null;
}

/**
 * The consent situation of one person at `now`, from all their consent records.
 *
 * A withdrawal ends every consent given before it, not only the record it is written on: the person
 * said no. A consent given after the withdrawal starts afresh. Among live records the one lasting
 * longest counts. Records dated after `now` are ignored (not yet given / not yet withdrawn).
 * 'expiring_soon' (still valid, renewal due within `renewWindowDays`) lets staff renew in time.
 */
export function consentState(consents: readonly ConsentRecord[], now: Date, renewWindowDays = 30): ConsentState {
  if (!(renewWindowDays >= 0)) throw new RangeError(`renewWindowDays must be >= 0, got ${renewWindowDays}`);
  const personIds = new Set(consents.map((c) => c.personId));
  if (personIds.size > 1) throw new RangeError('consentState takes the records of one person');
  const nowMs = now.getTime();
  const given = consents.filter((c) => c.givenAt.getTime() <= nowMs);

  let withdrawn: ConsentRecord | null = null;
  let lastWithdrawalMs = Number.NEGATIVE_INFINITY;
  for (const c of given) {
    const w = c.withdrawnAt?.getTime();
    if (w !== undefined && w <= nowMs && w > lastWithdrawalMs) {
      withdrawn = c;
      lastWithdrawalMs = w;
    }
  }
  const live = given.filter((c) => c.givenAt.getTime() > lastWithdrawalMs);

  if (live.length === 0) {
    return withdrawn
      ? { state: 'withdrawn', current: withdrawn, expiresAt: null }
      : { state: 'missing', current: null, expiresAt: null };
  }
  const current = live.reduce((best, c) => (longerLasting(c, best) ? c : best));
  const expiresAt = new Date(current.validUntil.getTime());
  if (expiresAt.getTime() <= nowMs) return { state: 'expired', current, expiresAt };
  const renewFrom = addDays(now, renewWindowDays, { in: tz(TIME_ZONE) }).getTime();
  return { state: expiresAt.getTime() <= renewFrom ? 'expiring_soon' : 'valid', current, expiresAt };
}

/** Deterministic whatever order the store returns records in. */
function longerLasting(a: ConsentRecord, b: ConsentRecord): boolean {
  const byEnd = a.validUntil.getTime() - b.validUntil.getTime();
  if (byEnd !== 0) return byEnd > 0;
  const byGiven = a.givenAt.getTime() - b.givenAt.getTime();
  if (byGiven !== 0) return byGiven > 0;
  return a.id > b.id;
}

/** An expiring consent still counts: the renewal reminder goes to staff, the help still goes out. */
export function mayBroadcast(state: ConsentState): boolean {
  return state.state === 'valid' || state.state === 'expiring_soon';
}

/** Why a request about a person may not go out to volunteers now; null when it may. */
export type BroadcastHold = 'consent' | 'link';

/**
 * The one gate before anything about a person goes out: valid consent on file, and — where the centre
 * verifies caregivers' links — a link staff have confirmed (a pending or rejected link holds it).
 */
export function broadcastHold(state: ConsentState, caregiverLink: 'pending' | 'confirmed' | 'rejected' | null): BroadcastHold | null {
  if (!mayBroadcast(state)) return 'consent';
  if (caregiverLink === 'pending' || caregiverLink === 'rejected') return 'link';
  return null;
}

export function consentValidUntil(givenAt: Date, validityMonths = DEFAULT_CONSENT_VALIDITY_MONTHS): Date {
  // addMonths clamps to the month's end (31 Jan + 1 month = 28 Feb) rather than rolling into March.
  return new Date(addMonths(givenAt, validityMonths, { in: tz(TIME_ZONE) }).getTime());
}

/** Issue messages are codes for the bot to translate. */
export const consentInputSchema = z
  .object({
    personId: z.string().min(1),
    basis: z.enum(['self', 'proxy', 'staff_recorded']),
    relation: z
      .string()
      .nullish()
      .transform((r) => (r == null || r.trim() === '' ? null : r.trim())),
    recordedBy: z.string().min(1),
    givenAt: z.date(),
    validityMonths: z.number().int().min(1).max(120).default(DEFAULT_CONSENT_VALIDITY_MONTHS),
  })
  // A relative may consent only for someone who lacks capacity, and the record must say who they are.
  .refine((c) => c.basis !== 'proxy' || c.relation !== null, { error: 'proxy_needs_relation', path: ['relation'] });

export type ConsentInput = z.input<typeof consentInputSchema>;
/** A consent ready to store; the store assigns the id. */
export type NewConsent = Omit<ConsentRecord, 'id'>;

/** Throws a ZodError on invalid input (e.g. issue 'proxy_needs_relation' at path ['relation']). */
export function newConsent(input: ConsentInput): NewConsent {
  const c = consentInputSchema.parse(input);
  return {
    personId: c.personId,
    basis: c.basis,
    // A relation means "relative acting for the person"; on other bases it would only mislead.
    relation: c.basis === 'proxy' ? c.relation : null,
    recordedBy: c.recordedBy,
    givenAt: new Date(c.givenAt.getTime()),
    validUntil: consentValidUntil(c.givenAt, c.validityMonths),
    withdrawnAt: null,
  };
}

/** Withdrawing twice keeps the first instant: that is when the person said no. */
export function withdrawConsent<T extends NewConsent>(record: T, at: Date): T {
  if (record.withdrawnAt !== null) return record;
  return { ...record, withdrawnAt: new Date(at.getTime()) };
}

export type ConsentInputProblem = 'relation_required' | 'date_in_future' | 'basis_not_allowed';

/**
 * What is wrong with a consent as someone records it — one rule for staff in chat, caregivers and
 * case systems: a relative's consent names the relation, it cannot be dated after today, and a
 * caregiver records the person's own consent or their own as proxy, never "recorded by staff".
 */
export function consentInputProblems(
  input: { basis: ConsentBasis; relation: string | null; date: string },
  opts: { today: string; recordedBy: 'staff' | 'caregiver' | 'system' },
): ConsentInputProblem[] {
  const problems: ConsentInputProblem[] = [];
  if (opts.recordedBy === 'caregiver' && input.basis === 'staff_recorded') problems.push('basis_not_allowed');
  if (input.basis === 'proxy' && !input.relation?.trim()) problems.push('relation_required');
  if (input.date > opts.today) problems.push('date_in_future');
  return problems;
}
