// Card builders: every card in both locales and both channels is valid Adaptive Card 1.5 JSON (as
// Web Chat's own adaptivecards library judges it), uses the right action type per channel, sends
// data the bot's schema accepts, names its inputs after the zod fields, keeps private data off
// offers, shows errors next to fields, and the two catalogs match.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AC } from '../support/webchat-cards.ts';
import { walk, collect, actionsOf, buttonsOf, inputsOf, type Json } from '../support/card-json.ts';
import type { z } from 'zod';
import { cardAction, personFields, volunteerSignupFields } from '../../adaptive-cards/actions.ts';
import { requestFormFields, seriesEditFields } from '../../adaptive-cards/series-form.ts';
import { seriesLeaveCard, seriesOfferCard, seriesTaskCard } from '../../adaptive-cards/series-offer.ts';
import { caregiverSeriesCard, seriesEditCard } from '../../adaptive-cards/series-status.ts';
import { actionButton } from '../../adaptive-cards/action.ts';
import type { AdaptiveCard, CardContext, Channel } from '../../adaptive-cards/card.ts';
import { cancelAssignmentCard } from '../../adaptive-cards/cancel-assignment.ts';
import { AVAILABILITY_DAY_FIELDS, availabilityChoices, availabilityFromDays, languageChoices } from '../../adaptive-cards/choices.ts';
import { z as zod } from 'zod';
import { declarationCard } from '../../adaptive-cards/declaration.ts';
import { errorsFromIssues, errorText } from '../../adaptive-cards/form.ts';
import { formatDate, formatDateTime, formatDuration, formatWindow } from '../../adaptive-cards/format.ts';
import { menuCard } from '../../adaptive-cards/menu.ts';
import { myTasksCard } from '../../adaptive-cards/my-tasks.ts';
import { noticeCard } from '../../adaptive-cards/notice.ts';
import { offerCard } from '../../adaptive-cards/offer.ts';
import { personFormCard } from '../../adaptive-cards/person-form.ts';
import { requestFormCard } from '../../adaptive-cards/request-form.ts';
import { requestStatusText, staffRequestsCard } from '../../adaptive-cards/staff-requests.ts';
import { taskDetailsCard } from '../../adaptive-cards/task-details.ts';
import { catalog, isMessageKey, localeFromTag, messageKeys, t } from '../../adaptive-cards/texts.ts';
import { volunteerAdminCard } from '../../adaptive-cards/volunteer-admin.ts';
import { leaveConfirmCard } from '../../adaptive-cards/volunteer-leave.ts';
import { volunteerSignupCard } from '../../adaptive-cards/volunteer-signup.ts';
import { NO_OFFER_REASONS, noOfferReasonKey, volunteerStatusCard } from '../../adaptive-cards/volunteer-status.ts';
import type { HelpRequest, Locale, OfferStatus, PrivateRequestDetails, PublicRequestView, RequestStatus } from '../../domain/types.ts';

// ---- fixtures ----------------------------------------------------------------------------------

const LOCALES: readonly Locale[] = ['nb', 'en'];
const CHANNELS: readonly Channel[] = ['teams', 'webchat'];
const CONTEXTS: readonly CardContext[] = LOCALES.flatMap((locale) => CHANNELS.map((channel) => ({ locale, channel })));

/** Tuesday 1 December 2026, 14:00 in Oslo (UTC+1). */
const STARTS = new Date('2026-12-01T13:00:00Z');

const publicView: PublicRequestView = {
  id: 'req-1',
  centreId: 'hamar',
  group: 'folgehjelp',
  district: 'Ingeberg',
  startsAt: STARTS,
  durationMinutes: 90,
  flexibleUntil: new Date('2026-12-01T16:00:00Z'),
  summary: 'Følge til fastlegen og hjem igjen',
  requirements: { language: 'ar', policeCertificate: true, firstTimeFriendly: true, staffAlong: true },
  urgent: true,
};

/** Kept in a separate object: none of these strings may ever reach an offer card. */
const privateDetails: PrivateRequestDetails = {
  personName: 'Astrid Fjellheim',
  address: 'Solbakken 17, 2317 Hamar',
  phone: '+47 912 34 567',
  meetingPlace: 'Hovedinngangen på Hamar stasjon',
  handoverNote: 'Hører dårlig på venstre øre',
  contactName: 'Per Kristiansen',
  contactPhone: '62 51 00 00',
};
const privatePersonId = 'person-7f3a9c';

const centres = [{ id: 'hamar', name: 'Hamar frivilligsentral' }, { id: 'stange', name: 'Stange frivilligsentral' }];

const groups = [
  { key: 'folgehjelp', label: 'Følgehjelp' },
  { key: 'handlehjelp', label: 'Handlehjelp' },
  { key: 'besoksvenn', label: 'Besøksvenn' },
];

const OFFER_STATUSES: readonly OfferStatus[] = ['pending', 'accepted', 'declined', 'taken', 'withdrawn'];
const REQUEST_STATUSES: readonly RequestStatus[] = ['waiting_consent', 'open', 'taken', 'cancelled', 'expired', 'done'];

type FieldsSchema = z.ZodObject<z.ZodRawShape>;

