// Cards sent by background jobs: reminder, follow-up (and its thank-you), escalation, call list,
// consent renewal. Every card in both locales and both channels is valid Adaptive Card 1.5 (as Web
// Chat's own adaptivecards library judges it), uses the right action type per channel, sends data
// the bot's schema accepts, names each input after the field its button's verb reads, and keeps
// private data off the cards that must not carry it.
import { describe, expect, it } from 'vitest';
import { AC, acActions } from '../support/webchat-cards.ts';
import { walk, collect, actionsOf, buttonsOf, inputsOf, verbOf, type Json } from '../support/card-json.ts';
import { cardAction } from '../../adaptive-cards/actions.ts';
import type { AdaptiveCard, CardContext, Channel } from '../../adaptive-cards/card.ts';
import { consentRenewalCard } from '../../adaptive-cards/consent-renewal.ts';
import { declarationCard } from '../../adaptive-cards/declaration.ts';
import { CALL_LIST_MAX, callListCard, escalationCard, startsInText } from '../../adaptive-cards/escalation.ts';
import { followUpCard, followUpDoneCard, followUpThanks } from '../../adaptive-cards/follow-up.ts';
import { errorText } from '../../adaptive-cards/form.ts';
import { reminderCard, reminderWhen } from '../../adaptive-cards/reminder.ts';
import { interestGroupsCard } from '../../adaptive-cards/interest-groups.ts';
import { staffChannelCard, staffChannelWelcomeCard } from '../../adaptive-cards/staff-channel.ts';
import { contributionCard } from '../../adaptive-cards/contribution.ts';
import { catalog, messageKeys, t } from '../../adaptive-cards/texts.ts';
import type { Locale, PrivateRequestDetails, PublicRequestView } from '../../domain/types.ts';

// ---- fixtures ----------------------------------------------------------------------------------

const LOCALES: readonly Locale[] = ['nb', 'en'];
const CHANNELS: readonly Channel[] = ['teams', 'webchat'];
const CONTEXTS: readonly CardContext[] = LOCALES.flatMap((locale) => CHANNELS.map((channel) => ({ locale, channel })));

/** Tuesday 1 December 2026, 14:00 in Oslo (UTC+1). */
const STARTS = new Date('2026-12-01T13:00:00Z');

const publicView: PublicRequestView = {
  id: 'req-1',
  centreId: 'hamar',
  group: 'besoksvenn',
  district: 'Ingeberg',
  startsAt: STARTS,
  durationMinutes: 90,
  flexibleUntil: new Date('2026-12-01T16:00:00Z'),
  summary: 'Kaffe og en prat',
  requirements: { language: 'ar', policeCertificate: true, firstTimeFriendly: true, staffAlong: false },
  urgent: true,
};
const plainView: PublicRequestView = {
  ...publicView,
  id: 'req-2',
  flexibleUntil: null,
  urgent: false,
  requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false },
};

/** Kept in a separate object: none of these strings may reach the follow-up or escalation cards. */
const privateDetails: PrivateRequestDetails = {
  personName: 'Gerd Solberg',
  address: 'Solbakken 17, 2317 Hamar',
  phone: '+47 912 34 567',
  meetingPlace: 'Hovedinngangen på Hamar stasjon',
  handoverNote: 'Hører dårlig på venstre øre',
  contactName: 'Per Kristiansen',
  contactPhone: '62 51 00 00',
};
const minimalDetails: PrivateRequestDetails = { ...privateDetails, meetingPlace: null, handoverNote: null, contactName: null, contactPhone: null };
const privatePersonId = 'person-7f3a9c';
const secrets = [...Object.values(privateDetails).filter((v): v is string => typeof v === 'string'), privatePersonId, '91234567', '62510000'];

/** A caller that hands in a whole request with everything attached (bypassing the type). */
const leakyView = {
  ...publicView,
  ...privateDetails,
  personId: privatePersonId,
  details: privateDetails,
  location: { lat: 60.79, lon: 11.07 },
} as unknown as PublicRequestView;

