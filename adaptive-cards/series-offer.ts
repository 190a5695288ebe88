// A recurring request as volunteers see it: the offer to be the regular volunteer (fast avlaster) —
// what, area, weekday and time, how long, how many visits, until when; never name, address, phone or
// notes (rule 3) — and, once taken, the series with its details and visits, each with a way to step
// back from one visit or from them all.
import { tz } from '@date-fns/tz';
import { format } from 'date-fns';
import type { Locale, OfferStatus, PrivateRequestDetails, PublicRequestView } from '../domain/types.ts';
import { actionButton, userSpecificView } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement, Fact } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, stackedButtons, subheading, text } from './card.ts';
import { dateLocaleOf, formatDate, formatDateTime, formatDuration, formatTime } from './format.ts';
import type { OfferRequestView } from './offer.ts';
import { FLAG_SEPARATOR, requestFlags } from './request-view.ts';
import { callActions, privateBody } from './task-details.ts';
import { t } from './texts.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

/** The public side of a series: its first visit still to come (redacted) and the rule. */
export interface SeriesPublicView {
  request: OfferRequestView;
  intervalWeeks: 1 | 2;
  visitCount: number;
  /** The last visit's start (any time that day will do: only the date is shown). */
  lastVisit: Date;
}

/** "hver tirsdag kl. 10:00" / "every other Tuesday at 10:00" */
export function seriesRuleText(locale: Locale, view: { startsAt: Date; intervalWeeks: 1 | 2 }): string {
  const weekday = format(view.startsAt, 'EEEE', { locale: dateLocaleOf(locale), in: tz(TIME_ZONE) });
  return t(locale, view.intervalWeeks === 2 ? 'series.everyOther' : 'series.every', { weekday, time: formatTime(view.startsAt) });
}

function seriesFacts(locale: Locale, view: SeriesPublicView, groupLabel: string): Fact[] {
  const r = view.request;
  return [
    { title: t(locale, 'offer.what'), value: groupLabel },
    { title: t(locale, 'offer.where'), value: r.district },
    { title: t(locale, 'offer.when'), value: seriesRuleText(locale, { startsAt: r.startsAt, intervalWeeks: view.intervalWeeks }) },
    { title: t(locale, 'offer.duration'), value: formatDuration(locale, r.durationMinutes) },
    { title: t(locale, 'series.visits'), value: t(locale, 'series.visitsValue', { count: view.visitCount, first: formatDate(locale, r.startsAt), last: formatDate(locale, view.lastVisit) }) },
  ];
}

/** What a closed series offer says, by what happened to the offer and to the series. */
export type SeriesOfferState = 'pending' | 'accepted' | 'taken' | 'released' | 'cancelled' | 'declined';

export function seriesOfferState(offer: OfferStatus, series: 'open' | 'taken' | 'released' | 'cancelled'): SeriesOfferState {
  if (offer === 'declined') return 'declined';
  if (offer === 'accepted' && series === 'taken') return 'accepted';
  // Withdrawn while the series is still offered: its visits were cancelled under it (e.g. consent withdrawn).
  if (series === 'open') return offer === 'pending' ? 'pending' : 'cancelled';
  return series;
}

