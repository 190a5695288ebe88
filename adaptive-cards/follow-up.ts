// After the task: "Ble oppdraget gjennomført?" with three answers, each a small inline form behind
// its own button (Action.ShowCard), so the card itself stays three big buttons:
//   done     → hours spent              → assignment.done {hours}
//   not done → what happened            → assignment.notDone {reason}
//   concern  → what worries you         → concern.report {concern} (staff only, rule 7)
// Only public facts are shown: this card never needs the person's details.
// Every input id appears once in the whole card (Web Chat refuses a card with duplicate ids, and
// inputs in a ShowCard are gathered together with their parent card's).
import type { Locale, PublicRequestView } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, showCard, text } from './card.ts';
import { formKit, type FormErrors, type FormValues } from './form.ts';
import { formatDateTime, intlTagOf } from './format.ts';
import { t } from './texts.ts';

export type FollowUpField = 'hours' | 'reason' | 'concern';

export interface FollowUpCardInput {
  assignmentId: string;
  request: PublicRequestView;
  /** The interest group's label in the card's language. */
  groupLabel: string;
  /** Pre-fills "Timer brukt" (usually the planned duration in hours). */
  plannedHours: number;
  /** After a rejected submit: what was typed, and the errors (message keys) per field. */
  values?: FormValues<FollowUpField>;
  errors?: FormErrors<FollowUpField>;
}

export const HOURS_MIN = 0.25;
export const HOURS_MAX = 24;

/** Planned hours as a sensible default: nearest quarter hour, within 0.25–24. */
function defaultHours(planned: number): number {
  if (!Number.isFinite(planned)) return 1;
  return Math.min(HOURS_MAX, Math.max(HOURS_MIN, Math.round(planned * 4) / 4));
}

/** "1,5" / "1.5" — hours as people write them in the locale. */
export function formatHours(locale: Locale, hours: number): string {
  return new Intl.NumberFormat(intlTagOf(locale), { maximumFractionDigits: 2 }).format(hours);
}

export function followUpCard(ctx: CardContext, input: FollowUpCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const errors = input.errors ?? {};
  const f = formKit<FollowUpField>(locale, input.values, errors);
  const id = input.assignmentId;
  const r = input.request;

  interface Path {
    title: string;
    body: CardElement[];
    submit: CardActionJson;
  }
  const paths: Path[] = [
    {
      title: t(locale, 'followUp.done'),
      body: [
        ...f.number('hours', t(locale, 'followUp.hours'), {
          required: true,
          min: HOURS_MIN,
          max: HOURS_MAX,
          defaultValue: defaultHours(input.plannedHours),
          invalidKey: 'error.hours',
        }),
        text(t(locale, 'followUp.hoursHint'), { isSubtle: true, spacing: 'small' }),
      ],
      submit: actionButton(channel, t(locale, 'followUp.doneSubmit'), { action: 'assignment.done', assignmentId: id }, { style: 'positive' }),
    },
    {
      title: t(locale, 'followUp.notDone'),
      body: f.text('reason', t(locale, 'followUp.reason'), {
        required: true,
        multiline: true,
        maxLength: 300,
        placeholder: t(locale, 'followUp.reasonPlaceholder'),
      }),
      submit: actionButton(channel, t(locale, 'followUp.notDoneSubmit'), { action: 'assignment.notDone', assignmentId: id }),
    },
    {
      title: t(locale, 'followUp.concern'),
      body: [
        text(t(locale, 'followUp.concernPrivacy'), { weight: 'bolder' }),
        ...f.text('concern', t(locale, 'followUp.concernLabel'), { required: true, multiline: true, maxLength: 2000 }),
        text(t(locale, 'task.emergency'), { isSubtle: true, spacing: 'small' }),
      ],
      submit: actionButton(channel, t(locale, 'followUp.concernSubmit'), { action: 'concern.report', assignmentId: id }),
    },
  ];

  const body: CardElement[] = [
    heading(t(locale, 'followUp.title')),
    text(t(locale, 'followUp.intro')),
    facts([
      { title: t(locale, 'offer.what'), value: input.groupLabel },
      { title: t(locale, 'offer.where'), value: r.district },
      { title: t(locale, 'offer.when'), value: formatDateTime(locale, r.startsAt) },
    ]),
    ...f.summary(),
  ];
  // Each answer stays behind its own button even after a rejected submit (the summary above says
  // what to fix; the error sits under the field inside): an answer laid open in the card itself
  // would be gathered — and required — by the other two answers' buttons too.
  paths.forEach((p, i) => {
    body.push(actionSet([showCard(p.title, p.body, [p.submit])], { spacing: i === 0 ? 'medium' : 'default' }));
  });

  return adaptiveCard(ctx, body, {
    fallbackText: t(locale, 'followUp.summary', { what: input.groupLabel }),
  });
}

export interface FollowUpDoneInput {
  outcome: 'done' | 'not_done' | 'concern';
  /** Hours recorded, for outcome 'done'. */
  hours?: number;
}

/** The plain thank-you text for an answer — also the bot's text reply. */
export function followUpThanks(locale: Locale, input: FollowUpDoneInput): string {
  switch (input.outcome) {
    case 'done':
      if (input.hours === undefined || !Number.isFinite(input.hours)) return t(locale, 'followUp.thanksDone');
      return input.hours === 1 ? t(locale, 'followUp.thanksHoursOne') : t(locale, 'followUp.thanksHours', { hours: formatHours(locale, input.hours) });
    case 'not_done':
      return t(locale, 'followUp.thanksNotDone');
    case 'concern':
      return t(locale, 'followUp.thanksConcern');
  }
}

/** Replaces the follow-up card once answered: the thank-you, no buttons. */
export function followUpDoneCard(ctx: CardContext, input: FollowUpDoneInput): AdaptiveCard {
  const message = followUpThanks(ctx.locale, input);
  return adaptiveCard(ctx, [container([heading(message, { size: 'medium' })], { style: input.outcome === 'concern' ? 'emphasis' : 'good' })], {
    fallbackText: message,
  });
}
