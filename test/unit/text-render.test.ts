// Section 3 of issue 15: every card Dugnad sends has a text form (adaptive-cards/text.ts) for channels
// without cards. For every card builder: each button is an answer that carries the button's own data
// (so the same command runs) and that the bot's schema accepts; a form with one field takes its value
// after the key; the text carries no personal detail the card does not carry, and by SMS none at all
// unless allowed (name and address only). A check at the end makes sure no builder is left out.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cardAction } from '../../adaptive-cards/actions.ts';
import { verbTakesInputs } from '../../adaptive-cards/action.ts';
import type { AdaptiveCard, CardContext } from '../../adaptive-cards/card.ts';
import { answerData, cardToText, privateRefs, type TextStyle } from '../../adaptive-cards/text.ts';
import { cancelAssignmentCard } from '../../adaptive-cards/cancel-assignment.ts';
import { askerChannelsCard } from '../../adaptive-cards/channel-choice.ts';
import { caregiverRequestsCard, caregiverSignupCard } from '../../adaptive-cards/caregiver.ts';
import { consentRenewalCard } from '../../adaptive-cards/consent-renewal.ts';
import { contributionCard } from '../../adaptive-cards/contribution.ts';
import { declarationCard } from '../../adaptive-cards/declaration.ts';
import { callListCard, escalationCard } from '../../adaptive-cards/escalation.ts';
import { feedbackCard, linkSettingsCard, linkVerifyCard } from '../../adaptive-cards/feedback.ts';
import { followUpCard, followUpDoneCard } from '../../adaptive-cards/follow-up.ts';
import { interestGroupsCard } from '../../adaptive-cards/interest-groups.ts';
import { menuCard } from '../../adaptive-cards/menu.ts';
import { myTasksCard } from '../../adaptive-cards/my-tasks.ts';
import { noticeCard } from '../../adaptive-cards/notice.ts';
import { offerCard } from '../../adaptive-cards/offer.ts';
import { personFormCard } from '../../adaptive-cards/person-form.ts';
import { eraseConfirmCard, ownDataCard, personExportCard, privacyPersonsCard } from '../../adaptive-cards/privacy.ts';
import { calendarCard } from '../../adaptive-cards/calendar.ts';
import { policeSettingsCard } from '../../adaptive-cards/police-settings.ts';
import { pushSettingsCard } from '../../adaptive-cards/push-settings.ts';
import { reminderCard } from '../../adaptive-cards/reminder.ts';
import { requestFormCard } from '../../adaptive-cards/request-form.ts';
import { seriesLeaveCard, seriesOfferCard, seriesTaskCard } from '../../adaptive-cards/series-offer.ts';
import { caregiverSeriesCard, seriesEditCard } from '../../adaptive-cards/series-status.ts';
import { smsDetailsCard } from '../../adaptive-cards/sms-details.ts';
import { staffChannelCard, staffChannelWelcomeCard } from '../../adaptive-cards/staff-channel.ts';
import { staffRequestsCard } from '../../adaptive-cards/staff-requests.ts';
import { taskDetailsCard } from '../../adaptive-cards/task-details.ts';
import { volunteerAdminCard } from '../../adaptive-cards/volunteer-admin.ts';
import { leaveConfirmCard } from '../../adaptive-cards/volunteer-leave.ts';
import { volunteerSignupCard } from '../../adaptive-cards/volunteer-signup.ts';
import { volunteerStatusCard } from '../../adaptive-cards/volunteer-status.ts';
import { selfRequestFormCard } from '../../adaptive-cards/self-request-form.ts';
import { selfSignupCard } from '../../adaptive-cards/self-signup.ts';
import { SELF_REQUEST_KINDS, selfRequestDays } from '../../domain/self-request.ts';
import { findPersonalData, PRIVATE_FIELDS, SMS_DETAIL_FIELDS, type PrivateField } from '../../domain/confidentiality.ts';
import type { Locale, PrivateRequestDetails, PublicRequestView } from '../../domain/types.ts';
import { t } from '../../adaptive-cards/texts.ts';

