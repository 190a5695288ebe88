// The recurrence part of the request form: repeat every week or every other week (same weekday and
// time as the first visit's date), until a date or for a number of visits. Parsed here, checked
// against the domain's rule (domain/series.ts) by the command.
import { z } from 'zod';
import type { Locale } from '../domain/types.ts';
import type { CardElement } from './card.ts';
import { actionSet, container, text, toggleVisibility } from './card.ts';
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

/** Where the recurrence inputs live on the request form: hidden until «Gjenta besøket» is tapped. */
export const SERIES_FIELDS_ID = 'series-fields';
const VISIT_COUNTS = Array.from({ length: 51 }, (_, i) => String(i + 2));

/**
 * The recurrence inputs, for a form built with formKit over (at least) these fields. They sit in a
 * container that «Gjenta besøket …» shows, so a one-off request never meets them. None of them may
 * block a submit while hidden: a card renderer validates hidden inputs too, and Web Chat's
 * (adaptivecards 3.0) reads an empty Input.Number as NaN and fails its min — so the number of visits
 * is a choice, and the rule is checked by the server (domain/series.ts).
 */
export function seriesInputs<F extends string>(
  locale: Locale,
  f: ReturnType<typeof formKit<F | SeriesField>>,
  opts: { today?: string; open?: boolean } = {},
): CardElement[] {
  const fields = container(
    [
      ...f.choice('repeat', t(locale, 'series.repeat'), [
        { title: t(locale, 'series.repeat.none'), value: 'none' },
        { title: t(locale, 'series.repeat.1'), value: '1' },
        { title: t(locale, 'series.repeat.2'), value: '2' },
      ], { defaultValue: 'none', expanded: true }),
      text(t(locale, 'series.repeatHint'), { isSubtle: true, size: 'small', spacing: 'small' }),
      ...f.date('untilDate', t(locale, 'series.untilDate'), opts.today ? { min: opts.today } : {}),
      ...f.choice('visitCount', t(locale, 'series.visitCount'), VISIT_COUNTS.map((n) => ({ title: n, value: n })), { placeholder: t(locale, 'series.visitCountNone') }),
    ],
    { id: SERIES_FIELDS_ID, spacing: 'small', ...(opts.open ? {} : { isVisible: false }) },
  );
  return [actionSet([toggleVisibility(t(locale, 'series.toggle'), [SERIES_FIELDS_ID])], { spacing: 'medium' }), fields];
}
