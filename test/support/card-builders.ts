// Every card builder with inputs that show what it can show, for the tests that walk all cards
// (text-render.test.ts: each card as text; catalog.test.ts: each card in nynorsk). The names are
// the builders'; text-render's last test fails when a builder is missing here.
import type { AdaptiveCard, CardContext } from '../../adaptive-cards/card.ts';
import { cancelAssignmentCard } from '../../adaptive-cards/cancel-assignment.ts';
import { caregiverRequestsCard, caregiverSignupCard } from '../../adaptive-cards/caregiver.ts';
import { askerChannelsCard } from '../../adaptive-cards/channel-choice.ts';
import { consentRenewalCard } from '../../adaptive-cards/consent-renewal.ts';
import { contributionCard } from '../../adaptive-cards/contribution.ts';
import { declarationCard } from '../../adaptive-cards/declaration.ts';
import { callListCard, escalationCard, resolvedEscalationCard } from '../../adaptive-cards/escalation.ts';
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
import { languageCard } from '../../adaptive-cards/language.ts';
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
import type { PrivateRequestDetails, PublicRequestView } from '../../domain/types.ts';

export const STARTS = new Date('2026-12-01T13:00:00Z');
export const view: PublicRequestView = {
  id: 'req-1', centreId: 'hamar', group: 'handlehjelp', district: 'Sentrum', startsAt: STARTS, durationMinutes: 60, flexibleUntil: null,
  summary: 'Handle mat på Rema', requirements: { language: null, policeCertificate: false, firstTimeFriendly: true, staffAlong: false }, urgent: false,
};
export const details: PrivateRequestDetails = {
  personName: 'Gerd Solberg', address: 'Storgata 12, 2317 Hamar', phone: '62510001', meetingPlace: 'Ved Rema 1000',
  handoverNote: 'Nøkkelen ligger under den blå potten', contactName: 'Kari Nordmann', contactPhone: '47900100',
};
export const A1 = '11111111-1111-4111-8111-111111111111';
export const A2 = '22222222-2222-4222-8222-222222222222';
export const ID = (n: number) => `${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`;

/** Every card builder with inputs that show what it can show. The names are the builders'. */
export function builders(ctx: CardContext): Record<string, AdaptiveCard[]> {
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
    volunteerAdminCard: [
      volunteerAdminCard(ctx, { today: '2026-11-25', volunteers: [{ volunteerId: ID(5), name: 'Ola Hansen', district: 'Vang', status: 'approved', declarationSigned: true, policeCertificateCheckedAt: null, channels: { kinds: ['webchat', 'sms'], sms: 'on' } }] }),
      // A later page of a long list («Vis flere»): the page rides along on each button.
      volunteerAdminCard(ctx, { today: '2026-11-25', limit: 1, offset: 1, volunteers: [ID(5), ID(7), ID(8)].map((volunteerId) => ({ volunteerId, name: 'Ola Hansen', district: 'Vang', status: 'pending' as const, declarationSigned: false, policeCertificateCheckedAt: null })) }),
    ],
    leaveConfirmCard: [leaveConfirmCard(ctx)],
    personFormCard: [personFormCard(ctx, { today: '2026-11-25' })],
    requestFormCard: [requestFormCard(ctx, { persons: [{ id: ID(6), label: 'Gerd S., Sentrum' }], groups: [{ key: 'handlehjelp', label: 'Handlehjelp' }], today: '2026-11-25' })],
    staffRequestsCard: [
      staffRequestsCard(ctx, { requests: [{ requestId: ID(4), groupLabel: 'Handlehjelp', startsAt: STARTS, district: 'Sentrum', status: 'open', offeredCount: 3, takenByFirstName: null, personLabel: 'Gerd S.' }] }),
      staffRequestsCard(ctx, { limit: 1, requests: [ID(4), ID(9)].map((requestId) => ({ requestId, groupLabel: 'Handlehjelp', startsAt: STARTS, district: 'Sentrum', status: 'done' as const, offeredCount: 3, takenByFirstName: null })) }),
    ],
    escalationCard: [
      escalationCard(ctx, { requestId: ID(4), request: view, groupLabel: 'Handlehjelp', offeredCount: 12, hoursUntilStart: 20, canRelax: true, droppedOut: false }),
      escalationCard(ctx, { requestId: ID(4), request: view, groupLabel: 'Handlehjelp', offeredCount: 12, hoursUntilStart: 20, canRelax: true, droppedOut: true }),
    ],
    resolvedEscalationCard: [
      resolvedEscalationCard(ctx, { request: view, groupLabel: 'Handlehjelp', outcome: 'taken', takenByFirstName: 'Ola' }),
      resolvedEscalationCard(ctx, { request: view, groupLabel: 'Handlehjelp', outcome: 'taken', takenByFirstName: null }),
      resolvedEscalationCard(ctx, { request: view, groupLabel: 'Handlehjelp', outcome: 'cancelled', takenByFirstName: null }),
      resolvedEscalationCard(ctx, { request: view, groupLabel: 'Handlehjelp', outcome: 'expired', takenByFirstName: null }),
    ],
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
    // Issue 18, nynorsk: «Språk» for anyone, with the centre's written standard for staff.
    languageCard: [languageCard(ctx, { current: 'nb' }), languageCard(ctx, { current: 'nn', centre: { locale: 'nn' } })],
    calendarCard: [
      calendarCard(ctx, { kind: 'volunteer', existingSince: null }),
      calendarCard(ctx, { kind: 'centre', existingSince: STARTS, url: { https: 'https://dugnad.example/kalender/f/s.ics', webcal: 'webcal://dugnad.example/kalender/f/s.ics' } }),
    ],
  };
}

