// Sends to the Bot Connector REST API (POST/PUT /v3/conversations/…): the workers' proactive sends of
// offers and updates (the Messenger), and the bot's replies within a turn (bot/turn-replies.ts, over
// connectorRequest). The thin, pooled HTTP client a fan-out and a burst of turns need: keep-alive
// agents, no per-send client construction; botbuilder still runs the turns.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { ConversationRef } from './identities.ts';

export interface OutgoingActivity {
  type?: 'message';
  text?: string;
  attachments?: Array<{ contentType: string; content: unknown }>;
  summary?: string;
  locale?: string;
}

/**
 * An activity already serialized: its fields as the text of one JSON object. A wave's slice renders its
 * offer card once and only splices each offer's id into the text (jobs/offer-slices.ts), instead of
 * parsing and serializing the same card again for every volunteer.
 */
export interface SerializedActivity {
  readonly json: string;
}

export interface Messenger {
  send(ref: ConversationRef, activity: OutgoingActivity | SerializedActivity): Promise<{ id: string }>;
  update(ref: ConversationRef, activityId: string, activity: OutgoingActivity): Promise<void>;
  close(): void;
}

/**
 * A failed send. `final` means retrying cannot help this recipient (403 blocked, 404 gone, 400).
 * A 401 is never final: it says our own credentials were refused (a rotated or expired secret), which
 * is true of every send at once and is fixed on our side — the recipient is not at fault.
 */
export class SendError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs: number | null,
    /** Who answered: the Bot Connector, or the SMS gateway (jobs/reach.ts) — whose 429 is not the tenant's budget. */
    readonly from: 'connector' | 'sms' = 'connector',
  ) {
    super(`connector answered ${status}`);
  }
  get final(): boolean {
    return this.status === 400 || this.status === 403 || this.status === 404;
  }
  get rateLimited(): boolean {
    return this.status === 429;
  }
  /** Our authentication failed: the connector refused our token, or no token could be had. */
  get authFailed(): boolean {
    return this.status === 401;
  }
}

export interface TokenProvider {
  /** Bearer token for the connector, or null when running anonymously (development). */
  token(): Promise<string | null>;
}

export const anonymousTokens: TokenProvider = { token: async () => null };

/** App credentials → token via MSAL client-credentials, cached by MSAL until near expiry. */
export async function appTokenProvider(cfg: { appId: string; password: string; tenantId: string; appType: string }): Promise<TokenProvider> {
  const { ConfidentialClientApplication } = await import('@azure/msal-node');
  const tenant = cfg.appType === 'SingleTenant' && cfg.tenantId ? cfg.tenantId : 'botframework.com';
  const app = new ConfidentialClientApplication({
    auth: { clientId: cfg.appId, clientSecret: cfg.password, authority: `https://login.microsoftonline.com/${tenant}` },
  });
  return {
    async token() {
      const res = await app.acquireTokenByClientCredential({ scopes: ['https://api.botframework.com/.default'] });
      if (!res?.accessToken) throw new Error('no connector token');
      return res.accessToken;
    },
  };
}

/**
 * The key our own Direct Line endpoint's connector side takes instead of an Entra token (bot/directline.ts):
 * derived from DIRECTLINE_TOKEN_SECRET, so the bot server and separate worker processes agree on it.
 */
export function directLineConnectorKey(tokenSecret: string): string {
  return createHmac('sha256', tokenSecret).update('dugnad:directline-connector').digest('base64url');
}

export interface MessengerOptions {
  tokens: TokenProvider;
  /** Hosts a conversation's serviceUrl may name (production); null = any (development). */
  allowedHosts: string[] | null;
  /** Our own Direct Line endpoint (the signed-in web chat): its origin, and the key it takes. */
  ownConnector?: { origin: string; key: string } | undefined;
  timeoutMs?: number;
}

/** Keep-alive connections to the Bot Connector, one pool per scheme; `destroy` them when done. */
export interface ConnectorAgents {
  'http:': http.Agent;
  'https:': https.Agent;
}

export function connectorAgents(): ConnectorAgents {
  return { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };
}

