// Reaching a person: their channels in the order they chose (domain/channels.ts), each tried once per
// message. A channel that cannot deliver (403/404/410 from a chat, SMS refused or reported undelivered,
// a text that would leak) is recorded for that message, and the message moves on to the next; only when
// every channel has failed is the person unreachable (the caller tells staff, naming the channels tried).
//
// Chats get the card (Teams, web chat) or its text (Bot Framework's sms/email channels); our SMS
// gateway gets the text with answer codes, held through quiet hours, paced per number, counted per
// centre. The web chat is the one that does not expire (jobs/webchat-delivery.ts): into the open
// conversation, else by push, and always kept for the next visit — a closed page is no failure.
import { cardChannelOf, type CardContext } from '../adaptive-cards/card.ts';
import { channelKindOf, channelOrder, rendersCards, type ChannelKind } from '../domain/channels.ts';
import { nextAllowedSendTime } from '../domain/quiet-hours.ts';
import { toGsmFriendly } from '../domain/sms.ts';
import { failedChannels, isGatewaySms, offerMessageKey, reachOf, recordDeliveryFailure, seriesOfferMessageKey, type Address, type Reach } from '../infra/channels.ts';
import type { Config } from '../infra/config.ts';
import { SendError, type OutgoingActivity } from '../infra/connector.ts';
import { SmsSendError, type SmsGateway } from '../infra/sms/gateway.ts';
import { createSmsGateway } from '../infra/sms/configured-gateway.ts';
import { lastSmsTo, markSmsNotSent, markSmsSent, queuedSms, recordSmsReport, startSms } from '../infra/sms-log.ts';
import { DetailLeakError, renderAsText } from '../infra/text-render.ts';
import { pushFor } from './push-notices.ts';
import { sendJobId, type SendJob } from './queues.ts';
import { deliver, pace, PaceError } from './conversation.ts';
import type { ChannelDeps, SendDeps } from './deps.ts';
import { deliverToWebChat, isWebChat } from './webchat-delivery.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

export function channelDeps(config: Config, gateway?: SmsGateway | null): ChannelDeps {
  return {
    sms: gateway !== undefined ? gateway : config.sms ? createSmsGateway(config.sms) : null,
    smsProvider: config.sms?.provider ?? 'none',
    publicBaseUrl: config.PUBLIC_BASE_URL,
    linkMinutes: config.sms?.linkMinutes ?? 60,
    smsPaceMs: config.sms?.paceMs ?? 0,
    quietStart: config.QUIET_HOURS_START,
    quietEnd: config.QUIET_HOURS_END,
  };
}

export interface Delivered {
  channel: ChannelKind;
  channelId: string;
  /** Null when the web chat had no open conversation: pushed, or kept for the next visit only. */
  conversationId: string | null;
  activityId: string | null;
  /** Announced by push (web chat): a take or withdrawal then replaces that notification. */
  pushed: boolean;
}

export type Reached = { sent: Delivered } | { unreachable: ChannelKind[] } | { skipped: true };

/** Jobs that deliver to a person and may be run again, on the next channel, when SMS reports a failure. */
export type ReachingJob = Extract<SendJob, { kind: 'offer' | 'series.offer' | 'notify' }>;

/** The message a job delivers, whichever time it runs: what its channel failures are recorded under. */
export function messageKeyOf(job: ReachingJob): string {
  switch (job.kind) {
    case 'offer':
      return offerMessageKey(job.offerId);
    case 'series.offer':
      return seriesOfferMessageKey(job.seriesOfferId);
    case 'notify': {
      const { attempt: _attempt, ...first } = job;
      return sendJobId(first);
    }
  }
}

/**
 * What one channel did with a message. `kept`: it reached no one now but will be shown on their next
 * visit (the web chat that does not expire, page closed, no push): not a failure — nothing is recorded
 * against the web chat — but the next channel is still tried, since they are not told now; if none gets
 * through, the message counts as delivered in the web chat.
 */
type Outcome = { sent: Delivered } | { kept: Delivered } | { failed: true } | { skipped: true };

/**
 * Delivers `render`'s message to a member on the first channel that takes it, in their order, skipping
 * channels this message already failed on. `render` gets the card context of the channel tried (and its
 * channel id, for the audit of a reveal) and may answer null: nothing to send any more.
 */
