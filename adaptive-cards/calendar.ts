// «Kalender»: subscribe to one's own tasks (a volunteer) or the centre's requests (staff) in any
// calendar app. The link is shown once, when it is made; making a new one stops the old.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, text } from './card.ts';
import { formatDateWithYear } from './format.ts';
import { t } from './texts.ts';

export interface CalendarCardInput {
  kind: 'volunteer' | 'centre';
  /** When the live link was made; null when there is none. */
  existingSince: Date | null;
  /** Just made: the only time it is shown. */
  url?: { https: string; webcal: string };
}

export function calendarCard(ctx: CardContext, input: CalendarCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const body: CardElement[] = [heading(t(locale, input.url ? 'calendar.linkTitle' : 'calendar.title'))];
  if (input.url) {
    body.push(
      text(t(locale, 'calendar.linkText')),
      text(input.url.https, { weight: 'bolder' }),
      actionSet([{ type: 'Action.OpenUrl', title: t(locale, 'calendar.open'), url: input.url.webcal }], { spacing: 'medium' }),
    );
  } else {
    body.push(text(t(locale, input.kind === 'volunteer' ? 'calendar.intro' : 'calendar.introCentre')));
    if (input.existingSince) body.push(text(t(locale, 'calendar.exists', { date: formatDateWithYear(locale, input.existingSince) }), { isSubtle: true }));
    const fresh = input.existingSince === null;
    body.push(actionSet([actionButton(channel, t(locale, fresh ? 'calendar.create' : 'calendar.reset'), { action: 'calendar.create' }, { style: fresh ? 'positive' : 'default' })], { spacing: 'medium' }));
    if (!fresh) body.push(text(t(locale, 'calendar.resetHint'), { isSubtle: true, spacing: 'small' }));
  }
  body.push(actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })]));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'calendar.title') });
}
