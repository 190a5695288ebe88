// How a proactive message reaches someone in the web chat: into their open conversation if there is
// one, by push to each device they turned «Varsle meg» on for, and — always — kept for the next time
// they open the chat (the open offers, tasks and follow-ups are rebuilt from the database then, see
// bot/open-items.ts). A closed page is therefore not «unreachable»: only a channel that refuses for
// good is.
//
// deliverToWebChat is the one entry for the web chat channel: jobs/reach.ts calls it as the web chat's
// place in each person's channel order (with pushFor(job) from push-notices.ts as the push) and treats
// `reached` as this channel having got through (`shown` null and `pushed` 0: kept for the next visit only).
import type { OutgoingActivity } from '../infra/connector.ts';
import { SendError } from '../infra/connector.ts';
import type { ConversationRef } from '../infra/identities.ts';
import { markUnreachable } from '../infra/identities.ts';
import { recordPushed, removeSubscription, subscriptionsOf } from '../infra/push-subscriptions.ts';
import { PushEndpointRefused } from '../infra/web-push.ts';
import { isRedacted, pushAlert, pushLifetimeSeconds } from '../domain/push-notice.ts';
import type { PushPlan } from './push-notices.ts';
import { pace } from './conversation.ts';
import type { SendDeps } from './deps.ts';

/** The web chat channel: ours (bot/directline.ts), where a conversation ends when its page idles. */
export function isWebChat(channelId: string): boolean {
  return channelId === 'webchat';
}

export interface WebChatDelivery {
  /** In the person's live conversation (it is on their screen or will be when the page polls), or null. */
  shown: { conversationId: string; activityId: string } | null;
  /** Devices the push reached. */
  pushed: number;
  /** The channel refused for good (not merely closed): the account is marked unreachable. */
  refused: boolean;
  /** Shown or pushed: the person has been told now, not only on their next visit. */
  reached: boolean;
}

export async function deliverToWebChat(
  deps: SendDeps,
  to: { memberId: string; conversationRef: ConversationRef },
  activity: OutgoingActivity,
  push: PushPlan | null,
  refId: string,
): Promise<WebChatDelivery> {
  const ref = to.conversationRef;
  let shown: WebChatDelivery['shown'] = null;
  let refused = false;
  await pace(deps, ref.conversation.id);
  try {
    const sent = await deps.messenger.send(ref, activity);
    shown = { conversationId: ref.conversation.id, activityId: sent.id };
  } catch (err) {
    if (!(err instanceof SendError) || !err.final) throw err; // retried: nothing was pushed yet
    refused = await webChatRefused(deps, ref, err, refId);
  }
  const pushed = push && !refused ? await pushToMember(deps, to.memberId, push) : 0;
  return { shown, pushed, refused, reached: shown !== null || pushed > 0 };
}

/**
 * A final answer from the web chat: refused for good (recorded, the account marked unreachable on a
 * 403), or — 404 — the conversation idled out (the page was closed): kept for the next open.
 */
export async function webChatRefused(deps: SendDeps, ref: ConversationRef, err: SendError, refId: string): Promise<boolean> {
  if (err.status === 404) return false;
  deps.log.warn({ status: err.status, channelId: ref.channelId, refId }, 'recipient unreachable');
  if (err.status === 403) await markUnreachable(deps.db, ref.channelId, ref.user.id);
  return true;
}

/**
 * One push to each of the member's devices. Devices the push service has forgotten (404/410) are
 * removed; any other failure is logged and not retried — the message is kept for the next open either way.
 */
export async function pushToMember(deps: SendDeps, memberId: string, plan: PushPlan): Promise<number> {
  const push = deps.push;
  if (!push) return 0;
  const now = deps.now();
  const subscriptions = await subscriptionsOf(deps.db, memberId, now);
  if (subscriptions.length === 0) return 0;
  // The domain's last guard: a push that would name anyone or anything private does not go.
  if (!isRedacted(`${plan.payload.title}\n${plan.payload.body}`, plan.details, plan.names)) {
    deps.log.error({ kind: plan.facts.kind, tag: plan.payload.tag }, 'push withheld: the text would carry personal data');
    return 0;
  }
  const silent = plan.payload.silent || pushAlert(now, plan.facts.urgent, push.quiet) === 'silent';
  const body = JSON.stringify({ ...plan.payload, silent });
  const options = { ttlSeconds: pushLifetimeSeconds(plan.facts, now), urgency: plan.facts.urgent ? ('high' as const) : ('normal' as const) };
  const delivered: string[] = [];
  await Promise.all(
    subscriptions.map(async (s) => {
      try {
        const result = await push.sender.send(s, body, options);
        if (result.outcome === 'sent') delivered.push(s.id);
        else if (result.outcome === 'gone') await removeSubscription(deps.db, s.endpoint);
        else deps.log.warn({ status: result.status, kind: plan.facts.kind }, 'push failed');
      } catch (err) {
        if (!(err instanceof PushEndpointRefused)) throw err;
        // Saved before the allow-list changed, or never a push service: it can never be sent to.
        deps.log.warn({ kind: plan.facts.kind }, 'push endpoint refused; subscription removed');
        await removeSubscription(deps.db, s.endpoint);
      }
    }),
  );
  await recordPushed(deps.db, delivered, now);
  return delivered.length;
}