const volunteers = [
  { name: 'Kari Nordmann', phone: '934 56 789', district: 'Ingeberg' },
  { name: 'Ola Hansen', phone: '+47 413 22 110', district: 'Vang' },
  { name: 'Liv Berg', phone: '48 00 12 34', district: 'Hamar' },
];
const manyVolunteers = Array.from({ length: 30 }, (_, i) => ({ name: `Frivillig ${i + 1}`, phone: `9${String(i).padStart(7, '0')}`, district: 'Hamar' }));

interface Case {
  name: string;
  card: AdaptiveCard;
}

function allCases(ctx: CardContext): Case[] {
  const reminder = { assignmentId: 'asg-1', request: publicView, details: privateDetails, groupLabel: 'Besøksvenn', hoursBefore: 24 };
  const followUp = { assignmentId: 'asg-1', request: publicView, groupLabel: 'Besøksvenn', plannedHours: 1.5 };
  const escalation = { requestId: 'req-1', request: publicView, groupLabel: 'Besøksvenn', offeredCount: 12, hoursUntilStart: 20, canRelax: true, droppedOut: false };
  return [
    { name: 'reminder ask', card: reminderCard(ctx, { ...reminder, askConfirmation: true, confirmed: false }) },
    { name: 'reminder confirmed', card: reminderCard(ctx, { ...reminder, askConfirmation: true, confirmed: true }) },
    { name: 'reminder no ask', card: reminderCard(ctx, { ...reminder, request: plainView, details: minimalDetails, hoursBefore: 2, askConfirmation: false, confirmed: false }) },
    { name: 'reminder far ahead', card: reminderCard(ctx, { ...reminder, hoursBefore: 72, askConfirmation: true, confirmed: false }) },

    { name: 'follow-up', card: followUpCard(ctx, followUp) },
    { name: 'follow-up odd planned hours', card: followUpCard(ctx, { ...followUp, request: plainView, plannedHours: 100 }) },
    {
      name: 'follow-up errors hours',
      card: followUpCard(ctx, { ...followUp, values: { hours: '0' }, errors: { hours: 'error.hours' } }),
    },
    {
      name: 'follow-up errors reason',
      card: followUpCard(ctx, { ...followUp, values: { reason: '' }, errors: { reason: 'error.required' } }),
    },
    {
      name: 'follow-up errors concern',
      card: followUpCard(ctx, { ...followUp, values: { concern: 'x'.repeat(2001) }, errors: { concern: 'error.tooLong' } }),
    },
    { name: 'follow-up done hours', card: followUpDoneCard(ctx, { outcome: 'done', hours: 1.5 }) },
    { name: 'follow-up done one hour', card: followUpDoneCard(ctx, { outcome: 'done', hours: 1 }) },
    { name: 'follow-up done no hours', card: followUpDoneCard(ctx, { outcome: 'done' }) },
    { name: 'follow-up not done', card: followUpDoneCard(ctx, { outcome: 'not_done' }) },
    { name: 'follow-up concern', card: followUpDoneCard(ctx, { outcome: 'concern' }) },

    { name: 'escalation', card: escalationCard(ctx, escalation) },
    { name: 'escalation no relax', card: escalationCard(ctx, { ...escalation, request: plainView, offeredCount: 1, hoursUntilStart: 0.5, canRelax: false }) },
    { name: 'escalation none offered', card: escalationCard(ctx, { ...escalation, offeredCount: 0, hoursUntilStart: 100 }) },
    { name: 'escalation after a drop-out', card: escalationCard(ctx, { ...escalation, droppedOut: true }) },

    { name: 'call list', card: callListCard(ctx, { request: publicView, groupLabel: 'Besøksvenn', volunteers }) },
    { name: 'call list long', card: callListCard(ctx, { request: publicView, groupLabel: 'Besøksvenn', volunteers: manyVolunteers }) },
    { name: 'call list empty', card: callListCard(ctx, { request: publicView, groupLabel: 'Besøksvenn', volunteers: [] }) },

    { name: 'consent expiring', card: consentRenewalCard(ctx, { personId: 'p-1', personLabel: 'Astrid F., Ingeberg', expiresAt: new Date('2027-01-02T23:00:00Z'), expired: false }) },
    { name: 'consent expired', card: consentRenewalCard(ctx, { personId: 'p-1', personLabel: 'Astrid F., Ingeberg', expiresAt: new Date('2026-11-30T23:00:00Z'), expired: true }) },

    { name: 'contribution', card: contributionCard(ctx, { tasksThisYear: 3, hoursThisYear: 4.5, tasksInAll: 12, hoursInAll: 20, milestoneMessages: true }) },
    { name: 'contribution none, messages off', card: contributionCard(ctx, { tasksThisYear: 0, hoursThisYear: 0, tasksInAll: 0, hoursInAll: 0, milestoneMessages: false }) },
    { name: 'interest groups', card: interestGroupsCard(ctx, { groups: [{ key: 'turvenn', nameNb: 'Turvenn', nameEn: 'Walking friend' }] }) },
    { name: 'staff channel not linked', card: staffChannelCard(ctx, { linkedCentreName: null, digestAt: '07:30' }) },
    { name: 'staff channel linked', card: staffChannelCard(ctx, { linkedCentreName: 'Hamar frivilligsentral', digestAt: '07:30' }) },
    { name: 'staff channel unreachable', card: staffChannelCard(ctx, { linkedCentreName: 'Hamar frivilligsentral', digestAt: '07:30', unreachable: true }) },
    { name: 'staff channel welcome', card: staffChannelWelcomeCard(ctx) },
    {
      name: 'interest groups error',
      card: interestGroupsCard(ctx, { groups: [{ key: 'turvenn', nameNb: 'Turvenn', nameEn: 'Walking friend' }], values: { nameNb: '' }, errors: { nameNb: 'error.required' } }),
    },
  ];
}