/** The sign-up form's inputs: the schema's, with availability one day at a time (the bot merges them, choices.ts availabilityFromDays). */
const signupFormFields = volunteerSignupFields
  .omit({ availability: true })
  .extend(Object.fromEntries(AVAILABILITY_DAY_FIELDS.map((f) => [f, zod.string().optional()])))
  .transform((v, ctx) => {
    const merged = volunteerSignupFields.safeParse(availabilityFromDays(v));
    if (!merged.success) for (const issue of merged.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return v;
  });
const signupSchema = { shape: signupFormFields.in.shape, safeParse: (v: unknown) => signupFormFields.safeParse(v) } as unknown as FieldsSchema;

interface Case {
  name: string;
  card: AdaptiveCard;
  /** Forms: the zod schema the submit is validated against. */
  schema?: FieldsSchema;
  /** The form shows every field of its schema (so ids must equal the schema's keys exactly). */
  complete?: boolean;
}

function allCases(ctx: CardContext): Case[] {
  const tasks = [
    { assignmentId: 'asg-1', request: publicView, details: privateDetails, groupLabel: 'Følgehjelp' },
    {
      assignmentId: 'asg-2',
      request: { ...publicView, id: 'req-2', flexibleUntil: null, urgent: false, requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false } },
      details: { ...privateDetails, meetingPlace: null, handoverNote: null, contactName: null, contactPhone: null },
      groupLabel: 'Handlehjelp',
    },
  ];
  return [
    { name: 'menu unknown', card: menuCard(ctx, { role: null }) },
    { name: 'menu volunteer', card: menuCard(ctx, { role: 'volunteer', name: 'Kari', paused: false, declarationSigned: true }) },
    { name: 'menu volunteer unsigned paused', card: menuCard(ctx, { role: 'volunteer', name: null, paused: true, declarationSigned: false }) },
    { name: 'menu staff', card: menuCard(ctx, { role: 'staff', name: 'Ola' }) },
    { name: 'menu coordinator', card: menuCard(ctx, { role: 'coordinator' }) },
    { name: 'menu admin', card: menuCard(ctx, { role: 'admin', name: 'Admin' }) },
    { name: 'menu caregiver', card: menuCard(ctx, { role: 'caregiver', name: 'Liv' }) },
    { name: 'menu caregiver no contact', card: menuCard(ctx, { role: 'caregiver' }) },

    { name: 'signup empty', card: volunteerSignupCard(ctx, { groups, centres, smsOffered: true }), schema: signupSchema, complete: true },
    { name: 'signup without SMS', card: volunteerSignupCard(ctx, { groups, centres }), schema: signupSchema },
    { name: 'signup one centre', card: volunteerSignupCard(ctx, { groups, centres: centres.slice(0, 1) }), schema: signupSchema },
    {
      name: 'signup edit',
      card: volunteerSignupCard(ctx, {
        groups,
        centres,
        mode: 'edit',
        smsOffered: true,
        values: { name: 'Kari Nordmann', phone: '91234567', email: null, district: 'Ingeberg', postcode: '2317', groups: ['folgehjelp', 'besoksvenn'], languages: ['nb', 'en'], availability: ['1:morning', '3:evening'], weeklyCap: 3, comfort: 'first_time_friendly_only', channel: 'sms' },
      }),
      schema: signupSchema,
      complete: true,
    },
    {
      name: 'signup errors',
      card: volunteerSignupCard(ctx, {
        groups,
        centres,
        smsOffered: true,
        values: { name: '', phone: 'abc', email: 'x@', weeklyCap: '99' },
        errors: { name: 'error.required', phone: 'error.phone', email: 'error.email', groups: 'error.chooseGroup', weeklyCap: 'error.weeklyCap' },
      }),
      schema: signupSchema,
      complete: true,
    },
    { name: 'signup no groups', card: volunteerSignupCard(ctx, { groups: [] }), schema: signupSchema },

    { name: 'declaration unsigned', card: declarationCard(ctx, { signedVersion: null }) },
    { name: 'declaration old', card: declarationCard(ctx, { signedVersion: 0 }) },
    { name: 'declaration signed', card: declarationCard(ctx, { signedVersion: 1 }) },

    ...OFFER_STATUSES.map((status) => ({
      name: `offer ${status}`,
      card: offerCard(ctx, { offerId: 'off-1', request: publicView, groupLabel: 'Følgehjelp', status }),
    })),
    {
      name: 'offer plain',
      card: offerCard(ctx, {
        offerId: 'off-2',
        request: { ...publicView, flexibleUntil: new Date('2026-12-03T16:00:00Z'), urgent: false, requirements: { language: null, policeCertificate: false, firstTimeFriendly: false, staffAlong: false } },
        groupLabel: 'Handlehjelp',
        status: 'pending',
      }),
    },

    { name: 'task details', card: taskDetailsCard(ctx, { assignmentId: 'asg-1', request: publicView, details: privateDetails, groupLabel: 'Følgehjelp', justAccepted: true }) },
    { name: 'task details minimal', card: taskDetailsCard(ctx, { ...tasks[1]!, justAccepted: false }) },
    { name: 'my tasks', card: myTasksCard(ctx, { tasks }) },
    { name: 'my tasks empty', card: myTasksCard(ctx, { tasks: [] }) },
    { name: 'cancel assignment', card: cancelAssignmentCard(ctx, { assignmentId: 'asg-1', groupLabel: 'Følgehjelp', startsAt: STARTS }) },
    { name: 'cancel assignment errors', card: cancelAssignmentCard(ctx, { assignmentId: 'asg-1', errors: { reason: 'error.required' } }) },

    {
      name: 'status approved',
      card: volunteerStatusCard(ctx, {
        volunteer: { status: 'approved', pausedUntil: null, signedDeclarationVersion: 1, policeCertificateCheckedAt: new Date('2025-03-12T10:00:00Z'), weeklyCap: 2 },
        currentDeclarationVersion: 1,
        reasons: [],
      }),
    },
    {
      name: 'status everything wrong',
      card: volunteerStatusCard(ctx, {
        volunteer: { status: 'pending', pausedUntil: new Date('2026-12-24T23:00:00Z'), signedDeclarationVersion: null, policeCertificateCheckedAt: null, weeklyCap: 1 },
        currentDeclarationVersion: 1,
        reasons: NO_OFFER_REASONS,
      }),
    },

    { name: 'person form', card: personFormCard(ctx, { today: '2026-11-25' }), schema: personFields, complete: true },
    {
      name: 'person form errors',
      card: personFormCard(ctx, {
        values: { name: 'Astrid', phone: '12', consentBasis: 'proxy' },
        errors: { phone: 'error.phone', consentRelation: 'error.consentRelation', address: 'error.required' },
      }),
      schema: personFields,
      complete: true,
    },

    { name: 'request form no persons', card: requestFormCard(ctx, { persons: [], groups }) },
    {
      name: 'request form',
      card: requestFormCard(ctx, { persons: [{ id: 'p-1', label: 'Astrid F., Ingeberg' }, { id: 'p-2', label: 'Odd H., Vang' }], groups, today: '2026-11-25' }),
      schema: requestFormFields,
      complete: true,
    },
    {
      name: 'request form errors',
      card: requestFormCard(ctx, {
        persons: [{ id: 'p-1', label: 'Astrid F., Ingeberg' }],
        groups,
        values: { personId: 'p-1', group: 'handlehjelp', durationMinutes: '45', urgent: 'true', language: 'pl' },
        errors: { date: 'error.date', summary: 'error.required', contactPhone: 'error.phone', time: 'Invalid input' },
      }),
      schema: requestFormFields,
      complete: true,
    },

    // Recurring requests (issue 5): the series offer in every state, the regular volunteer's card, leaving, the caregiver's list.
    ...(['pending', 'taken', 'released', 'cancelled', 'declined'] as const).map((state) => ({
      name: `series offer ${state}`,
      card: seriesOfferCard(ctx, { seriesOfferId: 'so-1', view: { request: publicView, intervalWeeks: 1 as const, visitCount: 6, lastVisit: new Date('2027-01-05T09:00:00Z') }, groupLabel: 'Avlastning', state }),
    })),
    {
      name: 'series task',
      card: seriesTaskCard(ctx, {
        seriesId: 's-1', view: { request: publicView, intervalWeeks: 2, visitCount: 3, lastVisit: new Date('2026-12-29T09:00:00Z') }, details: privateDetails, groupLabel: 'Avlastning',
        visits: [{ assignmentId: 'a-1', startsAt: STARTS }, { assignmentId: 'a-2', startsAt: new Date('2026-12-15T13:00:00Z') }], justAccepted: true,
      }),
    },
    {
      name: 'series edit',
      card: seriesEditCard(ctx, { seriesId: 's-1', values: { time: '10:00', durationMinutes: '180' }, errors: { time: 'error.time' } }),
      schema: seriesEditFields,
      complete: true,
    },
    { name: 'series edit staff', card: seriesEditCard(ctx, { seriesId: 's-1', values: { time: '10:00', durationMinutes: '180' }, viewer: 'staff' }), schema: seriesEditFields, complete: true },
    { name: 'series leave', card: seriesLeaveCard(ctx, { seriesId: 's-1', rule: 'hver tirsdag kl. 14:00', groupLabel: 'Avlastning', remaining: 4 }) },
    {
      name: 'caregiver series',
      card: caregiverSeriesCard(ctx, {
        series: (['open', 'taken', 'released'] as const).map((status, i) => ({
          seriesId: `s-${i}`, groupLabel: 'Avlastning', personFirstName: 'Olav', nextStart: STARTS, intervalWeeks: 1 as const, lastVisit: new Date('2027-01-05T09:00:00Z'),
          status, regularFirstName: status === 'taken' ? 'Astrid' : null,
        })),
      }),
    },

    {
      name: 'staff requests',
      card: staffRequestsCard(ctx, {
        requests: REQUEST_STATUSES.map((status, i) => ({
          requestId: `req-${i}`,
          groupLabel: 'Følgehjelp',
          startsAt: STARTS,
          district: 'Ingeberg',
          status,
          offeredCount: i,
          takenByFirstName: status === 'taken' ? 'Kari' : null,
          personLabel: 'Astrid F.',
        })),
      }),
    },
    { name: 'staff requests empty', card: staffRequestsCard(ctx, { requests: [] }) },

    {
      name: 'volunteer admin',
      card: volunteerAdminCard(ctx, {
        today: '2026-11-25',
        volunteers: [
          { volunteerId: 'v-1', name: 'Kari Nordmann', district: 'Ingeberg', status: 'approved', declarationSigned: true, policeCertificateCheckedAt: new Date('2025-03-12T10:00:00Z'), groupLabels: ['Følgehjelp'] },
          { volunteerId: 'v-2', name: 'Ola Hansen', district: 'Vang', status: 'pending', declarationSigned: false, policeCertificateCheckedAt: null, groupLabels: [] },
          { volunteerId: 'v-3', name: 'Liv Berg', district: 'Hamar', status: 'paused', declarationSigned: true, policeCertificateCheckedAt: null, groupLabels: ['Turvenn', 'Besøksvenn'] },
          { volunteerId: 'v-4', name: 'Per Dahl', district: 'Hamar', status: 'removed', declarationSigned: true, policeCertificateCheckedAt: null, groupLabels: [] },
        ],
      }),
    },
    { name: 'volunteer admin empty', card: volunteerAdminCard(ctx, { today: '2026-11-25', volunteers: [] }) },

    { name: 'notice', card: noticeCard(ctx, { title: t(ctx.locale, 'request.title'), text: t(ctx.locale, 'request.waitingConsent'), tone: 'warning', menuButton: true }) },
    { name: 'notice plain', card: noticeCard(ctx, { text: [t(ctx.locale, 'system.unavailable'), 'x'] }) },
    { name: 'leave confirm', card: leaveConfirmCard(ctx) },
  ];
}


