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

export function comfortChoices(locale: Locale): Choice[] {
  return COMFORT_OPTIONS.map((c) => ({ title: t(locale, `comfort.${c}`), value: c }));
}

export function joinList(locale: Locale, items: readonly string[]): string {
  return items.join(t(locale, 'common.listSeparator'));
}
