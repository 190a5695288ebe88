// «Min innsats»: what the volunteer has given this year, with thanks — and the switch for milestone messages.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext } from './card.ts';
import { actionSet, adaptiveCard, facts, heading, text } from './card.ts';
import { formatHours } from './follow-up.ts';
import { t } from './texts.ts';

export interface ContributionCardInput {
  tasksThisYear: number;
  hoursThisYear: number;
  tasksInAll: number;
  hoursInAll: number;
  milestoneMessages: boolean;
}

export function contributionCard(ctx: CardContext, input: ContributionCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'contribution.title')),
      facts([
        { title: t(locale, 'contribution.thisYear'), value: t(locale, 'contribution.tasksHours', { tasks: input.tasksThisYear, hours: formatHours(locale, input.hoursThisYear) }) },
        { title: t(locale, 'contribution.inAll'), value: t(locale, 'contribution.tasksHours', { tasks: input.tasksInAll, hours: formatHours(locale, input.hoursInAll) }) },
      ]),
      text(t(locale, input.tasksInAll > 0 ? 'contribution.thanks' : 'contribution.none')),
      actionSet([
        actionButton(channel, t(locale, input.milestoneMessages ? 'contribution.milestonesOff' : 'contribution.milestonesOn'), { action: 'volunteer.milestones', on: !input.milestoneMessages }),
      ]),
      actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })]),
    ],
    { fallbackText: t(locale, 'contribution.title') },
  );
}