/** What a person might type or pick in each input. */
function plausibleValue(input: Json): string {
  const id = String(input.id);
  switch (input.type) {
    case 'Input.ChoiceSet': {
      const choices = input.choices as { value: string }[];
      return typeof input.value === 'string' ? input.value : (choices[0]?.value ?? '');
    }
    case 'Input.Number':
      return String(input.value ?? input.min ?? 1);
    case 'Input.Date':
      return typeof input.value === 'string' ? input.value : '2026-12-01';
    case 'Input.Time':
      return typeof input.value === 'string' ? input.value : '14:00';
    case 'Input.Toggle':
      return String(input.value ?? 'false');
    default:
      if (/phone/i.test(id)) return '912 34 567';
      if (id === 'email') return 'kari@example.no';
      if (id === 'postcode') return '2317';
      return 'Kari Nordmann';
  }
}

function submitPayload(card: unknown, button: Json): Json {
  const data = { ...(button.data as Json) };
  if (button.associatedInputs === 'none') return data;
  for (const input of inputsOf(card)) data[String(input.id)] = plausibleValue(input);
  return data;
}

// ---- Web Chat's adaptivecards library (3.x, bundled with botframework-webchat) ------------------


// ---- tests -------------------------------------------------------------------------------------

describe.each(CONTEXTS)('cards in $locale on $channel', (ctx) => {
  const cases = allCases(ctx);

  it.each(cases.map((c) => [c.name, c] as const))('%s: Adaptive Card 1.5, lang, wrapped text', (_name, c) => {
    expect(c.card.type).toBe('AdaptiveCard');
    expect(c.card.version).toBe('1.5');
    expect(c.card.$schema).toBe('http://adaptivecards.io/schemas/adaptive-card.json');
    expect(c.card.lang).toBe(ctx.locale);
    for (const tb of collect(c.card, (o) => o.type === 'TextBlock')) {
      expect(tb.wrap).toBe(true);
      expect(String(tb.text).trim()).not.toBe('');
    }
    // Every placeholder filled.
    expect(JSON.stringify(c.card)).not.toMatch(/\{[a-zA-Z]+\}/);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: only action types the channel supports', (_name, c) => {
    const types = new Set(actionsOf(c.card).map((a) => a.type));
    if (ctx.channel === 'teams') {
      expect(types.has('Action.Submit')).toBe(false);
      for (const a of buttonsOf(c.card)) expect(a.verb).toBe((a.data as Json).action);
    } else {
      expect(types.has('Action.Execute')).toBe(false);
      for (const a of buttonsOf(c.card)) expect(a.verb).toBeUndefined();
    }
    for (const type of types) expect(['Action.Execute', 'Action.Submit', 'Action.OpenUrl', 'Action.ShowCard', 'Action.ToggleVisibility']).toContain(type);
    for (const a of actionsOf(c.card)) expect(String(a.title).trim()).not.toBe('');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: every button sends data the bot accepts', (_name, c) => {
    for (const button of buttonsOf(c.card)) {
      const payload = submitPayload(c.card, button);
      const parsed = cardAction.safeParse(payload);
      expect(parsed.success, `${JSON.stringify(payload)} → ${parsed.success ? '' : JSON.stringify(parsed.error.issues)}`).toBe(true);
      if (c.schema && String(payload.action).endsWith('.submit') && c.complete && !c.name.includes('errors')) {
        const fields = c.schema.safeParse(payload);
        expect(fields.success, `${c.name}: ${fields.success ? '' : JSON.stringify(fields.error.issues)}`).toBe(true);
      }
    }
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: inputs are labelled, unique, and named after the schema', (_name, c) => {
    const inputs = inputsOf(c.card);
    const ids = inputs.map((i) => String(i.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const input of inputs) {
      const name = input.type === 'Input.Toggle' ? input.title : input.label;
      expect(typeof name === 'string' && name.trim().length > 0, `${String(input.id)} has a label`).toBe(true);
      if (input.isRequired) expect(String(input.errorMessage ?? '').length).toBeGreaterThan(0);
      if (input.type === 'Input.ChoiceSet') expect((input.choices as unknown[]).length).toBeGreaterThan(0);
    }
    if (c.schema) {
      const shape = Object.keys(c.schema.shape);
      for (const id of ids) expect(shape).toContain(id);
      if (c.complete) expect([...ids].sort()).toEqual([...shape].sort());
    } else {
      // Outside forms, the only inputs are the ones a verb reads itself (a volunteer's own police date: checkedOn-<id>).
      for (const id of ids) expect(['reason', 'checkedOn']).toContain(id.replace(/^checkedOn-.+$/, 'checkedOn'));
    }
  });

  it.runIf(AC)('every card passes the Web Chat adaptivecards validator', () => {
    for (const c of cases) {
      const card = new AC!.AdaptiveCard();
      card.parse(c.card);
      expect(card.validateProperties().validationEvents.map((e) => `${c.name}: ${e.message}`)).toEqual([]);
    }
  });
});

describe('actionButton', () => {
  it('emits Action.Execute with verb for Teams and Action.Submit for Web Chat, same data', () => {
    const teams = actionButton('teams', 'Ta oppdraget', { action: 'offer.accept', offerId: 'o1' }, { style: 'positive' });
    const web = actionButton('webchat', 'Ta oppdraget', { action: 'offer.accept', offerId: 'o1' }, { style: 'positive' });
    expect(teams).toEqual({ type: 'Action.Execute', title: 'Ta oppdraget', verb: 'offer.accept', data: { action: 'offer.accept', offerId: 'o1' }, associatedInputs: 'none', style: 'positive' });
    expect(web).toEqual({ type: 'Action.Submit', title: 'Ta oppdraget', data: { action: 'offer.accept', offerId: 'o1' }, associatedInputs: 'none', style: 'positive' });
  });

  it('only form submits send the card inputs', () => {
    expect(actionButton('webchat', 'x', { action: 'staff.request.submit' }).associatedInputs).toBe('auto');
    expect(actionButton('teams', 'x', { action: 'assignment.cancel.submit', assignmentId: 'a' }).associatedInputs).toBe('auto');
    expect(actionButton('teams', 'x', { action: 'staff.volunteer.police', volunteerId: 'v' }).associatedInputs).toBe('auto');
    expect(actionButton('teams', 'x', { action: 'menu.show' }).associatedInputs).toBe('none');
  });

  it('rejects data that is not a known action (type level)', () => {
    // @ts-expect-error unknown verb
    actionButton('teams', 'x', { action: 'offer.steal', offerId: 'o' });
    // @ts-expect-error missing id
    actionButton('teams', 'x', { action: 'offer.accept' });
    expect(true).toBe(true);
  });
});

describe('offer card keeps private data out', () => {
  const secrets = [...Object.values(privateDetails).filter((v): v is string => typeof v === 'string'), privatePersonId, '91234567', '62510000'];

  it.each(CONTEXTS)('no private value in any state ($locale, $channel)', (ctx) => {
    // A caller that hands in a whole request with everything attached (bypassing the type).
    const leaky = { ...publicView, ...privateDetails, personId: privatePersonId, details: privateDetails, location: { lat: 60.79, lon: 11.07 } } as unknown as PublicRequestView;
    for (const status of OFFER_STATUSES) {
      const json = JSON.stringify(offerCard(ctx, { offerId: 'off-1', request: leaky, groupLabel: 'Følgehjelp', status }));
      for (const secret of secrets) expect(json).not.toContain(secret);
      expect(json).not.toContain('60.79');
      expect(json).not.toContain('tel:');
    }
  });

  it('the input type refuses private fields and whole requests', () => {
    const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
    const full: HelpRequest = { ...publicView, status: 'open', personId: privatePersonId, createdBy: 's-1', location: null, wave: 0 };
    // @ts-expect-error a HelpRequest carries personId and location
    offerCard(ctx, { offerId: 'o', request: full, groupLabel: 'x', status: 'pending' });
    const withDetails = { ...publicView, ...privateDetails };
    // @ts-expect-error private details are not allowed
    offerCard(ctx, { offerId: 'o', request: withDetails, groupLabel: 'x', status: 'pending' });
    // A plain public view is fine.
    offerCard(ctx, { offerId: 'o', request: publicView, groupLabel: 'x', status: 'pending' });
    expect(true).toBe(true);
  });
});

describe('offer card content', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
  const json = (status: OfferStatus) => JSON.stringify(offerCard(ctx, { offerId: 'off-1', request: publicView, groupLabel: 'Følgehjelp', status }));

  it('shows kind, area, Oslo time, duration, window, flags and summary', () => {
    const s = json('pending');
    for (const part of ['Følgehjelp', 'Ingeberg', 'tirsdag 1. desember kl. 14:00', '1 t 30 min', 'Når som helst mellom kl. 14:00 og 17:00', 'Førstegangsvennlig', 'Ansatt blir med', 'Språk: Arabisk', 'Politiattest kreves', 'Haster', 'Følge til fastlegen og hjem igjen', 'Ta oppdraget', 'Takk nei']) {
      expect(s).toContain(part);
    }
  });

  it('closed states say what happened and have no buttons', () => {
    const expected: Record<Exclude<OfferStatus, 'pending'>, string> = {
      taken: 'Oppdraget er tatt — takk!',
      withdrawn: 'Oppdraget er avlyst',
      declined: 'Du takket nei',
      accepted: t('nb', 'offer.acceptedState'),
    };
    for (const [status, text] of Object.entries(expected) as [Exclude<OfferStatus, 'pending'>, string][]) {
      const card = offerCard(ctx, { offerId: 'off-1', request: publicView, groupLabel: 'Følgehjelp', status });
      expect(JSON.stringify(card)).toContain(text);
      expect(buttonsOf(card)).toEqual([]);
    }
  });
});

