// The background side of a recurring request: the series offer's sends and closed cards, the release
// timer (nobody took the whole series within the wave time), each visit's reminders once someone has
// it, and the notices to the caregiver and volunteers. Same rules as single requests: deterministic
// job ids, and every send re-reads the database first.
import { addMinutes } from 'date-fns';
import { getAssignment } from '../infra/assignments.ts';
import { getMember } from '../infra/identities.ts';
import { openOfferCards } from '../infra/offers.ts';
import { closingJobs } from './closing.ts';
import type { OutboxKind } from '../infra/outbox.ts';
import type { Database } from '../infra/db.ts';
import type { OutgoingActivity } from '../infra/connector.ts';
import { getSeries, openSeriesOfferCards, openVisitsAhead, recordSeriesOfferDelivery, seriesAssignments, seriesOfferForSend, seriesOffersToClose, unsentSeriesOffers, volunteersCancelledWithSeries, type SeriesView } from '../infra/series.ts';
import { seriesOfferCard, seriesOfferState, seriesRuleText, type SeriesPublicView } from '../adaptive-cards/series-offer.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { t } from '../adaptive-cards/texts.ts';
import { formatDuration } from '../adaptive-cards/format.ts';
import { cardChannelOf, type CardContext } from '../adaptive-cards/card.ts';
import { publicView } from '../domain/confidentiality.ts';
import { waveTimeoutMinutes } from '../domain/waves.ts';
import { addTimer, releaseTime, scheduleAssignmentTimers, scheduleStartTimers } from './schedule.ts';
import type { NotifyMessage, SendJob } from './queues.ts';
import type { NoticeKind } from '../domain/audiences.ts';
import { noticeJobs, noticeTo, type TimedJob } from './recipients.ts';
import type { DispatchDeps, SendDeps } from './deps.ts';
import { asActivity, groupLabel } from './card-activity.ts';
import { redrawCard } from './conversation.ts';
import { deliverToMember, stillDelivered } from './reach.ts';
import { osloWallClock } from '../domain/time-zone.ts';

/** The public face of a series for cards: its next visit (redacted) and the rule. */
export function seriesPublicView(s: SeriesView): SeriesPublicView {
  return { request: publicView(s.anchor), intervalWeeks: s.rule.intervalWeeks, visitCount: s.visitCount, lastVisit: osloWallClock(s.lastDate, s.rule.time) };
}

type SeriesOutbox = Extract<OutboxKind, `series.${string}`>;

/**
 * Outbox event of a series → the sends it leads to (timers are added here directly). `eventId`, the
 * outbox row, names a move's jobs, so a retried dispatch queues the same ones again (no-ops).
 */
export async function dispatchSeries(deps: DispatchDeps, kind: SeriesOutbox, seriesId: string, now: Date, eventId: number): Promise<TimedJob[]> {
  const { db, queues, settings } = deps;
  const series = await getSeries(db, seriesId, now);
  if (!series) return [];
  const jobs: TimedJob[] = [];
  const when = { at: releaseTime(now, false, settings), event: eventId };
  /** Addressed to a volunteer who had visits. */
  const notify = (memberId: string, message: NoticeKind) => jobs.push(noticeTo(memberId, message, seriesId, when));
  /** To whoever the rule names: the caregiver who asked in their words, the responsible staff in theirs. */
  const tell = async (kinds: readonly NoticeKind[]) => {
    for (const kind of kinds) jobs.push(...(await noticeJobs(db, kind, seriesId, when)));
  };
  const closeSeriesOffers = async () => {
    for (const id of await seriesOffersToClose(db, seriesId)) jobs.push({ job: { kind: 'series.close', seriesOfferId: id }, at: now });
  };

  switch (kind) {
    case 'series.offers': {
      if (series.status !== 'open') break;
      const release = releaseTime(now, series.anchor.urgent, settings);
      for (const id of await unsentSeriesOffers(db, seriesId)) jobs.push({ job: { kind: 'series.offer', seriesOfferId: id }, at: release });
      const timeout = settings.waveTimeoutMinutes ?? waveTimeoutMinutes(release, series.anchor.startsAt);
      await addTimer(queues, { kind: 'series.release', seriesId }, addMinutes(release, timeout), now);
      break;
    }
    case 'series.taken': {
      await closeSeriesOffers();
      // One reminder set per visit: the existing per-assignment timers, each checking its visit when it fires.
      for (const a of await seriesAssignments(db, seriesId)) {
        if (a.status !== 'active' || a.volunteerId !== series.regularVolunteerId) continue;
        const view = await getAssignment(db, a.id);
        if (view) await scheduleAssignmentTimers(queues, view, now, settings);
      }
      await tell(['staff.seriesTaken', 'caregiver.seriesTaken']);
      break;
    }
    case 'series.released':
      await closeSeriesOffers();
      break;
    case 'series.cancelled': {
      await closeSeriesOffers();
      const visits = await db.query<{ id: string }>(`SELECT id FROM help_requests WHERE series_id = $1 AND status = 'cancelled'`, [seriesId]);
      for (const v of visits) jobs.push(...(await closingJobs(db, v.id, now, eventId)));
      for (const volunteerId of await volunteersCancelledWithSeries(db, seriesId)) notify(volunteerId, 'volunteer.seriesCancelled');
      break;
    }
    case 'series.left':
      await tell(['staff.seriesLeft', 'caregiver.seriesLeft']);
      break;
    case 'series.moved': {
      // New reminders at the new times (their ids carry the start, so they are new jobs); the old ones find the start moved.
      const told = new Set<string>();
      for (const a of await seriesAssignments(db, seriesId)) {
        const view = a.status === 'active' ? await getAssignment(db, a.id) : null;
        if (!view || view.request.startsAt.getTime() <= now.getTime()) continue;
        await scheduleAssignmentTimers(queues, view, now, settings);
        if (!told.has(a.volunteerId)) {
          told.add(a.volunteerId);
          notify(a.volunteerId, 'volunteer.seriesMoved');
        }
      }
      // Visits nobody has yet: the offer cards on screens are drawn again with the new time, and the
      // start and escalation timers follow the visit (a visit still waiting for the series to be
      // released has none: the release schedules them).
      for (const visit of await openVisitsAhead(db, seriesId, now)) {
        if (visit.wave > 0) await scheduleStartTimers(queues, visit, now, settings);
        for (const offerId of await openOfferCards(db, visit.id)) {
          jobs.push({ job: { kind: 'offer.refresh', offerId, startsAtMs: visit.startsAt.getTime(), move: eventId }, at: now });
        }
      }
      if (series.status === 'open') {
        for (const seriesOfferId of await openSeriesOfferCards(db, seriesId)) {
          jobs.push({ job: { kind: 'series.refresh', seriesOfferId, startsAtMs: series.anchor.startsAt.getTime(), move: eventId }, at: now });
        }
      }
      break;
    }
  }
  return jobs;
}