/**
 * Each button with the inputs the client would gather for it: those of its own (inline) card and of
 * every card above it, but not those inside other ShowCards (as the adaptivecards library does).
 */
function buttonScopes(card: Json, parentInputs: Json[] = []): { button: Json; inputs: Json[] }[] {
  const own: Json[] = [];
  const buttons: Json[] = [];
  const children: Json[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const o = node as Json;
    if (o.type === 'Action.ShowCard') {
      children.push(o.card as Json);
      return;
    }
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) own.push(o);
    if (o.type === 'Action.Execute' || o.type === 'Action.Submit') buttons.push(o);
    for (const v of Object.values(o)) visit(v);
  };
  visit(card.body);
  visit(card.actions);
  const visible = [...parentInputs, ...own];
  return [...buttons.map((button) => ({ button, inputs: visible })), ...children.flatMap((c) => buttonScopes(c, visible))];
}

/** What a person might type in each input. */
function plausibleValue(input: Json): string {
  if (input.type === 'Input.Number') {
    // A person fixes a rejected number before sending it again.
    const v = Number(input.value);
    const ok = Number.isFinite(v) && (input.min === undefined || v >= Number(input.min)) && (input.max === undefined || v <= Number(input.max));
    return String(ok ? v : (input.min ?? 1));
  }
  if (input.id === 'concern') return 'Hun virket veldig sliten og hadde lite mat i huset.';
  return 'Hun var ikke hjemme da jeg kom.';
}

function submitPayload(button: Json, inputs: Json[]): Json {
  const data = { ...(button.data as Json) };
  if (button.associatedInputs === 'none') return data;
  for (const input of inputs) data[String(input.id)] = plausibleValue(input);
  return data;
}

/** The fields a verb's schema reads besides `action`. */
function schemaFields(verb: string): string[] {
  const option = cardAction.options.find((o) => o.shape.action.value === verb);
  if (!option) throw new Error(`no schema for ${verb}`);
  return Object.keys(option.shape).filter((k) => k !== 'action');
}

// ---- Web Chat's adaptivecards library (3.x, bundled with botframework-webchat) ------------------


// ---- tests -------------------------------------------------------------------------------------

