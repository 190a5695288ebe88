// The web chat's conversation ends when its page has been closed a while (bot/directline-store.ts);
// the person's does not. Whoever opens the chat again — after an hour or a month — gets, under the
// menu, what is open for them now, rebuilt from the database: offers they can still take (live
// buttons), their tasks still to come, and follow-ups they have not answered (a caregiver: their
// requests, while one is still to come). A tapped notification
// names one offer; it is shown last, where the chat scrolls to, whatever became of it.
import { CardFactory, type Activity } from 'botbuilder';
import { offerCard } from '../adaptive-cards/offer.ts';
import { followUpCard } from '../adaptive-cards/follow-up.ts';
import { seriesOfferCard, seriesOfferState } from '../adaptive-cards/series-offer.ts';
import { actionButton } from '../adaptive-cards/action.ts';
import { actionSet, adaptiveCard, heading, text, type CardElement } from '../adaptive-cards/card.ts';
import { formatDateTime } from '../adaptive-cards/format.ts';
import { publicView } from '../domain/confidentiality.ts';
import type { OfferStatus } from '../domain/types.ts';
import { getAssignment } from '../infra/assignments.ts';
import { offerForSend, recordOfferDelivered } from '../infra/offers.ts';
import { openForVolunteer } from '../infra/open-items.ts';
import { recordSeriesOfferDelivery, seriesOfferForSend } from '../infra/series.ts';
import { seriesPublicView } from '../jobs/series.ts';
import { OPEN_TARGET } from './directline.ts';
import { groupLabel } from '../jobs/card-activity.ts';
import { sendCaregiverRequests } from './caregiver-commands.ts';
import type { BotDeps } from './deps.ts';
import type { Turn } from './turn.ts';

/** `offer.<id>` or `series.<id>` from a new conversation's start (channelData) or an open event (value). */
export function openTargetOf(activity: Partial<Activity>): string | null {
  const fromStart = (activity.channelData as Record<string, unknown> | undefined)?.['dugnad:open'];
  const fromEvent = (activity.value as { open?: unknown } | undefined)?.open;
  const target = typeof fromStart === 'string' ? fromStart : typeof fromEvent === 'string' ? fromEvent : null;
  return target && OPEN_TARGET.test(target) ? target.toLowerCase() : null;
}

/** Only our own web chat loses its conversations; Teams keeps the person's chat for good. */
function rebuildsHere(turn: Turn, roles: readonly string[] = ['volunteer']): boolean {
  return turn.account.channelId === 'webchat' && roles.includes(turn.member?.role ?? '');
}

export async function showOpenItems(deps: BotDeps, turn: Turn, focus: string | null): Promise<void> {
  // A caregiver (or a person helped asking for themselves) coming back sees where their requests stand, when one is still to come.
  if (rebuildsHere(turn, ['caregiver', 'person'])) {
    await sendCaregiverRequests(deps, turn, true);
    return;
  }
  if (!rebuildsHere(turn)) return;
  const { db } = deps;
  const me = turn.member!;
  const open = await openForVolunteer(db, me.id, turn.now, deps.config.FOLLOW_UP_DELAY_MINUTES);
  if (open.offers.length + open.seriesOfferIds.length + open.tasks.length + open.followUps.length > 0) {
    const body: CardElement[] = [heading(turn.t('open.title'), { size: 'medium' })];
    const offerCount = open.offers.length + open.seriesOfferIds.length;
    if (offerCount > 0) body.push(text(turn.t('open.offers', { count: offerCount })));
    if (open.tasks.length > 0) {
      body.push(text(turn.t('open.tasksTitle'), { weight: 'bolder', spacing: 'medium' }));
      for (const task of open.tasks) {
        const r = publicView(task.request);
        body.push(text(`• ${turn.t('open.task', { what: await groupLabel(db, task.request, turn.locale), when: formatDateTime(turn.locale, r.startsAt), district: r.district })}`, { spacing: 'small' }));
      }
      body.push(text(turn.t('open.tasksHint'), { isSubtle: true }));
      body.push(actionSet([actionButton(turn.card.channel, turn.t('menu.myTasks'), { action: 'tasks.mine' })], { spacing: 'small' }));
    }
    if (open.followUps.length > 0) body.push(text(turn.t('open.followUps'), { weight: 'bolder', spacing: 'medium' }));
    await turn.send(adaptiveCard(turn.card, body, { fallbackText: turn.t('open.title') }));
  }
  for (const assignmentId of open.followUps) {
    const a = await getAssignment(db, assignmentId);
    if (a) await turn.send(followUpCard(turn.card, { assignmentId, request: publicView(a.request), groupLabel: await groupLabel(db, a.request, turn.locale), plannedHours: a.request.durationMinutes / 60 }));
  }
  for (const id of open.seriesOfferIds) if (focus !== `series.${id}`) await showSeriesOffer(deps, turn, id);
  for (const o of open.offers) if (focus !== `offer.${o.offerId}`) await showOffer(deps, turn, o.offerId);
  if (focus) await showFocused(deps, turn, focus);
}

