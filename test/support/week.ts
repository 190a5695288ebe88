// A test that lives on a Wednesday morning (the next one): Friday is two days ahead, and its
// day-before reminder still to come.
import { addDaysToDate, isoWeekday } from '../../domain/series.ts';
import { osloDate, osloWallClock } from '../../domain/time-zone.ts';

export function nextWednesdayMorning(): { at: Date; wednesday: string; friday: string } {
  const today = osloDate(new Date());
  const wednesday = addDaysToDate(today, (3 - isoWeekday(today) + 7) % 7 || 7);
  return { at: osloWallClock(wednesday, '09:00'), wednesday, friday: addDaysToDate(wednesday, 2) };
}
