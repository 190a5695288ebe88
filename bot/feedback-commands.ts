// Issue 5's caregiver extras in chat: the caregiver's feedback after a visit (to staff only), staff
// confirming or rejecting a caregiver's link to a person, the coordinator's switch for verifying
// links, and a volunteer choosing whether caregivers see their phone.
import { matchingSettings } from '../infra/requests.ts';
import { linkSettingsCard } from '../adaptive-cards/feedback.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { volunteerStatusCard } from '../adaptive-cards/volunteer-status.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { giveFeedback } from '../infra/feedback.ts';
import { linkForStaff } from '../infra/caregiver-links.ts';
import { decideLink } from '../use-cases/decide-caregiver-link.ts';
import { setVerifyLinks, verifiesLinks, type LinkKind } from '../infra/broadcast-hold.ts';
import { getVolunteer, setSharePhone } from '../infra/volunteers.ts';
import { noOfferReasons } from './volunteer-commands.ts';
import type { BotDeps, CommandHandler, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';

export function feedbackCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const matching = () => matchingSettings(deps.config);

  const decide = (confirm: boolean): CommandHandler<{ action: 'staff.link.confirm' | 'staff.link.reject'; personId: string }> => async (turn, action) => {
    const link = await linkForStaff(db, action.personId);
    // Another centre's person reads as unknown: staff judge links of their own centre only.
    if (!link || !turn.member!.centreIds.includes(link.centreId)) return turn.say('link.notFound');
    const result = await decideLink(db, { personId: link.personId, centreId: link.centreId, staffId: turn.member!.id, confirm, now: turn.now, matching: matching() });
    if (!result.ok) return turn.say(result.reason === 'decided' ? 'link.alreadyDecided' : 'link.notFound');
    const params = { caregiver: link.caregiverName, person: link.personName };
    await turn.replace(noticeCard(turn.card, { text: turn.t(confirm ? 'link.confirmed' : 'link.rejected', params), tone: 'success', menuButton: true }));
  };

  const settings = async (centreId: string, card: Parameters<typeof linkSettingsCard>[0]) =>
    linkSettingsCard(card, { on: await verifiesLinks(db, centreId, 'caregiver'), selfOn: await verifiesLinks(db, centreId, 'self') });
  const setting = async (turn: Turn, kind: LinkKind, on: boolean) => {
    const centreId = turn.member!.centreIds[0]!;
    await setVerifyLinks(db, centreId, kind, on);
    await turn.replace(await settings(centreId, turn.card));
  };

  return {
    'caregiver.feedback': async (turn, action) => {
      const result = await giveFeedback(db, { assignmentId: action.assignmentId, caregiverId: turn.member!.id, rating: action.rating, comment: action.comment, at: turn.now });
      if (!result.ok) return turn.say(result.reason === 'already' ? 'feedback.already' : 'feedback.notFound');
      const key = action.rating === 'not_good' ? 'feedback.thanksNotGood' : 'feedback.thanks';
      await turn.replace(noticeCard(turn.card, { text: turn.t(key), tone: 'success', menuButton: true }));
    },

    'staff.link.confirm': decide(true),
    'staff.link.reject': decide(false),

    'staff.link.settings': async (turn) => {
      await turn.send(await settings(turn.member!.centreIds[0]!, turn.card));
    },

    'staff.link.setting': (turn, action) => setting(turn, 'caregiver', action.on),
    'staff.self.setting': (turn, action) => setting(turn, 'self', action.on),

    'volunteer.sharePhone': async (turn, action) => {
      await setSharePhone(db, turn.member!.id, action.on);
      const v = await getVolunteer(db, turn.member!.id);
      if (!v) return turn.say('error.invalidAction');
      await turn.replace(volunteerStatusCard(turn.card, { volunteer: v, currentDeclarationVersion: CURRENT_DECLARATION_VERSION, reasons: noOfferReasons(v, turn.now), sharePhone: v.sharePhone }));
    },
  };
}