export async function sendSeriesOffer(deps: SendDeps, job: Extract<SendJob, { kind: 'series.offer' }>): Promise<'sent' | 'skipped' | 'unreachable'> {
  const seriesOfferId = job.seriesOfferId;
  const offer = await seriesOfferForSend(deps.db, seriesOfferId, deps.now());
  if (!offer || offer.status !== 'pending' || offer.series.status !== 'open') return 'skipped';
  if (offer.activityId && (await stillDelivered(deps, job, offer.channelId))) return 'skipped';
  // Each of the volunteer's channels in their order, until one takes it (jobs/reach.ts).
  const reached = await deliverToMember(deps, { memberId: offer.volunteerId, job, render: (ctx) => renderSeriesOffer(deps.db, offer, ctx) });
  if ('skipped' in reached) return 'skipped';
  if ('unreachable' in reached) {
    // Never chatted, or blocked: the series is still offered to the rest, and the visits go out one by one if nobody takes it.
    await recordSeriesOfferDelivery(deps.db, seriesOfferId, 'undeliverable');
    return 'unreachable';
  }
  const to = reached.sent;
  await recordSeriesOfferDelivery(deps.db, seriesOfferId, { channelId: to.channelId, conversationId: to.conversationId, activityId: to.activityId, at: deps.now() });
  // Only kept for their next visit (or pushed): that visit reads the series offer as it then stands (bot/open-items.ts).
  if (!to.activityId) return 'sent';
  // Taken or released while this card was on its way: close it now rather than leave a live button behind.
  const after = await seriesOfferForSend(deps.db, seriesOfferId, deps.now());
  if (after && (after.status !== 'pending' || after.series.status !== 'open')) {
    const close: SendJob = { kind: 'series.close', seriesOfferId };
    await deps.queues.send.add(close.kind, close, { jobId: `series-close-${seriesOfferId}` });
  }
  return 'sent';
}

export async function closeSeriesOffer(deps: SendDeps, seriesOfferId: string): Promise<'sent' | 'skipped'> {
  const offer = await seriesOfferForSend(deps.db, seriesOfferId, deps.now());
  if (!offer || !offer.activityId || !offer.conversationId || !offer.channelId) return 'skipped';
  // Web Chat's winner had their card replaced with the series in the turn; only Teams' is closed here.
  if (offer.status === 'accepted' && cardChannelOf(offer.channelId) !== 'teams') return 'skipped';
  const card = { volunteerId: offer.volunteerId, channelId: offer.channelId, conversationId: offer.conversationId, activityId: offer.activityId };
  // The winner's Teams user id goes on the public card: their client alone asks for the series' details.
  const result = await redrawCard(deps, card, (ctx, ref) => renderSeriesOffer(deps.db, offer, ctx, offer.status === 'accepted' ? [ref.user.id] : []));
  await recordSeriesOfferDelivery(deps.db, seriesOfferId, { closedAt: deps.now() });
  return result === 'sent' ? 'sent' : 'skipped';
}

