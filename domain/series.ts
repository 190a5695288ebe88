// A recurring request: the rule (first date, local start time, every 1 or 2 weeks, until a date or
// for N visits) and the concrete visits it gives. Visits are computed on the Europe/Oslo calendar and
// wall clock, so "tirsdag 10:00" stays 10:00 local across the daylight-saving changes (the UTC
// instant moves by an hour instead).
import { osloWallClock } from './time-zone.ts';

/** A year of weekly visits is the most one rule makes; beyond that a caregiver asks again. */
export const MAX_VISITS = 52;

export interface SeriesRule {
  /** The first visit's calendar date in Europe/Oslo, YYYY-MM-DD; its weekday is the series' weekday. */
  firstDate: string;
  /** Local start time, HH:MM. */
  time: string;
  intervalWeeks: 1 | 2;
  /** Last date a visit may fall on (inclusive), YYYY-MM-DD; or null when `visitCount` decides. */
  untilDate: string | null;
  visitCount: number | null;
}

export interface SeriesVisit {
  /** 1 for the first visit. */
  occurrence: number;
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  startsAt: Date;
}

export type SeriesRuleError = 'error.seriesEnd' | 'error.seriesTooLong' | 'error.seriesTooShort';

/** ISO weekday (1 = Monday … 7 = Sunday) of a calendar date. */
export function isoWeekday(date: string): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return (day === 0 ? 7 : day) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/** A calendar date `days` later (or earlier), YYYY-MM-DD. */
export function addDaysToDate(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Why a rule cannot be used, or null when it can. A series has at least two visits and at most MAX_VISITS. */
export function seriesRuleError(rule: SeriesRule): SeriesRuleError | null {
  if (rule.untilDate === null && rule.visitCount === null) return 'error.seriesEnd';
  if (rule.untilDate !== null && rule.untilDate < rule.firstDate) return 'error.seriesEnd';
  const n = countVisits(rule);
  if (n < 2) return 'error.seriesTooShort';
  if (n > MAX_VISITS) return 'error.seriesTooLong';
  return null;
}

function countVisits(rule: SeriesRule): number {
  if (rule.visitCount !== null) return rule.visitCount;
  const days = (Date.parse(`${rule.untilDate}T00:00:00Z`) - Date.parse(`${rule.firstDate}T00:00:00Z`)) / 86_400_000;
  return Math.floor(days / (7 * rule.intervalWeeks)) + 1;
}

/** Every visit of a valid rule, first to last. Throws on a rule seriesRuleError refuses. */
export function expandSeries(rule: SeriesRule): SeriesVisit[] {
  const error = seriesRuleError(rule);
  if (error) throw new RangeError(`Invalid series rule: ${error}`);
  const visits: SeriesVisit[] = [];
  for (let i = 0; i < countVisits(rule); i++) {
    const date = addDaysToDate(rule.firstDate, i * 7 * rule.intervalWeeks);
    visits.push({ occurrence: i + 1, date, startsAt: osloWallClock(date, rule.time) });
  }
  return visits;
}

/** The last visit's date: what "until" means to a reader when the rule was given as a count. */
export function lastVisitDate(rule: SeriesRule): string {
  const visits = expandSeries(rule);
  return visits[visits.length - 1]!.date;
}
