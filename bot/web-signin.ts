// Web chat sign-in by OpenID Connect: authorization code flow with PKCE, state and nonce (openid-client
// does the protocol), then a short, signed session cookie. The session is who the web chat user is:
// the Direct Line endpoint issues chat tokens only for it (directline.ts `identify`), and the user id
// it carries is derived from the provider's issuer and subject, never from anything the page says.
//
// Two providers can be configured (infra/config.ts): ID-porten for citizens, Entra ID for staff. One
// callback serves both; the provider is remembered in the login cookie.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { OidcProviderConfig } from '../infra/config.ts';
import type { Locale } from '../domain/types.ts';
import { localeFromTag, t, type MessageKey } from '../adaptive-cards/texts.ts';
import { signValue, verifySignedValue, type SignedInUser } from './directline.ts';
import { escapeHtml, htmlHead } from './page-assets.ts';
import { clientAddress, sendTooManyRequests, type Limiter } from './rate-limit.ts';
import type { SessionEnds } from './web-sessions.ts';

export interface WebSession {
  /** The chat user id: `web-` + a hash of issuer and subject. */
  userId: string;
  provider: OidcProviderConfig['id'];
  /** Names this sign-in: the chat tokens issued under it carry it, and a logout ends them all. */
  sessionId: string;
  /** Seconds since the epoch. */
  exp: number;
}

export interface SignedInClaims {
  provider: OidcProviderConfig['id'];
  userId: string;
  /** Raw claims of the ID token, for the mapping to a member (e.g. Entra's oid and tid). */
  claims: Record<string, unknown>;
}

export interface WebSignInOptions {
  providers: OidcProviderConfig[];
  redirectUrl: string;
  /** The deployment's secret; the session and login cookies use keys derived from it. */
  secret: string;
  sessionMinutes: number;
  /** Secure cookies (and the __Host- prefix): production, or any https deployment. */
  secureCookies: boolean;
  now: () => Date;
  limiter?: Limiter;
  trustProxy?: boolean;
  /** Runs after a successful sign-in, before the session is set (e.g. linking a staff member). */
  onSignedIn?: (signedIn: SignedInClaims) => Promise<void>;
  /** Where a logout is recorded, so the session and its chat tokens end on every server. */
  sessionEnds?: SessionEnds;
  log: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}

export interface WebSignIn {
  /** The valid session on this request, or null (absent, tampered, expired, logged out). */
  sessionOf(req: Request): Promise<WebSession | null>;
  /** For directline.ts: the chat identity of a signed-in request. */
  identify(req: Request): Promise<SignedInUser | null>;
}

const SESSION_PREFIX = 'ws1';
const LOGIN_PREFIX = 'wl1';
const LOGIN_SECONDS = 10 * 60;

const SessionSchema = z.object({ uid: z.string().min(1).max(128), p: z.enum(['idporten', 'entra']), sid: z.string().min(16).max(64), exp: z.number().int() });
/** Where a sign-in may return to: our own pages only, never a URL the request names (open redirect). */
export const SIGN_IN_RETURNS = ['/', '/tab'] as const;
// Or a one-time link to a task (bot/task-link.ts), which needs the person signed in before it opens.
const ReturnTo = z.union([z.enum(SIGN_IN_RETURNS), z.string().regex(/^\/t\/[A-Za-z0-9_-]{16,64}$/)]);

const LoginSchema = z.object({
  p: z.enum(['idporten', 'entra']),
  r: ReturnTo.optional(),
  v: z.string().min(43).max(128),
  s: z.string().min(1).max(128),
  n: z.string().min(1).max(128),
  exp: z.number().int(),
});

/** One secret, separate keys per use: a chat token can never pass for a session or a login cookie. */
function derivedKey(secret: string, purpose: string): string {
  return createHmac('sha256', secret).update(`dugnad:${purpose}`).digest('base64url');
}

/** Stable per person and provider, opaque (no national id number or e-mail in our tables). */
export function webUserId(issuer: string, subject: string): string {
  return `web-${createHash('sha256').update(`${issuer}\n${subject}`).digest('base64url').slice(0, 32)}`;
}