describe.each(CONTEXTS)('job cards in $locale on $channel', (ctx) => {
  const cases = allCases(ctx);
  const each = cases.map((c) => [c.name, c] as const);

  it.each(each)('%s: Adaptive Card 1.5, lang, wrapped text, placeholders filled', (_name, c) => {
    expect(c.card.type).toBe('AdaptiveCard');
    expect(c.card.version).toBe('1.5');
    expect(c.card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(c.card.lang).toBe(ctx.locale);
    expect(String(c.card.fallbackText ?? '').trim()).not.toBe('');
    for (const tb of collect(c.card, (o) => o.type === 'TextBlock')) {
      expect(tb.wrap).toBe(true);
      expect(String(tb.text).trim()).not.toBe('');
    }
    expect(JSON.stringify(c.card)).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  it.each(each)('%s: only action types the channel supports', (_name, c) => {
    const types = new Set(actionsOf(c.card).map((a) => a.type));
    if (ctx.channel === 'teams') {
      expect(types.has('Action.Submit')).toBe(false);
      for (const a of buttonsOf(c.card)) {
        expect(a.type).toBe('Action.Execute');
        expect(a.verb).toBe(verbOf(a));
      }
    } else {
      expect(types.has('Action.Execute')).toBe(false);
      for (const a of buttonsOf(c.card)) {
        expect(a.type).toBe('Action.Submit');
        expect(a.verb).toBeUndefined();
      }
    }
    for (const type of types) expect(['Action.Execute', 'Action.Submit', 'Action.OpenUrl', 'Action.ShowCard']).toContain(type);
    for (const a of actionsOf(c.card)) expect(String(a.title).trim()).not.toBe('');
    for (const a of collect(c.card, (o) => o.type === 'Action.OpenUrl')) expect(String(a.url)).toMatch(/^tel:\+?\d{8,15}$/);
  });

  it.each(each)('%s: every button sends data the bot accepts', (_name, c) => {
    for (const { button, inputs } of buttonScopes(c.card as unknown as Json)) {
      const payload = submitPayload(button, inputs);
      const parsed = cardAction.safeParse(payload);
      expect(parsed.success, `${JSON.stringify(payload)} → ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`).toBe(true);
    }
  });

  it.each(each)('%s: inputs are labelled, unique, and exactly what their button’s verb reads', (_name, c) => {
    const inputs = inputsOf(c.card);
    const ids = inputs.map((i) => String(i.id));
    expect(new Set(ids).size).toBe(ids.length);
    // Element ids too (error lines, summary): Web Chat counts any duplicate id as an error.
    const elementIds = collect(c.card, (o) => typeof o.id === 'string').map((o) => o.id);
    expect(new Set(elementIds).size).toBe(elementIds.length);
    for (const input of inputs) {
      expect(String(input.label ?? '').trim().length, `${String(input.id)} has a label`).toBeGreaterThan(0);
      if (input.isRequired) expect(String(input.errorMessage ?? '').length).toBeGreaterThan(0);
    }
    const sent = new Set<string>();
    for (const { button, inputs: visible } of buttonScopes(c.card as unknown as Json)) {
      if (button.associatedInputs !== 'auto') continue;
      const own = Object.keys(button.data as Json).filter((k) => k !== 'action');
      const expected = schemaFields(verbOf(button)).filter((k) => !own.includes(k));
      expect(visible.map((i) => String(i.id)).sort(), verbOf(button)).toEqual(expected.sort());
      for (const i of visible) sent.add(String(i.id));
    }
    // No input that no button sends.
    for (const id of ids) expect(sent.has(id), id).toBe(true);
  });

  it.runIf(AC)('every card passes the Web Chat adaptivecards validator', () => {
    for (const c of cases) {
      const card = new AC!.AdaptiveCard();
      card.parse(c.card);
      expect(card.validateProperties().validationEvents.map((e) => `${c.name}: ${e.message}`)).toEqual([]);
    }
  });

  it.runIf(AC && ctx.channel === 'webchat')('Web Chat gathers for each button exactly the inputs its verb reads', () => {
    for (const c of cases) {
      const card = new AC!.AdaptiveCard();
      card.parse(c.card);
      const ours = new Map(buttonScopes(c.card as unknown as Json).map(({ button, inputs }) => [String(button.title), inputs.map((i) => String(i.id)).sort()]));
      for (const action of acActions(card).filter((a) => a.getJsonTypeName() === 'Action.Submit')) {
        const theirs = Object.keys(action.getReferencedInputs() ?? {}).sort();
        const button = buttonsOf(c.card).find((b) => b.title === action.title)!;
        expect(theirs, `${c.name}: ${String(action.title)}`).toEqual(button.associatedInputs === 'auto' ? ours.get(String(action.title)) : []);
      }
    }
  });
});

describe('reminder', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
  const base = { assignmentId: 'asg-1', request: publicView, details: privateDetails, groupLabel: 'Besøksvenn', hoursBefore: 24 };
  const verbs = (card: AdaptiveCard) => buttonsOf(card).map(verbOf);

  it('heading says when, what and for whom, in Oslo time', () => {
    const card = reminderCard(ctx, { ...base, askConfirmation: true, confirmed: false });
    expect(card.body[0]).toMatchObject({ text: 'Påminnelse: i morgen kl. 14:00 – Besøksvenn hos Gerd Solberg' });
    const en = reminderCard({ locale: 'en', channel: 'teams' }, { ...base, hoursBefore: 3, askConfirmation: false, confirmed: false });
    expect(en.body[0]).toMatchObject({ text: 'Reminder: today at 14:00 – Besøksvenn for Gerd Solberg' });
    expect(reminderWhen('nb', STARTS, 72)).toBe('tirsdag 1. desember kl. 14:00');
    // 00:30 in Oslo the same night is still "i morgen" seen from 20:00 the evening before.
    expect(reminderWhen('nb', new Date('2026-11-30T23:30:00Z'), 4.5)).toBe('i morgen kl. 00:30');
  });

  it('shows public and private facts, the handover note and call links', () => {
    const card = reminderCard(ctx, { ...base, askConfirmation: false, confirmed: false });
    const s = JSON.stringify(card);
    for (const v of ['Ingeberg', 'Kaffe og en prat', privateDetails.address, privateDetails.meetingPlace!, privateDetails.handoverNote!, privateDetails.contactName!]) expect(s).toContain(v);
    expect(collect(card, (o) => o.type === 'Action.OpenUrl').map((o) => o.url)).toEqual(['tel:+4791234567', 'tel:62510000']);
    // The fallback (which may surface in a notification) leaves the name out.
    expect(card.fallbackText).toBe('Påminnelse: Besøksvenn i morgen kl. 14:00');
  });

  it('asks "Jeg kommer" / "Kan ikke likevel" only while unconfirmed', () => {
    const ask = reminderCard(ctx, { ...base, askConfirmation: true, confirmed: false });
    expect(buttonsOf(ask).map((b) => [b.title, b.data])).toEqual([
      ['Jeg kommer', { action: 'assignment.confirm', assignmentId: 'asg-1' }],
      ['Kan ikke likevel', { action: 'assignment.cancel.start', assignmentId: 'asg-1' }],
    ]);
    expect(JSON.stringify(ask)).not.toContain(t('nb', 'reminder.confirmed'));

    const confirmed = reminderCard(ctx, { ...base, askConfirmation: true, confirmed: true });
    expect(verbs(confirmed)).toEqual(['assignment.cancel.start']);
    expect(JSON.stringify(confirmed)).toContain('Du har bekreftet at du kommer. Takk!');

    expect(verbs(reminderCard(ctx, { ...base, askConfirmation: false, confirmed: false }))).toEqual(['assignment.cancel.start']);
  });
});

describe('follow-up', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'teams' };
  const base = { assignmentId: 'asg-1', request: publicView, groupLabel: 'Besøksvenn', plannedHours: 1.5 };

  it('three answers, each an inline form behind its own button', () => {
    const card = followUpCard(ctx, base);
    expect(card.body[0]).toMatchObject({ text: 'Ble oppdraget gjennomført?' });
    // The card itself has no inputs: they live in the ShowCards.
    expect(inputsOf(card.body.filter((e) => e.type !== 'ActionSet'))).toEqual([]);
    const shows = collect(card, (o) => o.type === 'Action.ShowCard');
    expect(shows.map((s) => s.title)).toEqual(['Ja, det ble gjort', 'Nei, det ble ikke noe av', 'Jeg er bekymret for personen']);
    const [done, notDone, concern] = shows.map((s) => s.card as Json);
    expect(inputsOf(done)).toEqual([expect.objectContaining({ type: 'Input.Number', id: 'hours', label: 'Timer brukt', value: 1.5, min: 0.25, max: 24, isRequired: true })]);
    expect(buttonsOf(done).map((b) => [verbOf(b), b.associatedInputs])).toEqual([['assignment.done', 'auto']]);
    expect(inputsOf(notDone)).toEqual([expect.objectContaining({ type: 'Input.Text', id: 'reason', isRequired: true })]);
    expect(buttonsOf(notDone).map(verbOf)).toEqual(['assignment.notDone']);
    expect(inputsOf(concern)).toEqual([expect.objectContaining({ type: 'Input.Text', id: 'concern', isMultiline: true, isRequired: true })]);
    expect(JSON.stringify(concern)).toContain('Dette går bare til de ansatte, aldri til andre frivillige.');
    expect(buttonsOf(concern).map(verbOf)).toEqual(['concern.report']);
  });

  it('default hours: the planned hours, to the quarter, within 0.25–24', () => {
    const hours = (plannedHours: number) => inputsOf(followUpCard(ctx, { ...base, plannedHours }))[0]?.value;
    expect(hours(1.5)).toBe(1.5);
    expect(hours(0.1)).toBe(0.25);
    expect(hours(30)).toBe(24);
    expect(hours(1.33)).toBe(1.25);
  });

  it('after a rejected submit: a summary on top, the error under the field, the typed value kept', () => {
    const card = followUpCard(ctx, { ...base, values: { reason: 'x'.repeat(301) }, errors: { reason: 'error.tooLong' } });
    const top = card.body.filter((e) => e.type !== 'ActionSet');
    expect(inputsOf(top)).toEqual([]);
    expect(JSON.stringify(top)).toContain(t('nb', 'form.errorSummary'));
    expect(JSON.stringify(top)).toContain(`Hva skjedde?: ${errorText('nb', 'error.tooLong')}`);
    // Still three buttons; the error sits right under the field inside its answer.
    const shows = collect(card, (o) => o.type === 'Action.ShowCard');
    expect(shows).toHaveLength(3);
    const inner = (shows[1]!.card as Json).body as Json[];
    const at = inner.findIndex((e) => e.id === 'reason');
    expect(inner[at]).toMatchObject({ value: 'x'.repeat(301) });
    expect(inner[at + 1]).toMatchObject({ id: 'reason-error', text: errorText('nb', 'error.tooLong'), color: 'attention' });
    const again = followUpCard(ctx, { ...base, values: { hours: '3' }, errors: { hours: 'error.hours' } });
    expect(inputsOf(again).find((i) => i.id === 'hours')?.value).toBe(3);
    expect(JSON.stringify(again)).toContain('Skriv antall timer, fra 0,25 til 24.');
  });

  it('the thank-you that replaces it', () => {
    expect(followUpThanks('nb', { outcome: 'done', hours: 1.5 })).toBe('Takk! Vi har registrert 1,5 timer.');
    expect(followUpThanks('en', { outcome: 'done', hours: 1.5 })).toBe('Thank you! We have recorded 1.5 hours.');
    expect(followUpThanks('nb', { outcome: 'done', hours: 1 })).toBe('Takk! Vi har registrert 1 time.');
    expect(followUpThanks('nb', { outcome: 'not_done' })).toBe('Takk for beskjed.');
    expect(followUpThanks('nb', { outcome: 'concern' })).toBe('Takk. Bekymringen er sendt til de ansatte, og bare til dem.');
    const card = followUpDoneCard(ctx, { outcome: 'done', hours: 2.25 });
    expect(JSON.stringify(card)).toContain('Takk! Vi har registrert 2,25 timer.');
    expect(actionsOf(card)).toEqual([]);
  });
});

