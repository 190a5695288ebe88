// A local OpenID Connect provider for the web sign-in tests: panva's oidc-provider (the library
// ID-porten-like and many production providers are built on) on 127.0.0.1 with one test client,
// its development login form (any user name signs in as that subject) and nothing from the network.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { freePort, startTestApp, type TestApp } from './app.ts';

export const TEST_TENANT = '7e57e57e-0000-4000-8000-000000000007';

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startOidcProvider(opts: { port: number; redirectUri: string; clientId?: string; clientSecret?: string }): Promise<TestOidcProvider> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const clientId = opts.clientId ?? 'dugnad-test';
  const clientSecret = opts.clientSecret ?? 'test-client-secret-0123456789abcdef';
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // Fixed keys for the provider's own cookies (it warns and makes random ones otherwise).
    cookies: { keys: ['test-cookie-key-0123456789abcdef'] },
    pkce: { required: () => true },
    // The subject is the login name typed into the form. Every account also carries Entra ID's object
    // and tenant ids (oid = "oid-" + login), in the ID token itself as Entra puts them.
    claims: { openid: ['sub', 'oid', 'tid'] },
    features: { devInteractions: { enabled: true } },
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, sub: string) => ({
      accountId: sub,
      claims: async () => ({ sub, oid: `oid-${sub}`, tid: TEST_TENANT }),
    }),
  });
  // The provider logs a line for each quick-start default; tests need none of them.
  provider.on('server_error', () => undefined);
  const server = http.createServer(provider.callback());
  await new Promise<void>((ok) => server.listen(opts.port, '127.0.0.1', ok));
  return {
    issuer: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    clientId,
    clientSecret,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

/** Cookies per host, as a browser would keep them (path and expiry ignored: one test, one flow). */
export class CookieJar {
  private readonly jar = new Map<string, Map<string, string>>();

  store(url: string, res: Response): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0\b/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    this.jar.set(host, cookies);
  }

  header(url: string): string {
    return [...(this.jar.get(new URL(url).host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  get(url: string, name: string): string | undefined {
    return this.jar.get(new URL(url).host)?.get(name);
  }

  set(url: string, name: string, value: string): void {
    const host = new URL(url).host;
    const cookies = this.jar.get(host) ?? new Map<string, string>();
    cookies.set(name, value);
    this.jar.set(host, cookies);
  }
}

/** One request as the browser makes it: cookies from the jar, none of fetch's own redirect following. */
export async function browse(jar: CookieJar, url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
  const headers: Record<string, string> = { cookie: jar.header(url) };
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  }
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body, redirect: 'manual' });
  jar.store(url, res);
  return res;
}

/**
 * Walks the provider's development login: authorize → login form → consent → back to the app's
 * redirect URI. `tamper` may rewrite the authorization URL first (a wrong state or nonce). Returns
 * the app's response to its callback.
 */
export async function signInThrough(jar: CookieJar, appUrl: string, provider: string, login: string, tamper?: (authorize: URL) => void): Promise<Response> {
  const start = await browse(jar, `${appUrl}/auth/login/${provider}`);
  if (start.status !== 302) return start;
  const authorize = new URL(start.headers.get('location')!);
  tamper?.(authorize);
  let res = await browse(jar, authorize.href);
  let url = authorize.href;
  for (let hop = 0; hop < 12; hop++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url).href;
      if (url.startsWith(appUrl)) return browse(jar, url);
      res = await browse(jar, url);
      continue;
    }
    // The provider's own pages: its login form, then its consent form.
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`unexpected provider page (${res.status}): ${html.slice(0, 300)}`);
    const form: Record<string, string> = { prompt };
    if (prompt === 'login') Object.assign(form, { login, password: 'any' });
    url = new URL(action, url).href;
    res = await browse(jar, url, { method: 'POST', form });
  }
  throw new Error('too many redirects');
}

/**
 * A Dugnad server in production mode whose web chat signs in with ID-porten played by a local
 * provider. Both URLs are fixed before either starts: each must know the other's.
 */
export async function startSignedInApp(opts: { secret: string; appId: string; now?: () => Date }): Promise<{ app: TestApp; idp: TestOidcProvider }> {
  const [appPort, idpPort] = [await freePort(), await freePort()];
  const appUrl = `http://127.0.0.1:${appPort}`;
  const idp = await startOidcProvider({ port: idpPort, redirectUri: `${appUrl}/auth/callback` });
  const app = await startTestApp({
    workers: false,
    ...(opts.now ? { now: opts.now } : {}),
    env: {
      NODE_ENV: 'production',
      PORT: String(appPort),
      PUBLIC_BASE_URL: appUrl,
      MicrosoftAppId: opts.appId,
      MicrosoftAppPassword: 'not-used-in-this-test',
      DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
      ALLOWED_TENANT_IDS: '*',
      DIRECTLINE_TOKEN_SECRET: opts.secret,
      OIDC_IDPORTEN_ISSUER: idp.issuer,
      OIDC_IDPORTEN_CLIENT_ID: idp.clientId,
      OIDC_IDPORTEN_CLIENT_SECRET: idp.clientSecret,
      // Staff sign in at "Entra ID": the same local provider, as another configured issuer.
      OIDC_ENTRA_ISSUER: idp.issuer,
      OIDC_ENTRA_CLIENT_ID: idp.clientId,
      OIDC_ENTRA_CLIENT_SECRET: idp.clientSecret,
    },
  });
  return { app, idp };
}
