// The message catalog in adaptive-cards/locales/*.json (issue 18): every key in every language, the
// same ICU arguments everywhere, valid ICU in each, and nynorsk that is nynorsk — in the catalog and
// in every card, so no bokmål text is left over where a nynorsk reader looks.
import { IntlMessageFormat } from 'intl-messageformat';
import { describe, expect, it } from 'vitest';
import type { CardContext } from '../../adaptive-cards/card.ts';
import { cardToText } from '../../adaptive-cards/text.ts';
import { catalog, LOCALES, messageKeys, ownMessages, t, type MessageKey } from '../../adaptive-cards/texts.ts';
import { mergeMessages } from '../../scripts/catalog-to-json.ts';
import { builders } from '../support/card-builders.ts';

type Element = ReturnType<IntlMessageFormat['getAst']>[number];

/** The argument names a message uses, sorted (a plain {count} in one language may be a plural in another). */
function argumentsOf(message: string, locale: string): string[] {
  const out = new Set<string>();
  const walk = (elements: readonly Element[]) => {
    for (const el of elements) {
      const e = el as { type: number; value?: unknown; options?: Record<string, { value: Element[] }>; children?: Element[] };
      // 0 literal, 7 pound: no argument; 8 tag: its children only.
      if (e.type !== 0 && e.type !== 7 && e.type !== 8 && typeof e.value === 'string') out.add(e.value);
      for (const option of Object.values(e.options ?? {})) walk(option.value);
      if (e.children) walk(e.children);
    }
  };
  walk(new IntlMessageFormat(message, locale, undefined, { ignoreTag: true }).getAst());
  return [...out].sort();
}

// Words that are bokmål and not nynorsk: one in a nynorsk text means it was not translated.
const BOKMAL_ONLY = /(?<![\p{L}-])(ikke|jeg|hva|hvordan|hvem|hvor|hvorfor|hvis|hvilken|hvilke|noen|uke|uka|uker|fra|mye|bare|ennå|allerede|navn|hjem|hjemme|hver|hvert|trenger|leter|kommer|forespørsel|forespørsler|forespørselen|påminnelse|taushetserklæring|taushetserklæringen|ansatt|ansatte|en|et)(?![\p{L}-])/iu;

describe('message catalog', () => {
  it('has every key in every locale, nothing more, none empty', () => {
    for (const locale of LOCALES) {
      const own = ownMessages(locale);
      expect(Object.keys(own).filter((k) => !messageKeys.includes(k as MessageKey)), `${locale}.json keys nb.json lacks`).toEqual([]);
      expect(messageKeys.filter((k) => !(k in own)), `${locale}.json lacks`).toEqual([]);
      for (const key of messageKeys) expect(own[key]?.trim(), `${locale} ${key}`).not.toBe('');
    }
  });

  it('uses the same ICU arguments in every locale, and each message is valid ICU', () => {
    for (const key of messageKeys) {
      const nb = argumentsOf(catalog('nb')[key], 'nb');
      for (const locale of LOCALES) expect(argumentsOf(catalog(locale)[key], locale), `${locale} ${key}`).toEqual(nb);
    }
  });

  it('keeps the JSON files in the same key order (nb.json decides)', () => {
    for (const locale of LOCALES) expect(Object.keys(ownMessages(locale)), locale).toEqual([...messageKeys]);
  });

  it('counts with plural rules: «1 frivillig», «3 frivillige»', () => {
    expect(t('nb', 'staffRequests.sentMany', { count: 1 })).toBe('Sendt ut til 1 frivillig');
    expect(t('nb', 'staffRequests.sentMany', { count: 3 })).toBe('Sendt ut til 3 frivillige');
    expect(t('nn', 'escalation.startsInDays', { days: 1 })).toBe('Oppdraget startar om 1 dag.');
    expect(t('nn', 'escalation.startsInDays', { days: 4 })).toBe('Oppdraget startar om 4 dagar.');
    expect(t('en', 'pushSettings.on', { count: 1 })).toContain('(1 device)');
    // A count left out stays visible instead of throwing.
    expect(t('nb', 'staffRequests.sentMany')).toContain('{count');
  });

  it('writes nynorsk in nn.json: no bokmål-only words', () => {
    const nn = ownMessages('nn');
    const bokmal = messageKeys.filter((key) => BOKMAL_ONLY.test(nn[key] ?? ''));
    expect(bokmal.map((key) => `${key}: ${nn[key]}`)).toEqual([]);
  });

  it('renders every message key in nynorsk with its arguments filled', () => {
    for (const key of messageKeys) {
      const params = Object.fromEntries(argumentsOf(catalog('nb')[key], 'nb').map((a) => [a, 2]));
      const text = t('nn', key, params);
      expect(text, key).not.toMatch(/\{\w+\}/);
      expect(BOKMAL_ONLY.test(text), `${key}: ${text}`).toBe(false);
    }
  });

  describe('every card in nynorsk', () => {
    const ctx: CardContext = { locale: 'nn', channel: 'webchat' };
    // Bokmål texts that differ from their nynorsk: none may show in a nynorsk card.
    const bokmalTexts = messageKeys
      .filter((key) => catalog('nb')[key] !== catalog('nn')[key])
      .flatMap((key) => catalog('nb')[key].split(/\{[^}]*\}/))
      .map((part) => part.trim())
      .filter((part) => part.length >= 12 && !Object.values(ownMessages('nn')).some((m) => m.includes(part)));
    const cases = Object.entries(builders(ctx)).flatMap(([name, cards]) => cards.map((card, i) => ({ name: `${name} #${i + 1}`, card })));

    it.each(cases)('$name: no bokmål, no missing key, no empty placeholder', ({ card }) => {
      const json = JSON.stringify(card);
      for (const part of bokmalTexts) expect(json.includes(part), part).toBe(false);
      expect(json).not.toMatch(/\{[a-z]\w*\}/);
      const text = cardToText(card, { locale: 'nn', style: 'numbered', allowedFields: () => [] }).text;
      for (const part of bokmalTexts) expect(text.includes(part), part).toBe(false);
      // Words a builder wrote itself rather than took from the catalog (the fixture's series rule is data).
      expect(text.replace('hver tirsdag', '').match(BOKMAL_ONLY)?.[0] ?? null, text).toBeNull();
    });
  });
});

describe('scripts/catalog-to-json.ts', () => {
  it('adds a key another branch wrote in texts.ts after the key it follows there, and keeps what the JSON has', () => {
    const existing = { 'a.one': 'En (redigert)', 'a.two': 'To', 'b.one': 'Tre' };
    const incoming = { 'a.one': 'En', 'a.two': 'To', 'a.new': 'Ny', 'b.one': 'Tre', 'first': 'Først' };
    const { merged, added } = mergeMessages(existing, incoming, ['first', 'a.one', 'a.two', 'a.new', 'b.one']);
    expect(Object.keys(merged)).toEqual(['first', 'a.one', 'a.two', 'a.new', 'b.one']);
    expect(merged['a.one']).toBe('En (redigert)');
    expect(added).toEqual(['first', 'a.new']);
  });
});
