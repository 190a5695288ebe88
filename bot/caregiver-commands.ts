// What a family caregiver can do: register themselves and the person they care for (with the
// person's consent or their own as proxy), ask for respite or other help, follow and cancel it, and
// learn where formal respite comes from.
import { formatTime } from '../adaptive-cards/format.ts';
import { z } from 'zod';
import { caregiverRequestsCard, caregiverSignupCard, type CaregiverSignupField } from '../adaptive-cards/caregiver.ts';
import { personFields } from '../adaptive-cards/actions.ts';
import { personFormCard, type PersonField } from '../adaptive-cards/person-form.ts';
import { requestFormCard, type RequestField } from '../adaptive-cards/request-form.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { listCentres } from '../infra/centres.ts';
import { registerPerson } from '../infra/persons.ts';
import { cancelRequest, matchingSettings } from '../infra/requests.ts';
import { caregiverContact, caregiverNoteFor, confirmVisitByCaregiver, personsOfCaregiver, registerCaregiver, requestsOfCaregiver } from '../infra/caregivers.ts';
import { consentErrors, formErrors, submittedValues, withPersonDefaults } from './forms.ts';
import { asksForFormalRespite } from '../domain/formal-respite.ts';
import { showMenu } from './menu-commands.ts';
import { sendSeriesList } from './series-commands.ts';
import { groupOptions } from './volunteer-commands.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import { smsAfterProfileSaved } from './channel-commands.ts';
import { formChannel } from '../adaptive-cards/actions.ts';
import { offersGoOutAt, submitRequest } from './request-submit.ts';
import { pushOffered } from './push-commands.ts';
import { pushSettingsCard } from '../adaptive-cards/push-settings.ts';
import type { Turn } from './turn.ts';
import { osloDate } from '../domain/time-zone.ts';
import { savedRequestStanding, type SavedRequestStanding } from '../domain/request-standing.ts';

const signupFields = z.object({
  name: z.string({ message: 'error.required' }).trim().min(1, { message: 'error.required' }).max(100, { message: 'error.tooLong' }),
  phone: z.string({ message: 'error.required' }).trim().transform((v) => v.replace(/[\s-]/g, '')).pipe(z.string().regex(/^\+?\d{8,15}$/, { message: 'error.phone' })),
  channel: formChannel,
});

/**
 * What a caregiver is told of a request they saved (domain/request-standing.ts decides which). With
 * nobody fitting yet, staff take it on (escalation): for the caregiver it is still being looked for.
 */
const CAREGIVER_SAVED = {
  awaitingLink: 'caregiver.awaitingVerification', waitingConsent: 'request.waitingConsent', noneEligible: 'caregiver.sent', heldUntilMorning: 'caregiver.sentAt', sent: 'caregiver.sent',
} as const satisfies Record<SavedRequestStanding, string>;

