// A plain message card: heading, text, optional "Meny" button. For confirmations and notices
// (e.g. t(locale, 'request.waitingConsent')) when a card reads better than a text reply.
import { actionButton, type ActionData } from './action.ts';
import type { AdaptiveCard, CardActionJson, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, container, heading, text } from './card.ts';
import { t } from './texts.ts';

export interface NoticeInput {
  /** Already translated (use t()). */
  title?: string;
  text: string | readonly string[];
  /** 'warning' gets an attention frame; the words must carry the meaning on their own. */
  tone?: 'info' | 'success' | 'warning';
  menuButton?: boolean;
  /** One button for what the notice invites, e.g. cancelling the visit it reminds of; `destructive`: the screen's one red button. */
  action?: { title: string; data: ActionData; destructive?: boolean };
  /**
   * More than one (e.g. confirm or cancel the visit), side by side where they fit. A built action
   * (e.g. caregiver.ts cancelVisitAction, which asks first) goes in as it is.
   */
  actions?: ReadonlyArray<{ title: string; data: ActionData } | CardActionJson>;
  /** A page elsewhere the notice sends people to (e.g. the police's application for a politiattest). */
  link?: { title: string; url: string };
}

export function noticeCard(ctx: CardContext, input: NoticeInput): AdaptiveCard {
  const { locale, channel } = ctx;
  const paragraphs = typeof input.text === 'string' ? [input.text] : input.text;
  const inner: CardElement[] = [];
  if (input.title) inner.push(heading(input.title, { size: 'medium' }));
  inner.push(...paragraphs.map((p) => text(p)));
  const style = input.tone === 'warning' ? 'attention' : input.tone === 'success' ? 'good' : undefined;
  const body: CardElement[] = style ? [container(inner, { style })] : inner;
  if (input.action) body.push(actionSet([actionButton(channel, input.action.title, input.action.data, input.action.destructive ? { style: 'destructive' } : undefined)], { spacing: 'medium' }));
  if (input.actions?.length) body.push(actionSet(input.actions.map((a) => ('type' in a ? a : actionButton(channel, a.title, a.data))), { spacing: 'medium' }));
  if (input.link) body.push(actionSet([{ type: 'Action.OpenUrl', title: input.link.title, url: input.link.url }], { spacing: 'medium' }));
  if (input.menuButton) body.push(actionSet([actionButton(channel, t(locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }));
  return adaptiveCard(ctx, body, { fallbackText: input.title ?? paragraphs[0] ?? '' });
}
