// What text Dugnad can store (domain/text.ts): the one rule the chat, the web chat's endpoint, the
// channel gate and the API all check.
import { describe, expect, it } from 'vitest';
import { isPlainText, isStorable, isStorableDeep, toStorable, toStorableDeep } from '../../domain/text.ts';
import { helpRequestFields, personFields } from '../../adaptive-cards/actions.ts';

describe('text Dugnad can store', () => {
  it('one rule: no NUL or lone surrogate; typed text also no control characters but tab and line breaks', () => {
    expect(isStorable('Åse 😀')).toBe(true);
    expect(isStorable('a\u0000b')).toBe(false);
    expect(isStorable('\ud800')).toBe(false);
    expect(toStorable('a\u0000b\udc00')).toBe('a\ufffdb\ufffd');
    expect(isStorableDeep({ a: ['x', { 'b\u0000': 1 }] }, 8)).toBe(false);
    expect(isStorableDeep({ a: ['x'] }, 1)).toBe(false);
    expect(isPlainText('Ring på\nto ganger\t!')).toBe(true);
    for (const bad of ['a\u0001', '\u001b[31m', 'x\u007f', '\u0085', 'a\u0000']) expect(isPlainText(bad), JSON.stringify(bad)).toBe(false);
  });
  it('the form fields (chat and API alike) refuse control characters, naming the field', () => {
    const person = personFields.safeParse({ name: 'Per\u0000', address: 'Storgata 1', phone: '91234567', district: 'Sentrum', notes: 'ok\u0007', consentBasis: 'self', consentDate: '2026-01-01' });
    expect(person.success).toBe(false);
    expect(person.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['name', 'error.invalidCharacters'], ['notes', 'error.invalidCharacters']]);
    const request = helpRequestFields.safeParse({ personId: 'p', group: 'besoksvenn', date: '2026-06-01', time: '10:00', durationMinutes: '60', district: 'Sentrum', summary: 'Tur\u0000' });
    expect(request.error!.issues.map((i) => i.path.join('.'))).toEqual(['summary']);
  });
  it('a card submit is made storable all through, keys included, and cut off past its depth', () => {
    expect(toStorableDeep({ 'a\u0000': ['x\ud800', { b: 'ok', n: 1, t: true, z: null }] }, 8)).toEqual({ 'a\ufffd': ['x\ufffd', { b: 'ok', n: 1, t: true, z: null }] });
    expect(toStorableDeep({ a: { b: { c: 'deep' } } }, 2)).toEqual({ a: { b: undefined } });
    expect(toStorableDeep('a\u0000', 0)).toBe('a\ufffd');
    // A "__proto__" key stays data: it never becomes the copy's prototype.
    const copy = toStorableDeep(JSON.parse('{"__proto__": {"polluted": 1}}'), 8) as Record<string, unknown>;
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
