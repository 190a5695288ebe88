// Availability as volunteers give it (coarse day parts on a sign-up form) and as matching needs it
// (weekday + minute windows in Oslo local time).

import { TZDate } from '@date-fns/tz';
import type { AvailabilityWindow } from './types.ts';

export type Weekday = AvailabilityWindow['weekday'];
export type DayPart = 'morning' | 'afternoon' | 'evening';
/** Form key: "1:morning" … "7:evening" (1 = Monday). */
export type AvailabilityKey = `${Weekday}:${DayPart}`;

export const DAY_PARTS: Readonly<Record<DayPart, { fromMinute: number; toMinute: number }>> = {
  morning: { fromMinute: 8 * 60, toMinute: 12 * 60 },
  afternoon: { fromMinute: 12 * 60, toMinute: 17 * 60 },
  evening: { fromMinute: 17 * 60, toMinute: 21 * 60 },
};

const DAY_PART_ORDER: readonly DayPart[] = ['morning', 'afternoon', 'evening'];
const MINUTES_PER_DAY = 24 * 60;

export function isWeekday(n: number): n is Weekday {
  return Number.isInteger(n) && n >= 1 && n <= 7;
}

function isDayPart(s: string): s is DayPart {
  return s === 'morning' || s === 'afternoon' || s === 'evening';
}

export function parseAvailabilityKey(key: string): { weekday: Weekday; part: DayPart } | null {
  const match = /^([1-7]):([a-z]+)$/.exec(key.trim());
  if (!match) return null;
  const weekday = Number(match[1]);
  const part = match[2] ?? '';
  if (!isWeekday(weekday) || !isDayPart(part)) return null;
  return { weekday, part };
}

/**
 * Form keys → windows. Adjacent parts on the same day are merged so that a task running from
 * 11:30 to 12:30 matches someone who ticked both morning and afternoon.
 * Accepts an Adaptive Card multi-select value ("1:morning,3:evening") as well as an array.
 * Throws on an unknown key: the form only offers valid ones, so anything else is a bug or tampering.
 */
export function windowsFromKeys(keys: readonly string[] | string): AvailabilityWindow[] {
  const list = typeof keys === 'string' ? keys.split(',') : keys;
  const windows: AvailabilityWindow[] = [];
  for (const raw of list) {
    if (raw.trim() === '') continue;
    const parsed = parseAvailabilityKey(raw);
    if (!parsed) throw new RangeError(`Unknown availability key: ${JSON.stringify(raw)}`);
    const part = DAY_PARTS[parsed.part];
    windows.push({ weekday: parsed.weekday, fromMinute: part.fromMinute, toMinute: part.toMinute });
  }
  return mergeWindows(windows);
}

/**
 * Windows → form keys, for pre-filling the edit form. A part is ticked only when the windows cover
 * it entirely, so re-saving the form never claims availability the volunteer did not give.
 */
export function keysFromWindows(windows: readonly AvailabilityWindow[]): AvailabilityKey[] {
  const keys: AvailabilityKey[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    if (!isWeekday(weekday)) continue;
    for (const part of DAY_PART_ORDER) {
      const { fromMinute, toMinute } = DAY_PARTS[part];
      if (windowsCover(windows, weekday, fromMinute, toMinute)) keys.push(`${weekday}:${part}`);
    }
  }
  return keys;
}

/** Sorted by weekday and start; overlapping or touching windows on the same day become one. */
export function mergeWindows(windows: readonly AvailabilityWindow[]): AvailabilityWindow[] {
  const sorted = [...windows]
    .filter((w) => w.toMinute > w.fromMinute)
    .sort((a, b) => a.weekday - b.weekday || a.fromMinute - b.fromMinute);
  const merged: AvailabilityWindow[] = [];
  for (const w of sorted) {
    const last = merged[merged.length - 1];
    if (last && last.weekday === w.weekday && w.fromMinute <= last.toMinute) {
      last.toMinute = Math.max(last.toMinute, w.toMinute);
    } else {
      merged.push({ weekday: w.weekday, fromMinute: w.fromMinute, toMinute: w.toMinute });
    }
  }
  return merged;
}

