// The Bot Framework adapter. Credentials come from config; empty credentials mean anonymous
// (development only — config refuses that in production). Requests are authenticated by the channel
// gate (auth.ts) before they get here, so the adapter runs turns from an already-validated result
// instead of validating the token a second time.
import { CloudAdapter, type Activity, type InvokeResponse, type TurnContext } from 'botbuilder';
import type { Logger } from '../infra/log.ts';
import { t } from '../adaptive-cards/texts.ts';
import { localeOf } from './turn-context.ts';
import type { AuthenticateRequestResult, ChannelAuthentication } from './auth.ts';

export class DugnadAdapter extends CloudAdapter {
  /**
   * Runs the turn for an activity the gate has authenticated. CloudAdapterBase.processActivity takes
   * an AuthenticateRequestResult for exactly this (botbuilder's streaming path uses it).
   */
  runAuthenticated(auth: AuthenticateRequestResult, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    // What CloudAdapter.process does to a body before a turn: timestamps become Dates.
    const a = activity as Activity & Record<string, unknown>;
    for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp'], ['expiration', 'rawExpiration']] as const) {
      if (typeof a[field] === 'string') {
        a[raw] = a[field];
        a[field] = new Date(a[field] as string);
      }
    }
    return this.processActivity(auth, activity, logic);
  }
}

export function createAdapter(auth: ChannelAuthentication, log: Logger): DugnadAdapter {
  const adapter = new DugnadAdapter(auth);
  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    // The user gets a kind sentence; the log gets the error without message text or names.
    // A database error's message (and the stack's first line, which repeats it) can quote the values
    // it failed on: keep the name, the SQLSTATE and the frames.
    const frames = (error.stack ?? '').split('\n').filter((line) => line.trimStart().startsWith('at ')).join('\n');
    log.error({ err: { name: error.name, code: (error as { code?: unknown }).code, frames }, activityType: context.activity.type, channelId: context.activity.channelId }, 'turn failed');
    await context.sendActivity(t(localeOf(context.activity), 'error.unexpected')).catch(() => undefined);
  };
  return adapter;
}
