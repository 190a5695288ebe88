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
}

export function staffChannelCard(ctx: CardContext, input: StaffChannelCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const linked = input.linkedCentreName !== null;
  const body: CardElement[] = [
    heading(t(locale, 'staffChannel.title'), { size: 'medium' }),
    text(linked ? t(locale, 'staffChannel.linked', { centre: input.linkedCentreName!, time: input.digestAt }) : t(locale, 'staffChannel.notLinked')),
    text(t(locale, 'staffChannel.newRequestHint'), { isSubtle: true, spacing: 'medium' }),
    actionSet(
      [
        linked
          ? actionButton(channel, t(locale, 'staffChannel.unlink'), { action: 'staff.channel.unlink' })
          : actionButton(channel, t(locale, 'staffChannel.link'), { action: 'staff.channel.link' }, { style: 'positive' }),
      ],
      { spacing: 'medium' },
    ),
  ];
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'staffChannel.title') });
}
