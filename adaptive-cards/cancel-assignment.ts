// "Avlys": asks the volunteer why (required), then submits assignment.cancel.submit.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { adaptiveCard, facts, heading, stackedButtons, text } from './card.ts';
import { formatDateTime } from './format.ts';
import { formKit, type FormErrors, type FormValues } from './form.ts';
import { t } from './texts.ts';

export type CancelAssignmentField = 'reason';

export interface CancelAssignmentInput {
  assignmentId: string;
  /** Shown so the volunteer knows which task this is. */
  groupLabel?: string;
  startsAt?: Date;
  values?: FormValues<CancelAssignmentField>;
  errors?: FormErrors<CancelAssignmentField>;
}

export function cancelAssignmentCard(ctx: CardContext, input: CancelAssignmentInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const f = formKit<CancelAssignmentField>(locale, input.values, input.errors);
  const reason = f.text('reason', t(locale, 'cancel.reason'), {
    required: true,
    multiline: true,
    maxLength: 300,
    placeholder: t(locale, 'cancel.reasonPlaceholder'),
  });
  const body: CardElement[] = [heading(t(locale, 'cancel.title'))];
  const what = [
    input.groupLabel ? { title: t(locale, 'offer.what'), value: input.groupLabel } : null,
    input.startsAt ? { title: t(locale, 'offer.when'), value: formatDateTime(locale, input.startsAt) } : null,
  ];
  if (what.some(Boolean)) body.push(facts(what));
  body.push(
    text(t(locale, 'cancel.intro')),
    ...f.summary(),
    ...reason,
    ...stackedButtons([
      actionButton(channel, t(locale, 'cancel.submit'), { action: 'assignment.cancel.submit', assignmentId: input.assignmentId }, { style: 'destructive' }),
      actionButton(channel, t(locale, 'common.back'), { action: 'tasks.mine' }),
    ]),
  );
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'cancel.title') });
}
