// Each person's channel order with fallback (domain/channels.ts), and SMS as people write it
// (domain/sms.ts): numbers, answers with codes, service words, what an SMS costs.
import { describe, expect, it } from 'vitest';
import { channelKindOf, channelOrder, rendersCards, type ChannelAddress } from '../../domain/channels.ts';
import { fieldsCarriedBy, REVEALED_FIELDS } from '../../domain/confidentiality.ts';
import { displayMsisdn, normalizeMsisdn, parseTextAnswer, smsParts, smsServiceWord, toGsmFriendly } from '../../domain/sms.ts';

const at = (iso: string) => new Date(iso);
const teams: ChannelAddress = { kind: 'teams', lastSeenAt: at('2026-11-01T10:00:00Z') };
const web: ChannelAddress = { kind: 'webchat', lastSeenAt: at('2026-11-20T10:00:00Z') };
const sms: ChannelAddress = { kind: 'sms', lastSeenAt: null };
const kinds = (list: ChannelAddress[]) => list.map((a) => a.kind);

describe('channel order', () => {
  it('tries the chosen channel first, then the others in the order Teams, web chat, SMS', () => {
    expect(kinds(channelOrder('sms', [teams, web, sms]))).toEqual(['sms', 'teams', 'webchat']);
    expect(kinds(channelOrder('webchat', [sms, teams, web]))).toEqual(['webchat', 'teams', 'sms']);
    expect(kinds(channelOrder('teams', [sms, web]))).toEqual(['webchat', 'sms']);
  });

  it('«where I was last» puts the chats by recency and SMS after them', () => {
    expect(kinds(channelOrder(null, [teams, web, sms]))).toEqual(['webchat', 'teams', 'sms']);
    expect(kinds(channelOrder(null, [sms, { kind: 'teams', lastSeenAt: at('2026-12-01T10:00:00Z') }, web]))).toEqual(['teams', 'webchat', 'sms']);
  });

  it('leaves out channels this message already failed on, and lists each kind once (its latest address)', () => {
    expect(kinds(channelOrder('sms', [teams, web, sms], new Set(['sms'])))).toEqual(['teams', 'webchat']);
    expect(channelOrder('sms', [sms], new Set(['sms']))).toEqual([]);
    const older = { kind: 'webchat' as const, lastSeenAt: at('2026-01-01T00:00:00Z'), id: 'old' };
    const newer = { kind: 'webchat' as const, lastSeenAt: at('2026-06-01T00:00:00Z'), id: 'new' };
    expect(channelOrder(null, [older, newer]).map((a) => a.id)).toEqual(['new']);
  });

  it('knows which channels show cards', () => {
    expect(channelKindOf('msteams')).toBe('teams');
    expect(channelKindOf('sms')).toBe('sms');
    expect(channelKindOf('webchat')).toBe('webchat');
    expect(channelKindOf('directline')).toBe('webchat');
    expect(rendersCards('sms')).toBe(false);
    expect(rendersCards('email')).toBe(false);
    expect(rendersCards('msteams')).toBe(true);
  });

  it('carries a person\'s details by SMS only as the centre chose: nothing, or name and address', () => {
    expect(fieldsCarriedBy('sms', false)).toEqual([]);
    expect(fieldsCarriedBy('sms', true)).toEqual(['personName', 'address']);
    expect(fieldsCarriedBy('webchat', false)).toEqual(REVEALED_FIELDS);
    expect(fieldsCarriedBy('teams', true)).toEqual(REVEALED_FIELDS);
  });
});

describe('SMS as people write it', () => {
  it('reads Norwegian phone numbers however they are typed', () => {
    for (const raw of ['91234567', '912 34 567', '+47 912 34 567', '004791234567', '4791234567', '912-34-567']) expect(normalizeMsisdn(raw), raw).toBe('+4791234567');
    expect(normalizeMsisdn('+46701234567')).toBe('+46701234567');
    for (const bad of ['1234', 'abc', '+47 1234', '47123']) expect(normalizeMsisdn(bad), bad).toBeNull();
    expect(displayMsisdn('+4791234567')).toBe('912 34 567');
  });

  it('reads answers with and without a code, in either order', () => {
    expect(parseTextAnswer('JA 4821')).toEqual({ key: 'JA', code: '4821', rest: '' });
    expect(parseTextAnswer('ja4821')).toEqual({ key: 'JA', code: '4821', rest: '' });
    expect(parseTextAnswer(' Ja, 4821. ')).toEqual({ key: 'JA', code: '4821', rest: '' });
    expect(parseTextAnswer('4821 ja')).toEqual({ key: 'JA', code: '4821', rest: '' });
    expect(parseTextAnswer('TIMER 4821 2,5')).toEqual({ key: 'TIMER', code: '4821', rest: '2,5' });
    expect(parseTextAnswer('avlys 4821 jeg er syk')).toEqual({ key: 'AVLYS', code: '4821', rest: 'jeg er syk' });
    expect(parseTextAnswer('ja')).toEqual({ key: 'JA', code: null, rest: '' });
    expect(parseTextAnswer('2')).toEqual({ key: '2', code: null, rest: '' });
    expect(parseTextAnswer('')).toEqual({ key: null, code: null, rest: '' });
  });

  it('knows STOPP, START and HJELP, and nothing that merely contains them', () => {
    expect(smsServiceWord('STOPP')).toBe('stop');
    expect(smsServiceWord('stop.')).toBe('stop');
    expect(smsServiceWord('Start')).toBe('start');
    expect(smsServiceWord('hjelp')).toBe('help');
    expect(smsServiceWord('stopp 4821')).toBeNull();
    expect(smsServiceWord('JA 4821')).toBeNull();
  });

  it('counts what an SMS costs: 160 GSM characters a part, 70 once another character appears', () => {
    expect(smsParts('a'.repeat(160))).toBe(1);
    expect(smsParts('a'.repeat(161))).toBe(2);
    expect(smsParts('Blåbær og ørret'.repeat(10))).toBe(1);
    expect(smsParts('«' + 'a'.repeat(70))).toBe(2);
    expect(smsParts(toGsmFriendly('«' + 'a'.repeat(70) + '» – …'))).toBe(1);
  });
});
