/**
 * A small Direct Line 3.0-compatible endpoint, plus the slice of the Bot Connector REST API the bot
 * calls back on. Web Chat's bundled DirectLineJS talks to the first half (polling only); botbuilder's
 * ConnectorClient talks to the second half because every activity we hand the bot names
 * `options.serviceUrl`.
 *
 * In development the token endpoint issues a token for whoever asks (the demo picker). With
 * `allowClientChosenIds: false` (production) a token is only ever issued for the identity `identify`
 * finds on the request (the web sign-in session), and the connector side requires `connectorToken`.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '../infra/redis.ts';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { UNSTORABLE_REASON, isStorable, isStorableDeep } from '../domain/text.ts';
import { redisDirectLineStore, StoreUnavailableError, type ConversationUser, type Refusal, type StoredActivity } from './directline-store.ts';
import type { Limiter } from './rate-limit.ts';
import type { SessionEnds } from './web-sessions.ts';
import { clientAddress, sendTooManyRequests } from './rate-limit.ts';

export interface DemoIdentity {
  id: string;
  name: string;
  role: 'volunteer' | 'staff' | 'caregiver' | 'person' | 'new';
}

export interface DirectLineOptions {
  /** Base URL the bot must use as serviceUrl for this channel, e.g. 'http://127.0.0.1:3978' (no trailing slash). */
  serviceUrl: string;
  /** Hands a user's activity to the bot — in the app this POSTs it to /api/messages; resolve when the bot accepted it. */
  deliverToBot: (activity: Record<string, unknown>) => Promise<void>;
  /** HMAC secret for the tokens this endpoint issues. */
  tokenSecret: string;
  /** Holds the conversations, shared by every bot server (bot/directline-store.ts). */
  redis: RedisClient;
  /** Key prefix (QUEUE_PREFIX); every server of one deployment must use the same. */
  keyPrefix: string;
  /** Receives failures that have no HTTP caller to report to (e.g. the greeting turn); a pino logger fits. */
  log?: { warn(obj: object, msg: string): void };
  /** Milliseconds since the epoch; injectable so tests can expire tokens without waiting. */
  now?: () => number;
  limits?: Partial<DirectLineLimits>;
  /** The signed-in person behind a request (web sign-in session, not ended), or null. */
  identify?: (req: Request) => Promise<SignedInUser | null>;
  /** Sessions ended early (logout): their chat tokens stop working at once, on every server. */
  sessionEnds?: SessionEnds;
  /**
   * The language tag Web Chat's own words should use for a signed-in person (their chosen language
   * or their centre's written standard), or null when we do not know them yet.
   */
  pageLocale?: (userId: string) => Promise<string | null>;
  /** Development's demo picker: a token for any id the page names. False in production. Default true. */
  allowClientChosenIds?: boolean;
  /** When set, the Bot Connector side answers only requests bearing it (the bot's own replies). */
  connectorToken?: string;
  /** Per client address on the client-facing routes. */
  addressLimiter?: Limiter;
  /** Per user on posted activities, before anything is stored (the bot's own message limit). */
  userLimiter?: Limiter;
  trustProxy?: boolean;
}

export interface SignedInUser {
  id: string;
  name: string;
  /** Chat tokens never outlive the session they were issued for. */
  expiresAtSeconds: number;
  /** The sign-in session: its chat tokens carry it, and end with it. */
  sessionId?: string;
}

export interface DirectLineLimits {
  /** Activities kept per conversation; older ones fall off (a client that far behind just misses them). */
  historyPerConversation: number;
  /** Activities returned by one GET; the client pages on with the watermark. */
  pageSize: number;
  /**
   * A conversation nobody touched (polled, posted to) for this long is dropped. Short: its activities
   * carry card text with personal data, and an open page polls twice a second, so only a closed one idles.
   */
  idleMs: number;
  /** Upper bound on conversations held (all servers together), so a loop of POST /conversations cannot fill Redis. */
  maxConversations: number;
  /**
   * Conversations one user holds at once (tabs, devices); a new one drops that user's least recently
   * used, so one user starting conversations in a loop only ever evicts their own.
   */
  maxConversationsPerUser: number;
  /** Largest activity a client may post (its JSON as sent, text and card data included): 413 above, nothing stored. */
  maxActivityBytes: number;
  tokenLifetimeSeconds: number;
}

