// «Send meg oppdrag i: Teams / nettchat / der jeg sist var» — for someone we can reach in both
// Teams and web chat, shown on their status card.
import type { ChannelChoice } from '../domain/types.ts';
import { actionButton } from './action.ts';
import type { CardContext, CardElement } from './card.ts';
import { actionSet, subheading, text } from './card.ts';
import { t, type MessageKey } from './texts.ts';

const LABEL: Record<ChannelChoice, MessageKey> = { teams: 'channelChoice.teams', webchat: 'channelChoice.webchat', last: 'channelChoice.last' };

export function channelChoiceLabel(ctx: CardContext, choice: ChannelChoice): string {
  return t(ctx.locale, LABEL[choice]);
}

export function channelChoiceElements(ctx: CardContext, current: ChannelChoice): CardElement[] {
  const choices: ChannelChoice[] = ['teams', 'webchat', 'last'];
  return [
    subheading(t(ctx.locale, 'channelChoice.heading')),
    text(t(ctx.locale, 'channelChoice.current', { choice: channelChoiceLabel(ctx, current) }), { spacing: 'small' }),
    actionSet(
      choices
        .filter((c) => c !== current)
        .map((c) => actionButton(ctx.channel, channelChoiceLabel(ctx, c), { action: 'volunteer.channel', preferredChannel: c })),
      { spacing: 'small' },
    ),
  ];
}
