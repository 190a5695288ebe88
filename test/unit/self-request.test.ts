// Issue 19's rules and cards without I/O: what «når som helst denne uka» and a day's part of the day
// mean on the Oslo calendar, the flexible window's end and last start, and the person helped's own
// sign-up and short form — valid for Web Chat's renderer, with no number input and no required input
// a person cannot see, and submits that turn into the SelfRequest every channel hands to askForHelp.
import { describe, expect, it } from 'vitest';
import { AC } from '../support/webchat-cards.ts';
import { buttonsOf, inputsOf, verbOf } from '../support/card-json.ts';
import { selfRequestDays, selfRequestSchema, selfRequestTiming, weekWindow, SELF_REQUEST_KINDS, SELF_REQUEST_KIND_RULES } from '../../domain/self-request.ts';
import { latestStart, taskEnd, mayReportOutcome } from '../../domain/lifecycle.ts';
import { DEFAULT_INTEREST_GROUPS } from '../../domain/interest-groups.ts';
import { mayPerform } from '../../domain/permissions.ts';
import { mayReceive, NOTICE_KINDS, audienceOf } from '../../domain/audiences.ts';
import { mayReveal } from '../../domain/confidentiality.ts';
import { ANY_DAY_THIS_WEEK, selfRequestFields, selfRequestFormCard } from '../../adaptive-cards/self-request-form.ts';
import { selfSignupCard, selfSignupFields } from '../../adaptive-cards/self-signup.ts';
import { menuCard } from '../../adaptive-cards/menu.ts';
import { cardAction } from '../../adaptive-cards/actions.ts';
import { formatWhen } from '../../adaptive-cards/format.ts';
import type { CardContext } from '../../adaptive-cards/card.ts';
import { osloWallClock } from '../../domain/time-zone.ts';

const WED = osloWallClock('2026-03-11', '09:30'); // a Wednesday morning
const ctx: CardContext = { locale: 'nb', channel: 'webchat' };

describe('when a person helped asks', () => {
  it('offers today and the next seven days, so the next of every weekday is there', () => {
    const days = selfRequestDays(WED);
    expect(days[0]).toBe('2026-03-11');
    expect(days).toHaveLength(8);
    expect(days.at(-1)).toBe('2026-03-18');
  });

  it('gives a part of the day a time to count on, and refuses a time that has passed or a day not offered', () => {
    const friday = selfRequestTiming({ kind: 'shopping', when: { kind: 'day', date: '2026-03-13', part: 'afternoon' } }, WED);
    expect(friday).toEqual({ startsAt: osloWallClock('2026-03-13', '13:00'), flexibleUntil: null, durationMinutes: 90, group: 'handlehjelp' });
    expect(selfRequestTiming({ kind: 'walk', when: { kind: 'day', date: '2026-03-11', part: 'morning' } }, osloWallClock('2026-03-11', '10:00'))).toBe('past');
    expect(selfRequestTiming({ kind: 'walk', when: { kind: 'day', date: '2026-03-11', part: 'afternoon' } }, osloWallClock('2026-03-11', '10:00'))).not.toBe('past');
    expect(selfRequestTiming({ kind: 'walk', when: { kind: 'day', date: '2026-03-25', part: 'morning' } }, WED)).toBe('day_not_offered');
  });

  it('«når som helst denne uka»: tomorrow 10:00 to Sunday 18:00, never under about two days', () => {
    expect(weekWindow(WED)).toEqual({ from: osloWallClock('2026-03-12', '10:00'), until: osloWallClock('2026-03-15', '18:00'), untilDate: '2026-03-15' });
    // Asked on a Thursday: Friday to Sunday. On a Friday: to the next Sunday.
    expect(weekWindow(osloWallClock('2026-03-12', '20:00')).untilDate).toBe('2026-03-15');
    expect(weekWindow(osloWallClock('2026-03-13', '08:00')).untilDate).toBe('2026-03-22');
    expect(weekWindow(osloWallClock('2026-03-15', '12:00'))).toMatchObject({ from: osloWallClock('2026-03-16', '10:00'), untilDate: '2026-03-22' });
    const timing = selfRequestTiming({ kind: 'visit', when: { kind: 'week' } }, WED);
    expect(timing).toMatchObject({ startsAt: osloWallClock('2026-03-12', '10:00'), flexibleUntil: osloWallClock('2026-03-15', '18:00'), group: 'besoksvenn' });
  });

  it('keeps the wall clock across the change to summer time (29 March 2026)', () => {
    const t = selfRequestTiming({ kind: 'doctor', when: { kind: 'day', date: '2026-03-30', part: 'morning' } }, osloWallClock('2026-03-27', '12:00'));
    expect(t).toMatchObject({ startsAt: new Date('2026-03-30T08:00:00Z') });
  });

  it('maps every plain-words kind to a group every centre starts with', () => {
    const groups = new Set(DEFAULT_INTEREST_GROUPS.map((g) => g.key));
    for (const k of SELF_REQUEST_KINDS) expect(groups.has(SELF_REQUEST_KIND_RULES[k].group), k).toBe(true);
  });

  it('a flexible window ends at its end and can be filled until its last start', () => {
    const r = { startsAt: osloWallClock('2026-03-12', '10:00'), durationMinutes: 90, flexibleUntil: osloWallClock('2026-03-15', '18:00') };
    expect(taskEnd(r)).toEqual(osloWallClock('2026-03-15', '18:00'));
    expect(latestStart(r)).toEqual(osloWallClock('2026-03-15', '16:30'));
    expect(mayReportOutcome(r, osloWallClock('2026-03-13', '12:00'))).toBe(false);
    // A fixed time is as before.
    const fixed = { startsAt: osloWallClock('2026-03-13', '13:00'), durationMinutes: 90 };
    expect(taskEnd(fixed)).toEqual(osloWallClock('2026-03-13', '14:30'));
    expect(latestStart(fixed)).toEqual(fixed.startsAt);
    expect(latestStart({ ...fixed, flexibleUntil: null })).toEqual(fixed.startsAt);
  });

  it('says a window as a window', () => {
    expect(formatWhen('nb', osloWallClock('2026-03-13', '13:00'), null)).toBe('fredag 13. mars kl. 13:00');
    expect(formatWhen('nb', osloWallClock('2026-03-13', '10:00'), osloWallClock('2026-03-13', '12:00'))).toBe('fredag 13. mars mellom kl. 10:00 og 12:00');
    expect(formatWhen('nb', osloWallClock('2026-03-12', '10:00'), osloWallClock('2026-03-15', '18:00'))).toBe('mellom torsdag 12. mars kl. 10:00 og søndag 15. mars kl. 18:00');
  });
});

