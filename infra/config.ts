// One schema reads the environment. Everything the processes read from env goes through here,
// and every variable is listed in .env.example with its default.
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'must be a time like 21:00' });
const url = (protocols: string[]) =>
  z.string().refine((v) => {
    try {
      return protocols.includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, { message: `must be a URL starting with ${protocols.map((p) => p + '//').join(' or ')}` });

/** What a cluster node's URL says about how to connect, beside host and port. */
const nodeAccess = (v: string) => {
  try {
    const u = new URL(v);
    return `${u.protocol}//${u.username}:${u.password}`;
  } catch {
    return v; // not a URL: the URL check names that
  }
};

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535, { message: 'must be a port number' }).default(3978),
    HOST: z.string().min(1).optional(),
    PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    // Connections each process keeps to PostgreSQL; servers + workers together must stay under max_connections.
    DATABASE_POOL_SIZE: z.coerce.number({ message: 'must be a whole number' }).int({ message: 'must be a whole number' }).min(1).max(200).default(10),
    // Statements prepared once per connection (infra/db.ts); false behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode).
    DATABASE_PREPARED_STATEMENTS: bool.default(true),
    DATA_DIR: z.string().min(1).default('.data'),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    // A Redis Cluster instead (Valkey or Redis, cluster mode): some of its nodes, comma-separated.
    REDIS_CLUSTER_NODES: z
      .string()
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(url(['redis:', 'rediss:'])).min(1, { message: 'must name at least one node' }))
      .refine((nodes) => new Set(nodes.map(nodeAccess)).size === 1, {
        message: 'must give every node the same scheme, user and password (redis:// or rediss://)',
      })
      .optional(),
    QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/, { message: 'may hold letters, digits, - and _ only' }).default('dugnad'),
    RUN_WORKERS: bool.optional(),
    SEED_DEMO: bool.optional(),

    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: z.string().default(''),

    DIRECTLINE_TOKEN_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    // system@centre[+centre…]:token — each case system's token, and the centres it may post for.
    API_TOKENS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const tokens = new Map<string, ApiClient>();
        for (const pair of v.split(',').map((s) => s.trim()).filter(Boolean)) {
          const at = pair.indexOf(':');
          const [system = '', scope = ''] = pair.slice(0, Math.max(at, 0)).split('@');
          const token = pair.slice(at + 1);
          const centreIds = scope.split('+').map((c) => c.trim()).filter(Boolean);
          if (at <= 0 || token.length < 24 || !/^[\w.-]+$/.test(system) || centreIds.length === 0) {
            ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of system@centre:token (several centres: system@hamar+stange:token), tokens at least 24 characters' });
            return z.NEVER;
          }
          if (tokens.has(token)) {
            ctx.addIssue({ code: 'custom', message: 'gives the same token to two systems' });
            return z.NEVER;
          }
          tokens.set(token, { system, centreIds });
        }
        return tokens;
      }),

    ALLOCATION_OFFICE_CONTACT: z.string().max(200).default(''),
    MILESTONE_MESSAGES: bool.default(true),
    WAVE_SIZE: z.coerce.number().int().min(1).max(10_000).default(50),
    MATCH_MAX_DISTANCE_KM: z.coerce.number().min(0).default(10),
    CONSENT_VALIDITY_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
    QUIET_HOURS_START: hhmm.default('21:00'),
    QUIET_HOURS_END: hhmm.default('08:00'),
    OUTBOX_POLL_MS: z.coerce.number().int().min(100).default(2000),
    SEND_RATE_PER_SECOND: z.coerce.number().int().min(0).default(40),
    PACE_PER_CONVERSATION_MS: z.coerce.number().int().min(0).default(1000),
    // Fixed wave timeout (minutes, may be fractional) for demos and tests; unset = scaled by time to start.
    WAVE_TIMEOUT_MINUTES: z.coerce.number().positive().optional(),
    ESCALATE_HOURS_BEFORE: z.coerce.number().min(0).default(24),
    CONFIRM_DEADLINE_MINUTES: z.coerce.number().min(0).default(360),
    FOLLOW_UP_DELAY_MINUTES: z.coerce.number().min(0).default(30),
    // Days the volunteer has to answer the follow-up; after that the task ends as not reported. At
    // least 2: the caregiver is asked how it went a day after the follow-up if the volunteer is silent.
    FOLLOW_UP_ANSWER_DAYS: z.coerce.number().int().min(2).max(365).default(7),
    CONSENT_RENEW_NOTICE_DAYS: z.coerce.number().int().min(1).default(30),
    DAILY_UPKEEP_AT: hhmm.default('03:00'),
    // Europe/Oslo time of the morning overview in linked Teams staff channels (held through quiet hours).
    STAFF_CHANNEL_DIGEST_AT: hhmm.default('07:30'),
    REMINDER_OFFSETS_MINUTES: z
      .string()
      .default('1440,120')
      .transform((v) => v.split(',').map((s) => Number(s.trim())))
      .pipe(z.array(z.number().positive({ message: 'must be a list of minutes like 1440,120' }))),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
    // How long an imported volunteer's invitation link works (issue 18).
    INVITATION_VALID_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    SERVICE_URL_HOSTS: z
      .string()
      .default('smba.trafficmanager.net')
      .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)),
    // Teams tenants whose users may reach the bot; empty = any tenant (see .env.example for the risk).
    ALLOWED_TENANT_IDS: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)),
    // Tests only: a local OpenID configuration whose keys sign the channel tokens a test makes.
    BOT_OPENID_METADATA_URL: url(['http:', 'https:']).optional(),
    // Teams tab SSO: audiences accepted in the tab's Entra ID token; empty = derived from
    // MicrosoftAppId and PUBLIC_BASE_URL like the manifest's webApplicationInfo (bot/tab.ts).
    TAB_SSO_AUDIENCE: z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
    TAB_SSO_JWKS_URL: url(['http:', 'https:']).default('https://login.microsoftonline.com/common/discovery/v2.0/keys'),
    // Web chat sign-in (bot/web-signin.ts): two OpenID Connect providers, ID-porten for citizens and
    // Entra ID for staff; either may be left out. Redirect URL defaults to PUBLIC_BASE_URL/auth/callback.
    WEB_CHAT_ENABLED: bool.default(true),
    OIDC_IDPORTEN_ISSUER: url(['http:', 'https:']).optional(),
    OIDC_IDPORTEN_CLIENT_ID: z.string().min(1).optional(),
    OIDC_IDPORTEN_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_IDPORTEN_SCOPE: z.string().min(1).default('openid'),
    OIDC_ENTRA_ISSUER: url(['http:', 'https:']).optional(),
    OIDC_ENTRA_CLIENT_ID: z.string().min(1).optional(),
    OIDC_ENTRA_CLIENT_SECRET: z.string().min(1).optional(),
    OIDC_ENTRA_SCOPE: z.string().min(1).default('openid'),
    OIDC_REDIRECT_URL: url(['http:', 'https:']).optional(),
    WEB_SESSION_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(60),
    // Per minute; 0 switches a limit off (bot/rate-limit.ts).
    RATE_LIMIT_MESSAGES_PER_MINUTE: z.coerce.number().int().min(0).default(120),
    RATE_LIMIT_SIGNIN_PER_MINUTE: z.coerce.number().int().min(0).default(30),
    // An open chat polls twice a second (120 a minute); several people may share an address.
    RATE_LIMIT_DIRECTLINE_PER_MINUTE: z.coerce.number().int().min(0).default(3000),
    // Calendar feeds per client address; a calendar service fetches many people's feeds from few addresses.
    RATE_LIMIT_CALENDAR_PER_MINUTE: z.coerce.number().int().min(0).default(600),
    // Behind a reverse proxy the client's address is the last X-Forwarded-For entry, not the socket's.
    TRUST_PROXY: bool.default(false),
    // Web Push for the web chat (infra/web-push.ts). Both keys or neither; unset in development =
    // generated once into DATA_DIR/vapid.json; unset in production = no «Varsle meg».
    VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, { message: 'must be the base64url public key web-push generate-vapid-keys prints' }).optional(),
    VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { message: 'must be the base64url private key web-push generate-vapid-keys prints' }).optional(),
    VAPID_SUBJECT: z
      .string()
      .default('mailto:personvern@dugnad.invalid')
      .refine((v) => URL.canParse(v) && ['mailto:', 'https:'].includes(new URL(v).protocol), { message: 'must be a mailto: or https: URL' }),
    // Hosts a browser's push subscription may name in production; '.example.com' also allows its subdomains.
    PUSH_SERVICE_HOSTS: z
      .string()
      .default('fcm.googleapis.com,updates.push.services.mozilla.com,.push.apple.com,.notify.windows.com')
      .transform((v) => v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean)),
    // A device nothing was pushed to for this many days is forgotten (daily upkeep).
    PUSH_UNUSED_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
    // SMS (infra/sms/): 'sveve' is the real Norwegian gateway; 'fake' (development only) runs one in
    // this process with /dev/sms as the phones; 'none' switches SMS off. Unset: 'fake' in development.
    SMS_PROVIDER: z.enum(['none', 'sveve', 'fake'], { message: 'must be none, sveve or fake' }).optional(),
    SMS_SVEVE_URL: url(['http:', 'https:']).default('https://sveve.no'),
    SMS_SVEVE_USER: z.string().min(1).optional(),
    SMS_SVEVE_PASSWORD: z.string().min(1).optional(),
    // What the phone shows as sender (Sveve: at most 11 characters, letters and digits).
    SMS_SENDER: z.string().regex(/^[A-Za-z0-9]{3,11}$/, { message: 'must be 3–11 letters or digits' }).default('Dugnad'),
    // The gateway calls /sms/<provider>/<this secret> with replies and delivery reports (Sveve signs nothing).
    SMS_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{32,}$/, { message: 'must be at least 32 letters, digits, - or _' }).optional(),
    // Gap between two SMS to one number, and how long a one-time link to a task works.
    SMS_PACE_PER_NUMBER_MS: z.coerce.number().int().min(0).default(3000),
    // Replies a day to a number that is no one's yet (someone signing up takes about six): a number
    // that writes on and on cannot drain the centre's SMS budget. 0 = no replies to unknown numbers.
    SMS_UNKNOWN_REPLIES_PER_DAY: z.coerce.number().int().min(0).default(10),
    SMS_TASK_LINK_MINUTES: z.coerce.number().int().min(5).max(7 * 24 * 60).default(24 * 60),
  })
  .superRefine((env, ctx) => {
    if (env.REDIS_URL && env.REDIS_CLUSTER_NODES) {
      ctx.addIssue({ code: 'custom', path: ['REDIS_CLUSTER_NODES'], message: 'and REDIS_URL are alternatives: set one of them' });
    }
    // Half a provider is a typo, not a choice: say which part is missing, in any environment.
    for (const id of ['IDPORTEN', 'ENTRA'] as const) {
      const parts = [`OIDC_${id}_ISSUER`, `OIDC_${id}_CLIENT_ID`, `OIDC_${id}_CLIENT_SECRET`] as const;
      const given = parts.filter((k) => env[k] !== undefined);
      if (given.length > 0 && given.length < parts.length) {
        const missing = parts.find((k) => env[k] === undefined)!;
        ctx.addIssue({ code: 'custom', path: [missing], message: `is required when ${given[0]} is set` });
      }
    }
    if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY)) {
      ctx.addIssue({ code: 'custom', path: [env.VAPID_PUBLIC_KEY ? 'VAPID_PRIVATE_KEY' : 'VAPID_PUBLIC_KEY'], message: `is required when ${env.VAPID_PUBLIC_KEY ? 'VAPID_PUBLIC_KEY' : 'VAPID_PRIVATE_KEY'} is set` });
    }
    if (env.SMS_PROVIDER === 'sveve') {
      for (const k of ['SMS_SVEVE_USER', 'SMS_SVEVE_PASSWORD', 'SMS_WEBHOOK_SECRET'] as const) {
        if (!env[k]) ctx.addIssue({ code: 'custom', path: [k], message: 'is required when SMS_PROVIDER is sveve' });
      }
    }
    if (env.NODE_ENV !== 'production') return;
    // The fake gateway answers anyone who posts to it and shows every phone's messages on a page.
    if (env.SMS_PROVIDER === 'fake') ctx.addIssue({ code: 'custom', path: ['SMS_PROVIDER'], message: 'fake is for development only' });
    if (env.SMS_PROVIDER === 'sveve' && !env.SMS_SVEVE_URL.startsWith('https:')) ctx.addIssue({ code: 'custom', path: ['SMS_SVEVE_URL'], message: 'must be an https URL in production' });
    if (!env.MicrosoftAppId || (!env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI')) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: 'and MicrosoftAppPassword are required in production: the bot never runs anonymously there' });
    }
    if (!env.REDIS_URL && !env.REDIS_CLUSTER_NODES) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required in production (or REDIS_CLUSTER_NODES for a Redis Cluster)' });
    if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    if (!env.PUBLIC_BASE_URL) ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required in production' });
    // Whoever serves that document could sign channel tokens for any user.
    if (env.BOT_OPENID_METADATA_URL) ctx.addIssue({ code: 'custom', path: ['BOT_OPENID_METADATA_URL'], message: 'is for tests only and must not be set in production' });
    // The keys that decide who a tab user is: fetched over plain HTTP, anyone on the path could swap them.
    if (!env.TAB_SSO_JWKS_URL.startsWith('https:')) ctx.addIssue({ code: 'custom', path: ['TAB_SSO_JWKS_URL'], message: 'must be an https URL in production' });
    // An empty list would let every Teams tenant in; '*' says that on purpose.
    if (env.ALLOWED_TENANT_IDS.length === 0) ctx.addIssue({ code: 'custom', path: ['ALLOWED_TENANT_IDS'], message: "is required in production (a comma-separated list of tenant ids, or * for any tenant)" });
    if (env.WEB_CHAT_ENABLED) {
      // Without sign-in a web chat user would be whoever the browser claims to be.
      if (oidcProviders(env).length === 0) ctx.addIssue({ code: 'custom', path: ['OIDC_IDPORTEN_ISSUER'], message: 'or OIDC_ENTRA_ISSUER (with client id and secret) is required in production while WEB_CHAT_ENABLED is true' });
      // Every process must mint and check the same chat tokens and sessions.
      if (!env.DIRECTLINE_TOKEN_SECRET) ctx.addIssue({ code: 'custom', path: ['DIRECTLINE_TOKEN_SECRET'], message: 'is required in production while WEB_CHAT_ENABLED is true' });
      for (const p of oidcProviders(env)) {
        if (!isHttpsOrLoopback(p.issuer)) ctx.addIssue({ code: 'custom', path: [`OIDC_${p.id.toUpperCase()}_ISSUER`], message: 'must be an https URL in production' });
      }
    }
  });

