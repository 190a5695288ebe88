// «Varsle meg»: the web chat's push notifications, on «Min status», after sign-up and in the
// caregiver's menu. The buttons are ordinary submits; the web page catches «Varsle meg» first to ask
// the browser for permission (which needs the tap itself) and register this device, then lets it
// through with the outcome (bot/static/webchat-app.js).
import { actionButton } from './action.ts';
import type { PushEnableResult } from './actions.ts';
import type { AdaptiveCard, CardContext, CardElement } from './card.ts';
import { actionSet, adaptiveCard, heading, subheading, text } from './card.ts';
import { t, type MessageKey } from './texts.ts';


const RESULT_TEXT: Record<PushEnableResult, MessageKey> = {
  on: 'pushSettings.enabled',
  denied: 'pushSettings.denied',
  install: 'pushSettings.install',
  unsupported: 'pushSettings.unsupported',
  failed: 'pushSettings.failed',
};

/** The section on another card (Min status): on with how many devices, or the offer to turn it on. */
export function pushSettingsElements(ctx: CardContext, devices: number, asHeading = false): CardElement[] {
  const { locale, channel } = ctx;
  const title = asHeading ? heading(t(locale, 'pushSettings.title'), { size: 'medium' }) : subheading(t(locale, 'pushSettings.title'));
  return [
    title,
    text(devices > 0 ? t(locale, 'pushSettings.on', { count: devices }) : t(locale, 'pushSettings.off'), { spacing: 'small' }),
    text(t(locale, 'pushSettings.privacy'), { isSubtle: true, spacing: 'small' }),
    actionSet(
      [
        actionButton(channel, t(locale, 'pushSettings.enable'), { action: 'push.enable' }, { style: devices > 0 ? 'default' : 'positive' }),
        ...(devices > 0 ? [actionButton(channel, t(locale, 'pushSettings.disable'), { action: 'push.disable' })] : []),
      ],
      { spacing: 'small' },
    ),
  ];
}

/** The card on its own (caregiver's menu, after sign-up), or with the outcome of a tap on top. */
export function pushSettingsCard(ctx: CardContext, input: { devices: number; result?: PushEnableResult | 'off' }): AdaptiveCard {
  const body: CardElement[] = [];
  if (input.result) {
    const key = input.result === 'off' ? 'pushSettings.disabled' : RESULT_TEXT[input.result];
    body.push(text(t(ctx.locale, key), { weight: 'bolder', color: input.result === 'on' || input.result === 'off' ? 'good' : 'attention' }));
  }
  body.push(...pushSettingsElements(ctx, input.devices, !input.result));
  body.push(actionSet([actionButton(ctx.channel, t(ctx.locale, 'common.menu'), { action: 'menu.show' })], { spacing: 'medium' }));
  return adaptiveCard(ctx, body, { fallbackText: t(ctx.locale, 'pushSettings.title') });
}