export function caregiverCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const smsOffered = deps.config.sms !== null;
  const centreOf = (turn: Turn) => turn.member!.centreIds[0] ?? '';
  const matching = () => matchingSettings(deps.config);

  const requestForm = async (turn: Turn, values: Record<string, unknown> = {}, errors: Partial<Record<RequestField, string>> = {}) => {
    const own = await personsOfCaregiver(db, turn.member!.id);
    const persons = own.map((p) => ({ id: p.id, label: p.name }));
    const groups = await groupOptions(db, [centreOf(turn)], turn.locale);
    // Respite first: it is what most caregivers come for. Most visits are at the person's home.
    const home = (p: { name: string }) => turn.t('caregiver.meetingPlaceHome', { name: p.name.split(/\s+/)[0] ?? '' });
    return requestFormCard(turn.card, { persons, groups, values: withPersonDefaults({ group: 'avlastning', ...values }, own, home), errors, today: osloDate(turn.now), audience: 'caregiver' });
  };
  /** Formal respite is a municipal decision (vedtak): never sent to volunteers, always to the office. */
  const formalRespite = async (turn: Turn) => {
    const contact = deps.config.ALLOCATION_OFFICE_CONTACT;
    await turn.send(noticeCard(turn.card, { text: contact ? turn.t('caregiver.formalRespiteContact', { contact }) : turn.t('caregiver.formalRespite'), menuButton: true }));
  };
  /** A fresh request form; for one person, with what the caregiver wrote for volunteers as the note. */
  const newRequestForm = async (turn: Turn, personId: string | undefined) => {
    const note = personId ? await caregiverNoteFor(db, turn.member!.id, personId) : null;
    return requestForm(turn, { ...(personId ? { personId } : {}), ...(note ? { handoverNote: note } : {}) });
  };

  return {
    'caregiver.signup.start': async (turn) => {
      await turn.send(caregiverSignupCard(turn.card, { smsOffered }));
    },

    'caregiver.signup.submit': async (turn, _action, raw) => {
      const parsed = signupFields.safeParse(raw);
      if (!parsed.success) return turn.replace(caregiverSignupCard(turn.card, { values: submittedValues(raw), errors: formErrors<CaregiverSignupField>(parsed.error), smsOffered }));
      const centreId = (await listCentres(db))[0]?.id;
      if (!centreId) return turn.say('error.unexpected');
      const memberId = await registerCaregiver(db, { account: turn.account, name: parsed.data.name, phone: parsed.data.phone, centreId, locale: turn.locale });
      // «På SMS»: their notices (someone comes, the reminder, «Hvordan gikk besøket?») go by SMS first.
      await smsAfterProfileSaved(deps, turn, memberId, parsed.data.channel);
      await turn.replace(noticeCard(turn.card, { text: turn.t('caregiver.welcome', { name: parsed.data.name.split(/\s+/)[0] ?? '' }), tone: 'success' }));
      // «Varsle meg»: told on the phone when someone takes the request, even with the chat closed.
      if (pushOffered(deps, turn)) await turn.send(pushSettingsCard(turn.card, { devices: 0 }));
      await turn.send(personFormCard(turn.card, { today: osloDate(turn.now), values: { consentDate: osloDate(turn.now) }, audience: 'caregiver' }));
    },

    'caregiver.person.new': async (turn) => {
      await turn.send(personFormCard(turn.card, { today: osloDate(turn.now), values: { consentDate: osloDate(turn.now) }, audience: 'caregiver' }));
    },

    'caregiver.person.submit': async (turn, _action, raw) => {
      const parsed = personFields.safeParse(raw);
      const errors = parsed.success ? consentErrors(parsed.data, turn.now, 'caregiver') : formErrors<PersonField>(parsed.error);
      if (!parsed.success || Object.keys(errors).length) {
        return turn.replace(personFormCard(turn.card, { today: osloDate(turn.now), values: submittedValues(raw), errors, audience: 'caregiver' }));
      }
      const { held, personId } = await registerPerson(db, { centreId: centreOf(turn), staffId: turn.member!.id, fields: parsed.data, at: turn.now, consentValidityMonths: deps.config.CONSENT_VALIDITY_MONTHS, caregiverLink: true });
      await turn.replace(noticeCard(turn.card, { text: turn.t(held ? 'caregiver.personSavedPending' : 'caregiver.personSaved'), tone: 'success' }));
      await turn.send(await newRequestForm(turn, personId));
    },

    'caregiver.request.new': async (turn, action) => {
      const own = await personsOfCaregiver(db, turn.member!.id);
      await turn.send(await newRequestForm(turn, action.personId ?? (own.length === 1 ? own[0]!.id : undefined)));
    },

    'caregiver.request.submit': async (turn, _action, raw) => {
      // Formal respite is the allocation office's decision (vedtak), never a volunteer's task: such a
      // request is not saved or offered. The form comes back, so they may ask for a visit instead.
      const formal = (['summary', 'handoverNote'] as const).filter((f) => typeof raw[f] === 'string' && asksForFormalRespite(raw[f]));
      if (formal.length > 0) {
        await turn.replace(await requestForm(turn, submittedValues(raw), Object.fromEntries(formal.map((f) => [f, 'error.formalRespite']))));
        return formalRespite(turn);
      }
      const contact = await caregiverContact(db, turn.member!.id);
      await submitRequest(deps, turn, {
        // Who the volunteer calls during the visit: the caregiver, unless they name someone else.
        raw: { ...raw, contactName: raw.contactName || contact?.name, contactPhone: raw.contactPhone || contact?.phone, policeCertificate: 'false', staffAlong: 'false' },
        form: (values, errors) => requestForm(turn, values, errors),
        extraErrors: async (fields) => ((await personsOfCaregiver(db, turn.member!.id)).some((p) => p.id === fields.personId) ? {} : { personId: 'error.unknownPerson' }),
        saved: async (result, goesOutAt) => {
          const key = CAREGIVER_SAVED[savedRequestStanding({ ...result, goesOutAt })];
          await turn.replace(noticeCard(turn.card, { text: turn.t(key, { time: goesOutAt ? formatTime(goesOutAt) : '' }), tone: result.status === 'open' ? 'success' : 'warning', menuButton: true }));
        },
      });
    },

    'caregiver.requests.list': async (turn) => {
      await sendCaregiverRequests(deps, turn);
      // A person asking for themselves has no series (their short form asks for one visit).
      if (turn.member!.role === 'caregiver') await sendSeriesList(deps, turn, 'caregiver');
    },

    'caregiver.visit.confirm': async (turn, action) => {
      // Only the caregiver who asked, and only while the visit stands.
      if (!(await confirmVisitByCaregiver(db, { assignmentId: action.assignmentId, caregiverId: turn.member!.id, at: turn.now }))) return turn.say('error.invalidAction');
      await turn.replace(noticeCard(turn.card, { text: turn.t('caregiver.visitConfirmed'), tone: 'success', menuButton: true }));
    },

    'caregiver.request.cancel': async (turn, action) => {
      const result = await cancelRequest(db, { requestId: action.requestId, centreId: centreOf(turn), by: turn.member!.id, now: turn.now, onlyOwn: true });
      if (!result.ok) return turn.say(result.reason === 'closed' ? 'request.alreadyClosed' : 'error.invalidAction');
      await turn.replace(noticeCard(turn.card, { text: turn.t(result.volunteerTold ? 'caregiver.cancelled' : 'caregiver.cancelledNoOne'), tone: 'success', menuButton: true }));
    },

    'caregiver.formalRespite': (turn) => formalRespite(turn),
  };
}