function cookieNames(secure: boolean): { session: string; login: string } {
  // __Host- makes the browser refuse the cookie unless Secure, Path=/ and without Domain.
  return secure ? { session: '__Host-dugnad-session', login: '__Secure-dugnad-login' } : { session: 'dugnad-session', login: 'dugnad-login' };
}

export function readCookie(req: Request, name: string): string | null {
  for (const part of req.header('cookie', '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return null;
}

function cookie(name: string, value: string, o: { maxAge: number; path: string; secure: boolean }): string {
  return [`${name}=${value}`, `Path=${o.path}`, `Max-Age=${o.maxAge}`, 'HttpOnly', 'SameSite=Lax', ...(o.secure ? ['Secure'] : [])].join('; ');
}

export function registerWebSignIn(server: Server, options: WebSignInOptions): WebSignIn {
  const sessionKey = derivedKey(options.secret, 'web-session');
  const loginKey = derivedKey(options.secret, 'web-login');
  const names = cookieNames(options.secureCookies);
  const nowSeconds = () => Math.floor(options.now().getTime() / 1000);
  const byId = new Map(options.providers.map((p) => [p.id, p]));

  // Discovery once per provider; a failure is forgotten so the next sign-in tries again.
  const discovered = new Map<string, Promise<oidc.Configuration>>();
  function configurationOf(provider: OidcProviderConfig): Promise<oidc.Configuration> {
    let pending = discovered.get(provider.id);
    if (!pending) {
      const issuer = new URL(provider.issuer);
      // Plain http only for a provider on this machine (config refuses any other in production).
      const local = issuer.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
      pending = oidc.discovery(issuer, provider.clientId, undefined, oidc.ClientSecretPost(provider.clientSecret), local ? { execute: [oidc.allowInsecureRequests] } : undefined);
      pending.catch(() => discovered.delete(provider.id));
      discovered.set(provider.id, pending);
    }
    return pending;
  }

  /** The session the cookie names, if its signature holds and it has not run out; ended (logged out) or not. */
  function signedSession(req: Request): WebSession | null {
    const raw = readCookie(req, names.session);
    if (!raw) return null;
    const checked = verifySignedValue(SESSION_PREFIX, raw, sessionKey, SessionSchema, nowSeconds());
    return checked.ok ? { userId: checked.claims.uid, provider: checked.claims.p, sessionId: checked.claims.sid, exp: checked.claims.exp } : null;
  }

  async function sessionOf(req: Request): Promise<WebSession | null> {
    const session = signedSession(req);
    if (!session) return null;
    // A copy of the cookie kept after logout is worth nothing.
    return options.sessionEnds && (await options.sessionEnds.isEnded(session.sessionId)) ? null : session;
  }

  async function limited(req: Request, res: Response): Promise<boolean> {
    if (!options.limiter) return false;
    const verdict = await options.limiter.consume(clientAddress(req, options.trustProxy ?? false));
    if (verdict.ok) return false;
    sendTooManyRequests(res, verdict.retryAfterSeconds);
    return true;
  }

  function redirect(res: Response, location: string, cookies: string[] = []): void {
    res.setHeader('Cache-Control', 'no-store');
    if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
    res.writeHead(302, { Location: location });
    res.end();
  }

  function failurePage(req: Request, res: Response, status: number, key: MessageKey, cookies: string[] = []): void {
    const locale: Locale = localeFromTag(req.header('accept-language', ''));
    const html = `${htmlHead('/webchat/app.css', locale)}
<body><header class="topbar"><h1>Dugnad</h1></header>
<main class="main"><div class="notice" role="alert"><p>${escapeHtml(t(locale, key))}</p>
<p><a href="/">${escapeHtml(t(locale, 'webSignIn.tryAgain'))}</a></p></div></main></body></html>`;
    res.setHeader('Cache-Control', 'no-store');
    if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
    res.writeHead(status, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(html);
  }

  const clearLogin = cookie(names.login, '', { maxAge: 0, path: '/auth', secure: options.secureCookies });

  server.get('/auth/login/:provider', async (req: Request, res: Response) => {
    if (await limited(req, res)) return;
    const provider = byId.get(String((req.params as Record<string, unknown>).provider) as OidcProviderConfig['id']);
    if (!provider) return failurePage(req, res, 404, 'webSignIn.unknownProvider');
    let configuration: oidc.Configuration;
    try {
      configuration = await configurationOf(provider);
    } catch (err) {
      options.log.warn({ err: { name: (err as Error).name, message: (err as Error).message }, provider: provider.id }, 'sign-in: provider discovery failed');
      return failurePage(req, res, 503, 'webSignIn.unavailable');
    }
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: options.redirectUrl,
      scope: provider.scope,
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const returnTo = ReturnTo.safeParse((req.query as Record<string, unknown> | undefined)?.return);
    const login = signValue(LOGIN_PREFIX, { p: provider.id, ...(returnTo.success ? { r: returnTo.data } : {}), v: verifier, s: state, n: nonce, exp: nowSeconds() + LOGIN_SECONDS }, loginKey);
    redirect(res, url.href, [cookie(names.login, login, { maxAge: LOGIN_SECONDS, path: '/auth', secure: options.secureCookies })]);
  });

  server.get('/auth/callback', async (req: Request, res: Response) => {
    if (await limited(req, res)) return;
    const raw = readCookie(req, names.login);
    const login = raw ? verifySignedValue(LOGIN_PREFIX, raw, loginKey, LoginSchema, nowSeconds()) : null;
    if (!login?.ok) {
      options.log.info({ reason: login ? login.reason : 'no_login_cookie' }, 'sign-in: refused');
      return failurePage(req, res, 400, 'webSignIn.failed', [clearLogin]);
    }
    const provider = byId.get(login.claims.p);
    if (!provider) return failurePage(req, res, 400, 'webSignIn.failed', [clearLogin]);
    const current = new URL(options.redirectUrl);
    current.search = new URL(req.url ?? '/', 'http://localhost').search;
    let signedIn: SignedInClaims;
    try {
      const configuration = await configurationOf(provider);
      // Checks state, the PKCE verifier (at the token endpoint), the ID token's signature, issuer,
      // audience, expiry and nonce.
      const tokens = await oidc.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: login.claims.v,
        expectedState: login.claims.s,
        expectedNonce: login.claims.n,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims?.sub) throw new Error('no subject');
      signedIn = { provider: provider.id, userId: webUserId(claims.iss, claims.sub), claims: { ...claims } };
    } catch (err) {
      // The error names the failed check (state, nonce, …); never a token or claim value.
      const e = err as { name?: string; code?: string; error?: string };
      options.log.info({ err: { name: e.name, code: e.code ?? e.error }, provider: provider.id }, 'sign-in: refused');
      return failurePage(req, res, 400, 'webSignIn.failed', [clearLogin]);
    }
    await options.onSignedIn?.(signedIn);
    const exp = nowSeconds() + options.sessionMinutes * 60;
    const session = signValue(SESSION_PREFIX, { uid: signedIn.userId, p: signedIn.provider, sid: randomBytes(18).toString('base64url'), exp }, sessionKey);
    options.log.info({ provider: provider.id }, 'sign-in: signed in');
    redirect(res, login.claims.r ?? '/', [clearLogin, cookie(names.session, session, { maxAge: options.sessionMinutes * 60, path: '/', secure: options.secureCookies })]);
  });

  server.post('/auth/logout', async (req: Request, res: Response) => {
    if (await limited(req, res)) return;
    // Ends the session itself, not only this browser's cookie: every chat token issued under it stops too.
    const session = signedSession(req);
    if (session && options.sessionEnds) {
      try {
        await options.sessionEnds.end(session.sessionId, session.exp);
      } catch (err) {
        options.log.warn({ err: { name: (err as Error).name } }, 'sign-in: logout could not be recorded');
        return failurePage(req, res, 503, 'webSignIn.unavailable');
      }
    }
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Set-Cookie', [cookie(names.session, '', { maxAge: 0, path: '/', secure: options.secureCookies })]);
    res.writeHead(303, { Location: '/' });
    res.end();
  });

  return {
    sessionOf,
    async identify(req) {
      const session = await sessionOf(req);
      return session ? { id: session.userId, name: '', expiresAtSeconds: session.exp, sessionId: session.sessionId } : null;
    },
  };
}
