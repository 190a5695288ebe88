// Consent first: a request about a person goes out only while that person's consent is on file.
import { addMonths, differenceInCalendarDays } from 'date-fns';
import type { ConsentRecord } from './types.ts';

export type ConsentStateName = 'valid' | 'expiring_soon' | 'expired' | 'withdrawn' | 'missing';

export interface ConsentState {
  state: ConsentStateName;
  current: ConsentRecord | null;
  expiresAt: Date | null;
}

/** The latest consent decides; a withdrawal ends it whatever its validity. */
export function consentState(consents: readonly ConsentRecord[], now: Date, renewWindowDays = 30): ConsentState {
  const latest = [...consents].sort((a, b) => b.givenAt.getTime() - a.givenAt.getTime())[0] ?? null;
  if (!latest) return { state: 'missing', current: null, expiresAt: null };
  if (latest.withdrawnAt && latest.withdrawnAt.getTime() <= now.getTime()) return { state: 'withdrawn', current: latest, expiresAt: null };
  if (latest.validUntil.getTime() <= now.getTime()) return { state: 'expired', current: latest, expiresAt: latest.validUntil };
  const daysLeft = differenceInCalendarDays(latest.validUntil, now);
  return { state: daysLeft <= renewWindowDays ? 'expiring_soon' : 'valid', current: latest, expiresAt: latest.validUntil };
}

export function mayBroadcast(state: ConsentState): boolean {
  return state.state === 'valid' || state.state === 'expiring_soon';
}

export function consentValidUntil(givenAt: Date, validityMonths = 12): Date {
  return addMonths(givenAt, validityMonths);
}
