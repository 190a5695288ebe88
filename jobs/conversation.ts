// Sending into one conversation: at most one message per conversation per moment across all workers,
// a final refusal marks the account unreachable, and a card already sent is drawn again in place.
import { SendError, type OutgoingActivity } from '../infra/connector.ts';
import { conversationIn, getMember, markUnreachable } from '../infra/identities.ts';
import { cardChannelOf, type CardContext } from '../adaptive-cards/card.ts';
import { rendersCards } from '../domain/channels.ts';
import type { SendDeps } from './deps.ts';

/** This conversation had a message a moment ago; wait `waitMs` before sending the next. */
export class PaceError extends Error {
  constructor(readonly waitMs: number) {
    super('paced');
  }
}

/** At most one message per conversation (or SMS number) per `paceMs`, across every worker process (a Redis key with a TTL). */
export async function pace(deps: SendDeps, conversationId: string, paceMs = deps.paceMs): Promise<void> {
  if (!deps.redis || !paceMs) return;
  const key = `${deps.prefix ?? 'dugnad'}:pace:${conversationId}`;
  const ok = await deps.redis.set(key, '1', 'PX', paceMs, 'NX');
  if (ok === 'OK') return;
  const ttl = await deps.redis.pttl(key);
  throw new PaceError(Math.max(10, ttl));
}

/** Sends; a final refusal (blocked, removed) marks the account unreachable instead of retrying forever. */
export async function deliver<T>(deps: SendDeps, ref: { channelId: string; user: { id: string } }, send: () => Promise<T>, ref_id: string): Promise<T | null> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof SendError && err.final) {
      await chatRefused(deps, ref, err, ref_id);
      return null;
    }
    throw err;
  }
}

/** A final refusal from a chat (blocked, removed): logged, and the account marked unreachable. */
export async function chatRefused(deps: SendDeps, ref: { channelId: string; user: { id: string } }, err: SendError, refId: string): Promise<void> {
  deps.log.warn({ status: err.status, channelId: ref.channelId, refId }, 'recipient unreachable');
  if (err.status === 403 || err.status === 404) await markUnreachable(deps.db, ref.channelId, ref.user.id);
}

type ConversationRef = NonNullable<Awaited<ReturnType<typeof conversationIn>>>;

/**
 * A card already in a volunteer's chat, drawn again in place (closed, or with a new time).
 * 'gone': the conversation it lives in can no longer be addressed; a click on it is answered kindly.
 */
export async function redrawCard(
  deps: SendDeps,
  card: { volunteerId: string; channelId: string; conversationId: string; activityId: string },
  render: (ctx: CardContext, ref: ConversationRef) => Promise<OutgoingActivity>,
): Promise<'sent' | 'gone'> {
  // A text (an SMS) cannot be drawn again: whoever answers it late is told then.
  if (!rendersCards(card.channelId)) return 'gone';
  const [ref, member] = await Promise.all([conversationIn(deps.db, card.volunteerId, card.channelId), getMember(deps.db, card.volunteerId)]);
  if (!ref || !member || ref.conversation.id !== card.conversationId) return 'gone';
  const activity = await render({ locale: member.locale, channel: cardChannelOf(card.channelId) }, ref);
  await pace(deps, ref.conversation.id);
  await deps.messenger.update(ref, card.activityId, activity).catch((err: unknown) => {
    if (err instanceof SendError && err.final) return; // the card is gone; nothing to update
    throw err;
  });
  return 'sent';
}
