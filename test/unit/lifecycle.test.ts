// The pure rules behind issue 13's lifecycle items: what stops when a person leaves, when a follow-up
// may be answered and when its window closes, which reminder asks «Jeg kommer», what counts as formal
// respite. What text can be stored: text.test.ts.
import { describe, expect, it } from 'vitest';
import { addHours, addMinutes, subHours } from 'date-fns';
import { escalationOutcome, followUpClosesAt, mayReportOutcome, stopsWhenPersonLeaves, taskEnd } from '../../domain/lifecycle.ts';
import { confirmingReminder, reminderTimes } from '../../domain/waves.ts';
import { asksForFormalRespite } from '../../domain/formal-respite.ts';

const now = new Date('2026-05-05T10:00:00Z');

describe('what stops when consent is withdrawn or the person erased', () => {
  it('everything waiting or open, and a taken visit that has not started; never one under way', () => {
    expect(stopsWhenPersonLeaves({ status: 'waiting_consent', startsAt: subHours(now, 1) }, now)).toBe(true);
    expect(stopsWhenPersonLeaves({ status: 'open', startsAt: addHours(now, 1) }, now)).toBe(true);
    expect(stopsWhenPersonLeaves({ status: 'taken', startsAt: addHours(now, 1) }, now)).toBe(true);
    expect(stopsWhenPersonLeaves({ status: 'taken', startsAt: now }, now)).toBe(false);
    expect(stopsWhenPersonLeaves({ status: 'taken', startsAt: subHours(now, 1) }, now)).toBe(false);
    for (const status of ['done', 'cancelled', 'expired'] as const) expect(stopsWhenPersonLeaves({ status, startsAt: addHours(now, 5) }, now)).toBe(false);
  });
});

describe('the follow-up', () => {
  const task = { startsAt: subHours(now, 2), durationMinutes: 90 };
  it('may be answered from the end of the task, not before', () => {
    expect(taskEnd(task)).toEqual(subHours(addMinutes(now, 90), 2));
    expect(mayReportOutcome(task, now)).toBe(true);
    expect(mayReportOutcome(task, taskEnd(task))).toBe(true);
    expect(mayReportOutcome(task, addMinutes(taskEnd(task), -1))).toBe(false);
    expect(mayReportOutcome({ startsAt: addHours(now, 12), durationMinutes: 60 }, now)).toBe(false);
  });
  it('closes `answerDays` after it was asked', () => {
    expect(followUpClosesAt(task, 30, 7)).toEqual(new Date(taskEnd(task).getTime() + 30 * 60_000 + 7 * 86_400_000));
  });
});

describe('which reminder asks «Jeg kommer»', () => {
  const startsAt = addHours(now, 48);
  const deadline = subHours(startsAt, 6);
  const plan = (offsets: number[], at = now) => confirmingReminder(reminderTimes(startsAt, offsets, at), deadline);
  it('the first one before the deadline, whatever the offsets', () => {
    expect(plan([1440, 120])).toBe(1440);
    expect(plan([600, 120])).toBe(600); // 10 hours before: under 12, still before the 6-hour deadline
    expect(plan([120, 480])).toBe(480);
  });
  it('none when no reminder comes before the deadline', () => {
    expect(plan([120])).toBeNull();
    expect(plan([360])).toBeNull(); // at the deadline itself is too late to answer
    // Taken an hour before the first reminder was due to leave: the next one may still ask.
    expect(plan([1440, 600], subHours(startsAt, 20))).toBe(600);
  });
});

describe('formal respite', () => {
  it('is recognised in what people write, inflected and in compounds', () => {
    for (const q of ['Hvordan får jeg avlastningsplass?', 'Mor trenger et avlastningsopphold', 'søke omsorgsstønad', 'korttidsopphold på sykehjemmet', 'Vi venter på vedtaket', 'VEDTAK', 'a respite stay for my father', 'care allowance']) {
      expect(asksForFormalRespite(q), q).toBe(true);
    }
  });
  it('is not informal company, nor a word that merely contains a stem', () => {
    for (const q of ['Avlastning tirsdag, tur og kaffe', 'Trenger besøksvenn', 'kommunevedtak', '', null, undefined]) expect(asksForFormalRespite(q), String(q)).toBe(false);
  });
});

describe('what an escalation card says once nobody need act on it', () => {
  it('asks for help while the request waits for a volunteer and no newer card came after it', () => {
    expect(escalationOutcome('open', false)).toBeNull();
    expect(escalationOutcome('waiting_consent', false)).toBeNull();
    expect(escalationOutcome('open', true)).toBe('superseded');
  });
  it('says how the request was settled, whether or not a newer card came after it', () => {
    for (const superseded of [false, true]) {
      expect(escalationOutcome('taken', superseded)).toBe('taken');
      expect(escalationOutcome('done', superseded)).toBe('taken');
      expect(escalationOutcome('cancelled', superseded)).toBe('cancelled');
      expect(escalationOutcome('expired', superseded)).toBe('expired');
    }
  });
});
