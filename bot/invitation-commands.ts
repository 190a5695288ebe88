// An invitation used in chat: the web chat page posts the code from its link, or the person types
// it (Teams). The chat account is connected to the imported volunteer, who then checks their details
// and picks when it suits them — and signs the current declaration if theirs is older.
import { noticeCard } from '../adaptive-cards/notice.ts';
import { acceptInvitation } from '../infra/invitations.ts';
import { getVolunteer } from '../infra/volunteers.ts';
import { centreName } from '../infra/overview.ts';
import { profileForm } from './volunteer-commands.ts';
import type { BotDeps, CommandTable } from './deps.ts';

export function invitationCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  return {
    'invitation.accept': async (turn, action) => {
      const result = await acceptInvitation(db, { code: action.code, account: turn.account, currentMemberId: turn.member?.id ?? null, now: turn.now });
      if (!result.ok) return turn.say(result.reason === 'other_profile' ? 'invitation.otherProfile' : 'invitation.invalid');
      const volunteer = await getVolunteer(db, result.memberId);
      if (!volunteer) return turn.say('invitation.invalid');
      const name = volunteer.name.split(/\s+/)[0] ?? '';
      const centre = (await centreName(db, result.centreId)) ?? '';
      await turn.send(noticeCard(turn.card, { title: turn.t('invitation.welcomeTitle', { name }), text: turn.t('invitation.welcome', { centre }), tone: 'success' }));
      await turn.send(await profileForm(deps, turn, volunteer));
    },
  };
}
