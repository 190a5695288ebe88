// Each card verb is declared once (domain/verbs.ts): the card payloads, the bot's handlers and the
// buttons the cards and the bot build name exactly those verbs.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VERBS, isReadOnly, isVerb, mayAnswerShared, type Verb } from '../../domain/verbs.ts';
import { cardAction } from '../../adaptive-cards/actions.ts';
import { commandTable } from '../../bot/dugnad-bot.ts';
import type { BotDeps } from '../../bot/deps.ts';
import { loadConfig } from '../../infra/config.ts';

const declared = Object.keys(VERBS).sort();
const root = new URL('../..', import.meta.url).pathname;

describe('the verb declarations', () => {
  it('give every declared verb a payload, and declare every verb a card may carry', () => {
    const payloads = cardAction.options.map((o) => (o.shape.action as unknown as { value: string }).value).sort();
    expect(payloads).toEqual(declared);
  });

  it('give every declared verb a handler in the bot, and declare every verb the bot handles', () => {
    // Building the table only closes over deps; nothing runs.
    const handled = Object.keys(commandTable({ config: loadConfig({}) } as BotDeps)).sort();
    expect(handled).toEqual(declared);
  });

  it('declare every verb a button or a typed command names', () => {
    const named = new Set<string>();
    for (const dir of ['adaptive-cards', 'bot', 'jobs']) {
      for (const file of readdirSync(`${root}${dir}`).filter((f) => f.endsWith('.ts'))) {
        const source = readFileSync(`${root}${dir}/${file}`, 'utf8');
        // A card's button data or a typed command: { action: 'offer.accept', … } (audit actions have no dot).
        for (const m of source.matchAll(/\baction: '([a-zA-Z]+(?:\.[a-zA-Z]+)+)'/g)) named.add(m[1]!);
      }
    }
    expect(named.size).toBeGreaterThan(50);
    expect([...named].filter((v) => !isVerb(v))).toEqual([]);
  });

  it('keep what was read-only and what may be answered in a shared conversation', () => {
    // The menu shows; accepting an offer writes. Only public request facts go where a team reads along.
    expect(isReadOnly('menu.show')).toBe(true);
    expect(isReadOnly('offer.accept')).toBe(false);
    const shared = (Object.keys(VERBS) as Verb[]).filter(mayAnswerShared).sort();
    expect(shared).toEqual(['menu.show', 'staff.channel.link', 'staff.channel.show', 'staff.channel.unlink', 'staff.request.cancel', 'staff.request.relax', 'staff.request.widen', 'staff.requests.list', 'staff.requests.more']);
  });
});
