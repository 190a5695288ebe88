// What staff can do in chat: register a person with consent, post a request, follow and cancel
// their centre's requests, and approve, pause or remove volunteers.
import { formatTime } from '../adaptive-cards/format.ts';
import { personFields, policeCheckedOn } from '../adaptive-cards/actions.ts';
import { personFormCard, type PersonField } from '../adaptive-cards/person-form.ts';
import { requestFormCard, type RequestField } from '../adaptive-cards/request-form.ts';
import { requestStatusText, staffRequestsCard } from '../adaptive-cards/staff-requests.ts';
import { volunteerAdminCard } from '../adaptive-cards/volunteer-admin.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { interestGroupsCard, NEW_GROUP } from '../adaptive-cards/interest-groups.ts';
import { groupName } from '../domain/interest-groups.ts';
import { interestGroups, policeValidityMonths, saveInterestGroup } from '../infra/centres.ts';
import { policeCertificateStatus } from '../domain/police-certificate.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { registerPerson, personsOfCentre } from '../infra/persons.ts';
import { callList, cancelRequest, requestsForStaff, staffRequestItem, widenRequest, matchingSettings } from '../infra/requests.ts';
import { renewConsent } from '../use-cases/renew-consent.ts';
import { withdrawConsent } from '../use-cases/withdraw-consent.ts';
import { CALL_LIST_MAX, callListCard } from '../adaptive-cards/escalation.ts';
import { publicView } from '../domain/confidentiality.ts';
import { listVolunteers, recordPoliceCertificate } from '../infra/volunteers.ts';
import { setVolunteerStatus } from '../use-cases/set-volunteer-status.ts';
import { channelsOverview } from '../infra/channels.ts';
import type { VolunteerStatus } from '../domain/types.ts';
import { consentErrors, formErrors, submittedValues, withPersonDefaults } from './forms.ts';
import { groupOptions } from './volunteer-commands.ts';
import { sendSeriesList } from './series-commands.ts';
import { isSharedConversation } from './staff-channel-commands.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import { offersGoOutAt, submitRequest } from './request-submit.ts';
import type { Turn } from './turn.ts';
import { osloDate } from '../domain/time-zone.ts';
import { savedRequestStanding, type SavedRequestStanding } from '../domain/request-standing.ts';

/** Requests on one page of staff's list: about what a card holds. */
const STAFF_REQUESTS_PAGE = 20;

/** What staff are told of a request they saved (domain/request-standing.ts decides which). */
const STAFF_SAVED = {
  awaitingLink: 'request.awaitingLink', waitingConsent: 'request.waitingConsent', noneEligible: 'request.noneEligible', heldUntilMorning: 'request.sentAt', sent: 'request.sent',
} as const satisfies Record<SavedRequestStanding, string>;