export async function deliverToMember(
  deps: SendDeps,
  input: { memberId: string; job: ReachingJob; render: (ctx: CardContext, channelId: string) => Promise<OutgoingActivity | null> },
): Promise<Reached> {
  const key = messageKeyOf(input.job);
  const [reach, failed] = await Promise.all([reachOf(deps.db, input.memberId), failedChannels(deps.db, key)]);
  if (!reach) return { unreachable: [...failed] };
  const usable = reach.addresses.filter((a) => !isGatewaySms(a.ref) || deps.channels?.sms);
  const tried = [...failed];
  // Rendered once per kind of card, whichever channels are tried: rendering may claim a one-time ask.
  const rendered = new Map<string, Promise<OutgoingActivity | null>>();
  const once = { ...input, render: (ctx: CardContext, channelId: string) => {
    const key = `${ctx.locale}|${ctx.channel}`;
    if (!rendered.has(key)) rendered.set(key, input.render(ctx, channelId));
    return rendered.get(key)!;
  } };
  let kept: Delivered | null = null;
  for (const address of channelOrder(reach.preferred, usable, failed)) {
    const outcome = isGatewaySms(address.ref) ? await sendSms(deps, address, reach, once) : isWebChat(address.channelId) ? await sendToWebChat(deps, address, reach, once) : await sendToChat(deps, address, reach, once);
    if ('sent' in outcome || 'skipped' in outcome) return outcome;
    if ('kept' in outcome) {
      kept ??= outcome.kept;
      continue;
    }
    tried.push(address.kind);
    await recordDeliveryFailure(deps.db, { messageKey: key, channel: address.kind, memberId: input.memberId, at: deps.now() });
  }
  return kept ? { sent: kept } : { unreachable: tried };
}

/**
 * Our web chat, the conversation that does not expire (jobs/webchat-delivery.ts deliverToWebChat): into
 * the open conversation, else by push to their devices (pushFor: what each message may say on a lock
 * screen). `refused` (a final refusal, not a closed page) → failed; shown or pushed → sent; neither →
 * kept for their next visit (bot/open-items.ts rebuilds what is open for them then).
 */
async function sendToWebChat(deps: SendDeps, address: Address, reach: Reach, input: Parameters<typeof deliverToMember>[1]): Promise<Outcome> {
  const card = await input.render({ locale: reach.locale, channel: cardChannelOf(address.channelId) }, address.channelId);
  if (!card) return { skipped: true };
  const push = deps.push ? await pushFor(deps.db, input.job, reach.locale, deps.now()) : null;
  const d = await deliverToWebChat(deps, { memberId: reach.memberId, conversationRef: address.ref }, card, push, messageKeyOf(input.job));
  if (d.refused) return { failed: true };
  const delivered: Delivered = { channel: address.kind, channelId: address.channelId, conversationId: d.shown?.conversationId ?? null, activityId: d.shown?.activityId ?? null, pushed: d.pushed > 0 };
  return d.reached ? { sent: delivered } : { kept: delivered };
}

/** Teams, or another Bot Framework channel (Direct Line, e-mail, its SMS channel: text only when it shows no cards). */
async function sendToChat(deps: SendDeps, address: Address, reach: Reach, input: Parameters<typeof deliverToMember>[1]): Promise<Outcome> {
  const card = await input.render({ locale: reach.locale, channel: cardChannelOf(address.channelId) }, address.channelId);
  if (!card) return { skipped: true };
  let activity = card;
  if (!rendersCards(address.channelId)) {
    const text = await asText(deps, card, address, reach);
    if (!text) return { failed: true };
    activity = { type: 'message', text: text.text };
  }
  await pace(deps, address.ref.conversation.id);
  const sent = await deliver(deps, address.ref, () => deps.messenger.send(address.ref, activity), input.job.kind);
  if (!sent) return { failed: true };
  return { sent: { channel: address.kind, channelId: address.channelId, conversationId: address.ref.conversation.id, activityId: sent.id, pushed: false } };
}

async function asText(deps: SendDeps, activity: OutgoingActivity, address: Address, reach: Reach) {
  const c = deps.channels;
  try {
    return await renderAsText(
      deps.db,
      activity,
      { channelId: address.channelId, userId: address.userId, memberId: reach.memberId, kind: address.kind, locale: reach.locale },
      { now: deps.now(), publicBaseUrl: c?.publicBaseUrl ?? '', linkMinutes: c?.linkMinutes ?? 60 },
    );
  } catch (err) {
    if (!(err instanceof DetailLeakError)) throw err;
    // A bug, never a person's doing: the message stays behind (another channel may carry it) and we hear of it.
    deps.log.error({ fields: err.fields, channelId: address.channelId }, 'text message withheld: it would carry details its channel may not');
    return null;
  }
}