const DEFAULT_LIMITS: DirectLineLimits = {
  historyPerConversation: 500,
  pageSize: 100,
  idleMs: 2 * 60 * 60 * 1000,
  maxConversations: 1000,
  maxConversationsPerUser: 5,
  // The largest form (a request with its hand-over note) is a few KB even in emoji; 256 KB is the body limit.
  maxActivityBytes: 16 * 1024,
  tokenLifetimeSeconds: 30 * 60,
};


export const DIRECT_LINE_BOT_ID = 'dugnad-bot';
const BOT_NAME = 'Dugnad';
const CHANNEL_ID = 'webchat';
const TOKEN_PREFIX = 'dl1';

type Activity = Record<string, unknown>;

interface Conversation {
  id: string;
  user: ConversationUser;
}

// ---------------------------------------------------------------------------------------------
// Signed values: `<prefix>.<base64url(json)>.<base64url(hmac)>`. Compact and self-contained so the
// page can read a chat token's expiry, while only the server can mint one. The web sign-in's cookies
// use the same form under other prefixes (and keys), so one token can never pass for another.

export type SignedCheck<T> = { ok: true; claims: T } | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

function mac(prefix: string, payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`${prefix}.${payload}`).digest();
}

export function signValue(prefix: string, value: object, secret: string): string {
  const payload = Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
  return `${prefix}.${payload}.${mac(prefix, payload, secret).toString('base64url')}`;
}

export function verifySignedValue<T extends { exp: number }>(prefix: string, token: string, secret: string, schema: z.ZodType<T>, nowSeconds: number): SignedCheck<T> {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== prefix) return { ok: false, reason: 'malformed' };
  const [, payload = '', given = ''] = parts;
  // Compare the text, not decoded bytes: Buffer's base64url decoder skips stray characters, so
  // byte comparison would accept many spellings of one token.
  const expected = Buffer.from(mac(prefix, payload, secret).toString('base64url'));
  const givenBytes = Buffer.from(given);
  if (givenBytes.length !== expected.length || !timingSafeEqual(givenBytes, expected)) return { ok: false, reason: 'signature' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const claims = schema.safeParse(parsed);
  if (!claims.success) return { ok: false, reason: 'malformed' };
  if (claims.data.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims: claims.data };
}

// Chat tokens: `dl1.…`.

const ClaimsSchema = z.object({
  sub: z.string().min(1),
  name: z.string(),
  conv: z.string().min(1).optional(),
  /** The web sign-in session the token was issued under (absent in development's demo picker). */
  sid: z.string().min(1).optional(),
  exp: z.number().int(),
});
type Claims = z.infer<typeof ClaimsSchema>;

function issueToken(claims: Claims, secret: string): string {
  return signValue(TOKEN_PREFIX, claims, secret);
}

/**
 * Exported for the Teams tab's development fallback (bot/tab.ts), which accepts the web chat's token
 * as proof of the demo identity it binds, and for tests. Same function the endpoint itself uses.
 */
export { issueToken as issueDirectLineToken, verifyToken as verifyDirectLineToken, type Claims as DirectLineClaims };

function verifyToken(token: string, secret: string, nowSeconds: number): SignedCheck<Claims> {
  return verifySignedValue(TOKEN_PREFIX, token, secret, ClaimsSchema, nowSeconds);
}

// ---------------------------------------------------------------------------------------------
// Request bodies

/** The bot stores user ids, locales and tenant ids in PostgreSQL (domain/text.ts says what it can hold). */
const storable = { message: UNSTORABLE_REASON };

/**
 * Activities are kept and sent back as JSON; one nested deeper than any card would make every later
 * poll of the conversation fail to serialise, so refuse it at the door.
 */
const MAX_DEPTH = 64;
function withinDepth(value: unknown, depth = MAX_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (depth === 0) return false;
  return Object.values(value).every((v) => withinDepth(v, depth - 1));
}
const nesting = { message: `nested deeper than ${MAX_DEPTH} levels` };

const UserSchema = z.object({
  id: z.string().trim().min(1).max(128).refine(isStorable, storable),
  name: z.string().trim().max(128).refine(isStorable, storable).optional(),
});

/** BCP 47 in shape (nb-NO, en, zh-Hant-TW); the bot only looks at the language. */
const Locale = z.string().max(35).regex(/^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/);

