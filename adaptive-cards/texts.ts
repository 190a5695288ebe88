// The single message catalog for Dugnad: cards and the bot's plain-text replies both read from here.
// The words live in adaptive-cards/locales/<locale>.json, one file per language, so a translator
// edits them without reading TypeScript (docs/translating.md). Bokmål (nb.json) is the default and
// decides which keys exist; en.json and nn.json must have every key with the same {placeholders}
// (test/unit/catalog.test.ts). Messages are ICU MessageFormat: {name} is filled from `params`, and
// a count is written {count, plural, one {# oppdrag} other {# oppdrag}}. Keep it plain, warm and
// short: most volunteers are pensioners on a phone, staff are busy, caregivers are tired.
import { IntlMessageFormat } from 'intl-messageformat';
import { TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import type { Locale } from '../domain/types.ts';
import nbMessages from './locales/nb.json' with { type: 'json' };
import enMessages from './locales/en.json' with { type: 'json' };
import nnMessages from './locales/nn.json' with { type: 'json' };

export type MessageKey = keyof typeof nbMessages;
export type Catalog = { readonly [K in MessageKey]: string };

// en.json and nn.json are checked key by key by the catalog test rather than by their JSON types,
// so a key one branch adds to nb.json does not stop the build before its translation is written.
// A missing translation falls back to bokmål at run time, never to a gap.
const catalogs: Readonly<Record<Locale, Catalog>> = {
  nb: nbMessages,
  en: { ...nbMessages, ...(enMessages as Partial<Catalog>) },
  nn: { ...nbMessages, ...(nnMessages as Partial<Catalog>) },
};
const ownCatalogs: Readonly<Record<Locale, Readonly<Record<string, string>>>> = { nb: nbMessages, en: enMessages, nn: nnMessages };

export type MessageParams = Readonly<Record<string, string | number>>;

interface Compiled {
  format: IntlMessageFormat;
  /** Every argument the message names, to leave a missing one visible as {name}. */
  args: readonly string[];
}
const compiled = new Map<string, Compiled>();

function argumentsOf(elements: readonly MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const el of elements) {
    if (el.type === TYPE.literal || el.type === TYPE.pound) continue;
    if ('value' in el && typeof el.value === 'string' && el.type !== TYPE.tag) into.add(el.value);
    if ('options' in el) for (const option of Object.values(el.options)) argumentsOf(option.value, into);
    if (el.type === TYPE.tag) argumentsOf(el.children, into);
  }
  return into;
}

function compile(locale: Locale, key: MessageKey): Compiled {
  const id = `${locale}\u0000${key}`;
  let c = compiled.get(id);
  if (!c) {
    // ignoreTag: a «<» in a message is text, not markup.
    const format = new IntlMessageFormat(catalogs[locale][key], locale, undefined, { ignoreTag: true });
    c = { format, args: [...argumentsOf(format.getAst())] };
    compiled.set(id, c);
  }
  return c;
}

/**
 * The text for `key` in `locale`, with {placeholders} filled from `params`. A placeholder without
 * a value is left as it is, so a mistake shows up in tests instead of as an empty gap.
 */
export function t(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const template = catalogs[locale][key];
  // Most messages are plain words: no need to parse them.
  if (!template.includes('{') && !template.includes("'")) return template;
  const { format, args } = compile(locale, key);
  if (args.some((name) => params?.[name] === undefined)) {
    // A plural cannot count what is not there: show the message as written, the known values filled.
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (params?.[name] === undefined ? whole : String(params[name])));
  }
  const out = format.format(params);
  return typeof out === 'string' ? out : String(out);
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.prototype.hasOwnProperty.call(nbMessages, value);
}

/** All keys, for tests and tooling. */
export const messageKeys: readonly MessageKey[] = Object.keys(nbMessages) as MessageKey[];

/** The raw catalog of a locale (read-only), for tests and tooling. */
export function catalog(locale: Locale): Catalog {
  return catalogs[locale];
}

/** What a locale's own file holds, without the bokmål fallback: for the catalog test. */
export function ownMessages(locale: Locale): Readonly<Record<string, string>> {
  return ownCatalogs[locale];
}

/** Every locale we have words for, bokmål first. */
export const LOCALES: readonly Locale[] = ['nb', 'nn', 'en'];

/**
 * Our locale from a client's tag ("nb-NO", "no", "nn", "nn-NO", "no-nyn", "en-US", …): English for
 * `en*`, nynorsk for `nn*`, bokmål for everything else.
 */
export function localeFromTag(tag: string | null | undefined): Locale {
  if (!tag) return 'nb';
  if (/^en\b/i.test(tag)) return 'en';
  if (/^(nn\b|no-nyn\b)/i.test(tag)) return 'nn';
  return 'nb';
}
