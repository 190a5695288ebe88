// What a volunteer can do in chat: sign up or edit the profile, sign the declaration, see their
// status, pause, leave.
import { matchingSettings } from '../infra/requests.ts';
import { addDays } from 'date-fns';
import { volunteerSignupFields } from '../adaptive-cards/actions.ts';
import { availabilityFromDays } from '../adaptive-cards/choices.ts';
import { volunteerSignupCard, type VolunteerSignupField } from '../adaptive-cards/volunteer-signup.ts';
import { declarationCard } from '../adaptive-cards/declaration.ts';
import { volunteerStatusCard, type NoOfferReason } from '../adaptive-cards/volunteer-status.ts';
import { leaveConfirmCard } from '../adaptive-cards/volunteer-leave.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { keysFromWindows } from '../domain/availability.ts';
import { accountIneligibilityReasons } from '../domain/matching.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { interestGroups, listCentres, policeValidityMonths } from '../infra/centres.ts';
import { policeCertificateStatus, type PoliceCertificateStatus } from '../domain/police-certificate.ts';
import { channelChoiceFor, channelOnForm, smsAfterProfileSaved } from './channel-commands.ts';
import { getVolunteer, pauseVolunteer, signDeclaration } from '../infra/volunteers.ts';
import { saveVolunteerProfile } from '../use-cases/save-volunteer-profile.ts';
import { leave } from '../use-cases/leave-dugnad.ts';
import type { VolunteerProfile } from '../infra/volunteer-row.ts';
import type { Locale } from '../domain/types.ts';
import type { Queryable } from '../infra/db.ts';
import { joinList } from '../adaptive-cards/choices.ts';
import { formErrors, submittedValues } from './forms.ts';
import { showMenu } from './menu-commands.ts';
import { pushDevicesFor } from './push-commands.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';
import { groupName } from '../domain/interest-groups.ts';

export async function groupOptions(db: Queryable, centreIds: string[], locale: Locale) {
  return (await interestGroups(db, centreIds)).map((g) => ({ key: g.key, label: groupName(g, locale) }));
}

/**
 * The centres a volunteer belongs to after this submit: those they ticked (of the deployment's own), or
 * the only centre there is. Empty means they must choose.
 */
function chosenCentres(all: ReadonlyArray<{ id: string }>, ticked: readonly string[], current: readonly string[]): string[] {
  if (all.length === 1) return [all[0]!.id];
  const known = ticked.filter((id) => all.some((c) => c.id === id));
  return known.length ? known : [...current];
}

export function noOfferReasons(v: VolunteerProfile, now: Date, police?: PoliceCertificateStatus): NoOfferReason[] {
  const reasons: NoOfferReason[] = [];
  if (v.status === 'removed') return ['removed'];
  for (const r of accountIneligibilityReasons(v, { now, currentDeclarationVersion: CURRENT_DECLARATION_VERSION })) {
    if (r === 'declaration_not_signed') reasons.push(v.signedDeclarationVersion === null ? 'declaration_not_signed' : 'declaration_outdated');
    else if (r === 'not_approved' || r === 'paused') reasons.push(r);
  }
  if (v.groups.length === 0) reasons.push('no_groups');
  if (v.availability.length === 0) reasons.push('no_availability');
  // Not "no offers at all", but the offers that need one: the status says why they stopped.
  if (police?.state === 'expired') reasons.push('police_certificate_expired');
  return reasons;
}

/** The sign-up form, or for a volunteer on record their profile to check and change (with where offers go first). */
export async function profileForm(deps: Pick<BotDeps, 'db' | 'config'>, turn: Turn, v: VolunteerProfile | null) {
  const { db } = deps;
  const centres = await listCentres(db);
  const centreIds = v?.centreIds.length ? v.centreIds : centres.map((c) => c.id);
  const groups = await groupOptions(db, centreIds, turn.locale);
  const values = v
    ? { name: v.name, phone: v.phone, email: v.email, district: v.district, postcode: v.postcode, groups: v.groups, languages: v.languages, availability: keysFromWindows(v.availability), weeklyCap: v.weeklyCap, comfort: v.comfort, centres: v.centreIds, channel: await channelOnForm(deps, v.id) }
    : { languages: [turn.locale === 'en' ? 'en' : 'nb'] };
  return volunteerSignupCard(turn.card, { groups, centres, mode: v ? 'edit' : 'signup', values, smsOffered: deps.config.sms !== null });
}

