// The bot server: restify with the Bot Framework endpoint, health checks, the integration API and,
// in development, the local web chat. Composition only: behaviour lives in the modules it wires.
import restify from 'restify';
import type { RedisClient } from '../infra/redis.ts';
import type { Activity } from 'botbuilder';
import type { Config } from '../infra/config.ts';
import type { Database } from '../infra/db.ts';
import type { AppDeps } from './deps.ts';
import type { Logger } from '../infra/log.ts';
import type { Queues } from '../jobs/queues.ts';
import { createAdapter } from './adapter.ts';
import { createChannelAuthentication, createChannelGate, directLineTurnAuth, type OutboundCredentials } from './auth.ts';
import { DugnadBot } from './dugnad-bot.ts';
import { registerDirectLine, type DemoIdentity, type DirectLineLimits } from './directline.ts';
import { registerWebChatPage, webChatLocaleOf } from './webchat-page.ts';
import { answerNotFound, registerInfoPages } from './info-pages.ts';
import { registerTab } from './tab.ts';
import { registerCalendarFeed } from './calendar-feed.ts';
import { registerApi } from './api.ts';
import { registerOwnDataDownload } from './own-data-download.ts';
import { registerWebSignIn, type WebSignIn } from './web-signin.ts';
import { redisSessionEnds } from './web-sessions.ts';
import { createLimiter, sendTooManyRequests } from './rate-limit.ts';
import { accountOf } from './turn-context.ts';
import { textChannelMiddleware } from './text-channel.ts';
import { registerSmsWebhook } from './sms-webhook.ts';
import { registerDevSms } from './dev-sms.ts';
import { registerTaskLinks } from './task-link.ts';
import type { FakeSveve } from '../infra/sms/fake-sveve.ts';
import { linkEntraSignIn } from '../infra/identities.ts';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { directLineConnectorKey } from '../infra/connector.ts';
import { z } from 'zod';
import { resolveVapidKeys } from '../infra/web-push.ts';
import { registerPushRoutes } from './push-routes.ts';
import { UNSTORABLE_REASON, isStorable, isStorableDeep } from '../domain/text.ts';


export interface App {
  server: restify.Server;
  bot: DugnadBot;
  /** Development only: the fake SMS gateway behind /dev/sms (null otherwise). */
  devSms: FakeSveve | null;
  listen(port?: number, host?: string): Promise<string>;
  close(): Promise<void>;
}

/** Marks a web chat turn the Direct Line endpoint forwarded after counting it (anonymous mode). */
const COUNTED_HEADER = 'x-dugnad-counted';

/** How long in-flight requests may take to finish when the server closes. */
const CLOSE_GRACE_MS = 5_000;

