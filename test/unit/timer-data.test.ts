// How timers are stored in Redis: short data that reads back as the same timer, and the long form that
// jobs queued before the change still carry is read as it was written.
import { describe, expect, it } from 'vitest';
import { timerData, timerFromJob, timerJobId, type TimerJob } from '../../jobs/queues.ts';

const REQUEST = '0b9f6f0e-3a41-4c55-9d6e-5d1c2b7a8e01';
const ASSIGNMENT = '7c2d9a10-55e4-4f0b-8a3c-1e2f3a4b5c6d';
const SERIES = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const STARTS = Date.UTC(2026, 11, 1, 13, 0);

const EVERY_KIND: TimerJob[] = [
  { kind: 'wave', requestId: REQUEST, wave: 0 },
  { kind: 'wave', requestId: REQUEST, wave: 3 },
  { kind: 'escalate', requestId: REQUEST, startsAtMs: STARTS },
  { kind: 'escalate', requestId: REQUEST },
  { kind: 'series.release', seriesId: SERIES },
  { kind: 'start', requestId: REQUEST, startsAtMs: STARTS },
  { kind: 'remind', assignmentId: ASSIGNMENT, offsetMinutes: 1440, startsAtMs: STARTS, confirm: true },
  { kind: 'remind', assignmentId: ASSIGNMENT, offsetMinutes: 120, startsAtMs: STARTS },
  { kind: 'remind', assignmentId: ASSIGNMENT, offsetMinutes: 90.5, startsAtMs: STARTS },
  { kind: 'confirm-check', assignmentId: ASSIGNMENT, startsAtMs: STARTS },
  { kind: 'follow-up', assignmentId: ASSIGNMENT, startsAtMs: STARTS },
];

/** What Redis hands back: the data as JSON text, parsed again. */
const stored = (data: unknown): unknown => JSON.parse(JSON.stringify(data));

describe('timer data', () => {
  it.each(EVERY_KIND.map((job) => [timerJobId(job), job] as const))('%s reads back as the same timer', (_id, job) => {
    expect(timerFromJob(job.kind, stored(timerData(job)))).toEqual(job);
  });

  it('holds ids and the start only, in short keys, well under its long form', () => {
    const job: TimerJob = { kind: 'remind', assignmentId: ASSIGNMENT, offsetMinutes: 1440, startsAtMs: STARTS, confirm: true };
    expect(timerData(job)).toEqual({ id: ASSIGNMENT, o: 1440, s: STARTS, c: true });
    expect(JSON.stringify(timerData(job)).length).toBeLessThan(JSON.stringify(job).length - 40);
  });

  it.each(EVERY_KIND.map((job) => [job.kind, job] as const))('reads a %s queued before the change, in its long form', (_kind, job) => {
    expect(timerFromJob(job.kind, stored(job))).toEqual(job);
  });

  it('refuses what no version wrote, so the worker fails it at once instead of guessing', () => {
    expect(timerFromJob('remind', { id: ASSIGNMENT, s: STARTS })).toBeNull(); // no offset
    expect(timerFromJob('start', { id: REQUEST })).toBeNull(); // no start
    expect(timerFromJob('wave', { id: REQUEST, w: -1 })).toBeNull();
    expect(timerFromJob('nonsense', { id: REQUEST })).toBeNull();
    expect(timerFromJob('remind', { kind: 'remind', assignmentId: ASSIGNMENT })).toBeNull();
    expect(timerFromJob('remind', null)).toBeNull();
    expect(timerFromJob('remind', { id: '', o: 1440, s: STARTS })).toBeNull();
    expect(timerFromJob('remind', { id: ASSIGNMENT, o: 1440, s: STARTS, c: 'yes' })).toBeNull();
    expect(timerFromJob('toString', { id: ASSIGNMENT })).toBeNull();
  });
});
