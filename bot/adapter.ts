// The Bot Framework adapter. Credentials come from config; empty credentials mean anonymous
// (development only — config refuses that in production).
import { CloudAdapter, ConfigurationBotFrameworkAuthentication, type TurnContext } from 'botbuilder';
import type { Config } from '../infra/config.ts';
import type { Logger } from '../infra/log.ts';
import { t } from '../adaptive-cards/texts.ts';
import { localeOf } from './turn-context.ts';

export function createAdapter(config: Config, log: Logger): CloudAdapter {
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: config.MicrosoftAppId,
    MicrosoftAppPassword: config.MicrosoftAppPassword,
    MicrosoftAppType: config.MicrosoftAppType,
    MicrosoftAppTenantId: config.MicrosoftAppTenantId,
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The user gets a kind sentence; the log gets the error without message text or names.
    log.error({ err: { name: error.name, message: error.message, stack: error.stack }, activityType: context.activity.type, channelId: context.activity.channelId }, 'turn failed');
    await context.sendActivity(t(localeOf(context.activity), 'error.unexpected')).catch(() => undefined);
  };
  return adapter;
}
