// The SMS questions of a person who asks for help (domain/sms-ask.ts): what and when read from their
// own words, the questions still needed in order, and the same SelfRequest the chat's form makes.
import { describe, expect, it } from 'vitest';
import { answerAsk, languageWord, readDay, readKind, readPart, startAsk, type SmsAskContext } from '../../domain/sms-ask.ts';
import { SELF_REQUEST_KINDS } from '../../domain/self-request.ts';
import { osloWallClock } from '../../domain/time-zone.ts';

// A Wednesday morning in Oslo.
const NOW = osloWallClock('2026-12-09', '09:00');
const ctx: SmsAskContext = { now: NOW, kinds: SELF_REQUEST_KINDS, centreIds: ['hamar'] };

describe('reading what and when', () => {
  it('finds the kind of help in everyday words', () => {
    expect(readKind('Jeg trenger handlehjelp på fredag')).toBe('shopping');
    expect(readKind('Kan noen følge meg til legen?')).toBe('doctor');
    expect(readKind('Noen som vil gå en tur med meg')).toBe('walk');
    expect(readKind('Jeg vil gjerne ha besøk')).toBe('visit');
    expect(readKind('Hjelp med mobilen min')).toBe('digital');
    expect(readKind('I need help with shopping')).toBe('shopping');
    expect(readKind('Hei')).toBeNull();
    // Two kinds at once is unclear (but the doctor comes first).
    expect(readKind('tur og besøk')).toBeNull();
    expect(readKind('følge til legen og handle etterpå')).toBe('doctor');
  });

  it('finds the day: today, tomorrow, the next weekday (today included), a date, or this week', () => {
    expect(readDay('i dag', NOW)).toEqual({ date: '2026-12-09' });
    expect(readDay('i morgen formiddag', NOW)).toEqual({ date: '2026-12-10' });
    expect(readDay('på fredag', NOW)).toEqual({ date: '2026-12-11' });
    expect(readDay('onsdag', NOW)).toEqual({ date: '2026-12-09' });
    expect(readDay('tirsdag', NOW)).toEqual({ date: '2026-12-15' });
    expect(readDay('den 12.12', NOW)).toEqual({ date: '2026-12-12' });
    expect(readDay('når som helst denne uka', NOW)).toEqual({ week: true });
    expect(readDay('on Friday', NOW)).toEqual({ date: '2026-12-11' });
    expect(readDay('snart', NOW)).toBeNull();
  });

  it('finds the part of the day, and «i morgen» is no morning', () => {
    expect(readPart('fredag ettermiddag')).toBe('afternoon');
    expect(readPart('i morgen')).toBeNull();
    expect(readPart('i morgen tidlig på morgenen')).toBe('morning');
    expect(readPart('kl. 14')).toBe('afternoon');
    expect(readPart('klokka 18')).toBe('evening');
    expect(readPart('in the morning')).toBe('morning');
  });

  it('switches language on ENGLISH and NORSK only', () => {
    expect(languageWord('English')).toBe('en');
    expect(languageWord('NORSK.')).toBe('nb');
    expect(languageWord('I need help in English')).toBeNull();
  });
});

describe('the questions', () => {
  it('someone new: name, address, area, consent, then only what the first message did not say', () => {
    let o = startAsk('Jeg trenger handlehjelp på fredag', { ...ctx, locale: 'nb', signup: true });
    const asked: string[] = [];
    for (const reply of ['Sigrid Holm', 'Fjellvegen 31', 'Sentrum', 'ja', '2']) {
      if (!('ask' in o)) throw new Error('done too early');
      asked.push(o.ask);
      o = answerAsk(o.state, reply, ctx);
    }
    expect(asked).toEqual(['name', 'address', 'district', 'consent', 'part']);
    expect(o).toMatchObject({ done: { kind: 'shopping', when: { kind: 'day', date: '2026-12-11', part: 'afternoon' }, note: null } });
    if ('done' in o) expect(o.state.signup).toEqual({ name: 'Sigrid Holm', address: 'Fjellvegen 31', district: 'Sentrum', consent: true });
  });

  it('asks again, saying why, when an answer cannot be used; a «nei» to the consent keeps nothing', () => {
    const o = startAsk('hei', { ...ctx, locale: 'nb', signup: true });
    if (!('ask' in o)) throw new Error('expected a question');
    expect(answerAsk(o.state, '12345', ctx)).toMatchObject({ ask: 'name', problem: 'name' });
    const atConsent = { ...o.state, asked: 'consent' as const, signup: { name: 'A B', address: 'X 1', district: 'Vang' } };
    expect(answerAsk(atConsent, 'kanskje', ctx)).toMatchObject({ ask: 'consent', problem: 'consent' });
    expect(answerAsk(atConsent, 'Nei', ctx)).toEqual({ declined: true });
  });

  it('a person already signed up: what and when in one message is enough', () => {
    expect(startAsk('Kan noen gå en tur med meg i morgen formiddag?', { ...ctx, locale: 'nb', signup: false })).toMatchObject({
      done: { kind: 'walk', when: { kind: 'day', date: '2026-12-10', part: 'morning' } },
    });
    expect(startAsk('besøk denne uka', { ...ctx, locale: 'nb', signup: false })).toMatchObject({ done: { kind: 'visit', when: { kind: 'week' } } });
  });

  it('offers only the kinds the centre has, and asks the centre only where there are several', () => {
    const walkOnly = { ...ctx, kinds: ['walk'] as const };
    const o = startAsk('handle i dag kveld', { ...walkOnly, locale: 'nb', signup: false });
    expect(o).toMatchObject({ ask: 'what' });
    if ('ask' in o) expect(answerAsk(o.state, '1', walkOnly)).toMatchObject({ done: { kind: 'walk' } });
    const two = startAsk('handle i dag kveld', { ...ctx, centreIds: ['hamar', 'vang'], locale: 'nb', signup: true });
    const steps: string[] = [];
    let s = two;
    for (const reply of ['Ola Nordmann', 'Vei 1', 'Vang', '2', 'ja']) {
      if (!('ask' in s)) break;
      steps.push(s.ask);
      s = answerAsk(s.state, reply, { ...ctx, centreIds: ['hamar', 'vang'] });
    }
    expect(steps).toEqual(['name', 'address', 'district', 'centre', 'consent']);
    if ('done' in s) expect(s.state.signup?.centreId).toBe('vang');
  });
});
