// The one place that turns "a button that does <verb>" into JSON for the client at hand:
// Teams gets Action.Execute (Universal Actions, adaptiveCard/action invoke), Web Chat gets
// Action.Submit (it does not support Action.Execute, BotFramework-WebChat issue 3844). Both carry
// the same `data` = { action, ...ids }, so the bot validates one shape (actions.ts).
import type { ActionVerb, CardAction } from './actions.ts';
import type { ActionStyle, AdaptiveCard, Channel, ExecuteAction, SubmitAction } from './card.ts';

/**
 * Fields that the client merges in from the card's inputs rather than the button's own data.
 * Form submits (`….submit`) are open objects: all their fields come from inputs.
 */
interface FieldsFromInputs {
  'assignment.cancel.submit': 'reason';
  'staff.volunteer.police': 'checkedOn';
  'staff.group.save': 'groupKey' | 'nameNb' | 'nameNn' | 'nameEn';
  'caregiver.signup.submit': 'name' | 'phone';
  'assignment.done': 'hours';
  'assignment.notDone': 'reason';
  'concern.report': 'concern';
  'caregiver.feedback': 'comment';
  'staff.police.save': 'validityYears' | 'requiredGroups';
}

type ActionOf<V extends ActionVerb> = Extract<CardAction, { action: V }>;

/** What a button itself carries: the verb plus ids, without the values its inputs supply. */
export type ActionData = {
  [V in ActionVerb]: V extends keyof FieldsFromInputs ? Omit<ActionOf<V>, FieldsFromInputs[V]> : ActionOf<V>;
}[ActionVerb];

/** Verbs whose button must send (and client-validate) the card's inputs. */
const VERBS_WITH_INPUTS: ReadonlySet<ActionVerb> = new Set<ActionVerb>([
  'volunteer.signup.submit',
  'staff.person.submit',
  'staff.request.submit',
  'assignment.cancel.submit',
  'staff.volunteer.police',
  'staff.group.save',
  'caregiver.signup.submit',
  'caregiver.person.submit',
  'caregiver.request.submit',
  'assignment.done',
  'assignment.notDone',
  'concern.report',
  'caregiver.feedback',
  'caregiver.series.edit.submit',
  'staff.series.edit.submit',
  'staff.police.save',
  'self.signup.submit',
  'self.request.submit',
]);

export function verbTakesInputs(verb: ActionVerb): boolean {
  return VERBS_WITH_INPUTS.has(verb);
}

export interface ActionOptions {
  style?: ActionStyle;
  id?: string;
}

/**
 * A button for `channel`. Only the form-submitting verbs send the card's inputs
 * (associatedInputs "auto"); every other button sends none, so "Avbryt" or "Meny" on a
 * half-filled form is never blocked by required-field validation and never leaks input values.
 */
export function actionButton(
  channel: Channel,
  title: string,
  data: ActionData,
  opts: ActionOptions = {},
): ExecuteAction | SubmitAction {
  const payload: ExecuteAction['data'] = { ...data };
  const associatedInputs = verbTakesInputs(data.action) ? 'auto' : 'none';
  const base = channel === 'teams'
    ? ({ type: 'Action.Execute', title, verb: data.action, data: payload, associatedInputs } satisfies ExecuteAction)
    : ({ type: 'Action.Submit', title, data: payload, associatedInputs } satisfies SubmitAction);
  const action: ExecuteAction | SubmitAction = { ...base };
  if (opts.style) action.style = opts.style;
  if (opts.id) action.id = opts.id;
  return action;
}

/**
 * Teams' user-specific view (Universal Actions) of a public card: the clients of `userIds` ask the bot
 * with `data` for their own view in place of the card, which itself stays public — the bot answers
 * only after checking who asks. Returns the same request as a button (for a client that did not
 * refresh by itself) and a function that puts the refresh on the built card; null outside Teams or
 * without users.
 */
export function userSpecificView(
  channel: Channel,
  title: string,
  data: ActionData,
  userIds: readonly string[] | undefined,
): { button: ExecuteAction | SubmitAction; apply: (card: AdaptiveCard) => AdaptiveCard } | null {
  if (channel !== 'teams' || !userIds || userIds.length === 0) return null;
  const button = actionButton(channel, title, data);
  return {
    button,
    apply: (card) => {
      // Teams allows at most 60 user-specific views per card.
      if (button.type === 'Action.Execute') card.refresh = { action: button, userIds: [...userIds].slice(0, 60) };
      return card;
    },
  };
}