describe('private data stays off follow-up and escalation cards', () => {
  it.each(CONTEXTS)('$locale, $channel', (ctx) => {
    const cards = [
      followUpCard(ctx, { assignmentId: 'asg-1', request: leakyView, groupLabel: 'Besøksvenn', plannedHours: 1.5 }),
      followUpCard(ctx, { assignmentId: 'asg-1', request: leakyView, groupLabel: 'Besøksvenn', plannedHours: 1.5, errors: { hours: 'error.hours', reason: 'error.required', concern: 'error.required' } }),
      escalationCard(ctx, { requestId: 'req-1', request: leakyView, groupLabel: 'Besøksvenn', offeredCount: 12, hoursUntilStart: 20, canRelax: true, droppedOut: true }),
      callListCard(ctx, { request: leakyView, groupLabel: 'Besøksvenn', volunteers }),
    ];
    for (const card of cards) {
      const json = JSON.stringify(card);
      for (const secret of secrets) expect(json).not.toContain(secret);
      expect(json).not.toContain('60.79');
    }
    // Follow-up and escalation carry no phone links at all.
    for (const card of cards.slice(0, 3)) expect(JSON.stringify(card)).not.toContain('tel:');
  });
});

describe('escalation', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'teams' };
  const base = { requestId: 'req-1', request: publicView, groupLabel: 'Besøksvenn', offeredCount: 12, hoursUntilStart: 20, canRelax: true, droppedOut: false };

  it('says what happened, how many were asked, how soon it starts, and offers four ways on', () => {
    const card = escalationCard(ctx, base);
    const s = JSON.stringify(card);
    for (const part of ['Ingen har tatt oppdraget ennå', 'Sendt ut til 12 frivillige', 'Oppdraget starter om 20 timer.', 'Besøksvenn', 'Ingeberg', 'tirsdag 1. desember kl. 14:00', 'Kaffe og en prat', 'Politiattest kreves']) {
      expect(s).toContain(part);
    }
    expect(buttonsOf(card).map((b) => [b.title, b.data])).toEqual([
      ['Send til alle aktuelle', { action: 'staff.request.widen', requestId: 'req-1' }],
      ['Løs opp et krav', { action: 'staff.request.relax', requestId: 'req-1' }],
      ['Vis ringeliste', { action: 'staff.request.callList', requestId: 'req-1' }],
      ['Ja, avlys', { action: 'staff.request.cancel', requestId: 'req-1' }],
    ]);
    // Cancelling asks first.
    expect(collect(card, (o) => o.type === 'Action.ShowCard').map((o) => o.title)).toEqual(['Avlys forespørselen']);
    expect(s).toContain(t('nb', 'escalation.relaxHint'));
    expect(t('nb', 'escalation.relaxHint')).toContain('politiattest');
  });

  it('after the volunteer who had it dropped out, it says the task is free again, not that nobody has taken it «yet», in each language', () => {
    const expected = { nb: 'Oppdraget er ledig igjen, og ingen har tatt det', nn: 'Oppdraget er ledig igjen, og ingen har teke det', en: 'The task is free again, and nobody has taken it' } as const;
    for (const locale of ['nb', 'nn', 'en'] as const) {
      const card = escalationCard({ locale, channel: 'teams' }, { ...base, droppedOut: true });
      const s = JSON.stringify(card);
      expect(s).toContain(expected[locale]);
      expect(s).not.toContain(t(locale, 'escalation.title'));
      expect(card.fallbackText).toContain(expected[locale]);
      // Who cancelled is not named: the card may go to the staff channel.
      expect(buttonsOf(card).map(verbOf)).toEqual(buttonsOf(escalationCard({ locale, channel: 'teams' }, base)).map(verbOf));
    }
  });

  it('no relax button (nor its explanation) when there is nothing to relax', () => {
    const card = escalationCard(ctx, { ...base, canRelax: false });
    expect(buttonsOf(card).map(verbOf)).toEqual(['staff.request.widen', 'staff.request.callList', 'staff.request.cancel']);
    expect(JSON.stringify(card)).not.toContain(t('nb', 'escalation.relaxHint'));
  });

  it('time until start in words', () => {
    expect(startsInText('nb', -1)).toBe('Starttidspunktet har allerede vært.');
    expect(startsInText('nb', 0.4)).toBe('Oppdraget starter om under en time.');
    expect(startsInText('nb', 1.7)).toBe('Oppdraget starter om 1 time.');
    expect(startsInText('nb', 5)).toBe('Oppdraget starter om 5 timer.');
    expect(startsInText('en', 75)).toBe('The task starts in 3 days.');
  });
});