describe('task details and my tasks', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'teams' };

  it('reveals details with tel: links and a cancel button', () => {
    const card = taskDetailsCard(ctx, { assignmentId: 'asg-1', request: publicView, details: privateDetails, groupLabel: 'Følgehjelp' });
    const s = JSON.stringify(card);
    for (const v of [privateDetails.personName, privateDetails.address, privateDetails.meetingPlace!, privateDetails.handoverNote!, privateDetails.contactName!]) expect(s).toContain(v);
    const urls = collect(card, (o) => o.type === 'Action.OpenUrl').map((o) => o.url);
    expect(urls).toEqual(['tel:+4791234567', 'tel:62510000']);
    const cancel = buttonsOf(card).find((b) => (b.data as Json).action === 'assignment.cancel.start');
    expect(cancel?.data).toEqual({ action: 'assignment.cancel.start', assignmentId: 'asg-1' });
  });

  it('my tasks shows an empty state', () => {
    expect(JSON.stringify(myTasksCard(ctx, { tasks: [] }))).toContain(t('nb', 'myTasks.empty'));
  });
});

describe('menus', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
  const verbs = (card: AdaptiveCard) => buttonsOf(card).map((b) => (b.data as Json).action);
  const titles = (card: AdaptiveCard) => actionsOf(card).map((a) => a.title);

  it('unknown user: sign up as a volunteer, a caregiver or someone who needs help (issue 19), and what is Dugnad', () => {
    const card = menuCard(ctx, { role: null });
    expect(titles(card)).toEqual(['Bli frivillig', 'Jeg er pårørende', 'Jeg trenger hjelp', 'Hva er Dugnad?']);
    expect(verbs(card)).toEqual(['volunteer.signup.start', 'caregiver.signup.start', 'self.signup.start']);
  });

  it('volunteer: tasks, contribution, status, pause or resume, profile, own data, calendar, declaration when unsigned, leave', () => {
    const active = menuCard(ctx, { role: 'volunteer', paused: false, declarationSigned: true });
    expect(verbs(active)).toEqual(['tasks.mine', 'volunteer.contribution', 'volunteer.status', 'volunteer.pause', 'volunteer.pause', 'volunteer.pause', 'volunteer.pause', 'volunteer.signup.start', 'privacy.mine', 'calendar.show', 'language.show', 'volunteer.leave']);
    expect(titles(active)).toContain('Pause tilbud');
    expect(titles(active)).toContain('Kalender');
    const paused = menuCard(ctx, { role: 'volunteer', paused: true, declarationSigned: false });
    expect(verbs(paused)).toEqual(['declaration.show', 'tasks.mine', 'volunteer.contribution', 'volunteer.status', 'volunteer.resume', 'volunteer.signup.start', 'privacy.mine', 'calendar.show', 'language.show', 'volunteer.leave']);
    expect(titles(paused)).toContain('Start tilbud igjen');
  });

  it('staff and coordinator: requests, persons, volunteers, calendar; interest groups, caregiver verification and politiattest for the coordinator', () => {
    const base = ['staff.request.new', 'staff.person.new', 'staff.requests.list', 'staff.volunteers.list'];
    expect(verbs(menuCard(ctx, { role: 'staff' }))).toEqual([...base, 'staff.privacy.persons', 'calendar.show', 'language.show']);
    expect(verbs(menuCard(ctx, { role: 'coordinator' }))).toEqual([...base, 'staff.privacy.persons', 'staff.groups.list', 'staff.link.settings', 'staff.police.settings', 'calendar.show', 'language.show']);
    // Admins have no centre of their own, so no one's personal data to look into.
    expect(verbs(menuCard(ctx, { role: 'admin' }))).toEqual([...base, 'staff.groups.list', 'language.show']);
  });

  it('caregiver: ask for respite, follow requests, register the person, formal respite, own data', () => {
    expect(verbs(menuCard(ctx, { role: 'caregiver' }))).toEqual(['caregiver.request.new', 'caregiver.requests.list', 'caregiver.person.new', 'caregiver.formalRespite', 'privacy.mine', 'language.show']);
  });
});