/** The offer a notification was for, at the bottom of the conversation: live if it still is. */
export async function showFocused(deps: BotDeps, turn: Turn, focus: string): Promise<void> {
  if (!rebuildsHere(turn)) return;
  const [kind, id] = focus.split('.') as ['offer' | 'series', string];
  if (kind === 'offer') await showOffer(deps, turn, id);
  else await showSeriesOffer(deps, turn, id);
}

/** Posts the offer's card here and makes it the one a take or cancel later closes in place. */
async function showOffer(deps: BotDeps, turn: Turn, offerId: string): Promise<void> {
  const { db } = deps;
  const offer = await offerForSend(db, offerId);
  if (!offer || offer.volunteerId !== turn.member!.id) return;
  const label = await groupLabel(db, offer.request, turn.locale);
  const live = offer.status === 'pending' && offer.request.status === 'open';
  const status: OfferStatus = live ? 'pending' : closedStatus(offer.status, offer.request.status);
  await dropEarlierCopy(turn, offer.conversationId, offer.activityId);
  const card = offerCard(turn.card, { offerId, request: publicView(offer.request), groupLabel: label, status });
  const activityId = await turn.send(card);
  // Closed: the card itself says what became of it («Oppdraget er tatt — takk!»).
  if (!live || !activityId) return;
  const conversationId = turn.context.activity.conversation.id;
  const after = await recordOfferDelivered(db, { requestId: offer.request.id, offerId, channelId: turn.account.channelId, conversationId, activityId, at: turn.now });
  // Taken while it was being shown: the card says so at once.
  if (after && (after.offerStatus !== 'pending' || after.requestStatus !== 'open')) {
    const closed = offerCard(turn.card, { offerId, request: publicView(offer.request), groupLabel: label, status: after.requestStatus === 'cancelled' ? 'withdrawn' : 'taken' });
    await updateCard(turn, activityId, closed);
  }
}

async function showSeriesOffer(deps: BotDeps, turn: Turn, seriesOfferId: string): Promise<void> {
  const { db } = deps;
  const offer = await seriesOfferForSend(db, seriesOfferId, turn.now);
  if (!offer || offer.volunteerId !== turn.member!.id) return;
  const state = seriesOfferState(offer.status, offer.series.status);
  await dropEarlierCopy(turn, offer.conversationId, offer.activityId);
  const card = seriesOfferCard(turn.card, { seriesOfferId, view: seriesPublicView(offer.series), groupLabel: await groupLabel(db, offer.series.anchor, turn.locale), state });
  const activityId = await turn.send(card);
  if (state !== 'pending' || !activityId) return;
  await recordSeriesOfferDelivery(db, seriesOfferId, { channelId: turn.account.channelId, conversationId: turn.context.activity.conversation.id, activityId, at: turn.now });
}

function closedStatus(offer: OfferStatus, request: string): Exclude<OfferStatus, 'pending'> {
  if (offer !== 'pending') return offer;
  return request === 'cancelled' ? 'withdrawn' : 'taken';
}

/** One live copy per conversation: the card shown earlier in this same conversation gives way. */
async function dropEarlierCopy(turn: Turn, conversationId: string | null, activityId: string | null): Promise<void> {
  if (!activityId || conversationId !== turn.context.activity.conversation.id) return;
  await turn.context.deleteActivity(activityId).catch(() => undefined);
}

async function updateCard(turn: Turn, activityId: string, card: ReturnType<typeof offerCard>): Promise<void> {
  await turn.context
    .updateActivity({ type: 'message', id: activityId, conversation: turn.context.activity.conversation, attachments: [CardFactory.adaptiveCard(card)] })
    .catch(() => undefined);
}
