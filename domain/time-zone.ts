// Dugnad serves Norway: every date and time a person reads or types is Europe/Oslo's calendar and
// wall clock, whatever zone a server runs in. One home for the zone and the two conversions everyone needs.
import { TZDate } from '@date-fns/tz';

export const TIME_ZONE = 'Europe/Oslo';

/** The instant a Norwegian calendar date and wall-clock time name (a time skipped by DST moves forward). */
export function osloWallClock(date: string, time: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [hh, mm] = time.split(':').map(Number) as [number, number];
  return new Date(new TZDate(y, m - 1, d, hh, mm, 0, TIME_ZONE).getTime());
}

/** The Oslo calendar date of an instant, YYYY-MM-DD. */
export function osloDate(at: Date): string {
  const d = new TZDate(at.getTime(), TIME_ZONE);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
