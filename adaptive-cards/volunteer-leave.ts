// "Slutt som frivillig": a confirmation step before volunteer.leave.confirm.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext } from './card.ts';
import { adaptiveCard, heading, stackedButtons, text } from './card.ts';
import { t } from './texts.ts';

export function leaveConfirmCard(ctx: CardContext): AdaptiveCard {
  const { locale, channel } = ctx;
  return adaptiveCard(
    ctx,
    [
      heading(t(locale, 'leave.title')),
      text(t(locale, 'leave.text')),
      ...stackedButtons([
        actionButton(channel, t(locale, 'leave.confirm'), { action: 'volunteer.leave.confirm' }, { style: 'destructive' }),
        actionButton(channel, t(locale, 'leave.keep'), { action: 'menu.show' }),
      ]),
    ],
    { fallbackText: t(locale, 'leave.title') },
  );
}
