// When things should happen, as delayed BullMQ jobs with deterministic ids: adding twice is a no-op,
// and every timer re-checks the database when it fires, so a cancelled or moved task's timers
// do nothing.
import { addMinutes, subMinutes } from 'date-fns';
import { confirmingReminder, escalationAt, reminderTimes, waveTimeoutMinutes } from '../domain/waves.ts';
import { nextAllowedSendTime } from '../domain/quiet-hours.ts';
import { latestStart, taskEnd } from '../domain/lifecycle.ts';
import type { HelpRequest } from '../domain/types.ts';
import type { AssignmentView } from '../infra/assignments.ts';
import { timerData, timerJobId, type Queues, type TimerJob } from './queues.ts';
import type { JobSettings } from './settings.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

/** When a message that is not urgent may go out: held through quiet hours (Europe/Oslo). */
export function releaseTime(at: Date, urgent: boolean, s: Pick<JobSettings, 'quietStart' | 'quietEnd'>): Date {
  return nextAllowedSendTime(at, { urgent, quietStart: s.quietStart, quietEnd: s.quietEnd, timeZone: TIME_ZONE });
}

/**
 * When the offers of a request saved at `savedAt` reach volunteers, if that is still to come: the
 * poster is told «sendes kl. 08:00», not «sendt ut», while quiet hours hold them. Null once they may go.
 */
export function offersHeldUntil(savedAt: Date, urgent: boolean, now: Date, s: Pick<JobSettings, 'quietStart' | 'quietEnd'>): Date | null {
  const release = releaseTime(savedAt, urgent, s);
  return release.getTime() > now.getTime() ? release : null;
}

export async function addTimer(queues: Queues, job: TimerJob, at: Date, now: Date): Promise<void> {
  await queues.timers.add(job.kind, timerData(job), { jobId: timerJobId(job), delay: Math.max(0, at.getTime() - now.getTime()) });
}

/** After a wave's offers are queued: the next wave, the escalation point and the start. */
export async function scheduleRequestTimers(queues: Queues, request: HelpRequest, offersReleasedAt: Date, now: Date, s: JobSettings): Promise<void> {
  const timeout = s.waveTimeoutMinutes ?? waveTimeoutMinutes(offersReleasedAt, request.startsAt);
  await addTimer(queues, { kind: 'wave', requestId: request.id, wave: request.wave }, addMinutes(offersReleasedAt, timeout), now);
  await scheduleStartTimers(queues, request, now, s);
}

/**
 * The timers that hang on an open request's start: staff are told in time, and it expires at the
 * start. Both carry the start, so after a move the old ones stay silent and these are new jobs.
 */
export async function scheduleStartTimers(queues: Queues, request: HelpRequest, now: Date, s: JobSettings): Promise<void> {
  // A flexible window («når som helst denne uka») can be filled until its last start, so staff hear before that.
  const escalate = escalationAt(latestStart(request), request.urgent, now, s.escalateHoursBefore);
  const timer: TimerJob = { kind: 'escalate', requestId: request.id, startsAtMs: request.startsAt.getTime() };
  // Fired already, while the request was taken or before a volunteer dropped out and it opened again:
  // the job kept under the same id would swallow the new one, and staff would not hear of it again.
  if ((await queues.timers.getJobState(timerJobId(timer))) === 'completed') await queues.timers.remove(timerJobId(timer));
  await addTimer(queues, timer, releaseTime(escalate, request.urgent, s), now);
  await scheduleExpiry(queues, request, now);
}

/**
 * A request that was never filled ends at its start (in a flexible window: its last start), open or
 * held (no consent, a caregiver link not confirmed): then retention can erase its details. The same
 * job id whichever way it was scheduled; the job names the start, so a move makes it stale.
 */
export async function scheduleExpiry(queues: Queues, request: HelpRequest, now: Date): Promise<void> {
  await addTimer(queues, { kind: 'start', requestId: request.id, startsAtMs: request.startsAt.getTime() }, latestStart(request), now);
}

/** After an accept: reminders, the confirmation deadline and the follow-up question. */
export async function scheduleAssignmentTimers(queues: Queues, a: AssignmentView, now: Date, s: JobSettings): Promise<void> {
  const startsAt = a.request.startsAt;
  const startsAtMs = startsAt.getTime();
  const reminders = reminderTimes(startsAt, s.reminderOffsetsMinutes, now)
    .map((r) => ({ offsetMinutes: r.offsetMinutes, at: releaseTime(r.at, false, s) }))
    // held past the start: no use any more
    .filter((r) => r.at.getTime() < startsAtMs);
  const deadline = subMinutes(startsAt, s.confirmDeadlineMinutes);
  const asks = confirmingReminder(reminders, deadline);
  for (const r of reminders) {
    await addTimer(queues, { kind: 'remind', assignmentId: a.id, offsetMinutes: r.offsetMinutes, startsAtMs, ...(r.offsetMinutes === asks ? { confirm: true } : {}) }, r.at, now);
  }
  if (deadline.getTime() > now.getTime()) await addTimer(queues, { kind: 'confirm-check', assignmentId: a.id, startsAtMs }, deadline, now);
  // In a flexible window the visit may come on its last day: asked how it went after the window.
  const end = addMinutes(taskEnd(a.request), s.followUpDelayMinutes);
  await addTimer(queues, { kind: 'follow-up', assignmentId: a.id, startsAtMs }, releaseTime(end, false, s), now);
}

/** The first reminder (the day before, by default): the caregiver who asked hears then who is coming. */
export function isFirstReminder(offsetMinutes: number, s: JobSettings): boolean {
  return offsetMinutes === Math.max(...s.reminderOffsetsMinutes);
}
