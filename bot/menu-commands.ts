// The menu: what each role can do, as one card.
import { menuCard, type MenuUser } from '../adaptive-cards/menu.ts';
import { getVolunteer } from '../infra/volunteers.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import type { Turn } from './turn.ts';
import type { BotDeps } from './deps.ts';
import { pushOffered } from './push-commands.ts';

export async function showMenu(deps: BotDeps, turn: Turn): Promise<void> {
  await turn.send(menuCard(turn.card, await menuUser(deps, turn)));
}

async function menuUser(deps: BotDeps, turn: Turn): Promise<MenuUser> {
  const m = turn.member;
  if (!m) return { role: null };
  switch (m.role) {
    case 'volunteer': {
      const v = await getVolunteer(deps.db, m.id);
      return {
        role: 'volunteer',
        name: m.firstName,
        paused: Boolean(v?.pausedUntil && v.pausedUntil > turn.now) || v?.status === 'paused',
        declarationSigned: v?.signedDeclarationVersion === CURRENT_DECLARATION_VERSION,
      };
    }
    case 'caregiver':
    case 'person':
      return { role: m.role, name: m.firstName, push: pushOffered(deps, turn), sms: deps.config.sms !== null };
    default:
      return { role: m.role, name: m.firstName };
  }
}
