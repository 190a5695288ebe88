// Form plumbing shared by the sign-up, person and request forms: labelled inputs pre-filled from
// `values`, a red (attention) line under each invalid field, and a summary at the top.
import type { Locale } from '../domain/types.ts';
import type { CardElement, CardInput, Choice, InputChoiceSet, InputDate, InputNumber, InputText, InputTime, InputToggle, TextBlock } from './card.ts';
import { text } from './card.ts';
import { isMessageKey, t, type MessageKey } from './texts.ts';

/** A value to pre-fill: a raw submitted string, or the stored value (arrays, numbers, booleans). */
export type FormValue = string | number | boolean | readonly string[] | null | undefined;
export type FormValues<F extends string> = Partial<Record<F, FormValue>>;
/**
 * Per-field error: preferably a message key from actions.ts ("error.phone"), which is translated
 * here; any other text is shown as given.
 */
export type FormErrors<F extends string> = Partial<Record<F, string>>;

/** The message to show for an error given as a key or as ready text. */
export function errorText(locale: Locale, message: string): string {
  if (isMessageKey(message)) return t(locale, message);
  // An unknown key (or a raw zod message such as "Invalid input") is not for people's eyes.
  if (/^error\./.test(message) || /^Invalid\b/i.test(message)) return t(locale, 'error.invalid');
  return message;
}

/**
 * Field errors from zod issues (`result.error.issues`): the first issue per top-level field, as a
 * message key. Messages that are not keys become 'error.invalid'.
 */
export function errorsFromIssues<F extends string = string>(
  issues: ReadonlyArray<{ readonly path: ReadonlyArray<PropertyKey>; readonly message: string }>,
): FormErrors<F> {
  const out: Partial<Record<string, MessageKey>> = {};
  for (const issue of issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || out[field] !== undefined) continue;
    out[field] = isMessageKey(issue.message) ? issue.message : 'error.invalid';
  }
  return out as FormErrors<F>;
}

/** A pre-fill value as the string an input expects (multi-select: "a,b,c"). */
export function inputString(v: FormValue): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return v.join(',');
}

function inputNumber(v: FormValue): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export const PHONE_PATTERN = '^\\+?[0-9 \\-]{8,20}$';
export const POSTCODE_PATTERN = '^[0-9]{4}$';

interface Common {
  required?: boolean;
  /** Client-side message when a required field is empty or the pattern fails (default error.required). */
  invalidKey?: MessageKey;
}

/**
 * Builds labelled inputs for one form, pre-filled from `values`, each followed by its error (if
 * any); remembers labels so `summary()` can list what needs fixing at the top of the card.
 */
export function formKit<F extends string>(locale: Locale, values: FormValues<F> = {}, errors: FormErrors<F> = {}) {
  const labels = new Map<F, string>();
  const order: F[] = [];

  function withError(id: F, label: string, input: CardInput): CardElement[] {
    labels.set(id, label);
    order.push(id);
    const message = errors[id];
    if (!message) return [input];
    const block: TextBlock = text(errorText(locale, message), { id: `${id}-error`, color: 'attention', weight: 'bolder', spacing: 'small' });
    return [input, block];
  }

  function requiredProps(opts: Common): Pick<CardInput, 'isRequired' | 'errorMessage'> {
    const key = opts.invalidKey ?? 'error.required';
    if (opts.required) return { isRequired: true, errorMessage: t(locale, key) };
    if (opts.invalidKey) return { errorMessage: t(locale, key) };
    return {};
  }

  return {
    text(
      id: F,
      label: string,
      opts: Common & { maxLength?: number; multiline?: boolean; placeholder?: string; style?: InputText['style']; regex?: string } = {},
    ): CardElement[] {
      const input: InputText = { type: 'Input.Text', id, label, ...requiredProps(opts) };
      const value = inputString(values[id]);
      if (value !== undefined) input.value = value;
      if (opts.placeholder) input.placeholder = opts.placeholder;
      if (opts.maxLength) input.maxLength = opts.maxLength;
      if (opts.multiline) input.isMultiline = true;
      if (opts.style) input.style = opts.style;
      if (opts.regex) input.regex = opts.regex;
      return withError(id, label, input);
    },

    number(id: F, label: string, opts: Common & { min?: number; max?: number; defaultValue?: number } = {}): CardElement[] {
      const input: InputNumber = { type: 'Input.Number', id, label, ...requiredProps(opts) };
      const value = inputNumber(values[id]) ?? opts.defaultValue;
      if (value !== undefined) input.value = value;
      if (opts.min !== undefined) input.min = opts.min;
      if (opts.max !== undefined) input.max = opts.max;
      return withError(id, label, input);
    },

    date(id: F, label: string, opts: Common & { min?: string; max?: string; defaultValue?: string } = {}): CardElement[] {
      const input: InputDate = { type: 'Input.Date', id, label, ...requiredProps({ invalidKey: 'error.date', ...opts }) };
      const value = inputString(values[id]) ?? opts.defaultValue;
      if (value) input.value = value;
      if (opts.min) input.min = opts.min;
      if (opts.max) input.max = opts.max;
      return withError(id, label, input);
    },

    time(id: F, label: string, opts: Common & { defaultValue?: string } = {}): CardElement[] {
      const input: InputTime = { type: 'Input.Time', id, label, ...requiredProps({ invalidKey: 'error.time', ...opts }) };
      const value = inputString(values[id]) ?? opts.defaultValue;
      if (value) input.value = value;
      return withError(id, label, input);
    },

    choice(
      id: F,
      label: string,
      choices: Choice[],
      opts: Common & { multi?: boolean; expanded?: boolean; placeholder?: string; defaultValue?: string } = {},
    ): CardElement[] {
      const input: InputChoiceSet = {
        type: 'Input.ChoiceSet',
        id,
        label,
        choices,
        style: opts.expanded ? 'expanded' : 'compact',
        wrap: true,
        ...requiredProps(opts),
      };
      if (opts.multi) input.isMultiSelect = true;
      const value = inputString(values[id]) ?? opts.defaultValue;
      if (value !== undefined && value !== '') input.value = value;
      if (opts.placeholder) input.placeholder = opts.placeholder;
      return withError(id, label, input);
    },

    /** A checkbox; `title` is the text beside it (and its accessible name). */
    toggle(id: F, title: string): CardElement[] {
      const on = inputString(values[id]) === 'true';
      const input: InputToggle = { type: 'Input.Toggle', id, title, value: on ? 'true' : 'false', valueOn: 'true', valueOff: 'false', wrap: true };
      return withError(id, title, input);
    },

    /** "Noe må rettes …" plus one line per invalid field, in form order; empty when all is well. */
    summary(): CardElement[] {
      const invalid = order.filter((id) => errors[id]);
      // Errors for fields this form does not show (e.g. a hidden id) still deserve a line.
      const extra = (Object.keys(errors) as F[]).filter((id) => errors[id] && !labels.has(id));
      if (invalid.length === 0 && extra.length === 0) return [];
      const lines = [...invalid, ...extra].map((id) =>
        text(
          t(locale, 'form.errorItem', { label: labels.get(id) ?? id, message: errorText(locale, errors[id] ?? '') }),
          { color: 'attention', spacing: 'small' },
        ),
      );
      return [text(t(locale, 'form.errorSummary'), { id: 'form-errors', color: 'attention', weight: 'bolder', size: 'medium' }), ...lines];
    },
  };
}