const STARTS = new Date('2026-12-01T13:00:00Z');
const view: PublicRequestView = {
  id: 'req-1', centreId: 'hamar', group: 'handlehjelp', district: 'Sentrum', startsAt: STARTS, durationMinutes: 60, flexibleUntil: null,
  summary: 'Handle mat på Rema', requirements: { language: null, policeCertificate: false, firstTimeFriendly: true, staffAlong: false }, urgent: false,
};
const details: PrivateRequestDetails = {
  personName: 'Gerd Solberg', address: 'Storgata 12, 2317 Hamar', phone: '62510001', meetingPlace: 'Ved Rema 1000',
  handoverNote: 'Nøkkelen ligger under den blå potten', contactName: 'Kari Nordmann', contactPhone: '47900100',
};
const A1 = '11111111-1111-4111-8111-111111111111';
const A2 = '22222222-2222-4222-8222-222222222222';
const ID = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** Every card builder with inputs that show what it can show. The names are the builders'. */
function builders(ctx: CardContext): Record<string, AdaptiveCard[]> {
  const series = { request: view, intervalWeeks: 1 as const, visitCount: 4, lastVisit: new Date('2026-12-22T13:00:00Z') };
  return {
    offerCard: [offerCard(ctx, { offerId: ID(1), request: view, groupLabel: 'Handlehjelp', status: 'pending' }), offerCard(ctx, { offerId: ID(1), request: view, groupLabel: 'Handlehjelp', status: 'taken', tooLate: true })],
    taskDetailsCard: [taskDetailsCard(ctx, { assignmentId: A1, request: view, details, groupLabel: 'Handlehjelp', justAccepted: true })],
    reminderCard: [reminderCard(ctx, { assignmentId: A1, request: view, details, groupLabel: 'Handlehjelp', hoursBefore: 24, askConfirmation: true, confirmed: false })],
    myTasksCard: [myTasksCard(ctx, { tasks: [{ assignmentId: A1, request: view, details, groupLabel: 'Handlehjelp' }, { assignmentId: A2, request: { ...view, id: 'req-2' }, details, groupLabel: 'Besøksvenn' }] })],
    followUpCard: [followUpCard(ctx, { assignmentId: A1, request: view, groupLabel: 'Handlehjelp', plannedHours: 1 })],
    followUpDoneCard: [followUpDoneCard(ctx, { outcome: 'done', hours: 2 })],
    cancelAssignmentCard: [cancelAssignmentCard(ctx, { assignmentId: A1, groupLabel: 'Handlehjelp', startsAt: STARTS }), cancelAssignmentCard(ctx, { assignmentId: A1, errors: { reason: 'error.required' } })],
    seriesOfferCard: [seriesOfferCard(ctx, { seriesOfferId: ID(2), view: series, groupLabel: 'Avlastning', state: 'pending' })],
    seriesTaskCard: [seriesTaskCard(ctx, { seriesId: ID(3), view: series, details, groupLabel: 'Avlastning', visits: [{ assignmentId: A1, startsAt: STARTS }], justAccepted: true })],
    seriesLeaveCard: [seriesLeaveCard(ctx, { seriesId: ID(3), rule: 'hver tirsdag kl. 14:00', groupLabel: 'Avlastning', remaining: 3 })],
    seriesEditCard: [seriesEditCard(ctx, { seriesId: ID(3), values: { time: '10:00', durationMinutes: '120' } })],
    caregiverSeriesCard: [caregiverSeriesCard(ctx, { series: [{ seriesId: ID(3), groupLabel: 'Avlastning', personFirstName: 'Olav', nextStart: STARTS, intervalWeeks: 1, lastVisit: STARTS, status: 'open', regularFirstName: null }] })],
    declarationCard: [declarationCard(ctx, { signedVersion: null })],
    menuCard: [menuCard(ctx, { role: null }), menuCard(ctx, { role: 'volunteer', name: 'Astrid', paused: false, declarationSigned: true }), menuCard(ctx, { role: 'staff', name: 'Kari' }), menuCard(ctx, { role: 'caregiver', name: 'Eva' })],
    noticeCard: [noticeCard(ctx, { title: 'Avlyst', text: 'Besøket er avlyst.', menuButton: true, actions: [{ title: 'Det passer', data: { action: 'caregiver.visit.confirm', assignmentId: A1 } }, { title: 'Avlys', data: { action: 'caregiver.request.cancel', requestId: ID(4) } }] })],
    volunteerStatusCard: [volunteerStatusCard(ctx, { volunteer: { status: 'approved', pausedUntil: null, signedDeclarationVersion: 1, policeCertificateCheckedAt: null, weeklyCap: 2 }, currentDeclarationVersion: 1, reasons: [], sharePhone: false, channelChoice: { current: 'webchat', chats: ['webchat'], sms: 'off', phone: '910 00 685' } })],
    volunteerSignupCard: [volunteerSignupCard(ctx, { groups: [{ key: 'handlehjelp', label: 'Handlehjelp' }], smsOffered: true })],
    volunteerAdminCard: [volunteerAdminCard(ctx, { today: '2026-11-25', volunteers: [{ volunteerId: ID(5), name: 'Ola Hansen', district: 'Vang', status: 'approved', declarationSigned: true, policeCertificateCheckedAt: null, channels: { kinds: ['webchat', 'sms'], sms: 'on' } }] })],
    leaveConfirmCard: [leaveConfirmCard(ctx)],
    personFormCard: [personFormCard(ctx, { today: '2026-11-25' })],
    requestFormCard: [requestFormCard(ctx, { persons: [{ id: ID(6), label: 'Gerd S., Sentrum' }], groups: [{ key: 'handlehjelp', label: 'Handlehjelp' }], today: '2026-11-25' })],
    staffRequestsCard: [staffRequestsCard(ctx, { requests: [{ requestId: ID(4), groupLabel: 'Handlehjelp', startsAt: STARTS, district: 'Sentrum', status: 'open', offeredCount: 3, takenByFirstName: null, personLabel: 'Gerd S.' }] })],
    escalationCard: [escalationCard(ctx, { requestId: ID(4), request: view, groupLabel: 'Handlehjelp', offeredCount: 12, hoursUntilStart: 20, canRelax: true })],
    callListCard: [callListCard(ctx, { request: view, groupLabel: 'Handlehjelp', volunteers: [{ name: 'Ola Hansen', phone: '41322110', district: 'Vang' }] })],
    consentRenewalCard: [consentRenewalCard(ctx, { personId: ID(6), personLabel: 'Gerd S., Sentrum', expiresAt: STARTS, expired: false })],
    contributionCard: [contributionCard(ctx, { tasksThisYear: 3, hoursThisYear: 4.5, tasksInAll: 12, hoursInAll: 20, milestoneMessages: true })],
    interestGroupsCard: [interestGroupsCard(ctx, { groups: [{ key: 'turvenn', nameNb: 'Turvenn', nameEn: 'Walking friend' }] })],
    staffChannelCard: [staffChannelCard(ctx, { linkedCentreName: null, digestAt: '07:30' })],
    staffChannelWelcomeCard: [staffChannelWelcomeCard(ctx)],
    caregiverSignupCard: [caregiverSignupCard(ctx), caregiverSignupCard(ctx, { smsOffered: true })],
    askerChannelsCard: [askerChannelsCard(ctx, { current: 'sms', chats: ['webchat'], sms: 'on', phone: '934 12 345' })],
    caregiverRequestsCard: [caregiverRequestsCard(ctx, { requests: [{ requestId: ID(4), groupLabel: 'Avlastning', personFirstName: 'Olav', startsAt: STARTS, durationMinutes: 120, status: 'taken', volunteerFirstName: 'Astrid' }] })],
    feedbackCard: [feedbackCard(ctx, { assignmentId: A1, volunteerFirstName: 'Astrid', what: 'Avlastning', when: 'tirsdag' })],
    linkVerifyCard: [linkVerifyCard(ctx, { personId: ID(6), caregiverName: 'Eva Lund', caregiverPhone: '90000200', personName: 'Olav Lund', district: 'Vang', relation: 'datter' })],
    linkSettingsCard: [linkSettingsCard(ctx, { on: false, selfOn: false })],
    smsDetailsCard: [smsDetailsCard(ctx, { on: false })],
    selfSignupCard: [selfSignupCard(ctx, { centres: [{ id: 'hamar', name: 'Hamar frivilligsentral' }], consentMonths: 12, retentionDays: 30 })],
    selfRequestFormCard: [selfRequestFormCard(ctx, { kinds: SELF_REQUEST_KINDS, days: selfRequestDays(STARTS), weekUntil: STARTS })],
    privacyPersonsCard: [privacyPersonsCard(ctx, { persons: [{ id: ID(6), name: 'Gerd Solberg', district: 'Sentrum' }], total: 1 })],
    eraseConfirmCard: [eraseConfirmCard(ctx, { personId: ID(6), name: 'Gerd Solberg', district: 'Sentrum' })],
    personExportCard: [personExportCard(ctx, {
      export: { person: { id: ID(6), name: 'Gerd Solberg', address: null, phone: null, district: 'Sentrum', notes: null, createdAt: STARTS.toISOString(), createdBy: null, erasedAt: null }, consents: [], requests: [], accessLog: [] },
      groupLabel: (k) => k, fileName: null,
    })],
    // Issues 13, 15 and 18 (merged after the renderer): own data, push settings, politiattest, calendar.
    ownDataCard: [ownDataCard(ctx, {
      data: {
        you: { role: 'volunteer', name: 'Astrid Berg', phone: '91000685', email: null, centres: [{ name: 'Hamar frivilligsentral' }], createdAt: STARTS.toISOString() },
        chatAccounts: [{ channel: 'webchat', lastSeenAt: STARTS.toISOString() }],
        volunteer: { status: 'approved', district: 'Sentrum', groups: ['handlehjelp'], weeklyCap: 2, policeCertificateCheckedOn: null, sharePhoneWithCaregivers: false, declarationsSigned: [{ version: 1, signedAt: STARTS.toISOString() }] },
        offers: [], tasks: [{ outcome: 'done', hours: 2 }], concernsReported: [], requestsAsked: [], personsRegistered: 0, feedbackGiven: [], yourActions: [],
      },
      groupLabel: (k) => k, file: { kind: 'link', url: 'https://dugnad.example/mine-data/token', minutes: 10 },
    })],
    pushSettingsCard: [pushSettingsCard(ctx, { devices: 0 }), pushSettingsCard(ctx, { devices: 2, result: 'on' })],
    policeSettingsCard: [policeSettingsCard(ctx, { validityMonths: 36, groups: [{ key: 'besoksvenn', label: 'Besøksvenn', required: true }, { key: 'handlehjelp', label: 'Handlehjelp', required: false }] })],
    calendarCard: [
      calendarCard(ctx, { kind: 'volunteer', existingSince: null }),
      calendarCard(ctx, { kind: 'centre', existingSince: STARTS, url: { https: 'https://dugnad.example/kalender/f/s.ics', webcal: 'webcal://dugnad.example/kalender/f/s.ics' } }),
    ],
  };
}