describe('forms show errors next to the field and a summary at the top', () => {
  const check = (locale: Locale, card: AdaptiveCard, errors: Record<string, string>) => {
    const body = card.body as unknown as Json[];
    const summaryAt = body.findIndex((e) => e.id === 'form-errors');
    const firstInputAt = body.findIndex((e) => String(e.type).startsWith('Input.'));
    expect(summaryAt).toBeGreaterThanOrEqual(0);
    expect(summaryAt).toBeLessThan(firstInputAt);
    for (const [field, message] of Object.entries(errors)) {
      const at = body.findIndex((e) => e.id === field);
      expect(at, field).toBeGreaterThanOrEqual(0);
      const next = body[at + 1];
      expect(next?.type).toBe('TextBlock');
      expect(next?.color).toBe('attention');
      expect(next?.text).toBe(errorText(locale, message));
      // The summary names the field by its label.
      const label = String(body[at]?.label ?? body[at]?.title);
      expect(JSON.stringify(body.slice(summaryAt, firstInputAt))).toContain(label);
    }
    // No red lines under fields without errors.
    for (let i = 0; i < body.length; i++) {
      const e = body[i]!;
      if (String(e.type).startsWith('Input.') && !(String(e.id) in errors)) expect(body[i + 1]?.color).not.toBe('attention');
    }
  };

  it.each(LOCALES)('sign-up, person, request, cancel (%s)', (locale) => {
    const ctx: CardContext = { locale, channel: 'webchat' };
    const signupErrors = { phone: 'error.phone', availability: 'error.chooseAvailability', weeklyCap: 'error.weeklyCap' };
    // Availability is asked per day (issue 14): its error stands under the first day, Monday.
    const { availability, ...otherSignupErrors } = signupErrors;
    check(locale, volunteerSignupCard(ctx, { groups, errors: signupErrors }), { ...otherSignupErrors, availability1: availability });
    const personErrors = { consentBasis: 'error.consentBasis', consentDate: 'error.date' };
    check(locale, personFormCard(ctx, { errors: personErrors }), personErrors);
    const requestErrors = { durationMinutes: 'error.duration', flexibleUntilTime: 'error.time', urgent: 'error.invalid' };
    check(locale, requestFormCard(ctx, { persons: [{ id: 'p', label: 'P' }], groups, errors: requestErrors }), requestErrors);
    check(locale, cancelAssignmentCard(ctx, { assignmentId: 'a', errors: { reason: 'error.tooLong' } }), { reason: 'error.tooLong' });
  });

  it('translates keys, hides raw zod text, keeps ready-made text', () => {
    expect(errorText('nb', 'error.phone')).toBe(t('nb', 'error.phone'));
    expect(errorText('en', 'error.nope')).toBe(t('en', 'error.invalid'));
    expect(errorText('en', 'Invalid input: expected string')).toBe(t('en', 'error.invalid'));
    expect(errorText('nb', 'Velg en dag i desember.')).toBe('Velg en dag i desember.');
  });

  it('pre-fills values, including stored arrays and numbers', () => {
    const card = volunteerSignupCard({ locale: 'nb', channel: 'teams' }, {
      groups,
      mode: 'edit',
      values: { name: 'Kari', groups: ['folgehjelp', 'besoksvenn'], availability: ['1:morning'], weeklyCap: 4, comfort: 'staff_along_only' },
    });
    const byId = Object.fromEntries(inputsOf(card).map((i) => [i.id, i.value]));
    // Availability is asked one day at a time (issue 14): Monday's choice holds the stored morning.
    expect(byId).toMatchObject({ name: 'Kari', groups: 'folgehjelp,besoksvenn', availability1: 'morning', weeklyCap: 4, comfort: 'staff_along_only', languages: 'nb' });
    expect(JSON.stringify(card)).toContain('Lagre endringene');
  });

  it('turns zod issues into field errors', () => {
    const parsed = volunteerSignupFields.safeParse({ name: ' ', phone: '12', groups: '', languages: 'nb', availability: '9:night', weeklyCap: '20', comfort: 'any', district: 'Vang' });
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    expect(errorsFromIssues(parsed.error.issues)).toEqual({
      name: 'error.required',
      phone: 'error.phone',
      groups: 'error.chooseGroup',
      availability: 'error.invalid',
      weeklyCap: 'error.weeklyCap',
    });
  });
});

