// «Jeg trenger hjelp» (issue 19): a person who needs a hand signs up themselves, with their own consent,
// and asks for help for themselves with a short form. Following the request afterwards — «Mine
// forespørsler», the reminder's «Det passer» / «Avlys», «Hvordan gikk besøket?» — goes through the same
// commands caregivers use (caregiver-commands.ts, feedback-commands.ts): both are askers
// (domain/permissions.ts), and each sees and acts on their own requests only.
import { noticeCard } from '../adaptive-cards/notice.ts';
import { pushSettingsCard } from '../adaptive-cards/push-settings.ts';
import { selfSignupCard, selfSignupFields, type SelfSignupField } from '../adaptive-cards/self-signup.ts';
import { selfRequestFields, selfRequestFormCard, type SelfRequestField } from '../adaptive-cards/self-request-form.ts';
import type { FormErrors, FormValues } from '../adaptive-cards/form.ts';
import { formatTime, formatWhen } from '../adaptive-cards/format.ts';
import { listCentres } from '../infra/centres.ts';
import { matchingSettings } from '../infra/requests.ts';
import { offeredGroups, ownPerson } from '../infra/self-requests.ts';
import { askForHelp } from '../use-cases/ask-for-help.ts';
import { registerSelf } from '../use-cases/register-self.ts';
import { SELF_REQUEST_KIND_RULES, SELF_REQUEST_KINDS, selfRequestDays, weekWindow } from '../domain/self-request.ts';
import { formErrors, submittedValues } from './forms.ts';
import { offersGoOutAt } from './request-submit.ts';
import { groupOptions } from './volunteer-commands.ts';
import { pushOffered } from './push-commands.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';
import { osloWallClock } from '../domain/time-zone.ts';
import { savedRequestStanding, type SavedRequestStanding } from '../domain/request-standing.ts';

/** What a person asking for themselves in chat is told (domain/request-standing.ts decides which; nobody fitting yet is for staff). */
const SELF_SAVED = {
  awaitingLink: 'self.sentPending', waitingConsent: 'self.sentHeld', noneEligible: 'self.sent', heldUntilMorning: 'self.sentAt', sent: 'self.sent',
} as const satisfies Record<SavedRequestStanding, string>;

export function selfCommands(deps: BotDeps): CommandTable {
  const { db } = deps;

  const signupCard = async (turn: Turn, values: FormValues<SelfSignupField> = {}, errors: FormErrors<SelfSignupField> = {}) =>
    selfSignupCard(turn.card, { centres: await listCentres(db), consentMonths: deps.config.CONSENT_VALIDITY_MONTHS, retentionDays: deps.config.RETENTION_DAYS, values, errors });

  /** The short form, with only the kinds of help the person's centre offers. */
  const requestForm = async (turn: Turn, memberId: string, values: FormValues<SelfRequestField> = {}, errors: FormErrors<SelfRequestField> = {}) => {
    const person = await ownPerson(db, memberId);
    const groups = person ? await offeredGroups(db, person.centreId) : new Set<string>();
    return selfRequestFormCard(turn.card, {
      kinds: SELF_REQUEST_KINDS.filter((k) => groups.has(SELF_REQUEST_KIND_RULES[k].group)),
      days: selfRequestDays(turn.now),
      weekUntil: osloWallClock(weekWindow(turn.now).untilDate, '12:00'),
      values,
      errors,
    });
  };

  return {
    'self.signup.start': async (turn) => {
      await turn.send(await signupCard(turn));
    },

    'self.signup.submit': async (turn, _action, raw) => {
      const parsed = selfSignupFields.safeParse(raw);
      const centres = await listCentres(db);
      const errors: FormErrors<SelfSignupField> = parsed.success ? {} : formErrors<SelfSignupField>(parsed.error);
      // One centre: theirs. Several: the one they chose, which must be one of ours.
      const centreId = centres.length === 1 ? centres[0]!.id : centres.find((c) => c.id === (parsed.success ? parsed.data.centre : null))?.id;
      if (!centreId && centres.length > 0) errors.centre ??= 'error.chooseCentre';
      if (!parsed.success || !centreId || Object.keys(errors).length > 0) {
        if (centres.length === 0) return turn.say('error.unexpected');
        return turn.replace(await signupCard(turn, submittedValues(raw), errors));
      }
      const f = parsed.data;
      const { memberId, held } = await registerSelf(db, {
        account: turn.account, centreId, person: { name: f.name, phone: f.phone, address: f.address, district: f.district },
        locale: turn.locale, at: turn.now, consentValidityMonths: deps.config.CONSENT_VALIDITY_MONTHS,
      });
      const name = f.name.split(/\s+/)[0] ?? '';
      // Told plainly, once: the centre calls before anything goes out.
      await turn.replace(noticeCard(turn.card, { text: held ? turn.t('self.welcomePending', { name, phone: f.phone }) : turn.t('self.welcome', { name }), tone: 'success' }));
      if (pushOffered(deps, turn)) await turn.send(pushSettingsCard(turn.card, { devices: 0 }));
      await turn.send(await requestForm(turn, memberId));
    },

    'self.request.new': async (turn) => {
      await turn.send(await requestForm(turn, turn.member!.id));
    },

    'self.request.submit': async (turn, _action, raw) => {
      const me = turn.member!.id;
      const again = (errors: FormErrors<SelfRequestField>) => requestForm(turn, me, submittedValues(raw), errors);
      const parsed = selfRequestFields.safeParse(raw);
      if (!parsed.success) return turn.replace(await again(formErrors<SelfRequestField>(parsed.error)));
      const result = await askForHelp(db, { memberId: me, request: parsed.data, locale: turn.locale, now: turn.now, matching: matchingSettings(deps.config) });
      if (!result.ok) {
        switch (result.problem) {
          case 'gone':
            return turn.say('self.gone');
          case 'unavailable':
            return turn.replace(await again({ what: 'error.selfUnavailable' }));
          case 'invalid':
            return turn.replace(await again({ note: 'error.invalidCharacters' }));
          default:
            return turn.replace(await again({ day: 'error.selfPast' }));
        }
      }
      // A person asking for themselves cannot mark it urgent: quiet hours hold theirs until morning.
      const goesOutAt = result.status === 'open' ? offersGoOutAt(deps, turn.now, false, turn.now) : null;
      const what = (await groupOptions(db, turn.member!.centreIds, turn.locale)).find((g) => g.key === result.group)?.label ?? result.group;
      const text = turn.t(SELF_SAVED[savedRequestStanding({ ...result, goesOutAt })], { what, when: formatWhen(turn.locale, result.startsAt, result.flexibleUntil), time: goesOutAt ? formatTime(goesOutAt) : '' });
      await turn.replace(noticeCard(turn.card, { text, tone: result.status === 'open' ? 'success' : 'warning', menuButton: true }));
    },
  };
}
