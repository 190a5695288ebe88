// Section 3 of issue 15: every card Dugnad sends has a text form (adaptive-cards/text.ts) for channels
// without cards. For every card builder: each button is an answer that carries the button's own data
// (so the same command runs) and that the bot's schema accepts; a form with one field takes its value
// after the key; the text carries no personal detail the card does not carry, and by SMS none at all
// unless allowed (name and address only). A check at the end makes sure no builder is left out.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cardAction } from '../../adaptive-cards/actions.ts';
import { verbTakesInputs } from '../../adaptive-cards/action.ts';
import type { AdaptiveCard, CardContext } from '../../adaptive-cards/card.ts';
import { answerData, cardToText, privateRefs, type TextStyle } from '../../adaptive-cards/text.ts';
import { findPersonalData, PRIVATE_FIELDS, SMS_DETAIL_FIELDS, type PrivateField } from '../../domain/confidentiality.ts';
import type { Locale } from '../../domain/types.ts';
import { t } from '../../adaptive-cards/texts.ts';
import { followUpCard } from '../../adaptive-cards/follow-up.ts';
import { offerCard } from '../../adaptive-cards/offer.ts';
import { policeSettingsCard } from '../../adaptive-cards/police-settings.ts';
import { A1, builders, details, ID, view } from '../support/card-builders.ts';

/** Every Action.Submit/Execute in a card, with whether its form is too long for a text answer. */
function submits(card: AdaptiveCard): Array<Record<string, unknown> & { action: string }> {
  const out: Array<Record<string, unknown> & { action: string }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ((o.type === 'Action.Submit' || o.type === 'Action.Execute') && o.data) out.push(o.data as Record<string, unknown> & { action: string });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

const ALL = [...PRIVATE_FIELDS];
const sample = (kind: string | undefined) => (kind === 'number' ? '2,5' : kind === 'toggle' ? 'ja' : kind === 'date' ? '2026-12-24' : kind === 'time' ? '10:00' : 'Personen var ikke hjemme');

describe.each<[Locale, TextStyle]>([['nb', 'sms'], ['nb', 'numbered'], ['nn', 'sms'], ['nn', 'numbered'], ['en', 'sms'], ['en', 'numbered']])('every card as text (%s, %s)', (locale, style) => {
  const ctx: CardContext = { locale, channel: 'webchat' };
  const cases = Object.entries(builders(ctx)).flatMap(([name, cards]) => cards.map((card, i) => ({ name: `${name} #${i + 1}`, card })));

  it.each(cases)('$name: each button is an answer carrying its own data, which the bot accepts', ({ card }) => {
    const r = cardToText(card, { locale, style, allowedFields: () => (style === 'sms' ? [] : ALL), linkFor: () => 'https://dugnad.example/t/token', code: '4821' });
    expect(r.text.length).toBeGreaterThan(0);
    expect(new Set(r.options.map((o) => o.key)).size).toBe(r.options.length);
    for (const o of r.options) {
      if (style === 'sms') expect(r.text).toContain(`${o.key} 4821`);
      else expect(r.text).toMatch(new RegExp(`^${o.key}\\b`, 'm'));
      // A text answer (with a value where the button submits one) becomes data the bot's schema takes.
      const filled = answerData(o, o.input ? sample(o.input.kind) : '');
      expect('data' in filled, o.key).toBe(true);
      if ('data' in filled && !(o.input && o.input.kind === 'choice')) {
        const parsed = cardAction.safeParse(filled.data);
        // Multi-field forms («….submit» with passthrough) validate their fields in the command; the verb must parse.
        if (!parsed.success) expect(verbTakesInputs(o.data.action as never)).toBe(true);
      }
    }
    // Every button is there, except the menu in an SMS and forms that need more than one field.
    const answered = new Set(r.options.map((o) => JSON.stringify(o.data)));
    const missing = submits(card).filter((d) => !answered.has(JSON.stringify(d)));
    for (const d of missing) {
      const skippable = (style === 'sms' && d.action === 'menu.show') || verbTakesInputs(d.action as never);
      expect(skippable, `${d.action} has no text answer`).toBe(true);
    }
    if (missing.some((d) => verbTakesInputs(d.action as never))) expect(r.text).toContain(t(locale, 'text.formInApp'));
  });

  it.each(cases)('$name: carries no personal detail the card does not, and by SMS none unless allowed', ({ card }) => {
    const asJson = JSON.stringify(card);
    const onCard = new Set(findPersonalData(asJson, details));
    const none = cardToText(card, { locale, style, allowedFields: () => (style === 'sms' ? [] : ALL), linkFor: () => 'https://dugnad.example/t/token', code: '4821' });
    for (const f of findPersonalData(none.text, details)) expect(onCard.has(f), f).toBe(true);
    if (style !== 'sms' || privateRefs(card).length === 0) return;
    // The details of a marked task never go by SMS unless allowed; then name and address only.
    const marked = findPersonalData(none.text, details).filter((f) => ['personName', 'address', 'phone', 'handoverNote', 'meetingPlace', 'contactPhone'].includes(f));
    expect(marked).toEqual([]);
    expect(none.withheld.length).toBeGreaterThan(0);
    expect(none.text).toContain('https://dugnad.example/t/token');
    const some = cardToText(card, { locale, style, allowedFields: () => SMS_DETAIL_FIELDS, linkFor: () => 'https://dugnad.example/t/token', code: '4821' });
    const shown = findPersonalData(some.text, details) as PrivateField[];
    expect(shown).toEqual(expect.arrayContaining(['personName', 'address']));
    for (const f of ['phone', 'handoverNote', 'contactPhone'] as const) expect(shown).not.toContain(f);
  });

  it('lists every card builder there is', () => {
    const dir = fileURLToPath(new URL('../../adaptive-cards/', import.meta.url));
    const declared = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(dir + f, 'utf8').matchAll(/export function (\w+Card)\(/g)].map((m) => m[1]!))
      // Helpers that make parts of cards, not cards sent as messages.
      .filter((name) => !['adaptiveCard', 'showCard'].includes(name));
    expect(Object.keys(builders(ctx)).sort()).toEqual([...new Set(declared)].sort());
  });
});

