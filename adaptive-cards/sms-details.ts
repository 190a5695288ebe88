// The coordinator's switch for whether the assigned volunteer gets the name and address by SMS
// (never phone numbers or notes). Off unless chosen; each change is in the audit log.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext } from './card.ts';
import { actionSet, adaptiveCard, heading, text } from './card.ts';
import { t } from './texts.ts';

export function smsDetailsCard(ctx: CardContext, input: { on: boolean }): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'smsDetails.title')),
      text(t(locale, input.on ? 'smsDetails.on' : 'smsDetails.off'), { weight: 'bolder' }),
      text(t(locale, 'smsDetails.explain'), { isSubtle: true }),
      actionSet([
        actionButton(channel, t(locale, input.on ? 'smsDetails.turnOff' : 'smsDetails.turnOn'), { action: 'staff.smsDetails.set', on: !input.on }),
        actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }),
      ], { spacing: 'medium' }),
    ],
    { fallbackText: t(locale, 'smsDetails.title') },
  );
}
