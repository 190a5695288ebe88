// Recurring requests in chat: a caregiver asks for the same time every week or every other week,
// sees the series beside their requests and can cancel the rest of it; a volunteer takes the whole
// series (first accept wins), sees every visit with the details, and can step back from one visit
// (the existing task cancel) or from them all.
import { matchingSettings } from '../infra/requests.ts';
import { noticeCard } from '../adaptive-cards/notice.ts';
import { seriesEditFields, seriesFields } from '../adaptive-cards/series-form.ts';
import { seriesLeaveCard, seriesOfferCard, seriesOfferState, seriesRuleText, seriesTaskCard } from '../adaptive-cards/series-offer.ts';
import { caregiverSeriesCard, seriesEditCard } from '../adaptive-cards/series-status.ts';
import type { HelpRequestFields } from '../adaptive-cards/actions.ts';
import type { AdaptiveCard } from '../adaptive-cards/card.ts';
import { joinList } from '../adaptive-cards/choices.ts';
import { formatDate } from '../adaptive-cards/format.ts';
import type { FormErrors, FormValues } from '../adaptive-cards/form.ts';
import { acceptSeriesOffer, declineSeriesOffer, getSeries, moveSeries, revealSeriesOffer, runningSeries, seriesOfferForSend, upcomingVisits, seriesOfVolunteer, seriesTasksOf, type SeriesView, type SeriesVisitTask } from '../infra/series.ts';
import { createSeries } from '../use-cases/create-series.ts';
import { cancelSeries } from '../use-cases/cancel-series.ts';
import { leaveSeries } from '../use-cases/leave-series.ts';
import { seriesPublicView } from '../jobs/series.ts';
import type { PrivateRequestDetails } from '../domain/types.ts';
import { formErrors, submittedValues } from './forms.ts';
import { groupLabel } from '../jobs/card-activity.ts';
import type { BotDeps, CommandTable } from './deps.ts';
import type { Turn } from './turn.ts';
import { osloWallClock } from '../domain/time-zone.ts';

const matchingOf = (deps: BotDeps) => matchingSettings(deps.config);

/** The form asked for a repeat (every week or every other week). */
export function asksForSeries(raw: Record<string, unknown>): boolean {
  return raw.repeat === '1' || raw.repeat === '2';
}

/**
 * A request form that repeats: the rule is checked, the series and its visits are stored, and the
 * series is offered whole. Errors go back on the form (`form` rebuilds it with values and errors).
 */
export async function submitSeries(
  deps: BotDeps,
  turn: Turn,
  fields: HelpRequestFields,
  raw: Record<string, unknown>,
  form: (values: FormValues<string>, errors: FormErrors<string>) => Promise<AdaptiveCard>,
): Promise<void> {
  const parsed = seriesFields.safeParse(raw);
  let errors: FormErrors<string> = parsed.success ? {} : formErrors(parsed.error);
  if (parsed.success && parsed.data.repeat !== 'none') {
    const rule = { intervalWeeks: parsed.data.repeat === '2' ? (2 as const) : (1 as const), untilDate: parsed.data.untilDate, visitCount: parsed.data.visitCount };
    const result = await createSeries(deps.db, {
      centreId: turn.member!.centreIds[0] ?? '', createdBy: turn.member!.id, fields, rule, source: 'chat', now: turn.now, matching: matchingOf(deps),
    });
    if (result.ok) {
      const text = result.heldFor === 'link' ? turn.t(turn.member!.role === 'caregiver' ? 'caregiver.awaitingVerification' : 'request.awaitingLink') : result.heldFor === 'consent' ? turn.t('request.waitingConsent') : turn.t('series.sent', { count: result.visits.length });
      return turn.replace(noticeCard(turn.card, { text, tone: result.status === 'open' ? 'success' : 'warning', menuButton: true }));
    }
    errors = result.errors;
  }
  await turn.replace(await form(submittedValues(raw), errors));
}

/**
 * Beside a request list: the series still running, each with «cancel every visit» — the caregiver's
 * own, or for staff every series of their centre.
 */
export async function sendSeriesList(deps: BotDeps, turn: Turn, viewer: 'caregiver' | 'staff'): Promise<void> {
  const scope = viewer === 'staff' ? { centreId: turn.member!.centreIds[0] ?? '' } : { createdBy: turn.member!.id };
  const list = await runningSeries(deps.db, scope, turn.now);
  if (list.length === 0) return;
  const items = await Promise.all(list.map(async (s) => {
    const [person] = await deps.db.query<{ name: string | null }>('SELECT name FROM persons WHERE id = $1', [s.personId]);
    const [regular] = s.regularVolunteerId ? await deps.db.query<{ name: string | null }>('SELECT name FROM members WHERE id = $1', [s.regularVolunteerId]) : [];
    return {
      seriesId: s.id,
      groupLabel: await groupLabel(deps.db, s.anchor, turn.locale),
      personFirstName: (person?.name ?? '').split(/\s+/)[0] ?? '',
      nextStart: s.anchor.startsAt,
      intervalWeeks: s.rule.intervalWeeks,
      // The last visit still standing: once the last one is cancelled, «til og med» names the one before.
      lastVisit: (await upcomingVisits(deps.db, s.id, turn.now)).at(-1)?.startsAt ?? osloWallClock(s.lastDate, s.rule.time),
      status: s.status === 'cancelled' ? ('released' as const) : s.status,
      // First name only: all a caregiver sees of a volunteer.
      regularFirstName: regular?.name ? (regular.name.split(/\s+/)[0] ?? null) : null,
    };
  }));
  await turn.send(caregiverSeriesCard(turn.card, { series: items, viewer }));
}

