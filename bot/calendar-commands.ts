// «Kalender»: a volunteer's own tasks, or for staff their centre's requests, as a calendar feed.
import { calendarCard } from '../adaptive-cards/calendar.ts';
import { createFeed, liveFeed, webcalUrl, type FeedKind } from '../infra/calendar.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';

export function calendarCommands(deps: BotDeps): CommandTable {
  const { db } = deps;
  const feedOf = (turn: Turn): { kind: FeedKind; centreId: string | null } =>
    turn.member!.role === 'volunteer' ? { kind: 'volunteer', centreId: null } : { kind: 'centre', centreId: turn.member!.centreIds[0] ?? null };

  return {
    'calendar.show': async (turn) => {
      const { kind, centreId } = feedOf(turn);
      if (kind === 'centre' && !centreId) return turn.say('error.notAllowed');
      const live = await liveFeed(db, turn.member!.id, kind, centreId);
      await turn.send(calendarCard(turn.card, { kind, existingSince: live?.createdAt ?? null }));
    },
    'calendar.create': async (turn) => {
      const { kind, centreId } = feedOf(turn);
      if (kind === 'centre' && !centreId) return turn.say('error.notAllowed');
      const feed = await createFeed(db, { memberId: turn.member!.id, kind, centreId, now: turn.now, publicBaseUrl: deps.config.PUBLIC_BASE_URL });
      await turn.replace(calendarCard(turn.card, { kind, existingSince: turn.now, url: { https: feed.url, webcal: webcalUrl(feed.url) } }));
    },
  };
}
