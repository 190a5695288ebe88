// The confidentiality declaration (taushetserklæring) and its signing button.
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { actionButton } from './action.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement } from './card.ts';
import { adaptiveCard, heading, stackedButtons, text } from './card.ts';
import { t, type MessageKey } from './texts.ts';

/**
 * The text is 'declaration.*' in texts.ts; its version is domain/declaration.ts'
 * CURRENT_DECLARATION_VERSION. Changing the wording in substance means bumping that number, so
 * every volunteer signs the new text (only the current version lets a volunteer receive offers).
 */

const POINTS: readonly MessageKey[] = [
  'declaration.point1',
  'declaration.point2',
  'declaration.point3',
  'declaration.point4',
  'declaration.point5',
  'declaration.point6',
];

export interface DeclarationCardInput {
  /** The version this volunteer has signed, if any. */
  signedVersion: number | null;
}

export function declarationCard(ctx: CardContext, input: DeclarationCardInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const version = CURRENT_DECLARATION_VERSION;
  const signedCurrent = input.signedVersion !== null && input.signedVersion >= version;
  const signedOlder = input.signedVersion !== null && input.signedVersion < version;

  const body: CardElement[] = [
    heading(t(locale, 'declaration.title')),
    text(t(locale, 'declaration.version', { version }), { isSubtle: true, spacing: 'none' }),
  ];
  if (signedOlder) body.push(text(t(locale, 'declaration.newVersion'), { color: 'attention', weight: 'bolder' }));
  body.push(
    text(t(locale, 'declaration.intro'), { weight: 'bolder' }),
    ...POINTS.map((key) => text(`• ${t(locale, key)}`, { spacing: 'small' })),
    text(t(locale, 'declaration.outro'), { spacing: 'medium' }),
  );

  const actions: CardActionJson[] = [];
  if (signedCurrent) {
    body.push(text(t(locale, 'declaration.signed'), { color: 'good', weight: 'bolder', spacing: 'medium' }));
  } else {
    actions.push(actionButton(channel, t(locale, 'declaration.sign'), { action: 'declaration.sign', version }, { style: 'positive' }));
  }
  actions.push(actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' }));
  body.push(...stackedButtons(actions));
  return adaptiveCard(ctx, body, { fallbackText: t(locale, 'declaration.title') });
}
