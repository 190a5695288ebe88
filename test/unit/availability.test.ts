import { describe, expect, it } from 'vitest';
import {
  keysFromWindows,
  localSpans,
  mergeWindows,
  parseAvailabilityKey,
  windowsCover,
  windowsFromKeys,
  windowsOverlap,
} from '../../domain/availability.ts';
import type { AvailabilityWindow } from '../../domain/types.ts';
import { TIME_ZONE } from '../../domain/time-zone.ts';

const OSLO = TIME_ZONE;

describe('windowsFromKeys', () => {
  it('turns form keys into weekday/minute windows', () => {
    expect(windowsFromKeys(['1:morning', '3:evening'])).toEqual([
      { weekday: 1, fromMinute: 480, toMinute: 720 },
      { weekday: 3, fromMinute: 1020, toMinute: 1260 },
    ]);
    expect(windowsFromKeys(['7:afternoon'])).toEqual([{ weekday: 7, fromMinute: 720, toMinute: 1020 }]);
  });

  it('merges adjacent parts of the same day so a task across noon still fits', () => {
    expect(windowsFromKeys(['2:afternoon', '2:morning', '2:evening'])).toEqual([{ weekday: 2, fromMinute: 480, toMinute: 1260 }]);
    expect(windowsFromKeys(['4:morning', '4:evening'])).toEqual([
      { weekday: 4, fromMinute: 480, toMinute: 720 },
      { weekday: 4, fromMinute: 1020, toMinute: 1260 },
    ]);
  });

  it('sorts and de-duplicates', () => {
    expect(windowsFromKeys(['5:evening', '1:morning', '1:morning'])).toEqual([
      { weekday: 1, fromMinute: 480, toMinute: 720 },
      { weekday: 5, fromMinute: 1020, toMinute: 1260 },
    ]);
  });

  it('accepts an Adaptive Card multi-select value', () => {
    expect(windowsFromKeys('1:morning, 3:evening')).toEqual(windowsFromKeys(['1:morning', '3:evening']));
    expect(windowsFromKeys('')).toEqual([]);
    expect(windowsFromKeys([])).toEqual([]);
  });

  it.each(['8:morning', '0:morning', '1:night', '1:Morning', 'morning', '1:', '11:morning', '1:morning:x'])(
    'rejects the unknown key %j',
    (key) => {
      expect(() => windowsFromKeys([key])).toThrow(RangeError);
    },
  );

  it('parses single keys', () => {
    expect(parseAvailabilityKey('6:afternoon')).toEqual({ weekday: 6, part: 'afternoon' });
    expect(parseAvailabilityKey('6:noon')).toBeNull();
  });
});

describe('keysFromWindows', () => {
  it('round-trips every combination of parts on a day', () => {
    const parts = ['morning', 'afternoon', 'evening'] as const;
    for (let mask = 0; mask < 8; mask++) {
      const keys = parts.filter((_, i) => mask & (1 << i)).map((p) => `6:${p}`);
      expect(keysFromWindows(windowsFromKeys(keys))).toEqual(keys);
    }
  });

  it('returns keys in weekday, then time-of-day order', () => {
    const keys = ['7:evening', '1:afternoon', '3:morning', '1:morning'];
    expect(keysFromWindows(windowsFromKeys(keys))).toEqual(['1:morning', '1:afternoon', '3:morning', '7:evening']);
  });

  it('ticks a part only when it is covered entirely', () => {
    expect(keysFromWindows([{ weekday: 1, fromMinute: 600, toMinute: 840 }])).toEqual([]);
    expect(keysFromWindows([{ weekday: 1, fromMinute: 420, toMinute: 780 }])).toEqual(['1:morning']);
  });

  it('reads windows that were stored unmerged', () => {
    expect(
      keysFromWindows([
        { weekday: 2, fromMinute: 600, toMinute: 720 },
        { weekday: 2, fromMinute: 480, toMinute: 600 },
      ]),
    ).toEqual(['2:morning']);
  });
});