export function volunteerCommands(deps: BotDeps): CommandTable {
  const { db } = deps;

  const showStatus = async (turn: Turn, v: VolunteerProfile) => {
    const waiting = v.standing.filter((s) => s.status === 'pending').map((s) => s.centreId);
    const pendingAt = waiting.length ? (await listCentres(db)).filter((c) => waiting.includes(c.id)).map((c) => c.name) : [];
    const pushDevices = await pushDevicesFor(deps, turn);
    const police = policeCertificateStatus(v.policeCertificateCheckedAt, await policeValidityMonths(db, v.centreIds), turn.now);
    return turn.send(volunteerStatusCard(turn.card, {
      volunteer: v, currentDeclarationVersion: CURRENT_DECLARATION_VERSION, reasons: noOfferReasons(v, turn.now, police), sharePhone: v.sharePhone,
      channelChoice: await channelChoiceFor(deps, turn.member!.id), pendingAt, policeCertificate: police, ...(pushDevices !== undefined ? { pushDevices } : {}),
    }));
  };

  const volunteerOf = async (turn: Turn) => (turn.member ? getVolunteer(db, turn.member.id) : null);

  return {
    'volunteer.signup.start': async (turn) => {
      await turn.send(await profileForm(deps, turn, await volunteerOf(turn)));
    },

    'volunteer.signup.submit': async (turn, _action, raw) => {
      const v = await volunteerOf(turn);
      const centres = await listCentres(db);
      if (centres.length === 0) return turn.say('error.unexpected');
      const parsed = volunteerSignupFields.safeParse(availabilityFromDays(raw));
      const centreIds = chosenCentres(centres, parsed.success ? parsed.data.centres : [], v?.centreIds ?? []);
      const groups = await groupOptions(db, centreIds.length ? centreIds : centres.map((c) => c.id), turn.locale);
      const errors = parsed.success ? {} : formErrors<VolunteerSignupField>(parsed.error);
      if (parsed.success && centreIds.length === 0) errors.centres = 'error.chooseCentre';
      if (parsed.success && parsed.data.groups.some((g) => !groups.some((o) => o.key === g))) errors.groups = 'error.chooseGroup';
      if (!parsed.success || Object.keys(errors).length) {
        return turn.replace(volunteerSignupCard(turn.card, { groups, centres, mode: v ? 'edit' : 'signup', values: submittedValues(raw), errors, smsOffered: deps.config.sms !== null }));
      }
      // Approval is per centre: each centre they join decides for itself.
      const saved = await saveVolunteerProfile(db, {
        memberId: v?.id ?? null,
        account: turn.account,
        fields: parsed.data,
        centres: centres.filter((c) => centreIds.includes(c.id)),
        locale: turn.locale,
        at: turn.now,
        matching: matchingSettings(deps.config),
      });
      // A new volunteer is not done yet: the thanks comes once the declaration below is signed.
      await turn.replace(noticeCard(turn.card, { title: turn.t(saved.created ? 'signup.almostTitle' : 'signup.updatedTitle'), text: turn.t(saved.created ? 'signup.almost' : 'signup.updated'), tone: 'success' }));
      // SMS chosen on the form, or a changed number for someone who has SMS on.
      await smsAfterProfileSaved(deps, turn, saved.memberId, parsed.data.channel);
      // Joined another centre from the profile: say that it waits for that centre's staff.
      const waiting = saved.created ? [] : centres.filter((c) => saved.joined.includes(c.id) && c.requireApproval).map((c) => c.name);
      if (waiting.length > 0) await turn.say('signup.joinedPending', { centres: joinList(turn.locale, waiting) });
      // A new volunteer signs next; so does one whose signature is older than the current text (an
      // imported volunteer confirming their details after the invitation, say).
      const signed = saved.created ? null : (v?.signedDeclarationVersion ?? null);
      if (signed !== CURRENT_DECLARATION_VERSION) await turn.send(declarationCard(turn.card, { signedVersion: signed }));
    },

    'declaration.show': async (turn) => {
      const v = await volunteerOf(turn);
      await turn.send(declarationCard(turn.card, { signedVersion: v?.signedDeclarationVersion ?? null }));
    },

    'declaration.sign': async (turn, action) => {
      if (action.version !== CURRENT_DECLARATION_VERSION) {
        // Signed an old card: show the current text instead of recording a stale signature.
        return turn.replace(declarationCard(turn.card, { signedVersion: (await volunteerOf(turn))?.signedDeclarationVersion ?? null }));
      }
      const firstSignature = (await volunteerOf(turn))?.signedDeclarationVersion === null;
      await signDeclaration(db, { memberId: turn.member!.id, version: action.version, account: turn.account, at: turn.now });
      const v = await volunteerOf(turn);
      await turn.replace(declarationCard(turn.card, { signedVersion: action.version }));
      // The sign-up's last step: now the thanks, and whether a centre still has to approve them.
      if (v && firstSignature) {
        const waiting = v.standing.some((s) => s.status === 'pending');
        await turn.send(noticeCard(turn.card, { title: turn.t('signup.thanksTitle'), text: turn.t(waiting ? 'signup.thanks' : 'signup.thanksReady'), tone: 'success' }));
      }
      if (v) await showStatus(turn, v);
    },

    'volunteer.status': async (turn) => {
      const v = await volunteerOf(turn);
      if (v) await showStatus(turn, v);
    },

    'volunteer.pause': async (turn, action) => {
      const until = addDays(turn.now, action.days);
      await pauseVolunteer(db, turn.member!.id, until);
      await turn.replace(noticeCard(turn.card, { title: turn.t('pause.doneTitle'), text: turn.t('pause.done', { days: action.days }), tone: 'success', menuButton: true }));
    },

    'volunteer.resume': async (turn) => {
      await pauseVolunteer(db, turn.member!.id, null);
      await turn.replace(noticeCard(turn.card, { title: turn.t('pause.resumedTitle'), text: turn.t('pause.resumed'), tone: 'success', menuButton: true }));
    },

    'volunteer.leave': async (turn) => {
      await turn.send(leaveConfirmCard(turn.card));
    },

    'volunteer.leave.confirm': async (turn) => {
      await leave(db, turn.member!.id, turn.now, matchingSettings(deps.config));
      await turn.replace(noticeCard(turn.card, { title: turn.t('leave.doneTitle'), text: turn.t('leave.done') }));
    },
  };
}

export { showMenu };
