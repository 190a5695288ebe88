// Turning a rejected form submit into field errors the person can act on: zod's issues become
// message keys (translated by the card), and what they typed is shown again.
import type { z } from 'zod';
import { errorsFromIssues, type FormErrors, type FormValues } from '../adaptive-cards/form.ts';

export function formErrors<F extends string>(error: z.ZodError): FormErrors<F> {
  return errorsFromIssues<F>(error.issues);
}

/** The submitted inputs, as strings, to pre-fill the form again. */
export function submittedValues<F extends string>(raw: Record<string, unknown>): FormValues<F> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (k === 'action') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out as FormValues<F>;
}

export function todayInOslo(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}
