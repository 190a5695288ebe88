// The reminder the assigned volunteer gets before a task: when, what and for whom, the public and
// private facts (rule 3: they are the assigned volunteer's already), and — when the centre asks for
// it — "Jeg kommer" / "Kan ikke likevel". Once confirmed, the card says so instead of asking.
import { tz } from '@date-fns/tz';
import { differenceInCalendarDays } from 'date-fns';
import type { Locale, PrivateRequestDetails, PublicRequestView } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement } from './card.ts';
import { adaptiveCard, heading, markPrivate, stackedButtons, text } from './card.ts';
import { formatDateTime, formatTime } from './format.ts';
import { callActions, taskBody } from './task-details.ts';
import { t } from './texts.ts';
import { TIME_ZONE } from '../domain/time-zone.ts';

export interface ReminderCardInput {
  assignmentId: string;
  request: PublicRequestView;
  details: PrivateRequestDetails;
  /** The interest group's label in the card's language. */
  groupLabel: string;
  /** How long before the start this reminder goes out; decides "i dag" / "i morgen". */
  hoursBefore: number;
  /** Ask the volunteer to confirm ("Jeg kommer"). */
  askConfirmation: boolean;
  /** The volunteer has already confirmed: show a thank-you line instead of the question. */
  confirmed: boolean;
}

const inOslo = tz(TIME_ZONE);

/**
 * When the task starts, as seen at the moment the reminder is sent (`hoursBefore` before the start):
 * "i dag kl. 14:00", "i morgen kl. 14:00", otherwise "tirsdag 1. desember kl. 14:00".
 * Also for the activity summary: t(locale, 'reminder.summary', { what: groupLabel, when }).
 */
export function reminderWhen(locale: Locale, startsAt: Date, hoursBefore: number): string {
  const sentAt = new Date(startsAt.getTime() - Math.max(0, hoursBefore) * 3_600_000);
  const days = differenceInCalendarDays(startsAt, sentAt, { in: inOslo });
  if (days === 0) return t(locale, 'reminder.today', { time: formatTime(startsAt) });
  if (days === 1) return t(locale, 'reminder.tomorrow', { time: formatTime(startsAt) });
  return formatDateTime(locale, startsAt);
}

export function reminderCard(ctx: CardContext, input: ReminderCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const { request, details } = input;
  const when = reminderWhen(locale, request.startsAt, input.hoursBefore);

  const body: CardElement[] = [
    // The heading names the person: marked, so a channel that may not carry names shows the summary instead.
    markPrivate('title', input.assignmentId, heading(t(locale, 'reminder.title', { when, what: input.groupLabel, name: details.personName }))),
    ...taskBody(locale, request, details, input.groupLabel, input.assignmentId),
  ];

  const ask = input.askConfirmation && !input.confirmed;
  if (input.confirmed) {
    // Said in words; the colour only repeats it.
    body.push(text(t(locale, 'reminder.confirmed'), { color: 'good', weight: 'bolder', size: 'medium', spacing: 'medium' }));
  } else if (ask) {
    body.push(text(t(locale, 'reminder.confirmQuestion'), { weight: 'bolder', spacing: 'medium' }));
  }
  body.push(
    text(t(locale, 'task.confidential'), { isSubtle: true, spacing: 'medium' }),
    text(t(locale, 'task.emergency'), { isSubtle: true, spacing: 'small' }),
  );

  // One button per row (large touch targets): the answer first, then the phone numbers.
  const buttons: CardActionJson[] = [];
  if (ask) {
    buttons.push(actionButton(channel, t(locale, 'reminder.confirm'), { action: 'assignment.confirm', assignmentId: input.assignmentId }, { style: 'positive' }));
  }
  // "Kan ikke likevel" stays available after confirming too: plans change, and saying so early helps.
  buttons.push(actionButton(channel, t(locale, 'reminder.cantCome'), { action: 'assignment.cancel.start', assignmentId: input.assignmentId }));
  buttons.push(...callActions(locale, details));
  body.push(...stackedButtons(buttons));

  // The fallback text can surface in notifications: no name there.
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'reminder.summary', { what: input.groupLabel, when }) });
}
