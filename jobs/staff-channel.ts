// Posts to a centre's Teams staff channel: the staff notices the rule sends there (domain/audiences.ts:
// escalations, and every staff notice of a request no staff member of the centre posted) and the
// morning overview. The channel is read by the centre's staff only, never by volunteers or caregivers.
import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { noticeCard } from '../adaptive-cards/notice.ts';
import type { CardContext } from '../adaptive-cards/card.ts';
import { t } from '../adaptive-cards/texts.ts';
import { dailyDigest } from '../infra/digest.ts';
import { linkedCentres, markStaffChannelUnreachable, staffChannelOf } from '../infra/staff-channels.ts';
import { SendError, type OutgoingActivity } from '../infra/connector.ts';
import type { Database } from '../infra/db.ts';
import { renderNotification, renderResolvedEscalation } from './messages.ts';
import type { NoticeCard } from '../infra/notice-cards.ts';
import { keepNoticeCard } from './closing.ts';
import type { HelpRequest } from '../domain/types.ts';
import { audienceOf, isNoticeKind, redrawnWhenSettled } from '../domain/audiences.ts';
import { pace } from './conversation.ts';
import type { SendDeps } from './deps.ts';
import { kickPendingOutbox, sendJobId, type Queues, type SendJob } from './queues.ts';
import { releaseTime } from './schedule.ts';
import type { UpkeepDeps } from './upkeep.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

type ChannelJob = Extract<SendJob, { kind: 'channel' }>;

/** A channel has no one person's language; the centre's is bokmål. */
const CHANNEL_CARD: CardContext = { locale: 'nb', channel: 'teams' };

/** Queue a copy of a staff message for the centre's channel (a no-op when none is linked). */
export async function queueForStaffChannel(queues: Queues, centreId: string, message: ChannelJob['message'], refId: string, variant?: string, delayMs = 0): Promise<void> {
  const job: SendJob = { kind: 'channel', centreId, message, refId, ...(variant ? { variant } : {}) };
  await queues.send.add(job.kind, job, { jobId: sendJobId(job), delay: Math.max(0, delayMs) });
}

async function renderDigest(db: Database, centreId: string, now: Date): Promise<OutgoingActivity | null> {
  const d = await dailyDigest(db, centreId, now);
  const { locale } = CHANNEL_CARD;
  const lines = [
    d.unfilledToday > 0 ? t(locale, 'staffChannel.unfilledToday', { count: d.unfilledToday }) : null,
    d.unfilledTomorrow > 0 ? t(locale, 'staffChannel.unfilledTomorrow', { count: d.unfilledTomorrow }) : null,
    d.consentsExpiring > 0 ? t(locale, 'staffChannel.consentsExpiring', { count: d.consentsExpiring }) : null,
    d.pendingVolunteers > 0 ? t(locale, 'staffChannel.pendingVolunteers', { count: d.pendingVolunteers }) : null,
  ].filter((l): l is string => l !== null);
  // Nothing waiting: no message (a daily "all quiet" would teach the team to skip the channel).
  if (lines.length === 0) return null;
  const title = t(locale, 'staffChannel.digestTitle');
  return { type: 'message', summary: lines[0], attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: noticeCard(CHANNEL_CARD, { title, text: lines }) }] };
}

export async function sendToStaffChannel(deps: SendDeps, job: ChannelJob): Promise<'sent' | 'skipped' | 'unreachable'> {
  const channel = await staffChannelOf(deps.db, job.centreId);
  if (!channel) return 'skipped';
  if (job.message !== 'channel.digest' && !(isNoticeKind(job.message) && audienceOf(job.message) === 'staff')) {
    deps.log.warn({ message: job.message, refId: job.refId, centreId: job.centreId }, 'notice refused: not a staff notice');
    return 'skipped';
  }
  const now = deps.now();
  const activity =
    job.message === 'channel.digest'
      ? await renderDigest(deps.db, job.centreId, now)
      : await renderNotification(deps.db, job.message, job.refId, CHANNEL_CARD, { now, memberId: '', channelId: 'msteams', sharedChannel: true });
  if (!activity) return 'skipped';
  await pace(deps, channel.conversationId);
  try {
    const sent = await deps.messenger.send(channel.conversationRef, activity);
    // The escalation is drawn again, without its buttons, once the request is settled (jobs/send.ts).
    if (isNoticeKind(job.message) && redrawnWhenSettled(job.message) && sent?.id) {
      await keepNoticeCard(deps, { requestId: job.refId, message: job.message, to: { centreId: job.centreId }, channelId: 'msteams', conversationId: channel.conversationId, activityId: sent.id, at: now });
    }
  } catch (err) {
    if (err instanceof SendError && err.final) {
      deps.log.warn({ status: err.status, centreId: job.centreId }, 'staff channel unreachable');
      if (err.status === 403 || err.status === 404) {
        if (await markStaffChannelUnreachable(deps.db, { centreId: job.centreId, conversationId: channel.conversationId, at: now })) await kickPendingOutbox(deps);
      }
      return 'unreachable';
    }
    throw err;
  }
  return 'sent';
}

/** An escalation posted to the channel, drawn again as settled («en frivillig»: the channel names no one). 'gone': unlinked, or linked elsewhere since. */
export async function redrawInStaffChannel(deps: SendDeps, card: NoticeCard, request: HelpRequest): Promise<'sent' | 'gone'> {
  const channel = card.centreId ? await staffChannelOf(deps.db, card.centreId) : null;
  if (!channel || channel.conversationId !== card.conversationId) return 'gone';
  const activity = await renderResolvedEscalation(deps.db, request, CHANNEL_CARD, { shared: true, superseded: card.superseded });
  if (!activity) return 'gone';
  await pace(deps, channel.conversationId);
  try {
    await deps.messenger.update(channel.conversationRef, card.activityId, activity);
  } catch (err) {
    if (err instanceof SendError && err.final) return 'gone'; // the post is gone; nothing to update
    throw err;
  }
  return 'sent';
}

/** Each morning: every linked channel gets the overview, once per day, held through quiet hours. */
export async function staffChannelDigests(deps: UpkeepDeps): Promise<number> {
  const now = deps.now();
  const day = format(new TZDate(now.getTime(), TIME_ZONE), 'yyyy-MM-dd');
  const delay = releaseTime(now, false, deps.settings).getTime() - now.getTime();
  const centres = await linkedCentres(deps.db);
  for (const centreId of centres) await queueForStaffChannel(deps.queues, centreId, 'channel.digest', centreId, day, delay);
  return centres.length;
}