/** A case system on the integration API: who it is, and the centres its token may post for. */
export interface ApiClient {
  system: string;
  centreIds: string[];
}

export interface OidcProviderConfig {
  id: 'idporten' | 'entra';
  issuer: string;
  clientId: string;
  clientSecret: string;
  scope: string;
}

type OidcEnv = { [K in `OIDC_${'IDPORTEN' | 'ENTRA'}_${'ISSUER' | 'CLIENT_ID' | 'CLIENT_SECRET'}`]?: string | undefined } & { OIDC_IDPORTEN_SCOPE: string; OIDC_ENTRA_SCOPE: string };

function oidcProviders(env: OidcEnv): OidcProviderConfig[] {
  const list: OidcProviderConfig[] = [];
  if (env.OIDC_IDPORTEN_ISSUER && env.OIDC_IDPORTEN_CLIENT_ID && env.OIDC_IDPORTEN_CLIENT_SECRET) {
    list.push({ id: 'idporten', issuer: env.OIDC_IDPORTEN_ISSUER, clientId: env.OIDC_IDPORTEN_CLIENT_ID, clientSecret: env.OIDC_IDPORTEN_CLIENT_SECRET, scope: env.OIDC_IDPORTEN_SCOPE });
  }
  if (env.OIDC_ENTRA_ISSUER && env.OIDC_ENTRA_CLIENT_ID && env.OIDC_ENTRA_CLIENT_SECRET) {
    list.push({ id: 'entra', issuer: env.OIDC_ENTRA_ISSUER, clientId: env.OIDC_ENTRA_CLIENT_ID, clientSecret: env.OIDC_ENTRA_CLIENT_SECRET, scope: env.OIDC_ENTRA_SCOPE });
  }
  return list;
}