describe('choices match what actions.ts accepts', () => {
  it('availability: 21 "weekday:part" keys labelled "Mandag formiddag" …', () => {
    const nb = availabilityChoices('nb');
    expect(nb).toHaveLength(21);
    expect(nb[0]).toEqual({ title: 'Mandag formiddag', value: '1:morning' });
    expect(nb[20]).toEqual({ title: 'Søndag kveld', value: '7:evening' });
    expect(availabilityChoices('en')[1]).toEqual({ title: 'Monday afternoon', value: '1:afternoon' });
    expect(volunteerSignupFields.shape.availability.safeParse(nb.map((c) => c.value).join(',')).success).toBe(true);
  });

  it('languages', () => {
    expect(languageChoices('nb').map((c) => `${c.value} ${c.title}`)).toEqual(['nb Norsk', 'en Engelsk', 'ar Arabisk', 'pl Polsk', 'so Somali', 'ti Tigrinja', 'uk Ukrainsk']);
  });
});

describe('staff lists', () => {
  it('request status in plain words', () => {
    const s = (status: RequestStatus, offeredCount = 0, takenByFirstName: string | null = null) => requestStatusText('nb', { status, offeredCount, takenByFirstName });
    expect(s('waiting_consent')).toBe('Venter på samtykke');
    expect(s('open', 12)).toBe('Sendt ut til 12 frivillige');
    expect(s('open', 1)).toBe('Sendt ut til 1 frivillig');
    expect(s('taken', 3, 'Kari')).toBe('Tatt av Kari');
    expect(s('done')).toBe('Gjennomført');
    expect(s('cancelled')).toBe('Avlyst');
    expect(s('expired')).toMatch(/^Utløpt/);
  });

  it('cancel only for running requests, behind an "are you sure?" step', () => {
    const card = staffRequestsCard({ locale: 'nb', channel: 'teams' }, {
      requests: REQUEST_STATUSES.map((status, i) => ({ requestId: `r-${status}`, groupLabel: 'G', startsAt: STARTS, district: 'D', status, offeredCount: i, takenByFirstName: null })),
    });
    const cancelled = buttonsOf(card).filter((b) => (b.data as Json).action === 'staff.request.cancel').map((b) => (b.data as Json).requestId);
    expect(cancelled).toEqual(['r-waiting_consent', 'r-open', 'r-taken']);
    const showCards = collect(card, (o) => o.type === 'Action.ShowCard');
    expect(showCards).toHaveLength(3);
  });

  it('volunteer admin: pending first, each volunteer\'s own police date, buttons per status', () => {
    const card = volunteerAdminCard({ locale: 'nb', channel: 'webchat' }, {
      today: '2026-11-25',
      volunteers: [
        { volunteerId: 'a', name: 'A', district: 'D', status: 'approved', declarationSigned: true, policeCertificateCheckedAt: null, groupLabels: [] },
        { volunteerId: 'p', name: 'P', district: 'D', status: 'pending', declarationSigned: false, policeCertificateCheckedAt: null, groupLabels: [] },
      ],
    });
    const names = collect(card, (o) => o.type === 'TextBlock' && (o.text === 'A' || o.text === 'P')).map((o) => o.text);
    expect(names).toEqual(['P', 'A']);
    // Changed on purpose (issue 14c): no shared date at the top; each volunteer's «Registrer politiattest» opens their own.
    expect(inputsOf(card).map((i) => [i.id, i.value, i.max])).toEqual([['checkedOn-p', '2026-11-25', '2026-11-25'], ['checkedOn-a', '2026-11-25', '2026-11-25']]);
    const police = collect(card, (o) => o.type === 'Action.ShowCard' && o.title === 'Registrer politiattest');
    expect(police.map((s) => inputsOf(s.card as Json).map((i) => i.id))).toEqual([['checkedOn-p'], ['checkedOn-a']]);
    const actions = buttonsOf(card).map((b) => `${(b.data as Json).volunteerId}:${(b.data as Json).action}:${b.associatedInputs}`);
    expect(actions).toEqual([
      'p:staff.volunteer.approve:none',
      'p:staff.volunteer.police:auto',
      'p:staff.volunteer.remove:none',
      'a:staff.volunteer.pause:none',
      'a:staff.volunteer.police:auto',
      'a:staff.volunteer.remove:none',
      'undefined:menu.show:none',
    ]);
  });

  it('long staff lists come a page at a time behind «Vis flere», the page carried on each button', () => {
    const ctx = { locale: 'nb' as const, channel: 'webchat' as const };
    const volunteers = Array.from({ length: 45 }, (_, i) => ({ volunteerId: `v${i}`, name: `V${i}`, district: 'D', status: 'approved' as const, declarationSigned: true, policeCertificateCheckedAt: null }));
    const more = (card: Json) => buttonsOf(card).filter((b) => (b.data as Json).action === 'staff.volunteers.more').map((b) => (b.data as Json).offset);
    const texts = (card: Json) => collect(card, (o) => o.type === 'TextBlock').map((o) => o.text);
    const first = volunteerAdminCard(ctx, { today: '2026-11-25', volunteers }) as unknown as Json;
    expect(more(first)).toEqual([20]);
    expect(texts(first)).toContain('Viser 20 av 45.');
    const second = volunteerAdminCard(ctx, { today: '2026-11-25', volunteers, offset: 20 }) as unknown as Json;
    expect(more(second)).toEqual([40]);
    expect(texts(second)).toContain('Viser 21–40 av 45.');
    expect(texts(second)).toContain('V20');
    expect(buttonsOf(second).find((b) => (b.data as Json).action === 'staff.volunteer.pause')?.data).toEqual({ action: 'staff.volunteer.pause', volunteerId: 'v20', offset: 20 });
    const last = volunteerAdminCard(ctx, { today: '2026-11-25', volunteers, offset: 40 }) as unknown as Json;
    expect(more(last)).toEqual([]);
    expect(texts(last)).toContain('Viser 41–45 av 45.');

    const requests = Array.from({ length: 25 }, (_, i) => ({ requestId: `r${i}`, groupLabel: 'G', startsAt: STARTS, district: 'D', status: 'done' as const, offeredCount: 1, takenByFirstName: null }));
    const r1 = staffRequestsCard(ctx, { requests }) as unknown as Json;
    expect(buttonsOf(r1).filter((b) => (b.data as Json).action === 'staff.requests.more').map((b) => (b.data as Json).offset)).toEqual([20]);
    const r2 = staffRequestsCard(ctx, { requests, offset: 20 }) as unknown as Json;
    expect(buttonsOf(r2).some((b) => (b.data as Json).action === 'staff.requests.more')).toBe(false);
    expect(collect(r2, (o) => o.type === 'TextBlock').map((o) => o.text)).toContain('Viser 21–25 av 25.');
  });
});