/**
 * Where an activity call goes: the conversation's activities (a new message), or one activity in it
 * (a reply to it, POST; the message itself drawn again, PUT). Ids are path segments, so encoded: a Teams
 * channel conversation's id holds «:» and «;».
 */
export function activityUrl(serviceUrl: string, conversationId: string, activityId?: string): URL {
  const activities = `${serviceUrl.replace(/\/?$/, '/')}v3/conversations/${encodeURIComponent(conversationId)}/activities`;
  return new URL(activityId === undefined ? activities : `${activities}/${encodeURIComponent(activityId)}`);
}

/**
 * One call to the Bot Connector REST API (POST or PUT of an activity) over `agents`: the answer's
 * JSON (`id` of a sent activity), or a SendError with the status and any Retry-After. Who may be
 * called and with which token is the caller's to decide.
 */
export function connectorRequest(agents: ConnectorAgents, call: { method: 'POST' | 'PUT'; url: URL; body: string; authorization: string | null; timeoutMs: number }): Promise<{ id?: string }> {
  const { url, timeoutMs } = call;
  const payload = Buffer.from(call.body);
  return new Promise((ok, fail) => {
    const req = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: call.method,
        agent: agents[url.protocol as 'http:' | 'https:'],
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          ...(call.authorization ? { authorization: call.authorization } : {}),
        },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            try {
              ok(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id?: string }) : {});
            } catch {
              ok({});
            }
            return;
          }
          fail(new SendError(status, parseRetryAfter(res.headers['retry-after'])));
        });
      },
    );
    req.on('timeout', () => req.destroy(new SendError(504, null)));
    req.on('error', (err) => fail(err instanceof SendError ? err : new SendError(503, null)));
    req.end(payload);
  });
}

export function createMessenger(opts: MessengerOptions): Messenger {
  const agents = connectorAgents();
  const timeoutMs = opts.timeoutMs ?? 15_000;

  async function call(method: 'POST' | 'PUT', ref: ConversationRef, activityId: string | undefined, body: string): Promise<{ id?: string }> {
    const url = activityUrl(ref.serviceUrl, ref.conversation.id, activityId);
    // The web chat's conversations live on our own Direct Line endpoint, which takes our key, not Entra's.
    const own = opts.ownConnector && url.origin === opts.ownConnector.origin ? opts.ownConnector : null;
    // Never post conversation data to a host we don't trust (a forged serviceUrl would leak it).
    if (!own && opts.allowedHosts && !opts.allowedHosts.includes(url.hostname)) throw new SendError(400, null);
    // No token (Entra refused the client secret, or could not be reached) is the same fault as a 401.
    const token = own ? own.key : await opts.tokens.token().catch(() => Promise.reject(new SendError(401, null)));
    return connectorRequest(agents, { method, url, body, authorization: token ? `Bearer ${token}` : null, timeoutMs });
  }

  const addressing = (ref: ConversationRef) => ({ channelId: ref.channelId, serviceUrl: ref.serviceUrl, conversation: ref.conversation, from: ref.bot, recipient: ref.user });

  /** The activity with where it goes: its own fields over `type`, the conversation's over its own. */
  function envelope(ref: ConversationRef, activity: OutgoingActivity | SerializedActivity): string {
    if (!('json' in activity)) return JSON.stringify({ type: 'message', ...activity, ...addressing(ref) });
    // The same object as text: in JSON as in a spread, the later of two equal keys wins.
    const fields = activity.json.trim().slice(1, -1).trim();
    return `{"type":"message",${fields ? `${fields},` : ''}${JSON.stringify(addressing(ref)).slice(1)}`;
  }

  return {
    async send(ref, activity) {
      const res = await call('POST', ref, undefined, envelope(ref, activity));
      return { id: res.id ?? '' };
    },
    async update(ref, activityId, activity) {
      await call('PUT', ref, activityId, JSON.stringify({ type: 'message', ...activity, ...addressing(ref), id: activityId }));
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

function parseRetryAfter(h: string | string[] | undefined): number | null {
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return null;
  const secs = Number(v);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - Date.now());
}
