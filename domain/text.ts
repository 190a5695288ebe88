// What text Dugnad can store and show. PostgreSQL text and jsonb hold neither NUL nor a lone
// surrogate; control characters (other than tab and line breaks) are never typed into a form and
// would end up in logs, cards and reports. One rule for the chat, the web chat's endpoint and the API.

const UNSTORABLE_SOURCE = '\\u0000|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSTORABLE = new RegExp(UNSTORABLE_SOURCE);
const UNSTORABLE_ALL = new RegExp(UNSTORABLE_SOURCE, 'g');
/** C0 controls except tab, line feed and carriage return; DEL; C1 controls. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** The string can be stored as it is. */
export function isStorable(s: string): boolean {
  return !UNSTORABLE.test(s);
}

/** The string with every unstorable character replaced by U+FFFD (what a card input never means). */
export function toStorable(s: string): string {
  return s.replace(UNSTORABLE_ALL, '\ufffd');
}

/** What a field refused for unstorable text is told, wherever text is checked at the door. */
export const UNSTORABLE_REASON = 'contains characters that cannot be stored';

/**
 * A copy of `value` with every string, keys included, made storable (toStorable); objects past
 * `depth` levels are left out (undefined), which keeps the walk bounded.
 */
export function toStorableDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return toStorable(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth === 0) return undefined;
  if (Array.isArray(value)) return value.map((v) => toStorableDeep(v, depth - 1));
  // fromEntries defines own properties, so a "__proto__" key stays data and never becomes a prototype.
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [toStorable(k), toStorableDeep(v, depth - 1)]));
}

/** Every string in `value`, keys included, can be stored; false past `depth` levels. */
export function isStorableDeep(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return isStorable(value);
  if (value === null || typeof value !== 'object') return true;
  if (depth === 0) return false;
  return Object.entries(value).every(([k, v]) => isStorable(k) && isStorableDeep(v, depth - 1));
}

/** Text a person could have typed into a form field: storable, and no control characters but tab and line breaks. */
export function isPlainText(s: string): boolean {
  return isStorable(s) && !CONTROL.test(s);
}
