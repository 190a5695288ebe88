// The recurrence part of the request form: repeat every week or every other week (same weekday and
// time as the first visit's date), until a date or for a number of visits. Parsed here, checked
// against the domain's rule (domain/series.ts) by the command.
import { z } from 'zod';
import type { Locale } from '../domain/types.ts';
import type { CardElement } from './card.ts';
import { text } from './card.ts';
import type { formKit } from './form.ts';
import { helpRequestFields } from './actions.ts';
import { t } from './texts.ts';

export const seriesFields = z.object({
  repeat: z
    .enum(['none', '1', '2'], { message: 'error.invalid' })
    .optional()
    .transform((v) => v ?? 'none'),
  untilDate: z
    .string()
    .optional()
    .transform((v) => (v ? v : null))
    .pipe(z.iso.date({ message: 'error.date' }).nullable()),
  visitCount: z
    .union([z.string(), z.number()])
    .optional()
    .transform((v) => (v === undefined || v === '' ? null : Number(v)))
    .pipe(z.number({ message: 'error.seriesTooShort' }).int({ message: 'error.seriesTooShort' }).min(2, { message: 'error.seriesTooShort' }).max(52, { message: 'error.seriesTooLong' }).nullable()),
});
export type SeriesFields = z.output<typeof seriesFields>;

/** A series' new time: the start (same weekday) and duration of every visit still to come. */
export const seriesEditFields = helpRequestFields.pick({ time: true, durationMinutes: true });
export type SeriesEditFields = z.output<typeof seriesEditFields>;

/** Every input of the request form: the request's fields and the recurrence. */
export const requestFormFields = helpRequestFields.extend(seriesFields.shape);
export type SeriesField = keyof SeriesFields;

/** The recurrence inputs, for a form built with formKit over (at least) these fields. */
export function seriesInputs<F extends string>(locale: Locale, f: ReturnType<typeof formKit<F | SeriesField>>, today?: string): CardElement[] {
  return [
    ...f.choice('repeat', t(locale, 'series.repeat'), [
      { title: t(locale, 'series.repeat.none'), value: 'none' },
      { title: t(locale, 'series.repeat.1'), value: '1' },
      { title: t(locale, 'series.repeat.2'), value: '2' },
    ], { defaultValue: 'none' }),
    text(t(locale, 'series.repeatHint'), { isSubtle: true, size: 'small', spacing: 'small' }),
    ...f.date('untilDate', t(locale, 'series.untilDate'), today ? { min: today } : {}),
    ...f.number('visitCount', t(locale, 'series.visitCount'), { min: 2, max: 52 }),
  ];
}