describe('who a person helped is to the rules', () => {
  it('may ask for themselves and follow it, never for anyone else', () => {
    for (const verb of ['self.request.new', 'self.request.submit', 'caregiver.requests.list', 'caregiver.request.cancel', 'caregiver.visit.confirm', 'caregiver.feedback', 'caregiver.formalRespite', 'privacy.mine'] as const) {
      expect(mayPerform('person', verb), verb).toBe(true);
    }
    for (const verb of ['caregiver.person.new', 'caregiver.person.submit', 'caregiver.request.new', 'caregiver.request.submit', 'staff.request.submit', 'staff.person.submit', 'self.signup.submit', 'offer.accept'] as const) {
      expect(mayPerform('person', verb), verb).toBe(false);
    }
    expect(mayPerform(null, 'self.signup.start')).toBe(true);
    expect(mayPerform('caregiver', 'self.request.submit')).toBe(false);
  });

  it('gets the asker\'s plain notices and never a staff or volunteer notice', () => {
    for (const kind of NOTICE_KINDS) expect(mayReceive(kind, 'person'), kind).toBe(audienceOf(kind) === 'asker');
  });

  it('may see the details of their own request only', () => {
    const me = { memberId: 'p-1', role: 'person' as const, centreIds: ['hamar'] };
    expect(mayReveal(me, { centreId: 'hamar', assignedVolunteerId: 'v-1', createdBy: 'p-1' })).toBe(true);
    expect(mayReveal(me, { centreId: 'hamar', assignedVolunteerId: 'v-1', createdBy: 's-1' })).toBe(false);
  });
});

describe('the sign-up card', () => {
  const card = selfSignupCard(ctx, { centres: [{ id: 'hamar', name: 'Hamar frivilligsentral' }], consentMonths: 12, retentionDays: 30 });
  const text = JSON.stringify(card);

  it('says in plain words what is stored, who sees it and for how long, and the button is the consent', () => {
    for (const words of ['Dette lagrer vi', 'Den frivillige som tar et oppdrag', 'aldri hvem du er', '12 måneder', '30 dager', 'trekke samtykket']) expect(text).toContain(words);
    const buttons = buttonsOf(card);
    expect(buttons.map(verbOf)).toEqual(['self.signup.submit', 'menu.show']);
    expect(buttons[0]!.title).toBe('Ja, jeg samtykker');
  });

  it('asks for the centre only where there are several', () => {
    expect(inputsOf(card).map((i) => i.id)).toEqual(['name', 'phone', 'address', 'district']);
    const two = selfSignupCard(ctx, { centres: [{ id: 'hamar', name: 'Hamar' }, { id: 'stange', name: 'Stange' }], consentMonths: 12, retentionDays: 30 });
    expect(inputsOf(two).map((i) => i.id)).toContain('centre');
  });

  it('validates what it sends', () => {
    expect(selfSignupFields.safeParse({ name: 'Berit Nilsen', phone: '912 34 567', address: 'Kirkegata 7', district: 'Sentrum' }).data).toEqual({
      name: 'Berit Nilsen', phone: '91234567', address: 'Kirkegata 7', district: 'Sentrum', centre: null,
    });
    expect(selfSignupFields.safeParse({ name: '', phone: '12', address: 'x', district: 'y' }).success).toBe(false);
  });
});