/** Our SMS gateway: quiet hours first, then the text with its answer code, paced per number and logged. */
async function sendSms(deps: SendDeps, address: Address, reach: Reach, input: Parameters<typeof deliverToMember>[1]): Promise<Outcome> {
  const c = deps.channels!;
  const gateway = c.sms!;
  const now = deps.now();
  // A phone beeps at night whatever the message: SMS waits for the morning (the job is delayed, not lost).
  const allowed = nextAllowedSendTime(now, { urgent: false, quietStart: c.quietStart, quietEnd: c.quietEnd, timeZone: TIME_ZONE });
  if (allowed.getTime() > now.getTime()) throw new PaceError(allowed.getTime() - now.getTime());

  // Paced before anything is prepared: a paced job runs again, and would make its link twice.
  const msisdn = address.userId;
  await pace(deps, `sms:${msisdn}`, c.smsPaceMs);
  const card = await input.render({ locale: reach.locale, channel: 'webchat' }, address.channelId);
  if (!card) return { skipped: true };
  const text = await asText(deps, card, address, reach);
  if (!text) return { failed: true };
  const id = await startSms(deps.db, { memberId: reach.memberId, centreId: text.centreId, origin: input.job, provider: gateway.name, at: now });
  const sent = await sendThroughGateway(deps, id, { to: msisdn, text: text.text, memberId: reach.memberId });
  if (!sent) return { failed: true };
  return { sent: { channel: 'sms', channelId: 'sms', conversationId: address.ref.conversation.id, activityId: `sms-${id}`, pushed: false } };
}

/** One SMS through the gateway: logged as sent, or as failed when the number cannot take it (false). */
async function sendThroughGateway(deps: SendDeps, id: string, sms: { to: string; text: string; memberId: string | null }): Promise<boolean> {
  const gateway = deps.channels!.sms!;
  try {
    // Quotes and dashes outside the GSM alphabet would make every part hold 70 characters instead of 160.
    const sent = await gateway.send({ to: sms.to, text: toGsmFriendly(sms.text), ref: id, replyTo: await lastSmsTo(deps.db, sms.memberId) });
    await markSmsSent(deps.db, id, { providerId: sent.providerId, parts: sent.parts, at: deps.now() });
    return true;
  } catch (err) {
    if (!(err instanceof SmsSendError)) throw err;
    if (err.final) {
      deps.log.warn({ smsId: id }, 'sms refused for this number');
      await markSmsNotSent(deps.db, id, { status: 'failed', error: err.message, at: deps.now() });
      return false;
    }
    await markSmsNotSent(deps.db, id, { status: 'dropped', error: err.message, at: deps.now() });
    // The gateway is busy or down: this job runs again after the wait (jobs/workers.ts), as for a channel's 429.
    throw new SendError(err.retryAfterMs !== null ? 429 : 503, err.retryAfterMs, 'sms');
  }
}

/** A reply written during a turn (bot/sms-webhook.ts), sent by the queue: paced per number, no quiet hours (they just wrote). */
export async function sendQueuedSms(deps: SendDeps, smsId: string): Promise<'sent' | 'skipped' | 'unreachable'> {
  const c = deps.channels;
  const sms = await queuedSms(deps.db, smsId);
  if (!c?.sms || !sms || sms.status !== 'queued') return 'skipped';
  await pace(deps, `sms:${sms.msisdn}`, c.smsPaceMs);
  return (await sendThroughGateway(deps, smsId, { to: sms.msisdn, text: sms.body, memberId: sms.memberId })) ? 'sent' : 'unreachable';
}

/**
 * A delivery report. An SMS that did not arrive counts as that channel failing for its message, which
 * then runs again and goes to the person's next channel (once: SMS is not tried again for it).
 * 'early': the report came before its send was recorded; the gateway should try again in a moment.
 */
export async function onSmsReport(
  deps: Pick<SendDeps, 'db' | 'queues' | 'now'>,
  report: { provider: string; providerId: string; ref: string | null; delivered: boolean; error: string | null },
): Promise<'early' | void> {
  const failed = await recordSmsReport(deps.db, { ...report, at: deps.now() });
  if (failed === 'early') return 'early';
  if (!failed || !failed.memberId || !isReachingJob(failed.origin)) return;
  const job = failed.origin;
  await recordDeliveryFailure(deps.db, { messageKey: messageKeyOf(job), channel: 'sms', memberId: failed.memberId, at: deps.now() });
  const again: ReachingJob = { ...job, attempt: (job.attempt ?? 0) + 1 };
  await deps.queues.send.add(again.kind, again, { jobId: sendJobId(again) });
}

/**
 * Whether a message that went out on `channelId` still counts as delivered: not when that channel has
 * since failed for it (an SMS reported undelivered), so the job runs again on the next channel.
 */
export async function stillDelivered(deps: Pick<SendDeps, 'db'>, job: ReachingJob, channelId: string | null): Promise<boolean> {
  if (!channelId) return false;
  return !(await failedChannels(deps.db, messageKeyOf(job))).has(channelKindOf(channelId));
}

function isReachingJob(v: unknown): v is ReachingJob {
  if (!v || typeof v !== 'object') return false;
  const j = v as Record<string, unknown>;
  return (
    (j.kind === 'offer' && typeof j.offerId === 'string') ||
    (j.kind === 'series.offer' && typeof j.seriesOfferId === 'string') ||
    (j.kind === 'notify' && typeof j.memberId === 'string' && typeof j.message === 'string' && typeof j.refId === 'string')
  );
}
