// Politiattest (rule 5): a check date counts for a number of months set per centre (default three
// years); tasks that require one — the request says so, or its interest group always does — go only
// to volunteers whose check still counts. Some time before it runs out the volunteer and staff are
// told how to renew.
import { tz } from '@date-fns/tz';
import { addDays, addMonths } from 'date-fns';
import { TIME_ZONE } from './time-zone.ts';

export const DEFAULT_POLICE_CERTIFICATE_VALIDITY_MONTHS = 36;
/** How long before the end the volunteer and staff are told to renew. */
export const POLICE_CERTIFICATE_RENEW_NOTICE_DAYS = 60;
/** The police's own page for applying (digitally, with ID-porten) for a certificate. */
export const POLICE_CERTIFICATE_APPLY_URL = 'https://www.politiet.no/politiattest';

export type PoliceCertificateState = 'missing' | 'valid' | 'expiring' | 'expired';

export interface PoliceCertificateStatus {
  state: PoliceCertificateState;
  /** The first moment it no longer counts (Oslo midnight), or null when there is no check on record. */
  expiresAt: Date | null;
}

/**
 * When a check made on `checkedOn` stops counting: midnight in Oslo starting the same calendar day
 * `validityMonths` later (clamped to the month's end: 31 Jan + 1 month = 28/29 Feb). `checkedOn` is
 * the calendar date as stored (YYYY-MM-DD), or a Date at UTC midnight of it (how the store reads dates).
 */
export function policeCertificateExpiry(checkedOn: string | Date, validityMonths: number): Date {
  const [y, m, d] = typeof checkedOn === 'string'
    ? (checkedOn.split('-').map(Number) as [number, number, number])
    : [checkedOn.getUTCFullYear(), checkedOn.getUTCMonth() + 1, checkedOn.getUTCDate()];
  const start = new Date(Date.UTC(y, m - 1, d, 12)); // noon UTC is that calendar day in Oslo too
  return new Date(addMonths(start, validityMonths, { in: tz(TIME_ZONE) }).setHours(0, 0, 0, 0));
}

export function policeCertificateStatus(
  checkedOn: string | Date | null,
  validityMonths: number,
  now: Date,
  noticeDays = POLICE_CERTIFICATE_RENEW_NOTICE_DAYS,
): PoliceCertificateStatus {
  if (checkedOn === null) return { state: 'missing', expiresAt: null };
  const nowMs = now.getTime();
  // A check dated after today is a typing error until that day comes: it does not count yet.
  const checkedMs = typeof checkedOn === 'string' ? Date.parse(`${checkedOn}T00:00:00Z`) : checkedOn.getTime();
  if (checkedMs > nowMs) return { state: 'missing', expiresAt: null };
  const expiresAt = policeCertificateExpiry(checkedOn, validityMonths);
  if (expiresAt.getTime() <= nowMs) return { state: 'expired', expiresAt };
  const noticeFrom = addDays(expiresAt, -noticeDays, { in: tz(TIME_ZONE) }).getTime();
  return { state: nowMs >= noticeFrom ? 'expiring' : 'valid', expiresAt };
}

/** A check that is about to run out still counts until it has: the reminder goes out, the offers too. */
export function policeCertificateCounts(status: PoliceCertificateStatus): boolean {
  return status.state === 'valid' || status.state === 'expiring';
}

/** A task needs a politiattest when the request says so or its interest group always does. */
export function requiresPoliceCertificate(request: { policeCertificate: boolean }, group: { requiresPoliceCertificate: boolean } | null): boolean {
  return request.policeCertificate || group?.requiresPoliceCertificate === true;
}