describe('the short form', () => {
  const card = selfRequestFormCard(ctx, { kinds: SELF_REQUEST_KINDS, days: selfRequestDays(WED), weekUntil: osloWallClock('2026-03-15', '12:00') });

  it('has no number input, and every required input is one the person sees', () => {
    const inputs = inputsOf(card);
    expect(inputs.some((i) => i.type === 'Input.Number')).toBe(false);
    expect(inputs.map((i) => i.id)).toEqual(['what', 'day', 'part', 'note']);
    for (const i of inputs) expect(i.isVisible, String(i.id)).not.toBe(false);
    expect(inputs.filter((i) => i.isRequired).map((i) => i.id)).toEqual(['what', 'day']);
  });

  it('offers the kinds in plain words and the days by name, today first, then any time this week', () => {
    const choices = (id: string) => (inputsOf(card).find((i) => i.id === id)!.choices as Array<{ title: string; value: string }>);
    expect(choices('what').map((c) => c.title)).toEqual(['Følge til lege', 'Handle', 'En tur', 'Besøk', 'Hjelp med mobil eller PC']);
    const days = choices('day').map((c) => c.title);
    expect(days.slice(0, 3)).toEqual(['I dag, onsdag 11. mars', 'I morgen, torsdag 12. mars', 'Fredag 13. mars']);
    expect(days.at(-1)).toBe('Når som helst denne uka (innen søndag 15. mars)');
    expect(choices('day').at(-1)!.value).toBe(ANY_DAY_THIS_WEEK);
  });

  it('turns what the card sends into the SelfRequest every channel posts', () => {
    const friday = selfRequestFields.parse({ action: 'self.request.submit', what: 'shopping', day: '2026-03-13', part: 'afternoon', note: ' Ring på to ganger ' });
    expect(friday).toEqual({ kind: 'shopping', when: { kind: 'day', date: '2026-03-13', part: 'afternoon' }, note: 'Ring på to ganger' });
    expect(selfRequestSchema.safeParse(friday).success).toBe(true);
    expect(selfRequestFields.parse({ what: 'visit', day: ANY_DAY_THIS_WEEK, part: '' })).toEqual({ kind: 'visit', when: { kind: 'week' }, note: null });
    const noPart = selfRequestFields.safeParse({ what: 'visit', day: '2026-03-13' });
    expect(noPart.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['part', 'error.selfPart']]);
    expect(selfRequestFields.safeParse({ what: 'taxi', day: '2026-03-13', part: 'morning' }).error?.issues[0]?.message).toBe('error.selfWhat');
    // Nothing in the form names a person: a personId sent along is no field of it.
    expect(selfRequestFields.parse({ what: 'walk', day: ANY_DAY_THIS_WEEK, personId: '00000000-0000-0000-0000-000000000000' })).not.toHaveProperty('personId');
  });

  it('sends with one large button, and the bot accepts the verbs', () => {
    expect(buttonsOf(card).map(verbOf)).toEqual(['self.request.submit', 'menu.show']);
    for (const action of ['self.signup.start', 'self.signup.submit', 'self.request.new', 'self.request.submit']) expect(cardAction.safeParse({ action }).success, action).toBe(true);
  });

  it('puts «Jeg trenger hjelp» on the start menu, and gives a person helped their own menu', () => {
    expect(buttonsOf(menuCard(ctx, { role: null })).map(verbOf)).toContain('self.signup.start');
    const mine = buttonsOf(menuCard(ctx, { role: 'person', name: 'Berit' })).map(verbOf);
    expect(mine).toEqual(expect.arrayContaining(['self.request.new', 'caregiver.requests.list', 'privacy.mine']));
    expect(mine).not.toContain('caregiver.request.new');
  });

  it.runIf(AC)('passes the Web Chat adaptivecards validator, in both languages and channels', () => {
    for (const locale of ['nb', 'en'] as const) {
      for (const channel of ['webchat', 'teams'] as const) {
        const c = { locale, channel };
        for (const built of [
          selfSignupCard(c, { centres: [{ id: 'a', name: 'A' }, { id: 'b', name: 'B' }], consentMonths: 12, retentionDays: 30, errors: { name: 'error.required' } }),
          selfRequestFormCard(c, { kinds: SELF_REQUEST_KINDS, days: selfRequestDays(WED), weekUntil: WED, errors: { part: 'error.selfPart' } }),
          menuCard(c, { role: 'person', name: 'Berit', push: true }),
        ]) {
          const parsed = new AC!.AdaptiveCard();
          parsed.parse(built);
          expect(parsed.validateProperties().validationEvents.map((e) => e.message)).toEqual([]);
        }
      }
    }
  });
});