describe('volunteer status', () => {
  it('explains every reason for getting no offers', () => {
    for (const locale of LOCALES) {
      const s = JSON.stringify(
        volunteerStatusCard({ locale, channel: 'webchat' }, {
          volunteer: { status: 'pending', pausedUntil: null, signedDeclarationVersion: null, policeCertificateCheckedAt: null, weeklyCap: 2 },
          currentDeclarationVersion: 1,
          reasons: NO_OFFER_REASONS,
        }),
      );
      for (const r of NO_OFFER_REASONS) expect(s).toContain(t(locale, noOfferReasonKey(r)));
    }
  });
});

describe('declaration', () => {
  it('signs the current version; no button once signed', () => {
    const unsigned = declarationCard({ locale: 'nb', channel: 'teams' }, { signedVersion: null });
    const sign = buttonsOf(unsigned).find((b) => (b.data as Json).action === 'declaration.sign');
    expect(sign?.title).toBe('Jeg har lest og signerer');
    expect(sign?.data).toEqual({ action: 'declaration.sign', version: 1 });
    const signed = declarationCard({ locale: 'nb', channel: 'teams' }, { signedVersion: 1 });
    expect(buttonsOf(signed).map((b) => (b.data as Json).action)).toEqual(['menu.show']);
  });
});