/** An identity provider on this very machine is as trusted as the process; anywhere else it must be https. */
function isHttpsOrLoopback(value: string): boolean {
  const u = new URL(value);
  return u.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
}

export type Config = ReturnType<typeof resolve>;

/** The SMS gateway as configured; null when SMS is off. The fake lives on this server (bot/dev-sms.ts). */
export type SmsConfig = { provider: 'sveve' | 'fake'; baseUrl: string; user: string; password: string; sender: string; webhookSecret: string; paceMs: number; linkMinutes: number; unknownPerDay: number };

/** The development fake's fixed credentials: nothing real sits behind them. */
export const FAKE_SMS_CREDENTIALS = { user: 'dugnad-dev', password: 'dev-password', webhookSecret: 'dev-sms-webhook-secret-not-for-production' } as const;

function smsConfig(env: z.output<typeof schema>, publicBaseUrl: string): SmsConfig | null {
  const provider = env.SMS_PROVIDER ?? (env.NODE_ENV === 'development' ? 'fake' : 'none');
  const common = { sender: env.SMS_SENDER, paceMs: env.SMS_PACE_PER_NUMBER_MS, linkMinutes: env.SMS_TASK_LINK_MINUTES, unknownPerDay: env.SMS_UNKNOWN_REPLIES_PER_DAY };
  if (provider === 'fake') {
    return { provider, baseUrl: `${publicBaseUrl.replace(/\/+$/, '')}/dev/sms/gateway`, ...FAKE_SMS_CREDENTIALS, ...common };
  }
  if (provider === 'sveve' && env.SMS_SVEVE_USER && env.SMS_SVEVE_PASSWORD && env.SMS_WEBHOOK_SECRET) {
    return { provider, baseUrl: env.SMS_SVEVE_URL, user: env.SMS_SVEVE_USER, password: env.SMS_SVEVE_PASSWORD, webhookSecret: env.SMS_WEBHOOK_SECRET, ...common };
  }
  return null;
}

