// «Språk»: the person's own language, and for staff the written standard their centre uses for
// everyone who has not chosen (the municipality's language decision). Each language is named in
// itself, so someone who cannot read the current one still finds theirs.
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, text } from './card.ts';
import { t } from './texts.ts';
import type { Locale } from '../domain/types.ts';

export interface LanguageInput {
  current: Locale;
  /** Staff: their centre's written standard, which they may change. */
  centre?: { locale: 'nb' | 'nn' };
}

const CHOICES: readonly Locale[] = ['nb', 'nn', 'en'];

export function languageCard(ctx: CardContext, input: LanguageInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const name = (l: Locale) => t(locale, `locale.${l}`);
  const body: CardElement[] = [
    heading(t(locale, 'language.title')),
    text(t(locale, 'language.intro')),
    text(t(locale, 'language.current', { language: name(input.current) }), { weight: 'bolder' }),
    ...CHOICES.filter((l) => l !== input.current).map((l) => actionSet([actionButton(channel, name(l), { action: 'language.choose', locale: l })])),
  ];
  if (input.centre) {
    const other = input.centre.locale === 'nb' ? 'nn' : 'nb';
    body.push(
      heading(t(locale, 'language.centreTitle'), { size: 'medium' }),
      text(t(locale, 'language.centreIntro')),
      text(t(locale, 'language.current', { language: name(input.centre.locale) }), { weight: 'bolder' }),
      actionSet([actionButton(channel, name(other), { action: 'staff.language.save', locale: other })]),
    );
  }
  body.push(actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'language.title') });
}
