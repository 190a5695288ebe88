import { describe, expect, it } from 'vitest';
import { savedRequestStanding } from '../../domain/request-standing.ts';

describe('savedRequestStanding', () => {
  const morning = new Date('2026-12-07T07:00:00Z');
  it('says a held request is held, whatever else is true', () => {
    expect(savedRequestStanding({ heldFor: 'link', offered: 0, goesOutAt: morning })).toBe('awaitingLink');
    expect(savedRequestStanding({ heldFor: 'consent', offered: 0, goesOutAt: null })).toBe('waitingConsent');
  });
  it('says nobody was offered it before saying when it goes', () => {
    expect(savedRequestStanding({ heldFor: null, offered: 0, goesOutAt: morning })).toBe('noneEligible');
  });
  it('says offers held by quiet hours go in the morning, and otherwise that they went', () => {
    expect(savedRequestStanding({ heldFor: null, offered: 3, goesOutAt: morning })).toBe('heldUntilMorning');
    expect(savedRequestStanding({ heldFor: null, offered: 3, goesOutAt: null })).toBe('sent');
  });
});