describe('text answers', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
  it('reads «TIMER 4821 2,5» into the follow-up\'s hours, and refuses a missing or non-numeric value', () => {
    const r = cardToText(followUpCard(ctx, { assignmentId: A1, request: view, groupLabel: 'Handlehjelp', plannedHours: 1 }), { locale: 'nb', style: 'sms', allowedFields: () => [], code: '4821' });
    const hours = r.options.find((o) => o.key === 'TIMER')!;
    expect(answerData(hours, '2,5')).toEqual({ data: { action: 'assignment.done', assignmentId: A1, hours: '2.5' } });
    expect(answerData(hours, '')).toEqual({ error: 'text.valueMissing' });
    expect(answerData(hours, 'mange')).toEqual({ error: 'text.valueNumber' });
    expect(r.text).toContain('Svar TIMER 4821 og timene du brukte');
  });

  it('leaves a form to the app when its other fields show values already (a text answer would send them empty)', () => {
    const settings = policeSettingsCard(ctx, { validityMonths: 36, groups: [{ key: 'besoksvenn', label: 'Besøksvenn', required: true }, { key: 'handlehjelp', label: 'Handlehjelp', required: false }] });
    const r = cardToText(settings, { locale: 'nb', style: 'numbered', allowedFields: () => [] });
    // «1 3» would have saved 3 years and no group requiring a politiattest.
    expect(r.options.some((o) => o.data.action === 'staff.police.save')).toBe(false);
    expect(r.text).toContain(t('nb', 'text.formInApp'));
  });

  it('words an SMS offer as the issue asks: what, where, when, and «Svar JA 4821 for å ta det.»', () => {
    const r = cardToText(offerCard(ctx, { offerId: ID(1), request: view, groupLabel: 'Handlehjelp', status: 'pending' }), { locale: 'nb', style: 'sms', allowedFields: () => [], code: '4821' });
    expect(r.text).toContain('Handlehjelp, Sentrum, tirsdag 1. desember kl. 14:00, 1 time');
    expect(r.text).toContain('Svar JA 4821 for å ta det.');
    expect(r.options.map((o) => [o.key, o.data])).toEqual([['JA', { action: 'offer.accept', offerId: ID(1) }], ['NEI', { action: 'offer.decline', offerId: ID(1) }]]);
  });
});
