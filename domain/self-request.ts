// A person helped asks for themselves (issue 19): what, in plain words, and when — a day and a part of
// the day, or any time this week — and, if they like, a word to the volunteer. One shape whatever the
// channel: the chat's short form validates into a SelfRequest, and so will the SMS dialogue; then
// use-cases/ask-for-help.ts `askForHelp` turns it into an ordinary request of the centre. Pure rules:
// the time comes in.
import { z } from 'zod';
import { addDaysToDate, isoWeekday } from './series.ts';
import type { DayPart } from './availability.ts';
import { osloDate, osloWallClock } from './time-zone.ts';

/** What a person asks for, in their words; each is offered to one of the centre's interest groups. */
export const SELF_REQUEST_KINDS = ['doctor', 'shopping', 'walk', 'visit', 'digital'] as const;
export type SelfRequestKind = (typeof SELF_REQUEST_KINDS)[number];

/**
 * «følge til lege» → følgehjelp, «handle» → handlehjelp, «en tur» → turvenn, «besøk» → besøksvenn,
 * «hjelp med mobil eller PC» → digital hjelp; and how long such a visit is planned for (the person is
 * not asked: the volunteer agrees the rest with them on the phone).
 */
export const SELF_REQUEST_KIND_RULES: Readonly<Record<SelfRequestKind, { group: string; durationMinutes: number }>> = {
  doctor: { group: 'folgehjelp', durationMinutes: 120 },
  shopping: { group: 'handlehjelp', durationMinutes: 90 },
  walk: { group: 'turvenn', durationMinutes: 60 },
  visit: { group: 'besoksvenn', durationMinutes: 90 },
  digital: { group: 'digital', durationMinutes: 60 },
};

/**
 * A part of the day is a time of day the person can count on («ettermiddag» = kl. 13): the volunteer
 * who takes it comes then, and the reminder the day before says so. Each start leaves room for the
 * longest kind within the volunteers' own part of the day (domain/availability.ts DAY_PARTS).
 */
export const DAY_PART_STARTS: Readonly<Record<DayPart, string>> = { morning: '10:00', afternoon: '13:00', evening: '17:00' };
export const SELF_REQUEST_DAY_PARTS = ['morning', 'afternoon', 'evening'] as const satisfies readonly DayPart[];

/** Days the short form offers: today and the next seven (so the next of every weekday is there). */
export const SELF_REQUEST_DAYS_AHEAD = 7;

/** «Når som helst denne uka»: from tomorrow at this time … */
const WEEK_FROM = '10:00';
/** … until this time on the Sunday that ends the window. */
const WEEK_UNTIL = '18:00';

export type SelfRequestWhen = { kind: 'day'; date: string; part: DayPart } | { kind: 'week' };

export interface SelfRequest {
  kind: SelfRequestKind;
  when: SelfRequestWhen;
  /** «Er det noe den frivillige bør vite?»: the private hand-over note (only the assigned volunteer reads it). */
  note: string | null;
}

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/** The shape every channel hands to askForHelp (already checked for plain, storable text). */
export const selfRequestSchema = z.object({
  kind: z.enum(SELF_REQUEST_KINDS),
  when: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('day'), date, part: z.enum(SELF_REQUEST_DAY_PARTS) }),
    z.object({ kind: z.literal('week') }),
  ]),
  note: z.string().max(1000).nullable(),
});

/** The dates a person may choose, today first (Oslo calendar). */
export function selfRequestDays(now: Date): string[] {
  const today = osloDate(now);
  return Array.from({ length: SELF_REQUEST_DAYS_AHEAD + 1 }, (_, i) => addDaysToDate(today, i));
}

/**
 * «Når som helst denne uka»: from tomorrow 10:00 to 18:00 on the Sunday of the week two days after
 * tomorrow — so the window is never under about two days (asked on a Friday, it runs to the next
 * Sunday) and never over nine.
 */
export function weekWindow(now: Date): { from: Date; until: Date; untilDate: string } {
  const tomorrow = addDaysToDate(osloDate(now), 1);
  const probe = addDaysToDate(tomorrow, 2);
  const untilDate = addDaysToDate(probe, 7 - isoWeekday(probe));
  return { from: osloWallClock(tomorrow, WEEK_FROM), until: osloWallClock(untilDate, WEEK_UNTIL), untilDate };
}

export interface SelfRequestTiming {
  startsAt: Date;
  /** Set for «når som helst denne uka»: the volunteer may come any time up to then (they agree it by phone). */
  flexibleUntil: Date | null;
  durationMinutes: number;
  group: string;
}

export type SelfRequestProblem = 'day_not_offered' | 'past';

/** When and what the request is, or why it cannot be asked for like that. */
export function selfRequestTiming(request: Pick<SelfRequest, 'kind' | 'when'>, now: Date): SelfRequestTiming | SelfRequestProblem {
  const { group, durationMinutes } = SELF_REQUEST_KIND_RULES[request.kind];
  if (request.when.kind === 'week') {
    const w = weekWindow(now);
    return { startsAt: w.from, flexibleUntil: w.until, durationMinutes, group };
  }
  if (!selfRequestDays(now).includes(request.when.date)) return 'day_not_offered';
  const startsAt = osloWallClock(request.when.date, DAY_PART_STARTS[request.when.part]);
  if (startsAt.getTime() <= now.getTime()) return 'past';
  return { startsAt, flexibleUntil: null, durationMinutes, group };
}
