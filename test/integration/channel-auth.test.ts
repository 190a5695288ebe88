// Channel authentication with app credentials, offline: a local OpenID configuration + JWKS server
// with our own RSA keys stands in for login.botframework.com (BOT_OPENID_METADATA_URL), and the test
// signs Bot Framework channel tokens with them. botbuilder validates every token for real; the gate
// adds the serviceUrl host and Teams tenant allow-lists. A refused request never reaches a turn:
// nothing is stored and nothing is sent.
//
// Replies: in production botbuilder signs them with an app token from login.microsoftonline.com. That
// is the one thing stubbed here, through botbuilder's own extension point (the credentials factory's
// createCredentials, see bot/auth.ts), so a reply needs no network — inbound validation is untouched.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, visibleText, type FakeConnector } from '../support/fake-connector.ts';
import { b64url, newSigningKey, signJwt, type SigningKey } from '../support/jwt.ts';
import { loadConfig } from '../../infra/config.ts';
import { BOT_FRAMEWORK } from '../../bot/auth.ts';

const APP_ID = randomUUID();
const TENANT = randomUUID();
const ISSUER = BOT_FRAMEWORK.tokenIssuer;

const CHANNEL_KEY = newSigningKey('channel-key');
/** Published, but endorsed for Web Chat only: botbuilder must refuse it for a Teams activity. */
const WEBCHAT_ONLY_KEY = newSigningKey('webchat-only-key');
/** Never published: a token signed with it claims a published kid but fails the signature. */
const ROGUE_KEY = newSigningKey('channel-key');

function sign(claims: Record<string, unknown>, key: SigningKey = CHANNEL_KEY, header: Record<string, unknown> = {}): string {
  return signJwt(claims, key, header);
}

/** The claims the Bot Framework puts in a channel token (iss, aud = our app id, serviceurl, times). */
function claims(serviceUrl: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: APP_ID, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...over };
}

let openId: http.Server;
let openIdUrl = '';
let app: TestApp;
let connector: FakeConnector;
let signedReplies = 0;