describe('call list', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'webchat' };

  it('names, areas and phones with a call link each, and a staff-only note', () => {
    const card = callListCard(ctx, { request: publicView, groupLabel: 'Besøksvenn', volunteers });
    const s = JSON.stringify(card);
    for (const v of volunteers) {
      expect(s).toContain(v.name);
      expect(s).toContain(v.phone);
      expect(s).toContain(v.district);
    }
    expect(collect(card, (o) => o.type === 'Action.OpenUrl').map((o) => [o.title, o.url])).toEqual([
      ['Ring Kari Nordmann', 'tel:93456789'],
      ['Ring Ola Hansen', 'tel:+4741322110'],
      ['Ring Liv Berg', 'tel:48001234'],
    ]);
    expect(s).toContain('Listen er bare for ansatte. Ikke del den eller send den videre.');
  });

  it(`shows at most ${CALL_LIST_MAX}, and says so`, () => {
    const card = callListCard(ctx, { request: publicView, groupLabel: 'Besøksvenn', volunteers: manyVolunteers });
    expect(collect(card, (o) => o.type === 'Action.OpenUrl')).toHaveLength(CALL_LIST_MAX);
    expect(JSON.stringify(card)).toContain(`Viser ${CALL_LIST_MAX} av 30.`);
    expect(JSON.stringify(card)).not.toContain('Frivillig 26');
  });

  it('an empty list says what to do', () => {
    const card = callListCard(ctx, { request: publicView, groupLabel: 'Besøksvenn', volunteers: [] });
    expect(JSON.stringify(card)).toContain(t('nb', 'callList.empty'));
    expect(actionsOf(card)).toEqual([]);
  });
});