export function seriesCommands(deps: BotDeps): CommandTable {
  const { db } = deps;

  const closedCard = async (turn: Turn, seriesOfferId: string) => {
    const offer = await seriesOfferForSend(db, seriesOfferId, turn.now);
    if (!offer || offer.volunteerId !== turn.member!.id) return turn.say('error.invalidAction');
    const state = seriesOfferState(offer.status, offer.series.status);
    await turn.replace(seriesOfferCard(turn.card, { seriesOfferId, view: seriesPublicView(offer.series), groupLabel: await groupLabel(db, offer.series.anchor, turn.locale), state }));
  };

  /** The series as its regular volunteer sees it, with the details (the caller's query recorded the reveal). */
  const taskCard = async (turn: Turn, item: { series: SeriesView; visits: SeriesVisitTask[]; details: PrivateRequestDetails }, justAccepted: boolean) =>
    seriesTaskCard(turn.card, {
      seriesId: item.series.id,
      view: seriesPublicView(item.series),
      details: item.details,
      groupLabel: await groupLabel(db, item.series.anchor, turn.locale),
      visits: item.visits.map((v) => ({ assignmentId: v.assignmentId, startsAt: v.request.startsAt })),
      justAccepted,
    });

  /** A series the asker may change or cancel: a caregiver's own, or (staff) any of their centre's. */
  const seriesOf = async (turn: Turn, seriesId: string, viewer: 'caregiver' | 'staff') => {
    const series = await getSeries(db, seriesId, turn.now);
    if (!series) return null;
    const mine = viewer === 'staff' ? turn.member!.centreIds.includes(series.centreId) : series.createdBy === turn.member!.id;
    return mine ? series : null;
  };

  const askCancelRest = async (turn: Turn, confirm: 'caregiver.series.cancel.confirm' | 'staff.series.cancel.confirm', seriesId: string): Promise<void> => {
    // Asked only about a series that is the asker's to cancel: the caregiver's own, or one of the staff member's centre.
    const series = await seriesOf(turn, seriesId, confirm === 'caregiver.series.cancel.confirm' ? 'caregiver' : 'staff');
    if (!series) return void (await turn.say('error.invalidAction'));
    // Named, so they see what they call off; the volunteer is mentioned only when one has a visit.
    const visits = await upcomingVisits(db, seriesId, turn.now);
    const dates = joinList(turn.locale, visits.map((v) => formatDate(turn.locale, v.startsAt)));
    await turn.send(noticeCard(turn.card, {
      title: turn.t('series.cancelAllTitle'),
      text: [turn.t('series.cancelAllDates', { dates }), turn.t(visits.some((v) => v.taken) ? 'series.cancelAllTold' : 'series.cancelAllNoOne')],
      tone: 'warning',
      action: { title: turn.t('series.cancelAllConfirm'), data: { action: confirm, seriesId }, destructive: true },
      menuButton: true,
    }));
  };

  const cancelRest = async (turn: Turn, seriesId: string, onlyOwn: boolean) => {
    const result = await cancelSeries(db, { seriesId, centreId: turn.member!.centreIds[0] ?? '', by: turn.member!.id, now: turn.now, onlyOwn });
    if (!result.ok) return turn.say('error.invalidAction');
    await turn.replace(noticeCard(turn.card, { text: turn.t(result.volunteerTold ? 'series.cancelledAll' : 'series.cancelledAllNoOne'), tone: 'success', menuButton: true }));
  };

  const editStart = async (turn: Turn, seriesId: string, viewer: 'caregiver' | 'staff') => {
    const series = await seriesOf(turn, seriesId, viewer);
    if (!series) return turn.say('error.invalidAction');
    await turn.send(seriesEditCard(turn.card, { seriesId: series.id, viewer, values: { time: series.rule.time, durationMinutes: String(series.durationMinutes) } }));
  };

  const editSubmit = async (turn: Turn, seriesId: string, raw: Record<string, unknown>, viewer: 'caregiver' | 'staff') => {
    const series = await seriesOf(turn, seriesId, viewer);
    if (!series) return turn.say('error.invalidAction');
    const fields = seriesEditFields.safeParse(raw);
    if (!fields.success) {
      return turn.replace(seriesEditCard(turn.card, { seriesId, viewer, values: submittedValues(raw), errors: formErrors(fields.error) }));
    }
    const result = await moveSeries(db, {
      seriesId, centreId: series.centreId, by: turn.member!.id, onlyOwn: viewer === 'caregiver',
      time: fields.data.time, durationMinutes: fields.data.durationMinutes, now: turn.now,
    });
    if (!result.ok) return turn.say(result.reason === 'not_found' ? 'error.invalidAction' : 'series.editNothingAhead');
    await turn.replace(noticeCard(turn.card, { text: turn.t('series.edited', { count: result.moved }), tone: 'success', menuButton: true }));
  };

  return {
    'series.accept': async (turn, action) => {
      const result = await acceptSeriesOffer(db, { seriesOfferId: action.seriesOfferId, volunteerId: turn.member!.id, channelId: turn.account.channelId, now: turn.now });
      switch (result.outcome) {
        case 'won':
        case 'already_yours':
          return turn.replace(await taskCard(turn, result, result.outcome === 'won'));
        case 'taken':
        case 'closed':
          return closedCard(turn, action.seriesOfferId);
        case 'not_eligible':
          return turn.say('series.notEligible');
        case 'not_found':
          return turn.say('error.invalidAction');
      }
    },

    // Teams asks this when the regular volunteer's client shows their taken series offer
    // (refresh.userIds) or they press «Vis besøkene». The card in the chat holds nothing private; only
    // this answer does, and only while they hold the series — anyone else gets the public card.
    'series.details': async (turn, action) => {
      const item = await revealSeriesOffer(db, { seriesOfferId: action.seriesOfferId, volunteerId: turn.member!.id, channelId: turn.account.channelId, now: turn.now });
      if (item) return turn.replace(await taskCard(turn, item, false));
      // Only a Teams refresh expects a card back; a typed or forged submit is simply refused.
      const offer = await seriesOfferForSend(db, action.seriesOfferId, turn.now);
      if (!offer || turn.context.activity.type !== 'invoke') return turn.say('error.invalidAction');
      const state = seriesOfferState(offer.status, offer.series.status);
      // Someone else's accepted offer reads as taken to them.
      const shown = state === 'accepted' ? 'taken' : state;
      await turn.replace(seriesOfferCard(turn.card, { seriesOfferId: offer.seriesOfferId, view: seriesPublicView(offer.series), groupLabel: await groupLabel(db, offer.series.anchor, turn.locale), state: shown }));
    },

    'series.decline': async (turn, action) => {
      await declineSeriesOffer(db, { seriesOfferId: action.seriesOfferId, volunteerId: turn.member!.id, now: turn.now });
      await closedCard(turn, action.seriesOfferId);
    },

    'series.list': async (turn) => {
      const list = await seriesOfVolunteer(db, { volunteerId: turn.member!.id, channelId: turn.account.channelId, now: turn.now });
      if (list.length === 0) return turn.say('series.none');
      for (const item of list) await turn.send(await taskCard(turn, item, false));
    },

    'series.leave.start': async (turn, action) => {
      const series = await getSeries(db, action.seriesId, turn.now);
      if (!series || series.regularVolunteerId !== turn.member!.id) return turn.say('cancel.notFound');
      const remaining = await seriesTasksOf(db, series.id, turn.member!.id, turn.now);
      await turn.send(seriesLeaveCard(turn.card, {
        seriesId: series.id,
        rule: seriesRuleText(turn.locale, { startsAt: series.anchor.startsAt, intervalWeeks: series.rule.intervalWeeks }),
        groupLabel: await groupLabel(db, series.anchor, turn.locale),
        remaining: remaining.length,
      }));
    },

    'series.leave.confirm': async (turn, action) => {
      const result = await leaveSeries(db, { seriesId: action.seriesId, volunteerId: turn.member!.id, now: turn.now, matching: matchingOf(deps) });
      if (!result.ok) return turn.say('cancel.notFound');
      await turn.replace(noticeCard(turn.card, { text: turn.t('series.left'), tone: 'success', menuButton: true }));
    },

    'caregiver.series.edit.start': (turn, action) => editStart(turn, action.seriesId, 'caregiver'),
    'caregiver.series.edit.submit': (turn, action, raw) => editSubmit(turn, action.seriesId, raw, 'caregiver'),
    // Staff of the series' centre, for a caregiver who phones in: the same form and the same move.
    'staff.series.edit.start': (turn, action) => editStart(turn, action.seriesId, 'staff'),
    'staff.series.edit.submit': (turn, action, raw) => editSubmit(turn, action.seriesId, raw, 'staff'),

    // Every visit still ahead goes at once: ask first (one stray tap must not cancel weeks of visits).
    'caregiver.series.cancel': (turn, action) => askCancelRest(turn, 'caregiver.series.cancel.confirm', action.seriesId),
    'caregiver.series.cancel.confirm': (turn, action) => cancelRest(turn, action.seriesId, true),
    // Staff of the series' centre (someone phones in), through the same cancel: the volunteers are told once.
    'staff.series.cancel': (turn, action) => askCancelRest(turn, 'staff.series.cancel.confirm', action.seriesId),
    'staff.series.cancel.confirm': (turn, action) => cancelRest(turn, action.seriesId, false),
  };
}