describe('mergeWindows', () => {
  it('joins overlapping windows and drops empty ones', () => {
    expect(
      mergeWindows([
        { weekday: 1, fromMinute: 600, toMinute: 700 },
        { weekday: 1, fromMinute: 500, toMinute: 650 },
        { weekday: 1, fromMinute: 800, toMinute: 800 },
      ]),
    ).toEqual([{ weekday: 1, fromMinute: 500, toMinute: 700 }]);
  });
});

describe('windowsCover / windowsOverlap', () => {
  const w: AvailabilityWindow[] = [
    { weekday: 3, fromMinute: 720, toMinute: 1020 },
    { weekday: 3, fromMinute: 480, toMinute: 720 },
    { weekday: 4, fromMinute: 1020, toMinute: 1260 },
  ];

  it('covers a span across two unsorted, touching windows', () => {
    expect(windowsCover(w, 3, 690, 780)).toBe(true);
    expect(windowsCover(w, 3, 480, 1020)).toBe(true);
  });

  it('does not cover a span that runs past the windows or falls on another day', () => {
    expect(windowsCover(w, 3, 990, 1050)).toBe(false);
    expect(windowsCover(w, 3, 450, 500)).toBe(false);
    expect(windowsCover(w, 2, 600, 660)).toBe(false);
  });

  it('treats a zero-length span as a point that must lie inside a window', () => {
    expect(windowsCover(w, 3, 480, 480)).toBe(true);
    expect(windowsCover(w, 3, 1020, 1020)).toBe(false);
  });

  it('counts overlap of at least a minute, not touching', () => {
    expect(windowsOverlap(w, 4, 1000, 1021)).toBe(true);
    expect(windowsOverlap(w, 4, 900, 1020)).toBe(false);
    expect(windowsOverlap(w, 4, 1260, 1300)).toBe(false);
  });
});

describe('localSpans', () => {
  it('uses Oslo wall-clock time in summer (UTC+2)', () => {
    expect(localSpans(new Date('2026-06-10T09:30:00Z'), new Date('2026-06-10T11:00:00Z'), OSLO)).toEqual([
      { weekday: 3, fromMinute: 690, toMinute: 780 },
    ]);
  });

  it('uses Oslo wall-clock time in winter (UTC+1)', () => {
    expect(localSpans(new Date('2026-01-14T09:30:00Z'), new Date('2026-01-14T11:00:00Z'), OSLO)).toEqual([
      { weekday: 3, fromMinute: 630, toMinute: 720 },
    ]);
  });

  it('splits at local midnight, which is not UTC midnight', () => {
    expect(localSpans(new Date('2026-06-10T21:30:00Z'), new Date('2026-06-10T22:30:00Z'), OSLO)).toEqual([
      { weekday: 3, fromMinute: 1410, toMinute: 1440 },
      { weekday: 4, fromMinute: 0, toMinute: 30 },
    ]);
  });

  it('follows the wall clock across the spring DST change', () => {
    // 01:30 CET on Sunday 29 March, one real hour later it is 03:30 CEST.
    expect(localSpans(new Date('2026-03-29T00:30:00Z'), new Date('2026-03-29T01:30:00Z'), OSLO)).toEqual([
      { weekday: 7, fromMinute: 90, toMinute: 210 },
    ]);
  });

  it('covers whole days for a range of a week or more', () => {
    const spans = localSpans(new Date('2026-06-01T10:00:00Z'), new Date('2026-06-12T10:00:00Z'), OSLO);
    expect(spans).toHaveLength(7);
    expect(spans.map((s) => s.weekday).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(spans.every((s) => s.fromMinute === 0 && s.toMinute === 1440)).toBe(true);
  });

  it('lists each day of a multi-day range', () => {
    // Friday 18:00 to Sunday 10:00 local.
    expect(localSpans(new Date('2026-06-12T16:00:00Z'), new Date('2026-06-14T08:00:00Z'), OSLO)).toEqual([
      { weekday: 5, fromMinute: 1080, toMinute: 1440 },
      { weekday: 6, fromMinute: 0, toMinute: 1440 },
      { weekday: 7, fromMinute: 0, toMinute: 600 },
    ]);
  });

  it('rejects an unknown time zone', () => {
    expect(() => localSpans(new Date('2026-06-10T09:30:00Z'), new Date('2026-06-10T11:00:00Z'), 'Europe/Nowhere')).toThrow(RangeError);
  });
});