describe('consent renewal', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'teams' };
  const base = { personId: 'p-1', personLabel: 'Astrid F.', expiresAt: new Date('2027-01-02T23:00:00Z') };

  it('says when it runs out, in Oslo time, and what that means', () => {
    const card = consentRenewalCard(ctx, { ...base, expired: false });
    const s = JSON.stringify(card);
    expect(s).toContain('Samtykket for Astrid F. går ut 3. januar 2027');
    expect(s).toContain('Uten gyldig samtykke sendes ingen nye forespørsler');
    const expired = JSON.stringify(consentRenewalCard(ctx, { ...base, expired: true }));
    expect(expired).toContain('Samtykket for Astrid F. har gått ut');
    expect(expired).toContain('Det gikk ut 3. januar 2027.');
    expect(JSON.stringify(consentRenewalCard({ locale: 'en', channel: 'teams' }, { ...base, expired: false }))).toContain('The consent for Astrid F. expires on 3 January 2027');
  });

  it('renew at once; withdraw is destructive, explained, and asks first', () => {
    const card = consentRenewalCard(ctx, { ...base, expired: true });
    expect(buttonsOf(card).map((b) => [b.title, b.data, b.style])).toEqual([
      ['Samtykket er fornyet', { action: 'staff.consent.renew', personId: 'p-1' }, 'positive'],
      ['Ja, samtykket er trukket tilbake', { action: 'staff.consent.withdraw', personId: 'p-1' }, 'destructive'],
    ]);
    const withdraw = collect(card, (o) => o.type === 'Action.ShowCard')[0]!;
    expect(withdraw).toMatchObject({ title: 'Samtykket er trukket tilbake', style: 'destructive' });
    expect(JSON.stringify(withdraw.card)).toContain('avlyses åpne forespørsler');
    expect(JSON.stringify(withdraw.card)).toContain('slettes');
  });
});

describe('declaration update needs no card of its own', () => {
  it('an older signed version gets the "updated, sign again" line and the sign button', () => {
    for (const locale of LOCALES) {
      const card = declarationCard({ locale, channel: 'webchat' }, { signedVersion: 0 });
      expect(JSON.stringify(card)).toContain(t(locale, 'declaration.newVersion'));
      expect(buttonsOf(card).map(verbOf)).toContain('declaration.sign');
    }
  });
});

describe('texts for job cards', () => {
  it('exist in both catalogs with the same placeholders', () => {
    const prefixes = ['reminder.', 'followUp.', 'escalation.', 'callList.', 'consentRenewal.', 'error.hours'];
    const keys = messageKeys.filter((k) => prefixes.some((p) => k.startsWith(p)));
    expect(keys.length).toBeGreaterThan(50);
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of keys) {
      expect(catalog('en')[key].trim(), key).not.toBe('');
      expect(placeholders(catalog('en')[key]), key).toEqual(placeholders(catalog('nb')[key]));
    }
  });
});
