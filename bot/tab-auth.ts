// Who is asking the tab: the Entra ID token Teams issues to the tab (RS256 against the published
// keys, issuer, audience, scope, tenant), or in development the local web chat's Direct Line token.
// Kept apart from the tab's routes so token checks can be read and tested on their own.
import { createPublicKey, verify as verifySignature, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../infra/config.ts';
import type { Logger } from '../infra/log.ts';
import { hostNameOf } from '../infra/teams/manifest.ts';
import { verifyDirectLineToken } from './directline.ts';

// Signing keys (JWKS)

export interface SigningKeys {
  /** The RSA key with this id; null when the published set has none (after at most one refetch). */
  key(kid: string): Promise<KeyObject | null>;
}

export class KeysUnavailableError extends Error {}

export interface JwksOptions {
  /** Keys are refetched after this long even when every kid is known (Entra rolls keys). */
  ttlMs?: number;
  /** An unknown kid refetches at most this often, so a stream of made-up kids cannot hammer Entra. */
  minRefetchMs?: number;
  timeoutMs?: number;
  now?: () => number;
  fetch?: typeof fetch;
  /** Told about a failed fetch (the key set stays as it was). */
  onError?: (err: unknown) => void;
}

const JwkSchema = z.looseObject({ kty: z.string(), kid: z.string().min(1).max(256), use: z.string().optional(), n: z.string().optional(), e: z.string().optional() });
const JwksSchema = z.looseObject({ keys: z.array(z.unknown()).max(200) });
const MAX_JWKS_BYTES = 512 * 1024;

export function createJwksCache(url: string, options: JwksOptions = {}): SigningKeys {
  const ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
  const minRefetchMs = options.minRefetchMs ?? 60 * 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const now = options.now ?? Date.now;
  const doFetch = options.fetch ?? fetch;
  let keys = new Map<string, KeyObject>();
  let fetchedAt = -Infinity;
  let attemptedAt = -Infinity;
  let inFlight: Promise<void> | null = null;

  async function load(): Promise<void> {
    attemptedAt = now();
    const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new KeysUnavailableError(`JWKS answered ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new KeysUnavailableError('JWKS too large');
    const parsed = JwksSchema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new KeysUnavailableError('JWKS malformed');
    const next = new Map<string, KeyObject>();
    for (const raw of parsed.data.keys) {
      const jwk = JwkSchema.safeParse(raw);
      if (!jwk.success || jwk.data.kty !== 'RSA' || (jwk.data.use !== undefined && jwk.data.use !== 'sig') || !jwk.data.n || !jwk.data.e) continue;
      try {
        next.set(jwk.data.kid, createPublicKey({ key: { kty: 'RSA', n: jwk.data.n, e: jwk.data.e } as JsonWebKey, format: 'jwk' }));
      } catch {
        // one unusable key must not take the others down
      }
    }
    keys = next;
    fetchedAt = now();
  }

  function refresh(): Promise<void> {
    inFlight ??= load().finally(() => {
      inFlight = null;
    });
    return inFlight;
  }

  return {
    async key(kid) {
      if (inFlight) {
        await inFlight.catch(() => undefined);
      } else if (now() - attemptedAt >= minRefetchMs && (now() - fetchedAt > ttlMs || !keys.has(kid))) {
        // Refetch when the set is old or the kid is new (Entra rolled its keys) — at most once per
        // minRefetchMs, also while the endpoint is down. A failed refresh keeps the keys we had:
        // Entra being slow must not sign everyone out.
        await refresh().catch((err: unknown) => options.onError?.(err));
      }
      if (keys.size === 0) throw new KeysUnavailableError('no signing keys could be fetched');
      return keys.get(kid) ?? null;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Entra ID token (Teams SSO)

export interface SsoPolicy {
  /** Accepted `aud` values, compared case-insensitively. Empty = SSO is off. */
  audiences: readonly string[];
  /** Lower-case tenant ids; empty = any tenant. */
  allowedTenants: readonly string[];
  /** Clock skew tolerated on exp and nbf. */
  skewSeconds?: number;
}

export interface EntraUser {
  objectId: string;
  tenantId: string;
}

export type TokenRefusal = 'malformed' | 'algorithm' | 'unknown_key' | 'signature' | 'expired' | 'not_yet_valid' | 'audience' | 'issuer' | 'scope' | 'tenant' | 'not_configured';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const B64URL = /^[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 16 * 1024;
/** The scope the manifest's app registration exposes for Teams SSO. */
export const SSO_SCOPE = 'access_as_user';

const HeaderSchema = z.looseObject({ alg: z.string(), kid: z.string().min(1).max(256), typ: z.string().optional(), crit: z.unknown().optional() });
const ClaimsSchema = z.looseObject({
  iss: z.string(),
  aud: z.string(),
  exp: z.number(),
  nbf: z.number().optional(),
  tid: z.string().regex(GUID),
  oid: z.string().regex(GUID),
  scp: z.string().optional(),
});

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Verifies a Teams SSO token; the caller maps the user to a member. Throws KeysUnavailableError. */
export async function verifyEntraToken(
  token: string,
  policy: SsoPolicy,
  keys: SigningKeys,
  nowSeconds: number,
): Promise<{ ok: true; user: EntraUser } | { ok: false; reason: TokenRefusal }> {
  if (policy.audiences.length === 0) return { ok: false, reason: 'not_configured' };
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [h = '', p = '', s = ''] = parts;
  const header = HeaderSchema.safeParse(decodeJson(h));
  if (!header.success) return { ok: false, reason: 'malformed' };
  // Only RS256: "none", HS256 with the public key as secret and friends are the classic JWT forgeries.
  if (header.data.alg !== 'RS256' || header.data.crit !== undefined) return { ok: false, reason: 'algorithm' };
  const key = await keys.key(header.data.kid);
  if (!key) return { ok: false, reason: 'unknown_key' };
  if (!verifySignature('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'))) return { ok: false, reason: 'signature' };

  const claims = ClaimsSchema.safeParse(decodeJson(p));
  if (!claims.success) return { ok: false, reason: 'malformed' };
  const c = claims.data;
  const skew = policy.skewSeconds ?? 120;
  if (c.exp + skew <= nowSeconds) return { ok: false, reason: 'expired' };
  if (c.nbf !== undefined && c.nbf - skew > nowSeconds) return { ok: false, reason: 'not_yet_valid' };
  if (!policy.audiences.some((a) => a.toLowerCase() === c.aud.toLowerCase())) return { ok: false, reason: 'audience' };
  const tid = c.tid.toLowerCase();
  // The common keys sign tokens for every tenant: the issuer must name the token's own tenant.
  const issuers = [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
  if (!issuers.includes(c.iss.toLowerCase())) return { ok: false, reason: 'issuer' };
  // A delegated token for our API; an app-only token (no scp) is not a person.
  if (!(c.scp ?? '').split(' ').includes(SSO_SCOPE)) return { ok: false, reason: 'scope' };
  if (policy.allowedTenants.length > 0 && !policy.allowedTenants.includes(tid)) return { ok: false, reason: 'tenant' };
  // oid as Entra writes it: the bot stored the same value from Teams' aadObjectId.
  return { ok: true, user: { objectId: c.oid, tenantId: tid } };
}

/** The audiences a Teams SSO token for this deployment carries (see infra/teams/manifest.ts). */
export function ssoAudiences(config: Pick<Config, 'TAB_SSO_AUDIENCE' | 'MicrosoftAppId' | 'PUBLIC_BASE_URL'>): string[] {
  if (config.TAB_SSO_AUDIENCE.length > 0) return [...config.TAB_SSO_AUDIENCE];
  if (!config.MicrosoftAppId) return [];
  const appId = config.MicrosoftAppId.toLowerCase();
  // v1 tokens carry the Application ID URI (webApplicationInfo.resource), v2 tokens the client id.
  return [`api://${hostNameOf(config.PUBLIC_BASE_URL)}/${appId}`, appId];
}

// ---------------------------------------------------------------------------------------------
// Who is asking

export type TabIdentity =
  | { kind: 'teams'; channelId: 'msteams'; user: EntraUser }
  | { kind: 'dev'; channelId: 'webchat'; userId: string }
  // Outside Teams: the web chat's sign-in session (bot/web-signin.ts), a cookie rather than a bearer token.
  | { kind: 'web'; channelId: 'webchat'; userId: string };

export type TabAuthResult =
  | { ok: true; identity: TabIdentity }
  | { ok: false; status: 401 | 403 | 503; code: 'missing_token' | 'bad_token' | 'expired' | 'tenant_not_allowed' | 'sso_unavailable'; reason?: TokenRefusal };

export interface TabAuthPolicy {
  sso: SsoPolicy;
  keys: SigningKeys;
  /** Development only: the web chat's token secret. Ignored unless `dev` is true. */
  dev: boolean;
  devTokenSecret: string | null;
  nowSeconds: () => number;
}

const DEV_TOKEN_PREFIX = 'dl1.';

/**
 * Decides who the bearer of an Authorization header is. A web chat token counts only when `dev` is
 * true and a secret is given: in production it is just not a JWT, so it is refused like any other.
 */
export async function authenticateTab(authorization: string, policy: TabAuthPolicy): Promise<TabAuthResult> {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) return { ok: false, status: 401, code: 'missing_token' };
  const token = match[1];
  if (token.startsWith(DEV_TOKEN_PREFIX)) {
    if (!policy.dev || !policy.devTokenSecret) return { ok: false, status: 401, code: 'bad_token', reason: 'malformed' };
    const verified = verifyDirectLineToken(token, policy.devTokenSecret, policy.nowSeconds());
    if (!verified.ok) return { ok: false, status: 401, code: verified.reason === 'expired' ? 'expired' : 'bad_token' };
    return { ok: true, identity: { kind: 'dev', channelId: 'webchat', userId: verified.claims.sub } };
  }
  let verified: Awaited<ReturnType<typeof verifyEntraToken>>;
  try {
    verified = await verifyEntraToken(token, policy.sso, policy.keys, policy.nowSeconds());
  } catch (err) {
    if (err instanceof KeysUnavailableError) return { ok: false, status: 503, code: 'sso_unavailable' };
    throw err;
  }
  if (verified.ok) return { ok: true, identity: { kind: 'teams', channelId: 'msteams', user: verified.user } };
  if (verified.reason === 'tenant') return { ok: false, status: 403, code: 'tenant_not_allowed', reason: verified.reason };
  return { ok: false, status: 401, code: verified.reason === 'expired' ? 'expired' : 'bad_token', reason: verified.reason };
}

export interface TabAuthDeps {
  config: Config;
  log: Logger;
  now: () => Date;
  /** The local web chat's token secret in development; null in production (and then ignored anyway). */
  devTokenSecret: string | null;
  /** Tests may hand in their own key source; default: TAB_SSO_JWKS_URL, cached. */
  keys?: SigningKeys;
}

/** The tab's sign-in as configured: Entra ID's keys (cached), our audiences and tenants, the dev token in development. */
export function tabAuthPolicy(deps: TabAuthDeps): TabAuthPolicy {
  const { config, log } = deps;
  const keys =
    deps.keys ??
    createJwksCache(config.TAB_SSO_JWKS_URL, {
      onError: (err) => log.warn({ err: { name: (err as Error).name, message: (err as Error).message } }, 'tab: could not fetch the SSO signing keys'),
    });
  const policy: TabAuthPolicy = {
    sso: { audiences: ssoAudiences(config), allowedTenants: config.ALLOWED_TENANT_IDS },
    keys,
    dev: config.dev,
    devTokenSecret: config.dev ? deps.devTokenSecret : null,
    nowSeconds: () => Math.floor(deps.now().getTime() / 1000),
  };
  if (policy.sso.audiences.length === 0) log.info('tab: no TAB_SSO_AUDIENCE or MicrosoftAppId, so Teams sign-in on the tab is off');
  return policy;
}
