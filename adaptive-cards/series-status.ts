// A caregiver's recurring visits in plain words: the rule, who the regular volunteer is (first name
// only) or that we are still looking, and a button to cancel the rest of the series (for the caregiver,
// or for staff of the centre). Each visit's own status is in the request list beside it.
import type { Locale } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, container, heading, text } from './card.ts';
import { formatDate, formatDuration } from './format.ts';
import { formKit, type FormErrors, type FormValues } from './form.ts';
import { DURATION_CHOICES } from './request-form.ts';
import { seriesRuleText } from './series-offer.ts';
import { t } from './texts.ts';

export interface CaregiverSeriesItem {
  seriesId: string;
  groupLabel: string;
  personFirstName: string;
  nextStart: Date;
  intervalWeeks: 1 | 2;
  lastVisit: Date;
  status: 'open' | 'taken' | 'released';
  regularFirstName: string | null;
}

export function seriesStatusText(locale: Locale, s: CaregiverSeriesItem): string {
  if (s.status === 'taken') return t(locale, 'series.status.taken', { name: s.regularFirstName ?? '' });
  return t(locale, s.status === 'open' ? 'series.status.open' : 'series.status.released');
}

export type SeriesEditField = 'time' | 'durationMinutes';

/**
 * A new start time (same weekday) and duration for the visits still to come: the caregiver's own
 * series, or (viewer 'staff') a series of the staff member's centre, for a caregiver who phones in.
 */
export function seriesEditCard(
  ctx: CardContext,
  input: { seriesId: string; values: FormValues<SeriesEditField>; errors?: FormErrors<SeriesEditField>; viewer?: 'caregiver' | 'staff' },
): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<SeriesEditField>(locale, input.values, input.errors);
  const durations = DURATION_CHOICES.map((m) => ({ title: formatDuration(locale, m), value: String(m) }));
  return adaptiveCard(ctx, [
    heading(t(locale, 'series.editTitle')),
    text(t(locale, 'series.editIntro'), { isSubtle: true }),
    ...f.summary(),
    ...f.time('time', t(locale, 'request.time'), { required: true }),
    ...f.choice('durationMinutes', t(locale, 'request.duration'), durations, { required: true, invalidKey: 'error.duration' }),
  ], {
    fallbackText: t(locale, 'series.editTitle'),
    actions: [
      actionButton(channel, t(locale, 'series.editSubmit'), { action: input.viewer === 'staff' ? 'staff.series.edit.submit' : 'caregiver.series.edit.submit', seriesId: input.seriesId }, { style: 'positive' }),
      actionButton(channel, t(locale, 'common.cancel'), { action: 'menu.show' }),
    ],
  });
}

/**
 * The running series with «cancel every visit»: the caregiver's own, or (viewer 'staff') every series
 * of the staff member's centre — the same «new time» and cancel, under staff verbs.
 */
export function caregiverSeriesCard(ctx: CardContext, input: { series: readonly CaregiverSeriesItem[]; viewer?: 'caregiver' | 'staff' }): AdaptiveCard {
  const { locale, channel } = ctx;
  const staff = input.viewer === 'staff';
  const body: CardElement[] = [heading(t(locale, 'series.listTitle'))];
  for (const s of input.series) {
    body.push(container([
      text(`${s.groupLabel} · ${s.personFirstName}`, { weight: 'bolder' }),
      text(t(locale, 'series.ruleUntil', { rule: seriesRuleText(locale, { startsAt: s.nextStart, intervalWeeks: s.intervalWeeks }), last: formatDate(locale, s.lastVisit) }), { spacing: 'none' }),
      text(seriesStatusText(locale, s), { spacing: 'small' }),
      actionSet([
        actionButton(channel, t(locale, 'series.edit'), { action: staff ? 'staff.series.edit.start' : 'caregiver.series.edit.start', seriesId: s.seriesId }),
        // Not red here: it only asks; the question's «Ja, avlys» is the one red button.
        actionButton(channel, t(locale, 'series.cancelAll'), { action: staff ? 'staff.series.cancel' : 'caregiver.series.cancel', seriesId: s.seriesId }),
      ]),
    ], { separator: true, spacing: 'medium' }));
  }
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'series.listTitle') });
}