beforeAll(async () => {
  openId = http.createServer((req, res) => {
    const base = `http://127.0.0.1:${(openId.address() as { port: number }).port}`;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/v1/.well-known/openidconfiguration') {
      res.end(JSON.stringify({ issuer: ISSUER, jwks_uri: `${base}/v1/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
    } else if (req.url === '/v1/keys') {
      res.end(JSON.stringify({
        keys: [
          { ...CHANNEL_KEY.publicJwk, use: 'sig', kid: CHANNEL_KEY.kid, endorsements: ['msteams', 'webchat', 'directline'] },
          { ...WEBCHAT_ONLY_KEY.publicJwk, use: 'sig', kid: WEBCHAT_ONLY_KEY.kid, endorsements: ['webchat'] },
        ],
      }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((ok) => openId.listen(0, '127.0.0.1', ok));
  openIdUrl = `http://127.0.0.1:${(openId.address() as { port: number }).port}/v1/.well-known/openidconfiguration`;
  connector = await startFakeConnector();
  app = await startTestApp({
    workers: false,
    env: {
      // Not 'production' (that would need a public URL and refuse BOT_OPENID_METADATA_URL), but with
      // app credentials: exactly the production authentication path.
      NODE_ENV: 'test',
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-used-outbound-is-stubbed',
      BOT_OPENID_METADATA_URL: openIdUrl,
      SERVICE_URL_HOSTS: '127.0.0.1,smba.trafficmanager.net',
      ALLOWED_TENANT_IDS: TENANT,
    },
    outboundCredentials: {
      signRequest: async (request) => {
        signedReplies++;
        request.headers.set('authorization', 'Bearer stub-outbound-token');
        return request;
      },
    },
  });
});

afterAll(async () => {
  await app?.close();
  await connector?.close();
  await new Promise<void>((ok) => (openId ? openId.close(() => ok()) : ok()));
});

let seq = 0;
function teamsActivity(over: { serviceUrl?: string; tenant?: string | null; channelTenant?: string | null; text?: string; user?: string; type?: string; name?: string; value?: unknown } = {}) {
  const user = over.user ?? `aad-${randomUUID()}`;
  const tenant = over.tenant === undefined ? TENANT : over.tenant;
  const channelTenant = over.channelTenant === undefined ? tenant : over.channelTenant;
  return {
    type: over.type ?? 'message',
    id: `teams-${++seq}`,
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl: over.serviceUrl ?? connector.url,
    from: { id: `29:${user}`, aadObjectId: user, name: 'Kari Testesen' },
    recipient: { id: `28:${APP_ID}`, name: 'Dugnad' },
    conversation: { id: `a:${user}`, conversationType: 'personal', ...(tenant ? { tenantId: tenant } : {}) },
    ...(channelTenant ? { channelData: { tenant: { id: channelTenant } } } : {}),
    locale: 'nb-NO',
    ...(over.text !== undefined || over.type === undefined ? { text: over.text ?? 'hei' } : {}),
    ...(over.name ? { name: over.name } : {}),
    ...(over.value ? { value: over.value } : {}),
  };
}

async function post(activity: Record<string, unknown>, token: string | null): Promise<Response> {
  return fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(activity),
  });
}

const counts = async () => {
  const [row] = await app.db.query<{ identities: number; members: number; audit: number }>(
    `SELECT (SELECT count(*)::int FROM chat_identities) AS identities, (SELECT count(*)::int FROM members) AS members,
            (SELECT count(*)::int FROM audit_log) AS audit`,
  );
  return row!;
};

async function expectRefused(status: 401 | 403, activity: Record<string, unknown>, token: string | null): Promise<void> {
  const before = await counts();
  const sent = connector.captured.length;
  const res = await post(activity, token);
  expect(res.status).toBe(status);
  const body = await res.text();
  // A fixed answer: no token details, no stack.
  expect(body).not.toMatch(/jwt|signature|stack|at .*\.js/i);
  expect(await counts()).toEqual(before);
  await new Promise((ok) => setTimeout(ok, 50));
  expect(connector.captured.length).toBe(sent);
}

describe('with app credentials, POST /api/messages', () => {
  it('accepts a valid channel token, stores the Teams user by aadObjectId with the tenant, and replies', async () => {
    const activity = teamsActivity();
    const before = await counts();
    const signedBefore = signedReplies;
    const res = await post(activity, sign(claims(connector.url)));
    expect(res.status).toBe(200);
    expect((await counts()).identities).toBe(before.identities + 1);
    const [identity] = await app.db.query<{ channel_id: string; user_id: string; tenant_id: string; conversation_ref: { serviceUrl: string } }>(
      'SELECT channel_id, user_id, tenant_id, conversation_ref FROM chat_identities WHERE user_id = $1',
      [activity.from.aadObjectId],
    );
    expect(identity).toMatchObject({ channel_id: 'msteams', user_id: activity.from.aadObjectId, tenant_id: TENANT });
    expect(identity!.conversation_ref.serviceUrl).toBe(connector.url);
    await connector.waitFor((cs) => cs.some((c) => c.conversationId === activity.conversation.id));
    expect(visibleText(connector.conversation(activity.conversation.id)[0]!.activity)).toContain('Bli frivillig');
    expect(signedReplies).toBeGreaterThan(signedBefore);
  });

  it('answers an authenticated Teams invoke with the invoke response', async () => {
    const activity = teamsActivity({ type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', verb: 'menu.show', data: { action: 'menu.show' } } } });
    const res = await post(activity, sign(claims(connector.url)));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statusCode: 200 });
  });

  it('accepts Web Chat through an allowed host (no tenant there)', async () => {
    const activity = { ...teamsActivity({ tenant: null }), channelId: 'webchat', from: { id: `dl_${randomUUID()}`, name: 'Web' }, conversation: { id: `wc-${randomUUID()}` } };
    const res = await post(activity, sign(claims(connector.url)));
    expect(res.status).toBe(200);
  });

  it('refuses a request without a token (401)', async () => {
    await expectRefused(401, teamsActivity(), null);
    await expectRefused(401, teamsActivity(), '');
  });

  it('refuses an expired token (401)', async () => {
    const past = Math.floor(Date.now() / 1000) - 3600;
    await expectRefused(401, teamsActivity(), sign(claims(connector.url, { iat: past - 3600, nbf: past - 3600, exp: past })));
  });

  it('refuses a token for another bot (wrong audience, 401)', async () => {
    await expectRefused(401, teamsActivity(), sign(claims(connector.url, { aud: randomUUID() })));
    await expectRefused(401, teamsActivity(), sign(claims(connector.url, { aud: undefined })));
  });

  it('refuses a token from another issuer (401)', async () => {
    await expectRefused(401, teamsActivity(), sign(claims(connector.url, { iss: 'https://evil.example.com' })));
  });

  it('refuses a token whose serviceurl claim is not the activity serviceUrl (401)', async () => {
    await expectRefused(401, teamsActivity(), sign(claims('https://smba.trafficmanager.net/emea/')));
    await expectRefused(401, teamsActivity(), sign(claims(connector.url, { serviceurl: undefined })));
  });

  it('refuses a forged signature, an unknown key, a key not endorsed for the channel and an unsigned token (401)', async () => {
    await expectRefused(401, teamsActivity(), sign(claims(connector.url), ROGUE_KEY));
    await expectRefused(401, teamsActivity(), sign(claims(connector.url), newSigningKey('unknown-kid')));
    await expectRefused(401, teamsActivity(), sign(claims(connector.url), WEBCHAT_ONLY_KEY));
    await expectRefused(401, teamsActivity(), `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims(connector.url))}.`);
    await expectRefused(401, teamsActivity(), 'not-a-jwt');
  });

  it('refuses a valid token for a serviceUrl host that is not allow-listed (403)', async () => {
    const evil = 'https://evil.example.com/';
    await expectRefused(403, teamsActivity({ serviceUrl: evil }), sign(claims(evil)));
    // Exactly the Teams host: a look-alike under trafficmanager.net is someone else's.
    const lookalike = 'https://dugnad.trafficmanager.net/';
    await expectRefused(403, teamsActivity({ serviceUrl: lookalike }), sign(claims(lookalike)));
  });

  it('refuses plain http to a non-loopback host even when allow-listed (403)', async () => {
    const plain = 'http://smba.trafficmanager.net/emea/';
    await expectRefused(403, teamsActivity({ serviceUrl: plain }), sign(claims(plain)));
  });

  it('refuses a Teams user from an unknown tenant, without a tenant, or with two tenants (403)', async () => {
    await expectRefused(403, teamsActivity({ tenant: randomUUID() }), sign(claims(connector.url)));
    await expectRefused(403, teamsActivity({ tenant: null }), sign(claims(connector.url)));
    await expectRefused(403, teamsActivity({ tenant: randomUUID(), channelTenant: TENANT }), sign(claims(connector.url)));
  });

  it('still refuses a known user whose later request fails: nothing about them changes', async () => {
    const activity = teamsActivity();
    expect((await post(activity, sign(claims(connector.url)))).status).toBe(200);
    const [before] = await app.db.query<{ last_seen_at: Date; conversation_ref: unknown }>('SELECT last_seen_at, conversation_ref FROM chat_identities WHERE user_id = $1', [activity.from.aadObjectId]);
    const moved = { ...activity, id: 'teams-moved', serviceUrl: 'https://evil.example.com/' };
    await expectRefused(403, moved, sign(claims(moved.serviceUrl)));
    const [after] = await app.db.query<{ last_seen_at: Date; conversation_ref: unknown }>('SELECT last_seen_at, conversation_ref FROM chat_identities WHERE user_id = $1', [activity.from.aadObjectId]);
    expect(after).toEqual(before);
  });
});

describe('configuration', () => {
  it('refuses a custom OpenID metadata URL in production', () => {
    const production = { NODE_ENV: 'production', MicrosoftAppId: APP_ID, MicrosoftAppPassword: 'x', REDIS_URL: 'redis://r:6379', DATABASE_URL: 'postgres://db/x', PUBLIC_BASE_URL: 'https://dugnad.example', WEB_CHAT_ENABLED: 'false' };
    expect(() => loadConfig({ ...production, BOT_OPENID_METADATA_URL: openIdUrl })).toThrow(/BOT_OPENID_METADATA_URL is for tests only/);
    const c = loadConfig({ ...production, ALLOWED_TENANT_IDS: ` ${TENANT.toUpperCase()} , other ` });
    expect(c.ALLOWED_TENANT_IDS).toEqual([TENANT, 'other']);
    expect(c.SERVICE_URL_HOSTS).toEqual(['smba.trafficmanager.net']);
  });
});