/** The series moved while its offer is still open on the volunteer's screen: drawn again in place, with the new time. */
export async function refreshSeriesOffer(deps: SendDeps, seriesOfferId: string, startsAtMs: number): Promise<'sent' | 'skipped'> {
  const offer = await seriesOfferForSend(deps.db, seriesOfferId, deps.now());
  if (!offer || !offer.activityId || !offer.conversationId || !offer.channelId) return 'skipped';
  if (offer.status !== 'pending' || offer.series.status !== 'open' || offer.series.anchor.startsAt.getTime() !== startsAtMs) return 'skipped';
  const card = { volunteerId: offer.volunteerId, channelId: offer.channelId, conversationId: offer.conversationId, activityId: offer.activityId };
  return (await redrawCard(deps, card, (ctx) => renderSeriesOffer(deps.db, offer, ctx))) === 'sent' ? 'sent' : 'skipped';
}

async function renderSeriesOffer(
  db: Database,
  offer: { seriesOfferId: string; status: Parameters<typeof seriesOfferState>[0]; series: SeriesView },
  ctx: CardContext,
  detailsFor: readonly string[] = [],
): Promise<OutgoingActivity> {
  const label = await groupLabel(db, offer.series.anchor, ctx.locale);
  const state = seriesOfferState(offer.status, offer.series.status);
  const card = seriesOfferCard(ctx, { seriesOfferId: offer.seriesOfferId, view: seriesPublicView(offer.series), groupLabel: label, state, detailsFor });
  return asActivity(card, state === 'pending' ? t(ctx.locale, 'series.offerTitle') : t(ctx.locale, `series.closed.${state}`));
}

export async function renderSeriesNotice(
  db: Database,
  message: Extract<NotifyMessage, 'caregiver.seriesTaken' | 'caregiver.seriesLeft' | 'staff.seriesTaken' | 'staff.seriesLeft' | 'volunteer.seriesCancelled' | 'volunteer.seriesMoved'>,
  seriesId: string,
  ctx: CardContext,
  now: Date,
): Promise<OutgoingActivity | null> {
  const series = await getSeries(db, seriesId, now);
  if (!series) return null;
  const what = await groupLabel(db, series.anchor, ctx.locale);
  const rule = seriesRuleText(ctx.locale, { startsAt: series.anchor.startsAt, intervalWeeks: series.rule.intervalWeeks });
  const firstNameOf = async (memberId: string | null) => (memberId ? ((await getMember(db, memberId))?.firstName ?? '') : '');
  const notice = (title: string, text: string, tone?: 'success' | 'warning') => asActivity(noticeCard(ctx, { title, text, menuButton: true, ...(tone ? { tone } : {}) }), title);
  switch (message) {
    case 'caregiver.seriesTaken':
    case 'staff.seriesTaken': {
      if (series.status !== 'taken') return null;
      const count = (await seriesAssignments(db, seriesId)).filter((a) => a.status === 'active' && a.volunteerId === series.regularVolunteerId).length;
      const params = { name: await firstNameOf(series.regularVolunteerId), rule, what, count };
      return message === 'staff.seriesTaken'
        ? notice(t(ctx.locale, 'notify.staffSeriesTakenTitle'), t(ctx.locale, 'notify.staffSeriesTaken', params), 'success')
        : notice(t(ctx.locale, 'notify.seriesTakenTitle'), t(ctx.locale, 'notify.seriesTaken', params), 'success');
    }
    case 'caregiver.seriesLeft':
    case 'staff.seriesLeft': {
      const leaver = (await db.query<{ volunteer_id: string }>(
        `SELECT a.volunteer_id FROM assignments a JOIN help_requests r ON r.id = a.request_id WHERE r.series_id = $1 AND a.cancel_reason = 'series_left' ORDER BY a.cancelled_at DESC LIMIT 1`,
        [seriesId],
      ))[0];
      // Someone who left Dugnad altogether has no name any more.
      const name = await firstNameOf(leaver?.volunteer_id ?? null);
      if (message === 'staff.seriesLeft') {
        return notice(t(ctx.locale, 'notify.staffSeriesLeftTitle'), t(ctx.locale, 'notify.staffSeriesLeft', { name: name || t(ctx.locale, 'caregiver.theVolunteer'), rule, what }), 'warning');
      }
      const text = name ? t(ctx.locale, 'notify.seriesLeft', { name, rule, what }) : t(ctx.locale, 'notify.seriesLeftNoName', { rule, what });
      return notice(t(ctx.locale, 'notify.seriesLeftTitle'), text, 'warning');
    }
    case 'volunteer.seriesCancelled':
      return notice(t(ctx.locale, 'notify.seriesCancelledTitle'), t(ctx.locale, 'notify.seriesCancelled', { rule, what }));
    case 'volunteer.seriesMoved':
      return notice(t(ctx.locale, 'notify.seriesMovedTitle'), t(ctx.locale, 'notify.seriesMoved', { rule, what, duration: formatDuration(ctx.locale, series.durationMinutes) }), 'warning');
  }
}