/**
 * Whether [fromMinute, toMinute) on `weekday` lies inside the union of the windows. Windows need
 * not be merged or sorted (stored data may come from elsewhere than the form). A zero-length span
 * is a point in time and needs a window that contains it.
 * Runs in the matching hot loop, hence index loops and no allocation.
 */
export function windowsCover(
  windows: readonly AvailabilityWindow[],
  weekday: number,
  fromMinute: number,
  toMinute: number,
): boolean {
  const n = windows.length;
  if (toMinute <= fromMinute) {
    for (let i = 0; i < n; i++) {
      const w = windows[i]!;
      if (w.weekday === weekday && w.fromMinute <= fromMinute && w.toMinute > fromMinute) return true;
    }
    return false;
  }
  let reach = fromMinute;
  let progressed = true;
  while (reach < toMinute && progressed) {
    progressed = false;
    for (let i = 0; i < n; i++) {
      const w = windows[i]!;
      if (w.weekday === weekday && w.fromMinute <= reach && w.toMinute > reach) {
        reach = w.toMinute;
        progressed = true;
      }
    }
  }
  return reach >= toMinute;
}

/** Whether any window shares at least a minute with [fromMinute, toMinute) on `weekday`. */
export function windowsOverlap(
  windows: readonly AvailabilityWindow[],
  weekday: number,
  fromMinute: number,
  toMinute: number,
): boolean {
  const n = windows.length;
  const end = toMinute > fromMinute ? toMinute : fromMinute + 1;
  for (let i = 0; i < n; i++) {
    const w = windows[i]!;
    if (w.weekday === weekday && w.fromMinute < end && w.toMinute > fromMinute) return true;
  }
  return false;
}

/**
 * The local (wall-clock) weekday/minute spans an instant range covers, split at local midnight.
 * Wall-clock minutes are what volunteers mean by "mornings", so a DST change inside the range shifts
 * the real duration, not the windows. Seconds are ignored: requests are minute-aligned.
 * A range of eight days or more covers every weekday entirely.
 */
export function localSpans(from: Date, to: Date, timeZone: string): AvailabilityWindow[] {
  const fromMs = from.getTime();
  const toMs = to.getTime();
  let cursor = new TZDate(fromMs, timeZone);
  if (Number.isNaN(cursor.getTime())) {
    throw new RangeError(`Invalid instant or time zone: ${String(from)} in ${timeZone}`);
  }
  if (toMs - fromMs >= 8 * MINUTES_PER_DAY * 60_000) {
    return [1, 2, 3, 4, 5, 6, 7].filter(isWeekday).map((weekday) => ({
      weekday,
      fromMinute: 0,
      toMinute: MINUTES_PER_DAY,
    }));
  }
  const spans: AvailabilityWindow[] = [];
  do {
    const weekday = isoWeekday(cursor);
    const fromMinute = cursor.getHours() * 60 + cursor.getMinutes();
    const nextMidnight = new TZDate(cursor.getFullYear(), cursor.getMonth(), cursor.getDate() + 1, timeZone);
    if (toMs >= nextMidnight.getTime()) {
      spans.push({ weekday, fromMinute, toMinute: MINUTES_PER_DAY });
      cursor = nextMidnight;
    } else {
      const end = new TZDate(toMs, timeZone);
      const toMinute = end.getHours() * 60 + end.getMinutes();
      // In the repeated hour of an autumn DST change the wall clock can run backwards.
      spans.push({ weekday, fromMinute, toMinute: Math.max(fromMinute, toMinute) });
      break;
    }
  } while (cursor.getTime() < toMs);
  return spans;
}

/** ISO weekday of a zoned date; takes TZDate so a plain Date's system-zone getters can't sneak in. */
export function isoWeekday(date: TZDate): Weekday {
  const day = date.getDay();
  return (day === 0 ? 7 : day) as Weekday;
}