/** Every Action.Submit/Execute in a card, with whether its form is too long for a text answer. */
function submits(card: AdaptiveCard): Array<Record<string, unknown> & { action: string }> {
  const out: Array<Record<string, unknown> & { action: string }> = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ((o.type === 'Action.Submit' || o.type === 'Action.Execute') && o.data) out.push(o.data as Record<string, unknown> & { action: string });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}

const ALL = [...PRIVATE_FIELDS];
const sample = (kind: string | undefined) => (kind === 'number' ? '2,5' : kind === 'toggle' ? 'ja' : kind === 'date' ? '2026-12-24' : kind === 'time' ? '10:00' : 'Personen var ikke hjemme');

describe.each<[Locale, TextStyle]>([['nb', 'sms'], ['nb', 'numbered'], ['en', 'sms'], ['en', 'numbered']])('every card as text (%s, %s)', (locale, style) => {
  const ctx: CardContext = { locale, channel: 'webchat' };
  const cases = Object.entries(builders(ctx)).flatMap(([name, cards]) => cards.map((card, i) => ({ name: `${name} #${i + 1}`, card })));

  it.each(cases)('$name: each button is an answer carrying its own data, which the bot accepts', ({ card }) => {
    const r = cardToText(card, { locale, style, allowedFields: () => (style === 'sms' ? [] : ALL), linkFor: () => 'https://dugnad.example/t/token', code: '4821' });
    expect(r.text.length).toBeGreaterThan(0);
    expect(new Set(r.options.map((o) => o.key)).size).toBe(r.options.length);
    for (const o of r.options) {
      if (style === 'sms') expect(r.text).toContain(`${o.key} 4821`);
      else expect(r.text).toMatch(new RegExp(`^${o.key}\\b`, 'm'));
      // A text answer (with a value where the button submits one) becomes data the bot's schema takes.
      const filled = answerData(o, o.input ? sample(o.input.kind) : '');
      expect('data' in filled, o.key).toBe(true);
      if ('data' in filled && !(o.input && o.input.kind === 'choice')) {
        const parsed = cardAction.safeParse(filled.data);
        // Multi-field forms («….submit» with passthrough) validate their fields in the command; the verb must parse.
        if (!parsed.success) expect(verbTakesInputs(o.data.action as never)).toBe(true);
      }
    }
    // Every button is there, except the menu in an SMS and forms that need more than one field.
    const answered = new Set(r.options.map((o) => JSON.stringify(o.data)));
    const missing = submits(card).filter((d) => !answered.has(JSON.stringify(d)));
    for (const d of missing) {
      const skippable = (style === 'sms' && d.action === 'menu.show') || verbTakesInputs(d.action as never);
      expect(skippable, `${d.action} has no text answer`).toBe(true);
    }
    if (missing.some((d) => verbTakesInputs(d.action as never))) expect(r.text).toContain(t(locale, 'text.formInApp'));
  });

  it.each(cases)('$name: carries no personal detail the card does not, and by SMS none unless allowed', ({ card }) => {
    const asJson = JSON.stringify(card);
    const onCard = new Set(findPersonalData(asJson, details));
    const none = cardToText(card, { locale, style, allowedFields: () => (style === 'sms' ? [] : ALL), linkFor: () => 'https://dugnad.example/t/token', code: '4821' });
    for (const f of findPersonalData(none.text, details)) expect(onCard.has(f), f).toBe(true);
    if (style !== 'sms' || privateRefs(card).length === 0) return;
    // The details of a marked task never go by SMS unless allowed; then name and address only.
    const marked = findPersonalData(none.text, details).filter((f) => ['personName', 'address', 'phone', 'handoverNote', 'meetingPlace', 'contactPhone'].includes(f));
    expect(marked).toEqual([]);
    expect(none.withheld.length).toBeGreaterThan(0);
    expect(none.text).toContain('https://dugnad.example/t/token');
    const some = cardToText(card, { locale, style, allowedFields: () => SMS_DETAIL_FIELDS, linkFor: () => 'https://dugnad.example/t/token', code: '4821' });
    const shown = findPersonalData(some.text, details) as PrivateField[];
    expect(shown).toEqual(expect.arrayContaining(['personName', 'address']));
    for (const f of ['phone', 'handoverNote', 'contactPhone'] as const) expect(shown).not.toContain(f);
  });

  it('lists every card builder there is', () => {
    const dir = fileURLToPath(new URL('../../adaptive-cards/', import.meta.url));
    const declared = readdirSync(dir)
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(dir + f, 'utf8').matchAll(/export function (\w+Card)\(/g)].map((m) => m[1]!))
      // Helpers that make parts of cards, not cards sent as messages.
      .filter((name) => !['adaptiveCard', 'showCard'].includes(name));
    expect(Object.keys(builders(ctx)).sort()).toEqual([...new Set(declared)].sort());
  });
});

