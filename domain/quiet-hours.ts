// Non-urgent messages wait until morning: most volunteers are pensioners, and a phone buzzing at
// night about tomorrow's shopping trip helps no one.

import { TZDate } from '@date-fns/tz';
import { TIME_ZONE } from './time-zone.ts';

export interface QuietHoursOptions {
  urgent: boolean;
  /** Local 'HH:mm' when quiet starts; default '21:00'. */
  quietStart?: string;
  /** Local 'HH:mm' when quiet ends; default '08:00'. */
  quietEnd?: string;
  timeZone?: string;
}

export const DEFAULT_QUIET_HOURS = { quietStart: '21:00', quietEnd: '08:00', timeZone: TIME_ZONE } as const;

/** Minutes after local midnight; throws on anything but a valid 24-hour 'HH:mm'. */
export function parseClockTime(hhmm: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!m) throw new RangeError(`Expected a time as HH:mm, got ${JSON.stringify(hhmm)}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/**
 * When a message may go out: `now` if urgent or outside quiet hours, otherwise the next local
 * quiet-end. Quiet hours may wrap midnight (21:00–08:00) or not (13:00–14:00); equal start and
 * end means no quiet hours. The end is built from the local calendar date, not by adding hours,
 * so a DST change overnight still releases at 08:00 on the wall clock.
 */
export function nextAllowedSendTime(now: Date, opts: QuietHoursOptions): Date {
  const startMinute = parseClockTime(opts.quietStart ?? DEFAULT_QUIET_HOURS.quietStart);
  const endMinute = parseClockTime(opts.quietEnd ?? DEFAULT_QUIET_HOURS.quietEnd);
  const timeZone = opts.timeZone ?? DEFAULT_QUIET_HOURS.timeZone;
  const local = new TZDate(now.getTime(), timeZone);
  if (Number.isNaN(local.getTime())) throw new RangeError(`Invalid instant or time zone: ${String(now)} in ${timeZone}`);
  if (opts.urgent || startMinute === endMinute) return new Date(now.getTime());

  const minute = local.getHours() * 60 + local.getMinutes();
  const wraps = startMinute > endMinute;
  const quiet = wraps ? minute >= startMinute || minute < endMinute : minute >= startMinute && minute < endMinute;
  if (!quiet) return new Date(now.getTime());

  // Evening side of a wrapping window: quiet ends tomorrow morning.
  const dayOffset = wraps && minute >= startMinute ? 1 : 0;
  const release = new TZDate(
    local.getFullYear(),
    local.getMonth(),
    local.getDate() + dayOffset,
    Math.floor(endMinute / 60),
    endMinute % 60,
    timeZone,
  );
  return new Date(release.getTime());
}
