// How a request's life ends, whoever asks: what a lost consent or an erased person stops, when a
// volunteer may say how a task went, and how long they have to say it. Pure rules: times come in.
import { addDays, addMinutes } from 'date-fns';
import type { RequestStatus } from './types.ts';

/**
 * The reasons Dugnad itself writes into `assignments.cancel_reason`. Anything else there is what a
 * volunteer typed, which is personal data that retention and erasure clear; these codes stay.
 */
export const CANCEL_REASON_CODES = ['request_cancelled', 'volunteer_left', 'series_left'] as const;

/** A request's time: its start and duration, and for a flexible one the end of the window it may take place in. */
export interface TaskTime {
  startsAt: Date;
  durationMinutes: number;
  /** The volunteer may come any time between startsAt and this («når som helst denne uka»). */
  flexibleUntil?: Date | null;
}

/**
 * When a task is over: its start plus its duration — or, in a flexible window, the window's end (the
 * volunteer and the person agree the day between them; until the window closes it may not have happened).
 */
export function taskEnd(r: TaskTime): Date {
  const fixed = addMinutes(r.startsAt, r.durationMinutes);
  return r.flexibleUntil && r.flexibleUntil.getTime() > fixed.getTime() ? r.flexibleUntil : fixed;
}

/**
 * The last moment a volunteer can still start: the start — or, in a flexible window, its end less the
 * task's duration. An unfilled request expires then (and staff are warned before it), not at the
 * window's opening.
 */
export function latestStart(r: TaskTime): Date {
  if (!r.flexibleUntil) return r.startsAt;
  const last = addMinutes(r.flexibleUntil, -r.durationMinutes);
  return last.getTime() > r.startsAt.getTime() ? last : r.startsAt;
}

/** Still waiting for a volunteer (or for consent to look for one): not yet taken, cancelled, expired or done. */
export function awaitsVolunteer(status: RequestStatus): boolean {
  return status === 'open' || status === 'waiting_consent';
}

/** What an escalation card says once nobody need act on it (`superseded`: still open, a newer card about it further down). */
export type EscalationOutcome = 'taken' | 'cancelled' | 'expired' | 'superseded';

/**
 * An escalation card («Ingen har tatt oppdraget ennå», or «…ledig igjen…» after a drop-out) once nobody need act on it: its request settled,
 * or a newer card about it came after it in the same chat. Null while it still truly asks for help.
 */
export function escalationOutcome(status: RequestStatus, superseded: boolean): EscalationOutcome | null {
  if (status === 'cancelled') return 'cancelled';
  if (status === 'expired') return 'expired';
  if (!awaitsVolunteer(status)) return 'taken';
  return superseded ? 'superseded' : null;
}

/**
 * When consent is withdrawn or the person erased, what stops: everything still waiting or looking
 * for a volunteer, and a taken visit that has not started. A visit that has started happened (or
 * not) with a volunteer already on the way: it stays as it is, and its hours count.
 */
export function stopsWhenPersonLeaves(r: { status: RequestStatus; startsAt: Date }, now: Date): boolean {
  if (awaitsVolunteer(r.status)) return true;
  return r.status === 'taken' && r.startsAt.getTime() > now.getTime();
}

/**
 * «Ble oppdraget gjennomført?» can be answered once the task is over, not before: hours for a visit
 * that has not happened yet would be a guess.
 */
export function mayReportOutcome(r: TaskTime, now: Date): boolean {
  return taskEnd(r).getTime() <= now.getTime();
}

/**
 * The volunteer is asked `followUpDelayMinutes` after the task and has `answerDays` to answer; after
 * that the task ends as not reported, so it no longer holds the person's details as if it were
 * still going on.
 */
export function followUpClosesAt(r: TaskTime, followUpDelayMinutes: number, answerDays: number): Date {
  return addDays(addMinutes(taskEnd(r), followUpDelayMinutes), answerDays);
}