export function seriesOfferCard(
  ctx: CardContext,
  input: {
    seriesOfferId: string;
    view: SeriesPublicView;
    groupLabel: string;
    state: SeriesOfferState;
    /**
     * Teams only: the Teams user ids (MRIs) whose clients fetch the series with its details in place
     * of this card (the regular volunteer). The card itself stays public (see offer.ts).
     */
    detailsFor?: readonly string[];
  },
): AdaptiveCard {
  const { locale, channel } = ctx;
  const r = input.view.request;
  // Only named public fields are read: whatever else the caller's object holds stays behind.
  const publicOnly: PublicRequestView = {
    id: r.id, centreId: r.centreId, group: r.group, district: r.district, startsAt: r.startsAt, durationMinutes: r.durationMinutes,
    flexibleUntil: null, summary: r.summary, urgent: r.urgent,
    requirements: { language: r.requirements.language, policeCertificate: r.requirements.policeCertificate, firstTimeFriendly: r.requirements.firstTimeFriendly, staffAlong: r.requirements.staffAlong },
  };
  const pending = input.state === 'pending';
  const title = pending ? t(locale, 'series.offerTitle') : t(locale, `series.closed.${input.state}`);
  const body: CardElement[] = pending
    ? [heading(title), text(t(locale, 'series.offerIntro'), { spacing: 'small' })]
    : [container([heading(title, { size: 'medium' })], { style: 'emphasis' })];
  const flags = requestFlags(locale, publicOnly);
  if (flags.length > 0) body.push(text(flags.join(FLAG_SEPARATOR), { weight: 'bolder' }));
  body.push(facts(seriesFacts(locale, { ...input.view, request: publicOnly }, input.groupLabel)), text(publicOnly.summary, { spacing: 'medium' }));
  if (pending) {
    body.push(
      text(t(locale, 'offer.privacyNote'), { isSubtle: true, size: 'small' }),
      actionSet([actionButton(channel, t(locale, 'series.accept'), { action: 'series.accept', seriesOfferId: input.seriesOfferId }, { style: 'positive' })], { spacing: 'medium' }),
      actionSet([actionButton(channel, t(locale, 'offer.decline'), { action: 'series.decline', seriesOfferId: input.seriesOfferId })]),
    );
  }
  const details = input.state === 'accepted'
    ? userSpecificView(channel, t(locale, 'series.showDetails'), { action: 'series.details', seriesOfferId: input.seriesOfferId }, input.detailsFor)
    : null;
  if (details) body.push(actionSet([details.button], { spacing: 'medium' }));
  const card = adaptiveCard(ctx, body, { fallbackText: title });
  return details ? details.apply(card) : card;
}

export interface SeriesTaskInput {
  seriesId: string;
  view: SeriesPublicView;
  details: PrivateRequestDetails;
  groupLabel: string;
  /** The visits that are this volunteer's, soonest first. */
  visits: ReadonlyArray<{ assignmentId: string; startsAt: Date }>;
  justAccepted?: boolean;
}

/** The series as its regular volunteer sees it: details (the caller records the reveal) and every visit. */
export function seriesTaskCard(ctx: CardContext, input: SeriesTaskInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const body: CardElement[] = [];
  if (input.justAccepted) body.push(text(t(locale, 'series.accepted', { count: input.visits.length }), { color: 'good', weight: 'bolder', size: 'medium' }));
  body.push(
    heading(t(locale, 'series.taskTitle')),
    facts(seriesFacts(locale, input.view, input.groupLabel)),
  );
  // The details belong to every visit; a link held out for them opens the first.
  const own = privateBody(locale, input.details, input.visits[0]?.assignmentId ?? input.seriesId);
  body.push(own.facts, text(input.view.request.summary, { spacing: 'medium' }), ...own.note);
  body.push(subheading(t(locale, 'series.visitsTitle')));
  for (const v of input.visits) {
    body.push(
      container([
        text(formatDateTime(locale, v.startsAt), { weight: 'bolder' }),
        actionSet([actionButton(channel, t(locale, 'series.skipVisit'), { action: 'assignment.cancel.start', assignmentId: v.assignmentId })], { spacing: 'small' }),
      ], { separator: true, spacing: 'small' }),
    );
  }
  body.push(text(t(locale, 'task.confidential'), { weight: 'bolder', spacing: 'medium' }));
  body.push(...stackedButtons([
    ...callActions(locale, input.details),
    actionButton(channel, t(locale, 'series.leave'), { action: 'series.leave.start', seriesId: input.seriesId }, { style: 'destructive' }),
    actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
  ]));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'series.taskTitle') });
}

export function seriesLeaveCard(ctx: CardContext, input: { seriesId: string; rule: string; groupLabel: string; remaining: number }): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(ctx, [
    heading(t(locale, 'series.leaveTitle')),
    text(t(locale, 'series.leaveText', { what: input.groupLabel, rule: input.rule, count: input.remaining })),
    ...stackedButtons([
      actionButton(channel, t(locale, 'series.leaveConfirm'), { action: 'series.leave.confirm', seriesId: input.seriesId }, { style: 'destructive' }),
      actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
    ]),
  ], { fallbackText: t(locale, 'series.leaveTitle') });
}
