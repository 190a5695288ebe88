import { describe, expect, it } from 'vitest';
import { nextAllowedSendTime, parseClockTime } from '../../domain/quiet-hours.ts';

const at = (iso: string) => new Date(iso);
const release = (iso: string, urgent = false) => nextAllowedSendTime(at(iso), { urgent }).toISOString();

describe('nextAllowedSendTime', () => {
  it('sends at once during the day', () => {
    // 14:00 CEST
    expect(release('2026-06-10T12:00:00Z')).toBe('2026-06-10T12:00:00.000Z');
  });

  it('uses Oslo local time for the boundaries, not UTC', () => {
    // 20:59 CEST is 18:59Z: still allowed.
    expect(release('2026-06-10T18:59:00Z')).toBe('2026-06-10T18:59:00.000Z');
    // 21:00 CEST is 19:00Z: quiet until 08:00 CEST next day (06:00Z).
    expect(release('2026-06-10T19:00:00Z')).toBe('2026-06-11T06:00:00.000Z');
    // 07:59 CEST is 05:59Z: quiet until 08:00 the same morning.
    expect(release('2026-06-11T05:59:30Z')).toBe('2026-06-11T06:00:00.000Z');
    // 08:00 CEST exactly: allowed.
    expect(release('2026-06-11T06:00:00Z')).toBe('2026-06-11T06:00:00.000Z');
  });

  it('handles winter time (UTC+1)', () => {
    // 22:00 CET on 10 January → 08:00 CET on 11 January = 07:00Z.
    expect(release('2026-01-10T21:00:00Z')).toBe('2026-01-11T07:00:00.000Z');
  });

  it('sends urgent messages at once, even at night', () => {
    expect(release('2026-06-10T21:30:00Z', true)).toBe('2026-06-10T21:30:00.000Z');
  });

  it('releases at 08:00 local after the spring DST change', () => {
    // 23:30 CET on Saturday 28 March (22:30Z) → 08:00 CEST on Sunday 29 March = 06:00Z.
    expect(release('2026-03-28T22:30:00Z')).toBe('2026-03-29T06:00:00.000Z');
    // 00:30 CET on the Sunday, before the change → same morning.
    expect(release('2026-03-28T23:30:00Z')).toBe('2026-03-29T06:00:00.000Z');
    // 03:30 CEST, just after the change.
    expect(release('2026-03-29T01:30:00Z')).toBe('2026-03-29T06:00:00.000Z');
  });

  it('releases at 08:00 local after the autumn DST change', () => {
    // 23:30 CEST on Saturday 24 October (21:30Z) → 08:00 CET on Sunday 25 October = 07:00Z.
    expect(release('2026-10-24T21:30:00Z')).toBe('2026-10-25T07:00:00.000Z');
    // 02:30 happens twice that night; both are quiet and release at the same instant.
    expect(release('2026-10-25T00:30:00Z')).toBe('2026-10-25T07:00:00.000Z');
    expect(release('2026-10-25T01:30:00Z')).toBe('2026-10-25T07:00:00.000Z');
  });

  it('honours custom quiet hours that do not wrap midnight', () => {
    const opts = { urgent: false, quietStart: '12:00', quietEnd: '13:00' };
    // 12:30 CEST
    expect(nextAllowedSendTime(at('2026-06-10T10:30:00Z'), opts).toISOString()).toBe('2026-06-10T11:00:00.000Z');
    // 23:00 CEST: outside.
    expect(nextAllowedSendTime(at('2026-06-10T21:00:00Z'), opts).toISOString()).toBe('2026-06-10T21:00:00.000Z');
  });

  it('honours custom wrapping quiet hours and another time zone', () => {
    const opts = { urgent: false, quietStart: '22:30', quietEnd: '07:15', timeZone: 'UTC' };
    expect(nextAllowedSendTime(at('2026-06-10T22:45:00Z'), opts).toISOString()).toBe('2026-06-11T07:15:00.000Z');
    expect(nextAllowedSendTime(at('2026-06-10T22:15:00Z'), opts).toISOString()).toBe('2026-06-10T22:15:00.000Z');
  });

  it('has no quiet hours when start equals end', () => {
    expect(nextAllowedSendTime(at('2026-06-10T23:00:00Z'), { urgent: false, quietStart: '08:00', quietEnd: '08:00' }).toISOString()).toBe(
      '2026-06-10T23:00:00.000Z',
    );
  });

  it('crosses month and year ends', () => {
    // 23:00 CET on 31 December → 08:00 CET on 1 January.
    expect(release('2026-12-31T22:00:00Z')).toBe('2027-01-01T07:00:00.000Z');
  });

  it('returns a new Date, not the argument', () => {
    const now = at('2026-06-10T12:00:00Z');
    expect(nextAllowedSendTime(now, { urgent: false })).not.toBe(now);
  });

  it('rejects a bad time zone', () => {
    expect(() => nextAllowedSendTime(at('2026-06-10T12:00:00Z'), { urgent: false, timeZone: 'Mars/Olympus' })).toThrow(RangeError);
  });
});

describe('parseClockTime', () => {
  it('reads HH:mm as minutes after midnight', () => {
    expect(parseClockTime('00:00')).toBe(0);
    expect(parseClockTime('08:00')).toBe(480);
    expect(parseClockTime('21:00')).toBe(1260);
    expect(parseClockTime('23:59')).toBe(1439);
  });

  it.each(['8:00', '24:00', '21:60', '2100', '', ' 21:00'])('rejects %j', (bad) => {
    expect(() => parseClockTime(bad)).toThrow(RangeError);
    expect(() => nextAllowedSendTime(at('2026-06-10T12:00:00Z'), { urgent: false, quietStart: bad })).toThrow(RangeError);
  });
});
