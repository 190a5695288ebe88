import { describe, expect, it } from 'vitest';
import { DEFAULT_WAVE_TIMEOUTS, escalationAt, reminderTimes, waveTimeoutMinutes, type WaveTimeoutConfig } from '../../domain/waves.ts';

const NOW = new Date('2026-06-10T10:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);
const H = 60;
const D = 24 * H;

describe('waveTimeoutMinutes', () => {
  it.each([
    [0, 10],
    [5 * H + 59, 10],
    [6 * H, 30],
    [47 * H, 30],
    [48 * H, 120],
    [7 * D - 1, 120],
    [7 * D, 240],
    [30 * D, 240],
  ])('a task %s minutes away waits %s minutes per wave', (minutesAway, expected) => {
    expect(waveTimeoutMinutes(NOW, later(minutesAway))).toBe(expected);
  });

  it('treats a start already past like the nearest tier', () => {
    expect(waveTimeoutMinutes(NOW, later(-30))).toBe(10);
  });

  it('takes a shortened configuration (for demos and tests)', () => {
    const fast: WaveTimeoutConfig = { tiers: [{ startsWithinMinutes: 60, timeoutMinutes: 0.5 }], otherwiseMinutes: 1 };
    expect(waveTimeoutMinutes(NOW, later(30), fast)).toBe(0.5);
    expect(waveTimeoutMinutes(NOW, later(90), fast)).toBe(1);
  });

  it('rejects tiers out of order or non-positive timeouts', () => {
    const unordered: WaveTimeoutConfig = {
      tiers: [DEFAULT_WAVE_TIMEOUTS.tiers[1]!, DEFAULT_WAVE_TIMEOUTS.tiers[0]!],
      otherwiseMinutes: 240,
    };
    expect(() => waveTimeoutMinutes(NOW, later(60), unordered)).toThrow(RangeError);
    expect(() => waveTimeoutMinutes(NOW, later(60), { tiers: [], otherwiseMinutes: 0 })).toThrow(RangeError);
    expect(() => waveTimeoutMinutes(NOW, later(60), { tiers: [{ startsWithinMinutes: 60, timeoutMinutes: -1 }], otherwiseMinutes: 5 })).toThrow(
      RangeError,
    );
  });
});

describe('escalationAt', () => {
  it('escalates urgent requests at once', () => {
    expect(escalationAt(later(3 * D), true, NOW).toISOString()).toBe(NOW.toISOString());
  });

  it('escalates others 24 hours before the start', () => {
    expect(escalationAt(later(3 * D), false, NOW).toISOString()).toBe(later(2 * D).toISOString());
  });

  it('never escalates in the past', () => {
    expect(escalationAt(later(10 * H), false, NOW).toISOString()).toBe(NOW.toISOString());
  });

  it('takes another lead time', () => {
    expect(escalationAt(later(3 * D), false, NOW, 48).toISOString()).toBe(later(1 * D).toISOString());
  });

  it('returns a new Date', () => {
    expect(escalationAt(later(H), true, NOW)).not.toBe(NOW);
  });
});

describe('reminderTimes', () => {
  const start = later(3 * D);

  it('gives each reminder before the start, earliest first', () => {
    expect(reminderTimes(start, [120, 1440], NOW)).toEqual([
      { offsetMinutes: 1440, at: later(2 * D) },
      { offsetMinutes: 120, at: later(3 * D - 120) },
    ]);
  });

  it('skips reminders whose moment has passed, including exactly now', () => {
    const soon = later(3 * H);
    expect(reminderTimes(soon, [1440, 180, 120], NOW)).toEqual([{ offsetMinutes: 120, at: later(H) }]);
  });

  it('counts a duplicated offset once', () => {
    expect(reminderTimes(start, [1440, 1440], NOW)).toHaveLength(1);
  });

  it('allows a negative offset for a follow-up after the start', () => {
    expect(reminderTimes(start, [-60], NOW)).toEqual([{ offsetMinutes: -60, at: later(3 * D + 60) }]);
  });

  it('rejects a non-finite offset', () => {
    expect(() => reminderTimes(start, [Number.NaN], NOW)).toThrow(RangeError);
  });

  it('returns nothing when the task has started', () => {
    expect(reminderTimes(later(-5), [1440, 120], NOW)).toEqual([]);
  });
});
