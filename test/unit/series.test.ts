// The rule of a recurring request → its visits, on the Europe/Oslo calendar and wall clock, across
// both daylight-saving changes of 2026 (29 March: 02:00 → 03:00; 25 October: 03:00 → 02:00).
import { describe, expect, it } from 'vitest';
import { format } from 'date-fns';
import { tz } from '@date-fns/tz';
import { expandSeries, isoWeekday, lastVisitDate, seriesRuleError, MAX_VISITS, type SeriesRule } from '../../domain/series.ts';
import { TIME_ZONE } from '../../domain/time-zone.ts';

const rule = (over: Partial<SeriesRule> = {}): SeriesRule => ({ firstDate: '2026-03-17', time: '10:00', intervalWeeks: 1, untilDate: null, visitCount: 6, ...over });
const local = (d: Date) => format(d, 'yyyy-MM-dd HH:mm', { in: tz(TIME_ZONE) });

describe('expandSeries', () => {
  it('keeps 10:00 local every Tuesday across the spring change; the UTC hour moves', () => {
    const visits = expandSeries(rule());
    expect(visits.map((v) => v.date)).toEqual(['2026-03-17', '2026-03-24', '2026-03-31', '2026-04-07', '2026-04-14', '2026-04-21']);
    expect(visits.map((v) => local(v.startsAt))).toEqual(visits.map((v) => `${v.date} 10:00`));
    expect(visits[1]!.startsAt.toISOString()).toBe('2026-03-24T09:00:00.000Z'); // CET, UTC+1
    expect(visits[2]!.startsAt.toISOString()).toBe('2026-03-31T08:00:00.000Z'); // CEST, UTC+2
    expect(visits.map((v) => v.occurrence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(visits.every((v) => isoWeekday(v.date) === 2)).toBe(true);
  });

  it('keeps the local time across the autumn change, every other week until a date', () => {
    const visits = expandSeries(rule({ firstDate: '2026-10-11', time: '18:30', intervalWeeks: 2, untilDate: '2026-11-08', visitCount: null }));
    expect(visits.map((v) => v.date)).toEqual(['2026-10-11', '2026-10-25', '2026-11-08']);
    expect(visits.map((v) => local(v.startsAt))).toEqual(['2026-10-11 18:30', '2026-10-25 18:30', '2026-11-08 18:30']);
    expect(visits[0]!.startsAt.toISOString()).toBe('2026-10-11T16:30:00.000Z');
    expect(visits[1]!.startsAt.toISOString()).toBe('2026-10-25T17:30:00.000Z');
  });

  it('a visit on the change day itself: a skipped hour moves forward, the repeated hour is taken once', () => {
    const spring = expandSeries(rule({ firstDate: '2026-03-22', time: '02:30', visitCount: 2 }));
    expect(local(spring[0]!.startsAt)).toBe('2026-03-22 02:30');
    expect(local(spring[1]!.startsAt)).toBe('2026-03-29 03:30'); // 02:30 does not exist that night
    const autumn = expandSeries(rule({ firstDate: '2026-10-18', time: '02:30', visitCount: 2 }));
    expect(local(autumn[1]!.startsAt)).toBe('2026-10-25 02:30');
    expect(autumn[1]!.startsAt.getTime() - autumn[0]!.startsAt.getTime()).toBe(7 * 24 * 3_600_000 + 3_600_000);
  });

  it('an until date that falls between visits ends at the last visit before it', () => {
    expect(expandSeries(rule({ untilDate: '2026-04-06', visitCount: null })).map((v) => v.date)).toEqual(['2026-03-17', '2026-03-24', '2026-03-31']);
    expect(lastVisitDate(rule({ visitCount: 3 }))).toBe('2026-03-31');
  });
});

describe('seriesRuleError', () => {
  it('refuses no end, an end before the start, a single visit and more than a year', () => {
    expect(seriesRuleError(rule({ visitCount: null }))).toBe('error.seriesEnd');
    expect(seriesRuleError(rule({ untilDate: '2026-03-01', visitCount: null }))).toBe('error.seriesEnd');
    expect(seriesRuleError(rule({ visitCount: 1 }))).toBe('error.seriesTooShort');
    expect(seriesRuleError(rule({ untilDate: '2026-03-20', visitCount: null }))).toBe('error.seriesTooShort');
    expect(seriesRuleError(rule({ visitCount: MAX_VISITS + 1 }))).toBe('error.seriesTooLong');
    expect(seriesRuleError(rule({ visitCount: MAX_VISITS }))).toBeNull();
    expect(() => expandSeries(rule({ visitCount: 1 }))).toThrow(RangeError);
  });
});
