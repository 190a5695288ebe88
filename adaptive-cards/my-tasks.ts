// "Mine oppdrag": the volunteer's upcoming tasks, compact, each with its details, a call button and
// a cancel button — or a friendly empty state. Shows private details: only for the assigned
// volunteer, and the caller records the reveal.
import type { PrivateRequestDetails, PublicRequestView } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement, Fact } from './card.ts';
import { actionSet, adaptiveCard, container, facts, heading, markPrivate, stackedButtons, subheading, text } from './card.ts';
import { formatDateTime, formatDuration, formatWindow } from './format.ts';
import { FLAG_SEPARATOR, requestFlags } from './request-view.ts';
import { callActions, privateFacts } from './task-details.ts';
import { t } from './texts.ts';

export interface MyTaskItem {
  assignmentId: string;
  request: PublicRequestView;
  details: PrivateRequestDetails;
  groupLabel: string;
}

export interface MyTasksInput {
  /** Upcoming tasks, soonest first (the caller sorts and filters). */
  tasks: readonly MyTaskItem[];
}

export function myTasksCard(ctx: CardContext, input: MyTasksInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const body: CardElement[] = [heading(t(locale, 'myTasks.title'))];
  if (input.tasks.length === 0) body.push(text(t(locale, 'myTasks.empty')));

  input.tasks.forEach((task, i) => {
    const { request, details } = task;
    const list: Fact[] = [
      { title: t(locale, 'offer.when'), value: formatDateTime(locale, request.startsAt) },
      { title: t(locale, 'offer.duration'), value: formatDuration(locale, request.durationMinutes) },
    ];
    if (request.flexibleUntil) list.push({ title: t(locale, 'offer.flexible'), value: formatWindow(locale, request.startsAt, request.flexibleUntil) });
    const items: CardElement[] = [subheading(task.groupLabel, { spacing: 'none' })];
    const flags = requestFlags(locale, request);
    if (flags.length > 0) items.push(text(flags.join(FLAG_SEPARATOR), { weight: 'bolder', spacing: 'small' }));
    items.push(facts(list), markPrivate('facts', task.assignmentId, facts(privateFacts(locale, details), { spacing: 'none' })), text(request.summary, { spacing: 'small' }));
    if (details.handoverNote) items.push(markPrivate('note', task.assignmentId, text(`${t(locale, 'task.handoverNote')}: ${details.handoverNote}`, { spacing: 'small', isSubtle: true })));
    items.push(
      ...stackedButtons([
        ...callActions(locale, details).slice(0, 1),
        actionButton(channel, t(locale, 'task.cancel'), { action: 'assignment.cancel.start', assignmentId: task.assignmentId }, { style: 'destructive' }),
      ]),
    );
    body.push(container(items, { separator: i > 0, spacing: 'large' }));
  });

  if (input.tasks.length > 0) body.push(text(t(locale, 'task.confidential'), { isSubtle: true, spacing: 'large' }));
  body.push(actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'myTasks.title') });
}