const GenerateBody = z.object({
  /** Development only: production takes the user from the sign-in session and refuses this. */
  user: UserSchema.optional(),
  /** Lets a reloaded page rejoin its conversation; ignored unless it belongs to that user. */
  conversationId: z.string().max(128).optional(),
});

/** What a tapped push notification asks the new conversation to show first: `offer.<id>` or `series.<id>`. */
export const OPEN_TARGET = /^(offer|series)\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const StartConversationBody = z
  .object({ locale: Locale.optional(), open: z.string().regex(OPEN_TARGET).optional() })
  .optional();

/**
 * What a client may say. Anything else (from, recipient, conversation, id, …) is the channel's to
 * set, and conversationUpdate/invoke are refused so a client cannot fake membership changes.
 */
const ClientActivityBody = z.object({
  type: z.enum(['message', 'event', 'typing']),
  // Its size is bounded with the rest of the activity (maxActivityBytes, 413).
  text: z.string().optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  value: z.unknown().refine((v) => withinDepth(v), nesting).optional(),
  name: z.string().max(256).optional(),
  locale: Locale.optional(),
  localTimestamp: z.string().max(64).optional(),
  localTimezone: z.string().max(64).optional(),
  replyToId: z.string().max(256).optional(),
  channelData: z
    .record(z.string(), z.unknown())
    .refine((v) => withinDepth(v), nesting)
    .refine((v) => isStorableDeep(v, MAX_DEPTH), storable)
    // The tenant is the channel's to say, like from and recipient: a web page cannot claim one.
    .transform(({ tenant: _tenant, ...rest }) => rest)
    .optional(),
});

const BotActivityBody = z
  .looseObject({
    type: z.string().min(1).max(64),
    replyToId: z.string().max(256).optional(),
    from: z.looseObject({ id: z.string().optional(), name: z.string().optional() }).optional(),
    recipient: z.looseObject({ id: z.string().optional() }).optional(),
  })
  .refine((v) => withinDepth(v), nesting);

const CreateConversationBody = z.looseObject({
  members: z.array(z.looseObject({ id: z.string().min(1), name: z.string().optional() })).min(1),
  activity: BotActivityBody.optional(),
});

// ---------------------------------------------------------------------------------------------

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function sendJson(res: Response, status: number, body: unknown): void {
  res.setHeader('Cache-Control', 'no-store');
  res.send(status, body);
}

function sendError(res: Response, error: HttpError): void {
  if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
  sendJson(res, error.status, { error: { code: error.code, message: error.message } });
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
    throw new HttpError(400, 'BadArgument', `Invalid request body${where}: ${issue?.message ?? 'malformed'}`);
  }
  return result.data;
}

function param(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string' || value.length === 0) throw new HttpError(400, 'BadArgument', `Missing ${name}`);
  return value;
}

function newConversationId(): string {
  return randomBytes(16).toString('base64url');
}

