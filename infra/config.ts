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

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production'], { message: 'must be development, test or production' }).default('development'),
    PORT: z.coerce.number({ message: 'must be a port number' }).int().min(0).max(65535, { message: 'must be a port number' }).default(3978),
    HOST: z.string().min(1).optional(),
    PUBLIC_BASE_URL: url(['http:', 'https:']).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),

    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    DATA_DIR: z.string().min(1).default('.data'),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    QUEUE_PREFIX: z.string().regex(/^[a-zA-Z0-9_-]+$/, { message: 'may hold letters, digits, - and _ only' }).default('dugnad'),
    RUN_WORKERS: bool.optional(),
    SEED_DEMO: bool.optional(),

    MicrosoftAppId: z.string().default(''),
    MicrosoftAppPassword: z.string().default(''),
    MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']).default('MultiTenant'),
    MicrosoftAppTenantId: z.string().default(''),

    DIRECTLINE_TOKEN_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
    API_TOKENS: z
      .string()
      .default('')
      .transform((v, ctx) => {
        const tokens = new Map<string, string>();
        for (const pair of v.split(',').map((s) => s.trim()).filter(Boolean)) {
          const at = pair.indexOf(':');
          const system = pair.slice(0, at);
          const token = pair.slice(at + 1);
          if (at <= 0 || token.length < 24) {
            ctx.addIssue({ code: 'custom', message: 'must be a comma-separated list of system:token, tokens at least 24 characters' });
            return z.NEVER;
          }
          if (tokens.has(token)) {
            ctx.addIssue({ code: 'custom', message: 'gives the same token to two systems' });
            return z.NEVER;
          }
          tokens.set(token, system);
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
    CONSENT_RENEW_NOTICE_DAYS: z.coerce.number().int().min(1).default(30),
    DAILY_UPKEEP_AT: hhmm.default('03:00'),
    REMINDER_OFFSETS_MINUTES: z
      .string()
      .default('1440,120')
      .transform((v) => v.split(',').map((s) => Number(s.trim())))
      .pipe(z.array(z.number().positive({ message: 'must be a list of minutes like 1440,120' }))),
    RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
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
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== 'production') return;
    if (!env.MicrosoftAppId || (!env.MicrosoftAppPassword && env.MicrosoftAppType !== 'UserAssignedMSI')) {
      ctx.addIssue({ code: 'custom', path: ['MicrosoftAppId'], message: 'and MicrosoftAppPassword are required in production: the bot never runs anonymously there' });
    }
    if (!env.REDIS_URL) ctx.addIssue({ code: 'custom', path: ['REDIS_URL'], message: 'is required in production' });
    if (!env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'is required in production' });
    if (!env.PUBLIC_BASE_URL) ctx.addIssue({ code: 'custom', path: ['PUBLIC_BASE_URL'], message: 'is required in production' });
    // Whoever serves that document could sign channel tokens for any user.
    if (env.BOT_OPENID_METADATA_URL) ctx.addIssue({ code: 'custom', path: ['BOT_OPENID_METADATA_URL'], message: 'is for tests only and must not be set in production' });
    // The keys that decide who a tab user is: fetched over plain HTTP, anyone on the path could swap them.
    if (!env.TAB_SSO_JWKS_URL.startsWith('https:')) ctx.addIssue({ code: 'custom', path: ['TAB_SSO_JWKS_URL'], message: 'must be an https URL in production' });
  });

export type Config = ReturnType<typeof resolve>;

function resolve(env: z.output<typeof schema>) {
  const dev = env.NODE_ENV !== 'production';
  const host = env.HOST ?? (dev ? '127.0.0.1' : '0.0.0.0');
  return {
    ...env,
    dev,
    HOST: host,
    PUBLIC_BASE_URL: env.PUBLIC_BASE_URL ?? `http://${host === '0.0.0.0' ? 'localhost' : host}:${env.PORT}`,
    RUN_WORKERS: env.RUN_WORKERS ?? dev,
    SEED_DEMO: env.SEED_DEMO ?? env.NODE_ENV === 'development',
    anonymous: !env.MicrosoftAppId,
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
    const got = cleaned[name] !== undefined && !/PASSWORD|SECRET|TOKEN/i.test(name) ? ` (got "${cleaned[name]}")` : '';
    throw new ConfigError(`Configuration error: ${name} ${issue.message}${got}`);
  }
  return resolve(parsed.data);
}
