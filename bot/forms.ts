// Turning a rejected form submit into field errors the person can act on: zod's issues become
// message keys (translated by the card), and what they typed is shown again.
import type { z } from 'zod';
import { errorsFromIssues, type FormErrors, type FormValues } from '../adaptive-cards/form.ts';
import type { PersonFields } from '../adaptive-cards/actions.ts';
import { consentInputProblems } from '../domain/consent.ts';
import { osloDate } from '../domain/time-zone.ts';

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

const CONSENT_PROBLEM_FIELDS = {
  basis_not_allowed: ['consentBasis', 'error.consentBasis'],
  relation_required: ['consentRelation', 'error.consentRelation'],
  date_in_future: ['consentDate', 'error.futureDate'],
} as const;

/** The domain's consent rule, as field errors on the person form (or, with a prefix, the API body). */
export function consentErrors(
  fields: PersonFields,
  now: Date,
  recordedBy: 'staff' | 'caregiver' | 'system',
  prefix = '',
): Record<string, string> {
  const problems = consentInputProblems(
    { basis: fields.consentBasis, relation: fields.consentRelation, date: fields.consentDate },
    { today: osloDate(now), recordedBy },
  );
  return Object.fromEntries(problems.map((p) => [`${prefix}${CONSENT_PROBLEM_FIELDS[p][0]}`, CONSENT_PROBLEM_FIELDS[p][1]]));
}

/**
 * A fresh request form filled in from the person it is for (the one chosen, or the only one): their
 * area, and (given `meetingPlace`) where to meet. Only fields not given yet: a form sent back with
 * errors keeps what the asker wrote, even an emptied field.
 */
export function withPersonDefaults<P extends { id: string; district: string; name: string }>(
  values: Record<string, unknown>,
  persons: readonly P[],
  meetingPlace?: (person: P) => string,
): Record<string, unknown> {
  const chosen = typeof values.personId === 'string' ? values.personId : persons.length === 1 ? persons[0]!.id : undefined;
  const person = persons.find((p) => p.id === chosen);
  if (!person) return values;
  return {
    ...(values.district === undefined ? { district: person.district } : {}),
    ...(meetingPlace && values.meetingPlace === undefined ? { meetingPlace: meetingPlace(person) } : {}),
    ...values,
  };
}
