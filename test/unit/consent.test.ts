import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import {
  consentInputProblems,
  consentState,
  consentValidUntil,
  mayBroadcast,
  newConsent,
  withdrawConsent,
  type ConsentStateName,
  broadcastHold,
} from '../../domain/consent.ts';
import type { ConsentRecord } from '../../domain/types.ts';

const NOW = new Date('2026-06-10T10:00:00Z');

function consent(overrides: Partial<ConsentRecord> = {}): ConsentRecord {
  return {
    id: 'c-1',
    personId: 'p-1',
    basis: 'self',
    relation: null,
    recordedBy: 's-1',
    givenAt: new Date('2026-01-15T12:00:00Z'),
    validUntil: new Date('2027-01-15T12:00:00Z'),
    withdrawnAt: null,
    ...overrides,
  };
}

describe('consentState', () => {
  it('is missing without records', () => {
    expect(consentState([], NOW)).toEqual({ state: 'missing', current: null, expiresAt: null });
  });

  it('is valid while well within its validity', () => {
    const c = consent();
    expect(consentState([c], NOW)).toEqual({ state: 'valid', current: c, expiresAt: new Date('2027-01-15T12:00:00Z') });
  });

  it('is expiring soon within the renewal window, up to and including its last day', () => {
    const in30Days = consent({ validUntil: new Date('2026-07-10T10:00:00Z') });
    const in31Days = consent({ validUntil: new Date('2026-07-11T10:00:00Z') });
    expect(consentState([in30Days], NOW).state).toBe('expiring_soon');
    expect(consentState([in31Days], NOW).state).toBe('valid');
    expect(consentState([in31Days], NOW, 31).state).toBe('expiring_soon');
    expect(consentState([in30Days], NOW, 0).state).toBe('valid');
  });

  it('is expired from the instant validUntil is reached', () => {
    const c = consent({ validUntil: new Date(NOW.getTime()) });
    expect(consentState([c], NOW)).toEqual({ state: 'expired', current: c, expiresAt: new Date(NOW.getTime()) });
    expect(consentState([c], new Date(NOW.getTime() - 1)).state).toBe('expiring_soon');
  });

  it('is withdrawn once withdrawn, however long it had left', () => {
    const c = consent({ withdrawnAt: new Date('2026-05-01T08:00:00Z') });
    expect(consentState([c], NOW)).toEqual({ state: 'withdrawn', current: c, expiresAt: null });
  });

  it('lets a withdrawal end older consents too: the person said no', () => {
    const older = consent({ id: 'c-old', givenAt: new Date('2026-01-01T00:00:00Z'), withdrawnAt: new Date('2026-04-01T00:00:00Z') });
    const newer = consent({ id: 'c-new', givenAt: new Date('2026-02-01T00:00:00Z'), validUntil: new Date('2027-02-01T00:00:00Z') });
    expect(consentState([newer, older], NOW)).toMatchObject({ state: 'withdrawn', current: { id: 'c-old' } });
  });

  it('lets a consent given after a withdrawal start afresh', () => {
    const withdrawn = consent({ id: 'c-old', withdrawnAt: new Date('2026-03-01T00:00:00Z') });
    const renewed = consent({ id: 'c-new', givenAt: new Date('2026-04-01T00:00:00Z'), validUntil: new Date('2027-04-01T00:00:00Z') });
    expect(consentState([withdrawn, renewed], NOW)).toEqual({ state: 'valid', current: renewed, expiresAt: renewed.validUntil });
  });

  it('ignores withdrawals and consents dated after now', () => {
    const laterWithdrawal = consent({ withdrawnAt: new Date('2026-07-01T00:00:00Z') });
    expect(consentState([laterWithdrawal], NOW).state).toBe('valid');
    const notYetGiven = consent({ givenAt: new Date('2026-06-11T00:00:00Z') });
    expect(consentState([notYetGiven], NOW).state).toBe('missing');
  });

  it('reports the longest-lasting of several live consents, whatever their order', () => {
    const shortOne = consent({ id: 'c-a', validUntil: new Date('2026-06-20T00:00:00Z') });
    const longOne = consent({ id: 'c-b', basis: 'proxy', relation: 'datter', validUntil: new Date('2027-03-01T00:00:00Z') });
    expect(consentState([shortOne, longOne], NOW).current?.id).toBe('c-b');
    expect(consentState([longOne, shortOne], NOW).current?.id).toBe('c-b');
    expect(consentState([longOne, shortOne], NOW).state).toBe('valid');
  });

  it('reports the most recently expired one when all have expired', () => {
    const a = consent({ id: 'c-a', givenAt: new Date('2024-01-01T00:00:00Z'), validUntil: new Date('2025-01-01T00:00:00Z') });
    const b = consent({ id: 'c-b', givenAt: new Date('2025-01-01T00:00:00Z'), validUntil: new Date('2026-01-01T00:00:00Z') });
    expect(consentState([b, a], NOW)).toEqual({ state: 'expired', current: b, expiresAt: new Date('2026-01-01T00:00:00Z') });
  });

  it('refuses records of more than one person', () => {
    expect(() => consentState([consent(), consent({ id: 'c-2', personId: 'p-2' })], NOW)).toThrow(RangeError);
  });
});

describe('mayBroadcast', () => {
  it.each([
    ['valid', true],
    ['expiring_soon', true],
    ['expired', false],
    ['withdrawn', false],
    ['missing', false],
  ] as [ConsentStateName, boolean][])('%s → %s', (state, expected) => {
    expect(mayBroadcast({ state, current: null, expiresAt: null })).toBe(expected);
  });
});

