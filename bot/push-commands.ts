// «Varsle meg» in the web chat: turn push notifications on for this device (the page has already
// asked the browser and registered the device, bot/push-routes.ts; this answers with what came of
// it), off for every device, or show where they stand.
import { pushSettingsCard } from '../adaptive-cards/push-settings.ts';
import { deviceCount, removeSubscriptionsOf } from '../infra/push-subscriptions.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';

/** Push is offered in our own web chat only, and only when it is configured (VAPID keys). */
export function pushOffered(deps: Pick<BotDeps, 'pushPublicKey'>, turn: Turn): boolean {
  return deps.pushPublicKey !== null && turn.account.channelId === 'webchat' && turn.card.channel === 'webchat';
}

/** How many devices the member gets notifications on, or undefined where push is not offered. */
export async function pushDevicesFor(deps: BotDeps, turn: Turn): Promise<number | undefined> {
  return pushOffered(deps, turn) && turn.member ? deviceCount(deps.db, turn.member.id, turn.now) : undefined;
}

export function pushCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  return {
    'push.enable': async (turn, action) => {
      if (!pushOffered(deps, turn)) return turn.say('pushSettings.unsupported');
      const devices = await deviceCount(db, turn.member!.id, turn.now);
      // A page that could not catch the tap (old page, script blocked) registered nothing.
      const result = action.result ?? 'unsupported';
      await turn.replace(pushSettingsCard(turn.card, { devices, result: result === 'on' && devices === 0 ? 'failed' : result }));
    },
    'push.disable': async (turn) => {
      await removeSubscriptionsOf(db, turn.member!.id);
      await turn.replace(pushSettingsCard(turn.card, { devices: 0, result: 'off' }));
    },
    'push.status': async (turn) => {
      if (!pushOffered(deps, turn)) return turn.say('pushSettings.unsupported');
      await turn.send(pushSettingsCard(turn.card, { devices: await deviceCount(db, turn.member!.id, turn.now) }));
    },
  };
}