describe('text answers', () => {
  const ctx: CardContext = { locale: 'nb', channel: 'webchat' };
  it('reads «TIMER 4821 2,5» into the follow-up\'s hours, and refuses a missing or non-numeric value', () => {
    const r = cardToText(followUpCard(ctx, { assignmentId: A1, request: view, groupLabel: 'Handlehjelp', plannedHours: 1 }), { locale: 'nb', style: 'sms', allowedFields: () => [], code: '4821' });
    const hours = r.options.find((o) => o.key === 'TIMER')!;
    expect(answerData(hours, '2,5')).toEqual({ data: { action: 'assignment.done', assignmentId: A1, hours: '2.5' } });
    expect(answerData(hours, '')).toEqual({ error: 'text.valueMissing' });
    expect(answerData(hours, 'mange')).toEqual({ error: 'text.valueNumber' });
    expect(r.text).toContain('Svar TIMER 4821 og timene du brukte');
  });

  it('leaves a form to the app when its other fields show values already (a text answer would send them empty)', () => {
    const settings = policeSettingsCard(ctx, { validityMonths: 36, groups: [{ key: 'besoksvenn', label: 'Besøksvenn', required: true }, { key: 'handlehjelp', label: 'Handlehjelp', required: false }] });
    const r = cardToText(settings, { locale: 'nb', style: 'numbered', allowedFields: () => [] });
    // «1 3» would have saved 3 years and no group requiring a politiattest.
    expect(r.options.some((o) => o.data.action === 'staff.police.save')).toBe(false);
    expect(r.text).toContain(t('nb', 'text.formInApp'));
  });

  it('words an SMS offer as the issue asks: what, where, when, and «Svar JA 4821 for å ta det.»', () => {
    const r = cardToText(offerCard(ctx, { offerId: ID(1), request: view, groupLabel: 'Handlehjelp', status: 'pending' }), { locale: 'nb', style: 'sms', allowedFields: () => [], code: '4821' });
    expect(r.text).toContain('Handlehjelp, Sentrum, tirsdag 1. desember kl. 14:00, 1 time');
    expect(r.text).toContain('Svar JA 4821 for å ta det.');
    expect(r.options.map((o) => [o.key, o.data])).toEqual([['JA', { action: 'offer.accept', offerId: ID(1) }], ['NEI', { action: 'offer.decline', offerId: ID(1) }]]);
  });
});