export function staffCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const centreOf = (turn: Turn) => turn.member!.centreIds[0] ?? '';
  const matching = () => matchingSettings(deps.config);

  const requestForm = async (turn: Turn, values: Record<string, unknown> = {}, errors: Partial<Record<RequestField, string>> = {}) => {
    const centreId = centreOf(turn);
    const own = await personsOfCentre(db, centreId);
    const persons = own.map((p) => ({ id: p.id, label: `${p.name}, ${p.district}` }));
    const groups = await groupOptions(db, [centreId], turn.locale);
    return requestFormCard(turn.card, { persons, groups, values: withPersonDefaults(values, own), errors, today: osloDate(turn.now) });
  };

  /** One page of the centre's volunteers, from `offset` («Vis flere»). */
  const volunteerList = async (turn: Turn, offset = 0) => {
    const months = await policeValidityMonths(db, [centreOf(turn)]);
    const list = await listVolunteers(db, centreOf(turn), CURRENT_DECLARATION_VERSION);
    // Where each can be reached now: staff know whom to ring, and can turn SMS on for someone who phones in.
    const channels = await channelsOverview(db, list.map((v) => v.id));
    const volunteers = list.map((v) => ({
      volunteerId: v.id,
      name: v.name,
      district: v.district,
      status: v.status,
      declarationSigned: v.signed,
      policeCertificateCheckedAt: v.policeCertificateCheckedOn ? new Date(`${v.policeCertificateCheckedOn}T12:00:00Z`) : null,
      policeCertificate: policeCertificateStatus(v.policeCertificateCheckedOn, months, turn.now),
      channels: { kinds: channels.get(v.id)?.kinds ?? [], sms: deps.config.sms ? (channels.get(v.id)?.sms ?? 'noPhone') : null },
    }));
    return volunteerAdminCard(turn.card, { volunteers, today: osloDate(turn.now), offset });
  };

  /** «Mine forespørsler», one page from `offset` («Vis flere»). */
  const requestList = async (turn: Turn, offset = 0) => {
    const centreId = centreOf(turn);
    const groups = await groupOptions(db, [centreId], turn.locale);
    const shared = isSharedConversation(turn.context.activity);
    const { items, total } = await requestsForStaff(db, centreId, { offset, limit: STAFF_REQUESTS_PAGE });
    const requests = items.map((i) => ({
      requestId: i.request.id,
      status: i.request.status,
      startsAt: i.request.startsAt,
      district: i.request.district,
      groupLabel: groups.find((g) => g.key === i.request.group)?.label ?? i.request.group,
      summary: i.request.summary,
      offeredCount: i.offered,
      takenByFirstName: i.takenByFirstName,
      notDone: i.notDone,
      selfOrdered: i.selfOrdered,
      goesOutAt: i.request.status === 'open' ? offersGoOutAt(deps, i.createdAt, i.request.urgent, turn.now) : null,
      // Not where a whole team reads along: only the staff member's own chat names the person.
      personLabel: shared ? null : i.personName,
    }));
    return staffRequestsCard(turn.card, { requests, offset, total, limit: STAFF_REQUESTS_PAGE });
  };

  /** Staff may act only on volunteers of their own centre. */
  const ownVolunteer = async (turn: Turn, volunteerId: string) =>
    (await db.query('SELECT 1 FROM volunteer_centres WHERE member_id = $1 AND centre_id = $2', [volunteerId, centreOf(turn)])).length > 0;

  /**
   * An escalation card tapped after its request moved on (a volunteer took it, it was cancelled or ran
   * out): the card becomes where the request stands now, instead of a bare «already closed». Where a
   * whole team reads along, without the volunteer's name.
   */
  const standsNow = async (turn: Turn, requestId: string) => {
    const item = await staffRequestItem(db, centreOf(turn), requestId);
    if (!item) return turn.say('error.invalidAction');
    const taken = item.request.status === 'taken';
    const status = requestStatusText(turn.locale, {
      status: item.request.status, offeredCount: item.offered, notDone: item.notDone,
      takenByFirstName: isSharedConversation(turn.context.activity) ? null : item.takenByFirstName,
    });
    await turn.replace(noticeCard(turn.card, {
      title: turn.t(taken ? 'escalation.nowTakenTitle' : 'escalation.nowClosedTitle'),
      text: turn.t(taken ? 'escalation.nowTaken' : 'escalation.nowClosed', { status }),
      tone: taken ? 'success' : 'info', menuButton: true,
    }));
  };

  const setStatus = (status: Exclude<VolunteerStatus, 'pending'>) => async (turn: Turn, action: { volunteerId: string; offset?: number | undefined }) => {
    if (!(await ownVolunteer(turn, action.volunteerId))) return turn.say('error.invalidAction');
    await setVolunteerStatus(db, { memberId: action.volunteerId, centreId: centreOf(turn), status, by: turn.member!.id, at: turn.now, matching: matching() });
    // The list is drawn again where it was; below it, in words, what just happened to whom.
    await turn.replace(await volunteerList(turn, action.offset));
    const [who] = await db.query<{ name: string | null }>('SELECT name FROM members WHERE id = $1', [action.volunteerId]);
    await turn.say(`admin.done.${status}`, { name: who?.name ?? '' });
  };

  return {
    'staff.person.new': async (turn) => {
      await turn.send(personFormCard(turn.card, { today: osloDate(turn.now), values: { consentDate: osloDate(turn.now) } }));
    },

    'staff.person.submit': async (turn, _action, raw) => {
      const parsed = personFields.safeParse(raw);
      const errors = parsed.success ? consentErrors(parsed.data, turn.now, 'staff') : formErrors<PersonField>(parsed.error);
      if (!parsed.success || Object.keys(errors).length) {
        return turn.replace(personFormCard(turn.card, { today: osloDate(turn.now), values: submittedValues(raw), errors }));
      }
      const { personId } = await registerPerson(db, {
        centreId: centreOf(turn),
        staffId: turn.member!.id,
        fields: parsed.data,
        at: turn.now,
        consentValidityMonths: deps.config.CONSENT_VALIDITY_MONTHS,
      });
      await turn.replace(noticeCard(turn.card, { title: turn.t('person.savedTitle'), text: turn.t('person.saved'), tone: 'success' }));
      await turn.send(await requestForm(turn, { personId }));
    },

    'staff.request.new': async (turn, action) => {
      await turn.send(await requestForm(turn, action.personId ? { personId: action.personId } : {}));
    },

    'staff.request.submit': async (turn, _action, raw) => {
      // Staff acting for a caregiver who phoned in may ask for the same time every week, too.
      await submitRequest(deps, turn, {
        raw,
        form: (values, errors) => requestForm(turn, values, errors),
        saved: async (result, goesOutAt) => {
          const key = STAFF_SAVED[savedRequestStanding({ ...result, goesOutAt })];
          // A person waiting for consent (imported without one, or it ran out): staff record it here and the request goes out.
          const personId = typeof raw.personId === 'string' ? raw.personId : null;
          const recordConsent = result.heldFor === 'consent' && personId ? { title: turn.t('request.recordConsent'), data: { action: 'staff.consent.renew' as const, personId } } : undefined;
          await turn.replace(
            noticeCard(turn.card, {
              title: turn.t('request.savedTitle'), text: turn.t(key, { count: result.offered, time: goesOutAt ? formatTime(goesOutAt) : '' }), tone: result.status === 'open' && result.offered > 0 ? 'success' : 'warning', menuButton: true,
              ...(recordConsent ? { action: recordConsent } : {}),
            }),
          );
        },
      });
    },

    'staff.requests.list': async (turn) => {
      await turn.send(await requestList(turn));
      // Not where a whole team reads along: the series list names the people helped.
      if (!isSharedConversation(turn.context.activity)) await sendSeriesList(deps, turn, 'staff');
    },
    'staff.requests.more': async (turn, action) => {
      await turn.send(await requestList(turn, action.offset));
    },

    'staff.request.cancel': async (turn, action) => {
      const result = await cancelRequest(db, { requestId: action.requestId, centreId: centreOf(turn), by: turn.member!.id, now: turn.now });
      if (!result.ok) return result.reason === 'closed' ? standsNow(turn, action.requestId) : turn.say('error.invalidAction');
      await turn.replace(noticeCard(turn.card, { title: turn.t('request.cancelledTitle'), text: turn.t(result.volunteerTold ? 'request.cancelledTold' : 'request.cancelled'), tone: 'success', menuButton: true }));
    },

    'staff.request.widen': async (turn, action) => {
      const r = await widenRequest(db, { requestId: action.requestId, centreId: centreOf(turn), relax: false, now: turn.now, matching: matching() });
      if (!r.ok) return standsNow(turn, action.requestId);
      await turn.say(r.offered === 0 ? 'escalation.widenedNone' : r.offered === 1 ? 'escalation.widenedOne' : 'escalation.widened', { count: r.offered });
    },

    'staff.request.relax': async (turn, action) => {
      const r = await widenRequest(db, { requestId: action.requestId, centreId: centreOf(turn), relax: true, now: turn.now, matching: matching() });
      if (!r.ok) return standsNow(turn, action.requestId);
      await turn.say('escalation.relaxed');
      if (r.offered === 0) await turn.say('escalation.widenedNone');
    },

    'staff.request.callList': async (turn, action) => {
      const list = await callList(db, { requestId: action.requestId, centreId: centreOf(turn), now: turn.now, matching: matching(), limit: CALL_LIST_MAX });
      if (!list) return turn.say('error.invalidAction');
      if (list.request.status !== 'open') return standsNow(turn, action.requestId);
      const groups = await groupOptions(db, [centreOf(turn)], turn.locale);
      await turn.send(callListCard(turn.card, { request: publicView(list.request), groupLabel: groups.find((g) => g.key === list.request.group)?.label ?? list.request.group, volunteers: list.volunteers, total: list.total }));
    },

    'staff.consent.renew': async (turn, action) => {
      const r = await renewConsent(db, { personId: action.personId, centreId: centreOf(turn), staffId: turn.member!.id, at: turn.now, validityMonths: deps.config.CONSENT_VALIDITY_MONTHS, matching: matching() });
      if (!r.ok) return turn.say('error.invalidAction');
      await turn.replace(noticeCard(turn.card, { title: turn.t('consentRenewal.renewedTitle'), text: turn.t('consentRenewal.renewed'), tone: 'success', menuButton: true }));
    },

    'staff.consent.withdraw': async (turn, action) => {
      const r = await withdrawConsent(db, { personId: action.personId, centreId: centreOf(turn), staffId: turn.member!.id, at: turn.now });
      if (!r.ok) return turn.say('error.invalidAction');
      await turn.replace(noticeCard(turn.card, { title: turn.t('consentRenewal.withdrawnTitle'), text: turn.t('consentRenewal.withdrawn'), tone: 'success', menuButton: true }));
    },

    'staff.groups.list': async (turn) => {
      await turn.send(interestGroupsCard(turn.card, { groups: await interestGroups(db, [centreOf(turn)]) }));
    },

    'staff.group.save': async (turn, action) => {
      const key = action.groupKey && action.groupKey !== NEW_GROUP ? action.groupKey : null;
      const saved = await saveInterestGroup(db, { centreId: centreOf(turn), key, nameNb: action.nameNb, nameNn: action.nameNn, nameEn: action.nameEn });
      const groups = await interestGroups(db, [centreOf(turn)]);
      if (!saved) return turn.replace(interestGroupsCard(turn.card, { groups, values: { nameNb: action.nameNb, nameNn: action.nameNn ?? '', nameEn: action.nameEn }, errors: { groupKey: 'error.invalid' } }));
      await turn.replace(interestGroupsCard(turn.card, { groups }));
      await turn.say('groups.saved', { name: groupName(action, turn.locale) });
    },

    'staff.volunteers.list': async (turn) => {
      await turn.send(await volunteerList(turn));
    },
    // The next page comes as its own card below; the page above stays as it was.
    'staff.volunteers.more': async (turn, action) => {
      await turn.send(await volunteerList(turn, action.offset));
    },
    'staff.volunteer.approve': setStatus('approved'),
    'staff.volunteer.pause': setStatus('paused'),
    'staff.volunteer.remove': setStatus('removed'),
    'staff.volunteer.police': async (turn, action, raw) => {
      const checkedOn = policeCheckedOn(raw, action.volunteerId);
      if (!checkedOn || !(await ownVolunteer(turn, action.volunteerId))) return turn.say('error.invalidAction');
      await recordPoliceCertificate(db, action.volunteerId, checkedOn);
      await turn.replace(await volunteerList(turn, action.offset));
    },
  };
}
