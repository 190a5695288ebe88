// A turn's replies to the Bot Connector: the same REST calls botbuilder's ConnectorClient makes
// (reply to an activity, send to a conversation, update an activity), over the keep-alive client the
// workers already send offers with (infra/connector.ts). The ConnectorClient goes through an Azure
// HTTP pipeline — model serializer, tracing, logging and proxy policies — that cost more CPU than
// the rest of a card's turn together (docs/benchmarks.md, issue 16). Signed with the turn's own
// credentials, sent only to the service URL the channel gate checked for this turn, and retried as
// the pipeline retried: a throttled reply waits as long as the channel asks (up to a few seconds),
// a failed or unanswered one is tried again soon after.
import type { Activity, ResourceResponse } from 'botbuilder';
import { activityUrl, connectorAgents, connectorRequest, SendError } from '../infra/connector.ts';

/** What signs a call: the turn's ConnectorClient's credentials (an app token, or our Direct Line key). */
export interface ReplyCredentials {
  signRequest(request: { headers: { set(name: string, value: string): void } }): Promise<unknown>;
}

const ATTEMPTS = 3;
/** A channel asking us to wait longer than this gets an error instead: the person is waiting for an answer. */
const LONGEST_WAIT_MS = 5_000;
const TIMEOUT_MS = 15_000;

export class TurnReplies {
  private readonly agents = connectorAgents();

  /** A new message in the turn's conversation; a reply to `replyToId` when it names one (a thread in a Teams channel). */
  async send(serviceUrl: string, credentials: ReplyCredentials, activity: Partial<Activity>): Promise<ResourceResponse> {
    const answer = await this.call('POST', activityUrl(serviceUrl, activity.conversation!.id, activity.replyToId), credentials, activity);
    return { id: answer.id ?? '' };
  }

  /** The message `activity.id` drawn again. */
  async update(serviceUrl: string, credentials: ReplyCredentials, activity: Partial<Activity>): Promise<ResourceResponse | undefined> {
    const answer = await this.call('PUT', activityUrl(serviceUrl, activity.conversation!.id, activity.id!), credentials, activity);
    return answer.id ? { id: answer.id } : undefined;
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }

  private async call(method: 'POST' | 'PUT', url: URL, credentials: ReplyCredentials, activity: Partial<Activity>): Promise<{ id?: string }> {
    const body = JSON.stringify(activity);
    for (let attempt = 1; ; attempt++) {
      // Signed for each try: a token that ran out while we waited is renewed by the credentials.
      const authorization = await authorizationFrom(credentials);
      try {
        return await connectorRequest(this.agents, { method, url, body, authorization, timeoutMs: TIMEOUT_MS });
      } catch (err) {
        const wait = attempt < ATTEMPTS ? waitBeforeRetry(err, attempt) : null;
        if (wait === null) throw err;
        await new Promise((ok) => setTimeout(ok, wait));
      }
    }
  }
}

/** The Authorization header the credentials set (none when running anonymously in development). */
async function authorizationFrom(credentials: ReplyCredentials): Promise<string | null> {
  let authorization: string | null = null;
  await credentials.signRequest({
    headers: {
      set(name, value) {
        if (name.toLowerCase() === 'authorization') authorization = value;
      },
    },
  });
  return authorization;
}

/** How long to wait before trying a failed call again, or null when trying again cannot help. */
export function waitBeforeRetry(err: unknown, attempt: number): number | null {
  if (!(err instanceof SendError)) return null;
  const { status } = err;
  // Throttled, or the service is briefly away: it says when to come back (or we guess a second).
  if (status === 429 || status === 503) {
    const ms = err.retryAfterMs ?? 1000 * attempt;
    return ms <= LONGEST_WAIT_MS ? ms : null;
  }
  // Our own timeout (504 from connectorRequest) already waited long; a 501 or 505 will not change.
  if (status === 408 || (status >= 500 && status !== 501 && status !== 504 && status !== 505)) return 500 * attempt;
  return null;
}
