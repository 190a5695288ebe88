// The Bot Framework adapter. Credentials come from config; empty credentials mean anonymous
// (development only — config refuses that in production). Requests are authenticated by the channel
// gate (auth.ts) before they get here, so the adapter runs turns from an already-validated result
// instead of validating the token a second time.
import { CloudAdapter, type Activity, type InvokeResponse, type ResourceResponse, type TurnContext } from 'botbuilder';
import { TurnReplies, type ReplyCredentials } from './turn-replies.ts';
import type { Logger } from '../infra/log.ts';
import { t } from '../adaptive-cards/texts.ts';
import { localeOf } from './turn-context.ts';
import type { AuthenticateRequestResult, ChannelAuthentication } from './auth.ts';

export class DugnadAdapter extends CloudAdapter {
  /** How this adapter's messages reach the Bot Connector (bot/turn-replies.ts). */
  readonly replies = new TurnReplies();

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

  /** As CloudAdapterBase sends them, but messages go through TurnReplies; a delay, an invoke response and a trace stay botbuilder's. */
  override async sendActivities(context: TurnContext, activities: Array<Partial<Activity>>): Promise<ResourceResponse[]> {
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      if (activity.type === 'delay' || activity.type === 'invokeResponse' || activity.type === 'trace') {
        responses.push(...(await super.sendActivities(context, [activity])));
        continue;
      }
      delete activity.id;
      responses.push(await this.replies.send(context.activity.serviceUrl, this.credentialsOf(context), activity));
    }
    return responses;
  }

  override async updateActivity(context: TurnContext, activity: Partial<Activity>): Promise<ResourceResponse | void> {
    return this.replies.update(context.activity.serviceUrl, this.credentialsOf(context), activity);
  }

  /**
   * The credentials of the turn's ConnectorClient, made for the service URL the channel gate checked
   * (bot/auth.ts). The replies go to that URL, whatever an outgoing activity says.
   */
  private credentialsOf(context: TurnContext): ReplyCredentials {
    const client = context.turnState.get<{ credentials?: ReplyCredentials } | undefined>(this.ConnectorClientKey);
    if (!client?.credentials) throw new Error('Unable to extract ConnectorClient from turn context.');
    return client.credentials;
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