/**
 * «Mine forespørsler»: the caregiver's requests with where each stands. `onlyIfUpcoming`: send nothing
 * unless one is still to come (a returning caregiver's web chat, bot/open-items.ts). True if sent.
 */
export async function sendCaregiverRequests(deps: BotDeps, turn: Turn, onlyIfUpcoming = false): Promise<boolean> {
  const { db } = deps;
  const own = await requestsOfCaregiver(db, turn.member!.id);
  if (onlyIfUpcoming && !own.some((r) => ['open', 'taken', 'waiting_consent'].includes(r.request.status) && r.request.startsAt > turn.now)) return false;
  const groups = await groupOptions(db, [turn.member!.centreIds[0] ?? ''], turn.locale);
  const requests = own.map((r) => ({
    requestId: r.request.id,
    groupLabel: groups.find((g) => g.key === r.request.group)?.label ?? r.request.group,
    // A person helped's list is about themselves: no name beside each request.
    personFirstName: turn.member!.role === 'person' ? '' : r.personFirstName,
    startsAt: r.request.startsAt,
    flexibleUntil: r.request.flexibleUntil,
    durationMinutes: r.request.durationMinutes,
    status: r.request.status,
    volunteerFirstName: r.volunteerFirstName,
    volunteerPhone: r.volunteerPhone,
    awaitingVerification: r.awaitingVerification,
    notDone: r.notDone,
    goesOutAt: r.request.status === 'open' ? offersGoOutAt(deps, r.createdAt, r.request.urgent, turn.now) : null,
  }));
  await turn.send(caregiverRequestsCard(turn.card, { requests }));
  return true;
}

export { showMenu };