describe('texts', () => {
  it('nb and en have the same keys, none empty, same placeholders', () => {
    const nb = catalog('nb');
    const en = catalog('en');
    expect(Object.keys(en).sort()).toEqual(Object.keys(nb).sort());
    expect(Object.keys(nb).sort()).toEqual([...messageKeys].sort());
    // ICU arguments: {name}, or {count, plural, …} (the catalog is ICU MessageFormat since issue 18).
    const placeholders = (s: string) => [...new Set([...s.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]))].sort();
    for (const key of messageKeys) {
      expect(nb[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
      expect(placeholders(en[key]), key).toEqual(placeholders(nb[key]));
    }
  });

  it('has every message key that actions.ts uses', () => {
    const source = readFileSync(fileURLToPath(new URL('../../adaptive-cards/actions.ts', import.meta.url)), 'utf8');
    const used = new Set([...source.matchAll(/'(error\.[a-zA-Z]+)'/g)].map((m) => m[1]!));
    expect(used.size).toBeGreaterThan(5);
    for (const key of used) expect(isMessageKey(key), key).toBe(true);
  });

  it('keeps the exact product wording', () => {
    expect(t('nb', 'system.unavailable')).toBe('Dugnad er midlertidig utilgjengelig. Prøv igjen om litt.');
    expect(t('nb', 'error.invalidAction')).toBe('Det knappen gjorde, forstod jeg ikke. Her er menyen.');
    expect(t('nb', 'offer.taken')).toBe('Oppdraget er tatt — takk!');
    expect(t('nb', 'request.waitingConsent')).toBe('Forespørselen er lagret, men venter på samtykke og sendes ikke ut før samtykke er registrert.');
    expect(t('nb', 'caregiver.status.open')).toBe('Vi leter etter en frivillig');
  });

  it('fills placeholders and leaves missing ones visible', () => {
    expect(t('nb', 'greeting.named', { name: 'Kari' })).toBe('Hei, Kari!');
    expect(t('en', 'staffRequests.sentMany', { count: 3 })).toBe('Sent to 3 volunteers');
    expect(t('nb', 'greeting.named')).toBe('Hei, {name}!');
  });

  it('maps client locale tags', () => {
    expect(localeFromTag('en-US')).toBe('en');
    expect(localeFromTag('nb-NO')).toBe('nb');
    expect(localeFromTag('nn')).toBe('nn');
    expect(localeFromTag('nn-NO')).toBe('nn');
    expect(localeFromTag('no')).toBe('nb');
    expect(localeFromTag(undefined)).toBe('nb');
  });
});

describe('formatting in Europe/Oslo', () => {
  it('dates and times', () => {
    expect(formatDateTime('nb', STARTS)).toBe('tirsdag 1. desember kl. 14:00');
    expect(formatDateTime('en', STARTS)).toBe('Tuesday 1 December at 14:00');
    // Summer time: 12:00 UTC is 14:00 in Oslo.
    expect(formatDateTime('nb', new Date('2026-06-16T12:00:00Z'))).toBe('tirsdag 16. juni kl. 14:00');
    // Late evening UTC is already the next day in Oslo.
    expect(formatDate('nb', new Date('2026-12-01T23:30:00Z'))).toBe('onsdag 2. desember');
  });

  it('durations', () => {
    expect(formatDuration('nb', 120)).toBe('2 timer');
    expect(formatDuration('nb', 60)).toBe('1 time');
    expect(formatDuration('nb', 90)).toBe('1 t 30 min');
    expect(formatDuration('nb', 30)).toBe('30 min');
    expect(formatDuration('en', 60)).toBe('1 hour');
    expect(formatDuration('en', 150)).toBe('2 h 30 min');
  });

  it('flexible windows', () => {
    expect(formatWindow('nb', STARTS, new Date('2026-12-01T16:00:00Z'))).toBe('Når som helst mellom kl. 14:00 og 17:00');
    expect(formatWindow('nb', STARTS, new Date('2026-12-02T16:00:00Z'))).toBe('Når som helst mellom tirsdag 1. desember kl. 14:00 og onsdag 2. desember kl. 17:00');
  });
});
