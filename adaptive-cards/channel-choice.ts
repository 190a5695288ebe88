// «Send meg oppdrag i: Teams / nettchat / SMS / der jeg sist var», and whether SMS is on as a fallback,
// on the volunteer's status card. The other channels are tried in order when the first fails.
import type { ChannelChoice } from '../domain/types.ts';
import type { ChannelKind } from '../domain/channels.ts';
import { actionButton } from './action.ts';
import type { CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, subheading, text, type AdaptiveCard } from './card.ts';
import { t, type MessageKey } from './texts.ts';

const LABEL: Record<ChannelChoice, MessageKey> = { teams: 'channelChoice.teams', webchat: 'channelChoice.webchat', sms: 'channelChoice.sms', last: 'channelChoice.last' };

export function channelChoiceLabel(ctx: Pick<CardContext, 'locale'>, choice: ChannelChoice): string {
  return t(ctx.locale, LABEL[choice]);
}

export interface ChannelChoiceInput {
  current: ChannelChoice;
  /** The chats (Teams, web chat) they can be reached in now. */
  chats: readonly ChannelKind[];
  /** SMS to their number: on, off, stopped by STOPP, or no mobile number; null when this server sends no SMS. */
  sms: 'on' | 'off' | 'stopped' | 'noPhone' | null;
  /** Their number as people write it, for the SMS line. */
  phone: string | null;
  /** A caregiver or a person helped: their notices, not offers of tasks, are what goes there. */
  asker?: boolean;
}

/** Whether there is anything to choose: two chats, or SMS besides a chat. */
export function hasChannelChoice(input: ChannelChoiceInput): boolean {
  return input.chats.length > 1 || input.sms !== null;
}

export function channelChoiceElements(ctx: CardContext, input: ChannelChoiceInput): CardElement[] {
  const smsPossible = input.sms !== null && input.sms !== 'noPhone';
  const choices = (['teams', 'webchat', 'sms', 'last'] as const).filter((c) =>
    c === 'sms' ? smsPossible : c === 'last' ? input.chats.length + (smsPossible ? 1 : 0) > 1 : input.chats.includes(c),
  );
  const elements: CardElement[] = [
    subheading(t(ctx.locale, input.asker ? 'channelChoice.askerHeading' : 'channelChoice.heading')),
    text(t(ctx.locale, 'channelChoice.current', { choice: channelChoiceLabel(ctx, input.current) }), { spacing: 'small' }),
  ];
  const buttons = choices.filter((c) => c !== input.current).map((c) => actionButton(ctx.channel, channelChoiceLabel(ctx, c), { action: 'volunteer.channel', preferredChannel: c }));
  if (input.sms !== null) {
    const phone = input.phone ?? '';
    const line: MessageKey =
      input.sms === 'on' ? (input.current === 'sms' ? (input.asker ? 'channelChoice.askerSmsOnPreferred' : 'channelChoice.smsOnPreferred') : 'channelChoice.smsOnFallback')
        : input.sms === 'stopped' ? 'channelChoice.smsStopped'
          : input.sms === 'noPhone' ? 'channelChoice.noPhone'
            : 'channelChoice.smsOff';
    elements.push(text(t(ctx.locale, line, { phone }), { spacing: 'small' }));
    if (input.sms === 'on') buttons.push(actionButton(ctx.channel, t(ctx.locale, 'channelChoice.smsTurnOff'), { action: 'volunteer.sms', on: false }));
    else if (input.sms === 'off' && input.current !== 'sms') buttons.push(actionButton(ctx.channel, t(ctx.locale, 'channelChoice.smsTurnOn'), { action: 'volunteer.sms', on: true }));
  }
  if (buttons.length) elements.push(actionSet(buttons, { spacing: 'small' }));
  return elements;
}

/** A caregiver's or person helped's «SMS og varsler»: where their notices go, and SMS on or off. */
export function askerChannelsCard(ctx: CardContext, input: ChannelChoiceInput, extra: readonly CardElement[] = []): AdaptiveCard {
  return adaptiveCard(
    ctx,
    [heading(t(ctx.locale, 'channelChoice.askerTitle')), ...channelChoiceElements(ctx, { ...input, asker: true }), ...extra, actionSet([actionButton(ctx.channel, t(ctx.locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' })],
    { fallbackText: t(ctx.locale, 'channelChoice.askerTitle') },
  );
}
