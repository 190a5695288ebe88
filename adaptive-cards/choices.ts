// Choice lists shared by several cards, with values exactly as actions.ts expects them.
import type { Locale, TaskComfort } from '../domain/types.ts';
import type { Choice } from './card.ts';
import { capitalize } from './card.ts';
import { isMessageKey, t } from './texts.ts';

/** Languages offered in forms (ISO 639-1), in this order. */
export const LANGUAGE_CODES = ['nb', 'en', 'ar', 'pl', 'so', 'ti', 'uk'] as const;
export type LanguageCode = (typeof LANGUAGE_CODES)[number];

export const DAY_PARTS = ['morning', 'afternoon', 'evening'] as const;
export type DayPart = (typeof DAY_PARTS)[number];

export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

export const COMFORT_OPTIONS: readonly TaskComfort[] = ['any', 'first_time_friendly_only', 'staff_along_only'];

/** "Arabisk" for "ar"; an unknown code is shown as it is. */
export function languageLabel(locale: Locale, code: string): string {
  const key = `language.${code}`;
  return isMessageKey(key) ? t(locale, key) : code;
}

export function languageChoices(locale: Locale): Choice[] {
  return LANGUAGE_CODES.map((code) => ({ title: languageLabel(locale, code), value: code }));
}

/** "mandag" for 1 … "søndag" for 7. */
export function weekdayName(locale: Locale, weekday: (typeof WEEKDAYS)[number]): string {
  return t(locale, `weekday.${weekday}`);
}

/** "Mandag formiddag" for "1:morning". */
export function availabilityLabel(locale: Locale, weekday: (typeof WEEKDAYS)[number], part: DayPart): string {
  return capitalize(t(locale, 'availability.slot', { weekday: weekdayName(locale, weekday), part: t(locale, `dayPart.${part}`) }));
}

/** 7 days × formiddag/ettermiddag/kveld as "weekday:part" keys. */
export function availabilityChoices(locale: Locale): Choice[] {
  return WEEKDAYS.flatMap((day) => DAY_PARTS.map((part) => ({ title: availabilityLabel(locale, day, part), value: `${day}:${part}` })));
}

/** The form field holding one weekday's parts of the day (sign-up form, one compact choice per day). */
export type AvailabilityDayField = `availability${(typeof WEEKDAYS)[number]}`;
export const AVAILABILITY_DAY_FIELDS: readonly AvailabilityDayField[] = WEEKDAYS.map((d) => `availability${d}` as const);

/** Every non-empty combination of parts of the day, in reading order: what one day's choice offers. */
const PART_SETS: readonly (readonly DayPart[])[] = [['morning'], ['afternoon'], ['evening'], ['morning', 'afternoon'], ['afternoon', 'evening'], ['morning', 'evening'], ['morning', 'afternoon', 'evening']];

/** One day's choice: «Formiddag», «Ettermiddag og kveld», «Hele dagen»; the value lists the parts ("morning,evening"). */
export function dayPartChoices(locale: Locale): Choice[] {
  return PART_SETS.map((parts) => ({
    title: parts.length === DAY_PARTS.length ? t(locale, 'availability.allDay') : capitalize(parts.map((p) => t(locale, `dayPart.${p}`)).join(t(locale, 'availability.and'))),
    value: parts.join(','),
  }));
}

/** "1:morning"-keys → the per-day values of the form ({ availability1: "morning", … }). */
export function availabilityByDay(slots: readonly string[]): Partial<Record<AvailabilityDayField, string>> {
  const out: Partial<Record<AvailabilityDayField, string>> = {};
  for (const d of WEEKDAYS) {
    const parts = DAY_PARTS.filter((p) => slots.includes(`${d}:${p}`));
    if (parts.length > 0) out[`availability${d}`] = parts.join(',');
  }
  return out;
}

/**
 * The per-day answers of the form as "weekday:part" keys ("1:morning,3:evening"), in the field the
 * sign-up schema reads; raw data without per-day answers (the API, older clients) is left as it is.
 */
export function availabilityFromDays(raw: Record<string, unknown>): Record<string, unknown> {
  if (!AVAILABILITY_DAY_FIELDS.some((f) => f in raw)) return raw;
  const out: Record<string, unknown> = { ...raw };
  const slots: string[] = [];
  WEEKDAYS.forEach((d) => {
    const value = out[`availability${d}`];
    delete out[`availability${d}`];
    if (typeof value !== 'string') return;
    for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) slots.push(`${d}:${part}`);
  });
  out.availability = slots.join(',');
  return out;
}

export function comfortChoices(locale: Locale): Choice[] {
  return COMFORT_OPTIONS.map((c) => ({ title: t(locale, `comfort.${c}`), value: c }));
}

export function joinList(locale: Locale, items: readonly string[]): string {
  return items.join(t(locale, 'common.listSeparator'));
}
