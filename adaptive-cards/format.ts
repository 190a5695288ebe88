// Dates, times and durations as people read them, always in Europe/Oslo whatever the server's zone.
import { tz } from '@date-fns/tz';
import { format, isSameDay } from 'date-fns';
import { enGB, nb, nn } from 'date-fns/locale';
import type { Locale } from '../domain/types.ts';
import { t } from './texts.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

const inOslo = tz(TIME_ZONE);
const dateFnsLocale = { nb, nn, en: enGB } as const;

/**
 * Formatted Oslo dates by pattern, locale and instant. date-fns with a time zone asks Intl for the
 * zone's offset many times per call, which made formatting the largest share of a «mine oppdrag»
 * card's CPU; the same few instants (a task's start, a request's window) are formatted again and
 * again — every turn that shows the task, every offer card of a wave. The result depends on nothing
 * else (the zone is fixed), so remembering it changes no output. Bounded: emptied when full.
 */
const formatted = new Map<string, string>();
const FORMATTED_MAX = 10_000;

function remembered(key: string, make: () => string): string {
  let s = formatted.get(key);
  if (s === undefined) {
    s = make();
    if (formatted.size >= FORMATTED_MAX) formatted.clear();
    formatted.set(key, s);
  }
  return s;
}

function inOsloAs(d: Date, pattern: string, locale: Locale | null): string {
  return remembered(`${locale ?? ''}\u0000${pattern}\u0000${d.getTime()}`, () => format(d, pattern, locale ? { locale: dateFnsLocale[locale], in: inOslo } : { in: inOslo }));
}

/** date-fns' words for a locale's weekdays and months. */
export function dateLocaleOf(locale: Locale): (typeof dateFnsLocale)[Locale] {
  return dateFnsLocale[locale];
}

/** The tag Intl formats numbers with: decimal comma in both Norwegian written standards. */
export function intlTagOf(locale: Locale): string {
  return locale === 'en' ? 'en-GB' : `${locale}-NO`;
}

/** "tirsdag 1. desember kl. 14:00" / "Tuesday 1 December at 14:00" */
export function formatDateTime(locale: Locale, d: Date): string {
  return remembered(`${locale}\u0000dateAtTime\u0000${d.getTime()}`, () => t(locale, 'format.dateAtTime', { date: formatDate(locale, d), time: formatTime(d) }));
}

/** "tirsdag 1. desember" / "Tuesday 1 December" */
export function formatDate(locale: Locale, d: Date): string {
  return inOsloAs(d, locale === 'en' ? 'EEEE d MMMM' : 'EEEE d. MMMM', locale);
}

/** "1. desember 2025" / "1 December 2025" — for things that may lie in another year. */
export function formatDateWithYear(locale: Locale, d: Date): string {
  return inOsloAs(d, locale === 'en' ? 'd MMMM yyyy' : 'd. MMMM yyyy', locale);
}

/** "14:00" */
export function formatTime(d: Date): string {
  return inOsloAs(d, 'HH:mm', null);
}

/** Value for Input.Date: "2025-12-01" (Oslo calendar day). */
export function toDateInputValue(d: Date): string {
  return inOsloAs(d, 'yyyy-MM-dd', null);
}

/** Value for Input.Time: "14:00" (Oslo wall clock). */
export function toTimeInputValue(d: Date): string {
  return formatTime(d);
}

/** "30 min", "1 time", "2 timer", "1 t 30 min" / "30 min", "1 hour", "2 hours", "1 h 30 min" */
export function formatDuration(locale: Locale, minutes: number): string {
  const total = Math.max(0, Math.round(minutes));
  const h = Math.floor(total / 60);
  const m = total % 60;
  if (h === 0) return t(locale, 'duration.minutes', { m });
  if (m === 0) return t(locale, h === 1 ? 'duration.hour' : 'duration.hours', { h });
  return t(locale, 'duration.hoursMinutes', { h, m });
}

/**
 * When a task is, in a sentence: "fredag 14. mars kl. 13:00" — or for a flexible window "fredag 14.
 * mars mellom kl. 10:00 og 12:00", "mellom tirsdag 11. mars kl. 10:00 og søndag 16. mars kl. 18:00".
 */
export function formatWhen(locale: Locale, from: Date, until: Date | null): string {
  if (!until || until.getTime() <= from.getTime()) return formatDateTime(locale, from);
  if (isSameDay(from, until, { in: inOslo })) {
    return t(locale, 'format.whenSameDay', { date: formatDate(locale, from), from: formatTime(from), until: formatTime(until) });
  }
  return t(locale, 'format.whenDays', { from: formatDateTime(locale, from), until: formatDateTime(locale, until) });
}

/**
 * The flexible window of a task: "Når som helst mellom kl. 14:00 og 17:00" on one day, otherwise
 * with both dates.
 */
export function formatWindow(locale: Locale, from: Date, until: Date): string {
  if (isSameDay(from, until, { in: inOslo })) {
    return t(locale, 'format.windowSameDay', { from: formatTime(from), until: formatTime(until) });
  }
  return t(locale, 'format.windowDays', { from: formatDateTime(locale, from), until: formatDateTime(locale, until) });
}