export function createApp(deps: AppDeps): App {
  const { config, log } = deps;
  const server = restify.createServer({ name: 'dugnad', handleUncaughtExceptions: false });
  // A compressed body could inflate far past the size limit (which counts compressed bytes): no channel
  // we talk to compresses requests, so refuse them outright.
  server.pre((req: restify.Request, res: restify.Response, next: restify.Next) => {
    const encoding = (req.header('content-encoding') ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      res.send(415, { error: 'unsupported_content_encoding' });
      return next(false);
    }
    return next();
  });
  server.use(restify.plugins.queryParser({ mapParams: false }));
  // JSON only: every route takes JSON, and the full bodyParser saves multipart file parts to the temp
  // directory and never deletes them, before any route or auth runs.
  // (@types/restify omits maxBodySize, which jsonBodyParser hands on to its body reader.)
  const bodyOptions: restify.plugins.JsonBodyParserOptions & { maxBodySize: number } = { mapParams: false, maxBodySize: 256 * 1024 };
  server.use(restify.plugins.jsonBodyParser(bodyOptions));
  server.on('restifyError', (req: restify.Request, res: restify.Response, err: Error & { statusCode?: number }, cb: () => void) => {
    // Never a stack trace to a client: restify's default error body carries only code and message.
    (err as { toJSON?: () => unknown }).toJSON = () => ({ code: (err as { code?: string }).code ?? 'Error', message: (err.statusCode ?? 500) >= 500 ? 'Internal error' : err.message });
    return cb();
  });

  const channelAuth = createChannelAuthentication(config, deps.outboundCredentials);
  const gate = createChannelGate(config, channelAuth);
  const adapter = createAdapter(channelAuth, log);
  // Channels without cards get every card as its text (bot/text-channel.ts).
  adapter.use(textChannelMiddleware({ db: deps.db, config, now: deps.now }));
  // Web Push: the page needs the public key to subscribe; the workers sign with the private one.
  const vapid = config.WEB_CHAT_ENABLED ? resolveVapidKeys(config) : null;
  const ownDataLinks = registerOwnDataDownload(server, { db: deps.db, redis: deps.redis, keyPrefix: config.QUEUE_PREFIX, publicBaseUrl: config.PUBLIC_BASE_URL, log, now: deps.now });
  const bot = new DugnadBot({ ...deps, isRedisReady: () => deps.redis.status === 'ready', pushPublicKey: vapid?.publicKey ?? null, ownDataLinks });
  if (!config.anonymous && config.ALLOWED_TENANT_IDS.length === 0) {
    log.warn('ALLOWED_TENANT_IDS is empty: Teams users of any tenant can reach the bot');
  }
  const limiter = (name: string, perMinute: number) => createLimiter({ redis: deps.redis, keyPrefix: config.QUEUE_PREFIX, name, perMinute });
  const messageLimiter = limiter('messages', config.RATE_LIMIT_MESSAGES_PER_MINUTE);

  // One secret for the web chat's tokens, the sign-in's cookies (keys derived from it) and the tab's
  // development fallback. Production requires it to be configured (every process must share it).
  const tokenSecret = config.DIRECTLINE_TOKEN_SECRET ?? (config.dev ? randomBytes(32).toString('hex') : null);
  // Anonymous mode: the web chat's turns come back through /api/messages, already counted against the
  // person's message limit by the Direct Line endpoint; this header (a key only this server knows)
  // says so, so they are not counted twice.
  const countedKey = tokenSecret ? createHmac('sha256', tokenSecret).update('dugnad:directline-counted').digest('base64url') : null;
  const counted = countedKey ? Buffer.from(countedKey) : null;
  const alreadyCounted = (req: restify.Request) => {
    const given = Buffer.from(req.header(COUNTED_HEADER) ?? '');
    return counted !== null && given.length === counted.length && timingSafeEqual(given, counted);
  };

  server.post('/api/messages', async (req, res) => {
    const started = Date.now();
    const refusal = refuseActivity(req);
    if (refusal) {
      res.send(refusal.status, { error: { code: refusal.code, message: refusal.message } });
      log.info({ route: 'messages', status: refusal.status, ms: Date.now() - started }, 'refused');
      return;
    }
    const activity = req.body as Activity;
    // Authenticated and allow-listed before any turn runs: a refused request stores nothing.
    const verdict = await gate.check(activity, req.header('authorization') ?? '');
    if (!verdict.ok) {
      res.send(verdict.status, { error: { code: verdict.code, message: verdict.message } });
      log.warn({ route: 'messages', status: verdict.status, reason: verdict.reason, channelId: activity.channelId, ms: Date.now() - started }, 'refused');
      return;
    }
    // Per channel user, counted only once the sender is authenticated: an unproven id must not use up someone else's share.
    const quota = alreadyCounted(req) ? { ok: true as const } : await messageLimiter.consume(`${activity.channelId}:${accountOf(activity).userId}`);
    if (!quota.ok) {
      sendTooManyRequests(res, quota.retryAfterSeconds);
      log.warn({ route: 'messages', status: 429, channelId: activity.channelId, ms: Date.now() - started }, 'refused');
      return;
    }
    try {
      const invoke = await adapter.runAuthenticated(verdict.auth, activity, (context) => bot.run(context));
      res.send(invoke?.status ?? 200, invoke?.body);
    } catch (err) {
      // A failure outside the turn (e.g. in onTurnError itself): its message can carry SQL or personal
      // data, so the client gets a fixed sentence and the log gets the error's name only.
      log.error({ err: { name: (err as Error).name }, route: 'messages' }, 'turn could not run');
      if (!res.headersSent) res.send(500, { error: { code: 'ServiceError', message: 'Something went wrong' } });
    }
    log.info({ route: 'messages', status: res.statusCode, type: activity.type, channelId: activity.channelId, activityId: activity.id, ms: Date.now() - started }, 'turn');
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  server.get('/readyz', async (_req, res) => {
    const [redisOk, dbOk] = await Promise.all([
      withTimeout(deps.redis.ping().then(() => true), 1000).catch(() => false),
      withTimeout(deps.db.ping().then(() => true), 1000).catch(() => false),
    ]);
    const down = [!redisOk && 'redis', !dbOk && 'database'].filter(Boolean);
    res.send(down.length ? 503 : 200, down.length ? { status: 'unavailable', down } : { status: 'ready' });
  });

  registerApi(server, deps, answerNotFound);
  // SMS: the gateway's callbacks (replies, delivery reports) and, in development, the fake gateway with /dev/sms.
  registerSmsWebhook(server, { ...deps, adapter, bot, limiter: messageLimiter });
  const devSms = registerDevSms(server, deps);

  const devTokenSecret = config.dev ? tokenSecret : null;

  // Web chat: in development with the demo picker; in production only behind the web sign-in.
  const webChat = config.WEB_CHAT_ENABLED && tokenSecret !== null && (config.dev || config.oidcProviders.length > 0);
  let signIn: WebSignIn | null = null;
  let directLine: { close(): void } | null = null;
  if (webChat && tokenSecret) {
    const trustProxy = config.TRUST_PROXY;
    // A logout ends the session and its chat tokens on every server (bot/web-sessions.ts).
    const sessionEnds = redisSessionEnds(deps.redis, config.QUEUE_PREFIX, () => deps.now().getTime());
    if (config.oidcProviders.length > 0) {
      signIn = registerWebSignIn(server, {
        sessionEnds,
        providers: config.oidcProviders,
        redirectUrl: config.OIDC_REDIRECT_URL,
        secret: tokenSecret,
        sessionMinutes: config.WEB_SESSION_MINUTES,
        secureCookies: !config.dev || config.PUBLIC_BASE_URL.startsWith('https:'),
        now: deps.now,
        limiter: limiter('signin', config.RATE_LIMIT_SIGNIN_PER_MINUTE),
        trustProxy,
        log,
        onSignedIn: async ({ provider, userId, claims }) => {
          if (provider !== 'entra' || typeof claims.oid !== 'string' || typeof claims.tid !== 'string') return;
          if (config.ALLOWED_TENANT_IDS.length > 0 && !config.ALLOWED_TENANT_IDS.includes(claims.tid.toLowerCase())) return;
          await linkEntraSignIn(deps.db, { userId, objectId: claims.oid, tenantId: claims.tid });
        },
      });
    }
    // Anonymous (development): the web chat's messages take the same path as any channel's, a real
    // POST to /api/messages. With app credentials that route takes only Bot Framework tokens, so the
    // endpoint, having checked the chat token, runs the turn in-process under its own identity.
    const inProcess = !config.anonymous;
    const connectorToken = directLineConnectorKey(tokenSecret);
    const turnAuth = inProcess ? directLineTurnAuth(config, connectorToken) : null;
    directLine = registerDirectLine(server, {
      serviceUrl: config.PUBLIC_BASE_URL,
      tokenSecret,
      // Conversations live in Redis, so every bot server behind a load balancer can serve any of them.
      redis: deps.redis,
      keyPrefix: config.QUEUE_PREFIX,
      ...deps.directLine,
      deliverToBot: turnAuth
        ? async (activity) => {
            await adapter.runAuthenticated(turnAuth, activity as Partial<Activity> as Activity, (context) => bot.run(context));
          }
        : async (activity) => {
            const res = await fetch(`${config.PUBLIC_BASE_URL}/api/messages`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', ...(countedKey ? { [COUNTED_HEADER]: countedKey } : {}) },
              body: JSON.stringify(activity),
            });
            if (!res.ok && res.status !== 202) throw new Error(`bot answered ${res.status}`);
          },
      log,
      ...(signIn ? { identify: signIn.identify, sessionEnds, pageLocale: (userId: string) => webChatLocaleOf(deps.db, userId) } : {}),
      allowClientChosenIds: config.dev,
      // The per-user message limit (the same count as /api/messages) is checked before anything is
      // stored, in both modes: over it the web chat answers 429 with Retry-After.
      userLimiter: messageLimiter,
      ...(inProcess ? { connectorToken } : {}),
      addressLimiter: limiter('directline', config.RATE_LIMIT_DIRECTLINE_PER_MINUTE),
      trustProxy,
    });
    if (vapid) {
      registerPushRoutes(server, {
        db: deps.db,
        tokenSecret,
        allowedHosts: config.dev ? null : config.PUSH_SERVICE_HOSTS,
        limiter: limiter('push', config.RATE_LIMIT_SIGNIN_PER_MINUTE),
        trustProxy,
        now: deps.now,
      });
    }
  }
  registerCalendarFeed(server, { ...deps, limiter: limiter('calendar', config.RATE_LIMIT_CALENDAR_PER_MINUTE) });
  registerTaskLinks(server, { db: deps.db, now: deps.now, signIn, signInProviders: signIn ? config.oidcProviders.map((p) => p.id) : [] });
  registerTab(server, {
    ...deps,
    devTokenSecret,
    webSession: signIn ? async (req) => (await signIn?.sessionOf(req))?.userId ?? null : null,
    signInProviders: signIn ? config.oidcProviders.map((p) => p.id) : [],
  });
  registerInfoPages(server, config);
  registerWebChatPage(server, {
    identities: webChat && config.dev && !signIn ? deps.demoIdentities : [],
    allowIdentityPicker: webChat && config.dev && !signIn,
    signInProviders: signIn ? config.oidcProviders.map((p) => p.id) : [],
    directLineDomain: '/v3/directline',
    pushPublicKey: webChat ? (vapid?.publicKey ?? null) : null,
  });

  return {
    server,
    bot,
    devSms,
    listen(port = config.PORT, host = config.HOST) {
      return new Promise((ok, fail) => {
        server.once('error', fail);
        server.listen(port, host, () => {
          const addr = server.address();
          ok(`http://${host}:${addr.port}`);
        });
      });
    },
    async close() {
      directLine?.close();
      // Requests in flight get a grace period to finish; a browser's keep-alive connection or a
      // hung client must not keep a shutdown (SIGTERM, a test's close) waiting for ever.
      const http = server.server;
      await new Promise<void>((ok) => {
        const force = setTimeout(() => http.closeAllConnections(), CLOSE_GRACE_MS);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          ok();
        });
        http.closeIdleConnections();
      });
      // After the turns in flight have answered: they may still be sending their replies.
      adapter.replies.close();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// What CloudAdapter is handed. Left to itself it answers 500 with the exception's message for a body
// without a type, and its turn code (and ours) throws on a `from`, `conversation` or `locale` of the
// wrong shape. Every channel sends these fields, so a body without them is the client's fault: 400.

/** These strings end up in PostgreSQL text and jsonb (domain/text.ts says what those can hold). */
const storable = (max: number) => z.string().max(max).refine(isStorable, { message: UNSTORABLE_REASON });
/** No channel nests the envelope's accounts deeper than this. */
const ENVELOPE_DEPTH = 8;

const channelAccount = z.looseObject({
  id: storable(512),
  name: storable(512).nullish(),
  aadObjectId: storable(128).nullish(),
  role: storable(32).nullish(),
});

// Loose: fields we don't read pass through untouched. Those we (or botbuilder) read must have the
// type the code assumes; from, recipient and conversation are stored whole as the conversation reference.
const activityEnvelope = z.looseObject({
  type: z.string().min(1).max(64),
  id: storable(512).nullish(),
  channelId: storable(64).min(1),
  serviceUrl: z
    .string()
    .max(2048)
    .refine((s) => URL.canParse(s) && /^https?:$/.test(new URL(s).protocol), { message: 'must be an http(s) URL' }),
  from: channelAccount.extend({ id: storable(512).min(1) }),
  recipient: channelAccount.nullish(),
  conversation: z.looseObject({
    id: storable(1024).min(1),
    name: storable(512).nullish(),
    tenantId: storable(128).nullish(),
    conversationType: storable(64).nullish(),
    isGroup: z.boolean().nullish(),
  }),
  locale: storable(64).nullish(),
  replyToId: storable(512).nullish(),
  text: z.string().nullish(),
  name: z.string().max(256).nullish(),
  // botbuilder's mention helpers read entities[i].type and a mention's `mentioned.id` unguarded.
  entities: z.array(z.looseObject({ type: z.string().max(256), mentioned: z.looseObject({ id: z.unknown() }).optional() })).nullish(),
  membersAdded: z.array(channelAccount).nullish(),
  membersRemoved: z.array(channelAccount).nullish(),
  channelData: z.looseObject({ tenant: z.looseObject({ id: storable(128).nullish() }).nullish() }).nullish(),
})
  .refine((a) => isStorableDeep([a.from, a.recipient, a.conversation], ENVELOPE_DEPTH), { message: UNSTORABLE_REASON })
  .refine((a) => (a.entities ?? []).every((e) => e.type.toLowerCase() !== 'mention' || e.mentioned !== undefined), { message: 'a mention must say who is mentioned', path: ['entities'] })
  // An invoke names its operation; one without a name is malformed (with an unknown name it is 501, by the protocol).
  .refine((a) => a.type !== 'invoke' || (typeof a.name === 'string' && a.name !== ''), { message: 'an invoke needs a name', path: ['name'] });

function refuseActivity(req: restify.Request): { status: number; code: string; message: string } | null {
  // Channels post JSON; refusing forms also keeps a web page from posting turns cross-site to a dev bot.
  if (!req.is('json')) return { status: 415, code: 'UnsupportedMediaType', message: 'Send the activity as application/json' };
  const parsed = activityEnvelope.safeParse(req.body);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return { status: 400, code: 'BadRequest', message: `Not a valid activity${where}` };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('timeout')), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        ok(v);
      },
      (e) => {
        clearTimeout(timer);
        fail(e);
      },
    );
  });
}
