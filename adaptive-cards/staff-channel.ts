// The staff channel card, posted in a Teams team channel: whether the channel is linked to the
// centre, what arrives there, and how to post a request from it. No person data: a team reads it.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, text } from './card.ts';
import { t } from './texts.ts';

export interface StaffChannelCardInput {
  /** The centre this channel is linked to (the viewer's own), or null when it is not linked. */
  linkedCentreName: string | null;
  /** «HH:mm», when the morning overview arrives. */
  digestAt: string;
  /** Teams refused the last post here: the link button comes back so staff can link it again. */
  unreachable?: boolean;
}

export function staffChannelCard(ctx: CardContext, input: StaffChannelCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const linked = input.linkedCentreName !== null;
  const relink = linked && input.unreachable === true;
  const body: CardElement[] = [
    heading(t(locale, 'staffChannel.title'), { size: 'medium' }),
    text(linked ? t(locale, 'staffChannel.linked', { centre: input.linkedCentreName!, time: input.digestAt }) : t(locale, 'staffChannel.notLinked')),
    ...(relink ? [text(t(locale, 'staffChannel.unreachableNote'), { color: 'warning' as const, spacing: 'medium' as const })] : []),
    text(t(locale, 'staffChannel.newRequestHint'), { isSubtle: true, spacing: 'medium' }),
    actionSet(
      [
        ...(!linked || relink ? [actionButton(channel, t(locale, 'staffChannel.link'), { action: 'staff.channel.link' }, { style: 'positive' })] : []),
        ...(linked ? [actionButton(channel, t(locale, 'staffChannel.unlink'), { action: 'staff.channel.unlink' })] : []),
      ],
      { spacing: 'medium' },
    ),
  ];
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'staffChannel.title') });
}

/**
 * Posted once when Dugnad is added to a team: what it does in a channel and the link button. The
 * whole team reads it, and whoever added the app may not be staff: nothing about anyone in it.
 */
export function staffChannelWelcomeCard(ctx: CardContext): AdaptiveCard {
  const { locale, channel } = ctx;
  const body: CardElement[] = [
    heading(t(locale, 'staffChannel.welcomeTitle'), { size: 'medium' }),
    text(t(locale, 'staffChannel.welcome')),
    text(t(locale, 'staffChannel.welcomeWho'), { spacing: 'medium' }),
    text(t(locale, 'staffChannel.newRequestHint'), { isSubtle: true, spacing: 'medium' }),
    actionSet([actionButton(channel, t(locale, 'staffChannel.link'), { action: 'staff.channel.link' }, { style: 'positive' })], { spacing: 'medium' }),
  ];
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'staffChannel.welcomeTitle') });
}