function resolve(env: z.output<typeof schema>) {
  const dev = env.NODE_ENV !== 'production';
  const host = env.HOST ?? (dev ? '127.0.0.1' : '0.0.0.0');
  const publicBaseUrl = env.PUBLIC_BASE_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${env.PORT}`;
  return {
    ...env,
    dev,
    HOST: host,
    PUBLIC_BASE_URL: publicBaseUrl,
    RUN_WORKERS: env.RUN_WORKERS ?? dev,
    SEED_DEMO: env.SEED_DEMO ?? env.NODE_ENV === 'development',
    anonymous: !env.MicrosoftAppId,
    // '*' is the explicit "any tenant"; the gate reads an empty list the same way.
    ALLOWED_TENANT_IDS: env.ALLOWED_TENANT_IDS.filter((id) => id !== '*'),
    oidcProviders: oidcProviders(env),
    OIDC_REDIRECT_URL: env.OIDC_REDIRECT_URL ?? `${publicBaseUrl.replace(/\/+$/, '')}/auth/callback`,
    sms: smsConfig(env, publicBaseUrl),
  };
}

export class ConfigError extends Error {}

/** Reads config from an env object; throws ConfigError with one line naming the variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings in .env files mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // Never echo a secret: by the variable's name, or a password inside a URL (user:password@host).
    const value = cleaned[name];
    const got = value !== undefined && !/PASSWORD|SECRET|TOKEN|PRIVATE/i.test(name) && !/:\/\/[^/]*@/.test(value) ? ` (got "${value}")` : '';
    throw new ConfigError(`Configuration error: ${name} ${issue.message}${got}`);
  }
  return resolve(parsed.data);
}