describe('newConsent', () => {
  it('runs twelve calendar months by default', () => {
    const c = newConsent({ personId: 'p-1', basis: 'self', recordedBy: 's-1', givenAt: new Date('2026-01-15T12:00:00Z') });
    expect(c).toEqual({
      personId: 'p-1',
      basis: 'self',
      relation: null,
      recordedBy: 's-1',
      givenAt: new Date('2026-01-15T12:00:00Z'),
      validUntil: new Date('2027-01-15T12:00:00Z'),
      withdrawnAt: null,
    });
  });

  it('counts months on the Oslo wall clock across a DST change', () => {
    // 13:00 CET in January → 13:00 CEST in July, which is an hour earlier in UTC.
    const c = newConsent({ personId: 'p-1', basis: 'staff_recorded', recordedBy: 's-1', givenAt: new Date('2026-01-15T12:00:00Z'), validityMonths: 6 });
    expect(c.validUntil.toISOString()).toBe('2026-07-15T11:00:00.000Z');
  });

  it('ends a month-end consent on the last day of a shorter month', () => {
    // 31 January 12:00 Oslo + 1 month → 28 February 12:00 Oslo.
    expect(consentValidUntil(new Date('2026-01-31T11:00:00Z'), 1).toISOString()).toBe('2026-02-28T11:00:00.000Z');
  });

  it('requires a relation when a relative consents on the person’s behalf', () => {
    for (const relation of [undefined, null, '', '   ']) {
      let error: unknown;
      try {
        newConsent({ personId: 'p-1', basis: 'proxy', relation, recordedBy: 's-1', givenAt: NOW });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ZodError);
      expect((error as ZodError).issues).toEqual([expect.objectContaining({ path: ['relation'], message: 'proxy_needs_relation' })]);
    }
  });

  it('keeps a trimmed relation for a proxy and drops it otherwise', () => {
    expect(newConsent({ personId: 'p-1', basis: 'proxy', relation: '  sønn ', recordedBy: 's-1', givenAt: NOW }).relation).toBe('sønn');
    expect(newConsent({ personId: 'p-1', basis: 'self', relation: 'sønn', recordedBy: 's-1', givenAt: NOW }).relation).toBeNull();
  });

  it.each([0, -1, 1.5, 121])('rejects a validity of %s months', (validityMonths) => {
    expect(() => newConsent({ personId: 'p-1', basis: 'self', recordedBy: 's-1', givenAt: NOW, validityMonths })).toThrow(ZodError);
  });

  it('rejects an invalid date and missing ids', () => {
    expect(() => newConsent({ personId: 'p-1', basis: 'self', recordedBy: 's-1', givenAt: new Date('nonsense') })).toThrow(ZodError);
    expect(() => newConsent({ personId: '', basis: 'self', recordedBy: 's-1', givenAt: NOW })).toThrow(ZodError);
  });

  it('yields a consent that consentState sees as valid', () => {
    const c = newConsent({ personId: 'p-1', basis: 'self', recordedBy: 's-1', givenAt: NOW });
    expect(consentState([{ ...c, id: 'c-1' }], NOW).state).toBe('valid');
  });
});

describe('withdrawConsent', () => {
  it('marks the instant of withdrawal and keeps the first one', () => {
    const first = withdrawConsent(consent(), new Date('2026-06-01T00:00:00Z'));
    expect(first.withdrawnAt).toEqual(new Date('2026-06-01T00:00:00Z'));
    expect(withdrawConsent(first, new Date('2026-06-05T00:00:00Z')).withdrawnAt).toEqual(new Date('2026-06-01T00:00:00Z'));
    expect(consentState([first], NOW).state).toBe('withdrawn');
  });
});

describe('consentInputProblems: one rule for whoever records a consent', () => {
  const today = '2026-11-25';
  it('asks a relative for the relation, and refuses dates after today', () => {
    expect(consentInputProblems({ basis: 'proxy', relation: null, date: today }, { today, recordedBy: 'staff' })).toEqual(['relation_required']);
    expect(consentInputProblems({ basis: 'proxy', relation: '  ', date: today }, { today, recordedBy: 'system' })).toEqual(['relation_required']);
    expect(consentInputProblems({ basis: 'self', relation: null, date: '2026-11-26' }, { today, recordedBy: 'staff' })).toEqual(['date_in_future']);
    expect(consentInputProblems({ basis: 'proxy', relation: 'datter', date: today }, { today, recordedBy: 'caregiver' })).toEqual([]);
  });
  it('lets only staff record a consent as "recorded by staff"', () => {
    expect(consentInputProblems({ basis: 'staff_recorded', relation: null, date: today }, { today, recordedBy: 'staff' })).toEqual([]);
    expect(consentInputProblems({ basis: 'staff_recorded', relation: null, date: today }, { today, recordedBy: 'caregiver' })).toEqual(['basis_not_allowed']);
  });
});

describe('broadcastHold: the one gate before a request about a person goes out', () => {
  const valid = { state: 'valid' } as Parameters<typeof broadcastHold>[0];
  const none = { state: 'missing' } as Parameters<typeof broadcastHold>[0];
  it('holds for consent first, then for a caregiver link staff have not confirmed', () => {
    expect(broadcastHold(valid, null)).toBeNull();
    expect(broadcastHold(valid, 'confirmed')).toBeNull();
    expect(broadcastHold(valid, 'pending')).toBe('link');
    expect(broadcastHold(valid, 'rejected')).toBe('link');
    expect(broadcastHold(none, 'pending')).toBe('consent');
    expect(broadcastHold(none, null)).toBe('consent');
  });
});