export function registerDirectLine(server: Server, options: DirectLineOptions): { close(): void } {
  if (options.tokenSecret.length < 16) {
    throw new Error('registerDirectLine: tokenSecret must be at least 16 characters');
  }
  const serviceUrl = options.serviceUrl.replace(/\/+$/, '');
  const limits: DirectLineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const now = options.now ?? Date.now;
  const store = redisDirectLineStore({ redis: options.redis, keyPrefix: options.keyPrefix, limits, now });
  const allowClientChosenIds = options.allowClientChosenIds ?? true;
  const connectorToken = options.connectorToken ? Buffer.from(`Bearer ${options.connectorToken}`) : null;

  // ---- conversation store (Redis: any server may answer any request) -------------------------

  function refused(refusal: Refusal): HttpError {
    if (refusal === 'forbidden') return new HttpError(403, 'Forbidden', 'Token is not valid for this conversation');
    if (refusal === 'noactivity') return new HttpError(404, 'ActivityNotFound', 'Activity not found');
    return new HttpError(404, 'ConversationNotFound', 'Conversation not found');
  }

  async function createConversation(user: ConversationUser): Promise<Conversation> {
    const conversation = { id: newConversationId(), user };
    await store.create(conversation.id, user);
    return conversation;
  }

  /** The live conversation, touched (its idle clock restarts); `userId` makes another user's a 403. */
  async function find(conversationId: string, userId?: string): Promise<Conversation> {
    const user = await store.load(conversationId, userId);
    if (typeof user === 'string') throw refused(user);
    return { id: conversationId, user };
  }

  /** Like find, but a missing or foreign conversation is null: the caller starts a new one. */
  async function resumable(conversationId: string | undefined, userId: string): Promise<Conversation | null> {
    if (!conversationId) return null;
    const user = await store.load(conversationId, userId);
    return typeof user === 'string' ? null : { id: conversationId, user };
  }

  async function append(conversation: Conversation, activity: Omit<StoredActivity, 'id'>): Promise<StoredActivity> {
    const stored = await store.append(conversation.id, activity);
    if (typeof stored === 'string') throw refused(stored);
    return stored;
  }

  /**
   * Stores a new version under the same id at the end of the log, so clients already past its old
   * watermark fetch it again. Web Chat replaces an activity whose id it already has and orders by
   * timestamp, so keeping id and timestamp makes the new version appear where the old one was.
   */
  async function replace(conversationId: string, activityId: string, build: (old: StoredActivity, conversation: Conversation) => StoredActivity): Promise<void> {
    const found = await store.get(conversationId, activityId);
    if (typeof found === 'string') throw refused(found);
    const done = await store.replace(conversationId, build(found.activity, { id: conversationId, user: found.user }));
    if (done !== true) throw refused(done);
  }

  /**
   * Web Chat has no "delete" in Direct Line. A message with no text and no attachments under the same
   * id replaces the old one and Web Chat renders nothing for it, so it vanishes in place.
   */
  function blanked(old: StoredActivity, conversationId: string): StoredActivity {
    return {
      type: 'message',
      id: old.id,
      timestamp: old.timestamp,
      channelId: CHANNEL_ID,
      serviceUrl,
      conversation: { id: conversationId },
      from: old.from,
      recipient: old.recipient,
      ...(typeof old.replyToId === 'string' ? { replyToId: old.replyToId } : {}),
      channelData: { 'dugnad:deleted': true },
    };
  }

  function timestamp(): string {
    return new Date(now()).toISOString();
  }

  // ---- auth ---------------------------------------------------------------------------------

  async function claimsOf(req: Request): Promise<Claims> {
    const header = req.header('authorization', '');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw new HttpError(401, 'MissingToken', 'A Bearer token is required');
    const verified = verifyToken(match[1], options.tokenSecret, Math.floor(now() / 1000));
    if (!verified.ok) {
      throw verified.reason === 'expired'
        ? new HttpError(401, 'TokenExpired', 'Token has expired')
        : new HttpError(401, 'BadToken', 'Token is not valid');
    }
    // A logout ends every token of that session, whatever their own expiry says.
    const sid = verified.claims.sid;
    if (sid && options.sessionEnds && (await options.sessionEnds.isEnded(sid))) throw new HttpError(401, 'TokenExpired', 'The sign-in session has ended');
    return verified.claims;
  }

  /**
   * A token request that carries a token (refresh, starting a conversation) is answered only while
   * the sign-in session that vouched for it lasts, for the same person; the new token ends with it.
   */
  async function sessionBehind(req: Request, claims: Claims): Promise<{ notAfter?: number; sid?: string }> {
    const signedIn = (await options.identify?.(req)) ?? null;
    if (!allowClientChosenIds && signedIn?.id !== claims.sub) throw new HttpError(401, 'NotSignedIn', 'Sign in first');
    if (signedIn) return { notAfter: signedIn.expiresAtSeconds, ...(signedIn.sessionId ? { sid: signedIn.sessionId } : {}) };
    return claims.sid ? { notAfter: claims.exp, sid: claims.sid } : {};
  }

  function conversationIdFor(req: Request, claims: Claims): string {
    const conversationId = param(req, 'conversationId');
    if (claims.conv !== conversationId) throw new HttpError(403, 'Forbidden', 'Token is not valid for this conversation');
    return conversationId;
  }

  async function conversationFor(req: Request, claims: Claims): Promise<Conversation> {
    return find(conversationIdFor(req, claims), claims.sub);
  }

  /** `session`: a signed-in user's session — the token carries it and may not outlive it. */
  function tokenFor(user: { id: string; name: string }, conversationId?: string, session: { notAfter?: number; sid?: string } = {}): { token: string; expires_in: number } {
    const nowSeconds = Math.floor(now() / 1000);
    const exp = Math.min(nowSeconds + limits.tokenLifetimeSeconds, session.notAfter ?? Infinity);
    const claims: Claims = { sub: user.id, name: user.name, ...(conversationId ? { conv: conversationId } : {}), ...(session.sid ? { sid: session.sid } : {}), exp };
    return { token: issueToken(claims, options.tokenSecret), expires_in: exp - nowSeconds };
  }

  function conversationResponse(conversation: Conversation, session: { notAfter?: number; sid?: string } = {}) {
    return { conversationId: conversation.id, ...tokenFor(conversation.user, conversation.id, session) };
  }

  /**
   * Whose token this request may have. A signed-in session always wins and cannot be overridden by
   * the body; without one, only development takes the page's word for who it is.
   */
  async function requester(req: Request, claimed: { id: string; name?: string | undefined } | undefined): Promise<{ user: { id: string; name: string }; session?: { notAfter: number; sid?: string } }> {
    const signedIn = (await options.identify?.(req)) ?? null;
    if (signedIn) {
      if (claimed && claimed.id !== signedIn.id) throw new HttpError(403, 'Forbidden', 'The user id comes from the sign-in, not the client');
      return { user: { id: signedIn.id, name: signedIn.name }, session: { notAfter: signedIn.expiresAtSeconds, ...(signedIn.sessionId ? { sid: signedIn.sessionId } : {}) } };
    }
    if (!allowClientChosenIds) {
      if (claimed) throw new HttpError(403, 'Forbidden', 'The user id comes from the sign-in, not the client');
      throw new HttpError(401, 'NotSignedIn', 'Sign in first');
    }
    if (!claimed) throw new HttpError(400, 'BadArgument', 'Invalid request body at user: required');
    return { user: { id: claimed.id, name: claimed.name ?? claimed.id } };
  }

  function requireConnectorToken(req: Request): void {
    if (!connectorToken) return;
    const given = Buffer.from(req.header('authorization', ''));
    if (given.length !== connectorToken.length || !timingSafeEqual(given, connectorToken)) {
      throw new HttpError(401, 'Unauthorized', 'The request is not authorized');
    }
  }

  // ---- handlers -----------------------------------------------------------------------------

  type Handler = (req: Request, res: Response) => Promise<void>;

  /** `client`: a route browsers call, limited per address; the connector side is the bot's own. */
  function handle(handler: Handler, side: 'client' | 'connector' = 'connector') {
    return async (req: Request, res: Response): Promise<void> => {
      try {
        if (side === 'client' && options.addressLimiter) {
          const verdict = await options.addressLimiter.consume(clientAddress(req, options.trustProxy ?? false));
          if (!verdict.ok) return sendTooManyRequests(res, verdict.retryAfterSeconds);
        }
        if (side === 'connector') requireConnectorToken(req);
        await handler(req, res);
      } catch (error) {
        if (res.headersSent) return;
        if (error instanceof HttpError) {
          sendError(res, error);
        } else if (error instanceof StoreUnavailableError) {
          // Redis is down: the chat waits for it like the rest of Dugnad. No crash, no internals.
          options.log?.warn({ err: { name: (error.cause as Error | undefined)?.name ?? error.name }, path: req.path() }, 'directline: store unavailable');
          res.setHeader('Retry-After', '5');
          sendError(res, new HttpError(503, 'ServiceUnavailable', 'The chat is temporarily unavailable'));
        } else {
          options.log?.warn({ err: error, path: req.path() }, 'directline: request failed');
          sendError(res, new HttpError(500, 'ServiceError', 'Something went wrong'));
        }
      }
    };
  }

  const dl = '/v3/directline';

  server.post(
    `${dl}/tokens/generate`,
    handle(async (req, res) => {
      const body = parseBody(GenerateBody, req.body ?? {});
      const { user, session } = await requester(req, body.user);
      const existing = await resumable(body.conversationId, user.id);
      // Only a signed-in page asks the server which language it is in; the demo picker chooses its own.
      const locale = session && options.pageLocale ? await options.pageLocale(user.id) : null;
      const answer = existing ? conversationResponse(existing, session) : tokenFor(user, undefined, session);
      sendJson(res, 200, locale ? { ...answer, locale } : answer);
    }, 'client'),
  );

  server.post(
    `${dl}/tokens/refresh`,
    handle(async (req, res) => {
      const claims = await claimsOf(req);
      // A signed-in user's token is renewed only while the session that vouched for it lasts.
      const session = await sessionBehind(req, claims);
      const user = { id: claims.sub, name: claims.name };
      sendJson(res, 200, { ...(claims.conv ? { conversationId: claims.conv } : {}), ...tokenFor(user, claims.conv, session) });
    }, 'client'),
  );

  server.post(
    `${dl}/conversations`,
    handle(async (req, res) => {
      const claims = await claimsOf(req);
      // Like a refresh: the token it answers with is a new one, so the session must still vouch for it.
      const session = await sessionBehind(req, claims);
      const body = parseBody(StartConversationBody, req.body ?? undefined);
      const bound = await resumable(claims.conv, claims.sub);
      if (bound) {
        sendJson(res, 200, conversationResponse(bound, session));
        return;
      }
      if (claims.conv) throw new HttpError(404, 'ConversationNotFound', 'Conversation not found');
      const conversation = await createConversation({ id: claims.sub, name: claims.name });
      sendJson(res, 201, conversationResponse(conversation, session));

      // After responding, like the real service: the greeting arrives through polling anyway, and
      // a slow or failing bot must not keep the page from connecting.
      const update: Activity = {
        type: 'conversationUpdate',
        id: `${conversation.id}|start`,
        timestamp: timestamp(),
        channelId: CHANNEL_ID,
        serviceUrl,
        conversation: { id: conversation.id },
        from: { id: claims.sub, name: claims.name, role: 'user' },
        recipient: { id: DIRECT_LINE_BOT_ID, name: BOT_NAME, role: 'bot' },
        membersAdded: [{ id: claims.sub, name: claims.name }],
        ...(body?.locale ? { locale: body.locale } : {}),
        ...(body?.open ? { channelData: { 'dugnad:open': body.open } } : {}),
      };
      options.deliverToBot(update).catch((error: unknown) => {
        options.log?.warn({ err: error, conversationId: conversation.id }, 'directline: bot refused conversationUpdate');
      });
    }, 'client'),
  );

  // DirectLineJS calls this to resume a conversation it was given an id for (e.g. after a reload).
  server.get(
    `${dl}/conversations/:conversationId`,
    handle(async (req, res) => {
      const claims = await claimsOf(req);
      const conversation = await conversationFor(req, claims);
      sendJson(res, 200, conversationResponse(conversation, { notAfter: claims.exp, ...(claims.sid ? { sid: claims.sid } : {}) }));
    }, 'client'),
  );

  server.post(
    `${dl}/conversations/:conversationId/activities`,
    handle(async (req, res) => {
      const claims = await claimsOf(req);
      const conversation = await conversationFor(req, claims);
      if (postedBytes(req) > limits.maxActivityBytes) {
        throw new HttpError(413, 'PayloadTooLarge', `An activity may be at most ${limits.maxActivityBytes} bytes`);
      }
      const body = parseBody(ClientActivityBody, req.body);
      if (options.userLimiter) {
        const verdict = await options.userLimiter.consume(`${CHANNEL_ID}:${claims.sub}`);
        if (!verdict.ok) return sendTooManyRequests(res, verdict.retryAfterSeconds);
      }
      const activity = await append(conversation, {
        ...stripUndefined(body),
        timestamp: timestamp(),
        channelId: CHANNEL_ID,
        serviceUrl,
        // Identity comes from the token only: whatever `from` the client sent was dropped by the schema.
        from: { id: claims.sub, name: claims.name, role: 'user' },
        recipient: { id: DIRECT_LINE_BOT_ID, name: BOT_NAME, role: 'bot' },
        conversation: { id: conversation.id },
      });
      try {
        await options.deliverToBot(structuredClone(activity));
      } catch (error) {
        options.log?.warn({ err: error, conversationId: conversation.id }, 'directline: bot refused activity');
        throw new HttpError(502, 'BotError', 'The bot did not accept the activity');
      }
      sendJson(res, 200, { id: activity.id });
    }, 'client'),
  );

  server.get(
    `${dl}/conversations/:conversationId/activities`,
    handle(async (req, res) => {
      const claims = await claimsOf(req);
      const conversationId = conversationIdFor(req, claims);
      const raw = new URL(req.url ?? '/', 'http://localhost').searchParams.get('watermark') ?? '';
      if (raw !== '' && !/^\d{1,15}$/.test(raw)) throw new HttpError(400, 'BadArgument', 'Invalid watermark');
      const watermark = raw === '' ? 0 : Number(raw);
      // One round trip: checks the conversation is this user's and live, touches it, reads the page.
      const page = await store.page(conversationId, claims.sub, watermark);
      if (typeof page === 'string') throw refused(page);
      sendJson(res, 200, { activities: page.activities, watermark: String(page.watermark) });
    }, 'client'),
  );

  // ---- Bot Connector side (anonymous) --------------------------------------------------------

  function fromBot(conversation: Conversation, body: z.infer<typeof BotActivityBody>, replyToId?: string): Omit<StoredActivity, 'id'> {
    // The bot's own id for the activity (a PUT's body may carry one) is never stored: the log's key is.
    const { id: _id, ...rest } = body;
    return {
      ...rest,
      ...(replyToId && !body.replyToId ? { replyToId } : {}),
      timestamp: timestamp(),
      channelId: CHANNEL_ID,
      serviceUrl,
      conversation: { id: conversation.id },
      from: { ...body.from, id: body.from?.id ?? DIRECT_LINE_BOT_ID, name: body.from?.name ?? BOT_NAME, role: 'bot' },
      recipient: body.recipient ?? { id: conversation.user.id, name: conversation.user.name, role: 'user' },
    };
  }

  server.post(
    '/v3/conversations',
    handle(async (req, res) => {
      const body = parseBody(CreateConversationBody, req.body);
      const [member] = body.members;
      if (!member) throw new HttpError(400, 'BadArgument', 'members is required');
      // The member's most recently used conversation, if it is still live.
      const latest = await store.latestOf(member.id);
      const existing = latest ? await resumable(latest, member.id) : null;
      const conversation = existing ?? (await createConversation({ id: member.id, name: member.name ?? member.id }));
      const initial = body.activity;
      const activity = initial ? await append(conversation, fromBot(conversation, initial)) : undefined;
      sendJson(res, existing ? 200 : 201, {
        id: conversation.id,
        serviceUrl,
        ...(activity ? { activityId: activity.id } : {}),
      });
    }),
  );

  const sendToConversation = handle(async (req, res) => {
    const conversation = await find(param(req, 'conversationId'));
    const body = parseBody(BotActivityBody, req.body);
    const replyTo = (req.params as Record<string, unknown>).activityId;
    const activity = await append(conversation, fromBot(conversation, body, typeof replyTo === 'string' ? replyTo : undefined));
    sendJson(res, 200, { id: activity.id });
  });
  server.post('/v3/conversations/:conversationId/activities', sendToConversation);
  server.post('/v3/conversations/:conversationId/activities/:activityId', sendToConversation);

  server.put(
    '/v3/conversations/:conversationId/activities/:activityId',
    handle(async (req, res) => {
      const conversationId = param(req, 'conversationId');
      const activityId = param(req, 'activityId');
      const body = parseBody(BotActivityBody, req.body);
      await replace(conversationId, activityId, (old, conversation) => ({
        ...fromBot(conversation, body),
        id: activityId,
        timestamp: old.timestamp,
        ...(typeof old.replyToId === 'string' ? { replyToId: old.replyToId } : {}),
      }));
      sendJson(res, 200, { id: activityId });
    }),
  );

  server.del(
    '/v3/conversations/:conversationId/activities/:activityId',
    handle(async (req, res) => {
      const conversationId = param(req, 'conversationId');
      const activityId = param(req, 'activityId');
      await replace(conversationId, activityId, (old) => blanked(old, conversationId));
      sendJson(res, 200, {});
    }),
  );

  return {
    // Nothing to release: the conversations outlive this server in Redis, and the connection is the app's.
    close() {},
  };
}

/** The size of the body as it came over the wire (restify keeps it beside the parsed JSON). */
function postedBytes(req: Request): number {
  const raw = (req as Request & { rawBody?: unknown }).rawBody;
  if (typeof raw === 'string') return Buffer.byteLength(raw, 'utf8');
  return Buffer.isBuffer(raw) ? raw.length : 0;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
