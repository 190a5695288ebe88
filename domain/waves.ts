// Timing of a request's life: how long a wave of offers waits before the next wave, when staff are
// told nobody has taken it, and when the assigned volunteer is reminded.

import { max, subHours, subMinutes } from 'date-fns';

export interface WaveTimeoutTier {
  /** Applies when the task starts less than this many minutes from now. */
  startsWithinMinutes: number;
  timeoutMinutes: number;
}

export interface WaveTimeoutConfig {
  /** Ascending by startsWithinMinutes; the first that fits wins. */
  tiers: readonly WaveTimeoutTier[];
  /** For tasks further away than every tier. */
  otherwiseMinutes: number;
}

/** A task in two hours cannot wait long for an answer; one next month can let people sleep on it. */
export const DEFAULT_WAVE_TIMEOUTS: WaveTimeoutConfig = {
  tiers: [
    { startsWithinMinutes: 6 * 60, timeoutMinutes: 10 },
    { startsWithinMinutes: 48 * 60, timeoutMinutes: 30 },
    { startsWithinMinutes: 7 * 24 * 60, timeoutMinutes: 120 },
  ],
  otherwiseMinutes: 240,
};

/** Minutes to wait for an answer before offering the next wave. A start already past takes the first tier. */
export function waveTimeoutMinutes(now: Date, startsAt: Date, config: WaveTimeoutConfig = DEFAULT_WAVE_TIMEOUTS): number {
  assertValidConfig(config);
  const minutesToStart = (startsAt.getTime() - now.getTime()) / 60_000;
  for (const tier of config.tiers) {
    if (minutesToStart < tier.startsWithinMinutes) return tier.timeoutMinutes;
  }
  return config.otherwiseMinutes;
}

function assertValidConfig(config: WaveTimeoutConfig): void {
  let previous = Number.NEGATIVE_INFINITY;
  for (const tier of config.tiers) {
    if (!(tier.startsWithinMinutes > previous)) throw new RangeError('Wave timeout tiers must ascend by startsWithinMinutes');
    if (!(tier.timeoutMinutes > 0)) throw new RangeError('Wave timeouts must be positive');
    previous = tier.startsWithinMinutes;
  }
  if (!(config.otherwiseMinutes > 0)) throw new RangeError('Wave timeouts must be positive');
}

/**
 * When staff hear that a request is still untaken, so they can phone someone (manual fallback):
 * urgent ones at once, others `hoursBefore` the start — but never in the past.
 */
export function escalationAt(startsAt: Date, urgent: boolean, now: Date, hoursBefore = 24): Date {
  if (urgent) return new Date(now.getTime());
  return new Date(max([subHours(startsAt, hoursBefore), now]).getTime());
}

export interface ReminderTime {
  /** Minutes before the start, as configured — part of the reminder's job id. */
  offsetMinutes: number;
  at: Date;
}

/**
 * Reminder instants `offsetsMinutes` before the start, earliest first, strictly after `now`: a
 * reminder whose moment has passed (a task accepted an hour before it starts) is skipped, not sent
 * late. Duplicate offsets count once.
 */
export function reminderTimes(startsAt: Date, offsetsMinutes: readonly number[], now: Date): ReminderTime[] {
  const nowMs = now.getTime();
  const seen = new Set<number>();
  const times: ReminderTime[] = [];
  for (const offset of offsetsMinutes) {
    if (!Number.isFinite(offset)) throw new RangeError(`Reminder offset must be a finite number, got ${offset}`);
    if (seen.has(offset)) continue;
    seen.add(offset);
    const at = subMinutes(startsAt, offset);
    if (at.getTime() > nowMs) times.push({ offsetMinutes: offset, at: new Date(at.getTime()) });
  }
  return times.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * Which reminder asks «Jeg kommer»: the first one that goes out before the confirmation deadline,
 * whatever the offsets are (a 10-hour first reminder asks when the deadline is 6 hours before).
 * `reminders` are the send times as scheduled (after quiet hours). Null: none comes in time, so
 * nobody is asked and staff are not told the volunteer has not confirmed.
 */
export function confirmingReminder(reminders: readonly ReminderTime[], deadline: Date): number | null {
  const inTime = reminders.filter((r) => r.at.getTime() < deadline.getTime());
  if (inTime.length === 0) return null;
  return inTime.reduce((first, r) => (r.at.getTime() < first.at.getTime() ? r : first)).offsetMinutes;
}
