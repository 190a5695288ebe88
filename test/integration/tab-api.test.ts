// The Teams tab's API over real HTTP against the real server. Teams SSO offline: a local JWKS server
// publishes our own RSA key (TAB_SSO_JWKS_URL), and the test signs Entra-shaped tokens with it, so
// the server's RS256/issuer/audience/scope/tenant checks run for real. The development fallback (the
// web chat's HMAC-signed Direct Line token) works in development and nowhere else.
import http from 'node:http';
import { createHmac, randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { getISOWeek, getISOWeekYear } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../support/app.ts';
import { b64url, newSigningKey, signJwt as signWithKey, type SigningKey } from '../support/jwt.ts';
import { issueDirectLineToken } from '../../bot/directline.ts';
import { KeysUnavailableError, authenticateTab, createJwksCache, type SigningKeys } from '../../bot/tab-auth.ts';
import { DEMO_CENTRE } from '../../infra/seed-demo.ts';
import { reportFile, reportForDays } from '../../infra/reports.ts';
import { applyRetention } from '../../infra/upkeep.ts';
import type { Queryable } from '../../infra/db.ts';
import { TIME_ZONE } from '../../domain/time-zone.ts';

const TENANT = randomUUID();
const OTHER_TENANT = randomUUID();
/** Allowed too, but the volunteer's Teams account was recorded under TENANT. */
const SECOND_TENANT = randomUUID();
const APP_ID = randomUUID();
const AUDIENCE = `api://dugnad.test/${APP_ID}`;
const DEV_SECRET = 'tab-test-directline-secret-0123456789abcdef';

const KEY = newSigningKey('tab-key-1');
/** Published only later in the run: Entra rolling its keys. */
const ROLLED_KEY = newSigningKey('tab-key-2');
/** Never published, but claims the published kid: its signatures must fail. */
const ROGUE_KEY = newSigningKey('tab-key-1');

function signJwt(claims: Record<string, unknown>, key: SigningKey = KEY, header: Record<string, unknown> = {}): string {
  return signWithKey(claims, key, header);
}

/** What Teams SSO hands the tab: a v2 token for our API's access_as_user scope. */
function ssoClaims(oid: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const tid = (over.tid as string | undefined) ?? TENANT;
  return {
    aud: AUDIENCE,
    iss: `https://login.microsoftonline.com/${tid}/v2.0`,
    iat: now - 60,
    nbf: now - 60,
    exp: now + 3600,
    name: 'Test Testesen',
    oid,
    tid,
    scp: 'access_as_user',
    ver: '2.0',
    ...over,
  };
}

let jwks: http.Server;
let jwksUrl = '';
let jwksFetches = 0;
let publishRolledKey = false;
let app: TestApp;

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const MIN = 60 * 1000;

const ids = {
  volunteer: '',
  otherVolunteer: '',
  staff: '',
  elverumStaff: '',
  caregiver: '',
  hamarPersons: [] as Array<{ id: string; name: string; address: string; phone: string }>,
  elverumPerson: '',
  requests: {} as Record<string, string>,
};
const OID = {
  volunteer: randomUUID(),
  staff: randomUUID(),
  elverumStaff: randomUUID(),
  caregiver: randomUUID(),
  stranger: randomUUID(),
};

async function memberId(db: Queryable, devUserId: string): Promise<string> {
  const rows = await db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [devUserId]);
  return rows[0]!.member_id;
}

async function linkTeams(db: Queryable, oid: string, member: string, tenant = TENANT): Promise<void> {
  await db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id, last_seen_at) VALUES ('msteams', $1, $2, $3, now())`, [oid, tenant, member]);
}

interface Seed {
  centre?: string;
  person?: string;
  createdBy?: string;
  status: 'open' | 'waiting_consent' | 'taken' | 'done' | 'cancelled';
  startsAt: Date;
  createdAt?: Date;
  takenAt?: Date | null;
  escalatedAt?: Date | null;
  group?: string;
  district?: string;
  volunteer?: string;
  assignment?: 'active' | 'done';
  outcome?: 'done' | 'not_done';
  hours?: number | null;
  handoverNote?: string;
}

async function seedRequest(db: Queryable, s: Seed): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, handover_note, contact_name, contact_phone,
       meeting_place, person_id, created_by, status, assigned_volunteer_id, taken_at, escalated_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 90, 'Handle mat på Coop', $5, 'Kari Kontakt', '41234567', 'Ved postkassen', $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
    [
      s.centre ?? DEMO_CENTRE.id, s.group ?? 'handlehjelp', s.district ?? 'Sentrum', s.startsAt, s.handoverNote ?? 'Nøkkel under matta',
      s.person ?? ids.hamarPersons[0]!.id, s.createdBy ?? ids.staff, s.status, s.volunteer ?? null, s.takenAt ?? null, s.escalatedAt ?? null,
      s.createdAt ?? new Date(Date.now() - DAY),
    ],
  );
  const id = rows[0]!.id;
  if (s.volunteer && s.assignment) {
    await db.query(
      `INSERT INTO assignments (request_id, volunteer_id, assigned_at, status, outcome, hours, outcome_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, s.volunteer, s.takenAt ?? s.createdAt ?? new Date(), s.assignment, s.outcome ?? null, s.hours ?? null, s.outcome ? s.startsAt : null],
    );
  }
  return id;
}

async function get(path: string, token: string | null, base = app.url): Promise<{ status: number; body: any; headers: Headers }> {
  const res = await fetch(`${base}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (the page)
  }
  return { status: res.status, body, headers: res.headers };
}

const reveals = async (actor: string) =>
  (await app.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE actor_id = $1 AND action = 'reveal'`, [actor]))[0]!.n;
const auditRows = async () => (await app.db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0]!.n;

beforeAll(async () => {
  jwks = http.createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/keys') {
      jwksFetches++;
      const keys = [KEY, ...(publishRolledKey ? [ROLLED_KEY] : [])].map((k) => ({ ...k.publicJwk, kid: k.kid, use: 'sig' }));
      // An encryption key and a non-RSA key in the set must be ignored, not break it.
      res.end(JSON.stringify({ keys: [...keys, { kty: 'RSA', kid: 'enc', use: 'enc', n: KEY.publicJwk.n, e: 'AQAB' }, { kty: 'EC', kid: 'ec', crv: 'P-256', x: 'x', y: 'y' }] }));
    } else {
      res.statusCode = 404;
      res.end('{}');
    }
  });
  await new Promise<void>((ok) => jwks.listen(0, '127.0.0.1', ok));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as { port: number }).port}/keys`;

  app = await startTestApp({
    workers: false,
    env: { TAB_SSO_JWKS_URL: jwksUrl, TAB_SSO_AUDIENCE: AUDIENCE, ALLOWED_TENANT_IDS: `${TENANT},${SECOND_TENANT}`, DIRECTLINE_TOKEN_SECRET: DEV_SECRET },
  });
  const db = app.db;
  ids.volunteer = await memberId(db, 'demo-frivillig-01');
  ids.otherVolunteer = await memberId(db, 'demo-frivillig-02');
  ids.staff = await memberId(db, 'demo-ansatt-1');
  ids.caregiver = await memberId(db, 'demo-parorende-1');
  ids.hamarPersons = await db.query(`SELECT id, name, address, phone FROM persons WHERE centre_id = $1 ORDER BY name`, [DEMO_CENTRE.id]);
  expect(ids.hamarPersons.length).toBeGreaterThan(1);
  await linkTeams(db, OID.volunteer, ids.volunteer);
  await linkTeams(db, OID.staff, ids.staff);
  await linkTeams(db, OID.caregiver, ids.caregiver);

  // A second centre with its own staff, person and requests: Hamar's staff must see none of it.
  await db.query(`INSERT INTO centres (id, name) VALUES ('elverum', 'Elverum frivilligsentral')`);
  ids.elverumStaff = (await db.query<{ id: string }>(`INSERT INTO members (role, centre_id, name) VALUES ('staff', 'elverum', 'Eli Elverum') RETURNING id`))[0]!.id;
  await linkTeams(db, OID.elverumStaff, ids.elverumStaff);
  ids.elverumPerson = (
    await db.query<{ id: string }>(`INSERT INTO persons (centre_id, name, address, phone, district) VALUES ('elverum', 'Ragnhild Elvestad', 'Elvegata 3', '62400000', 'Leiret') RETURNING id`)
  )[0]!.id;

  const now = Date.now();
  const monthStart = (() => {
    const o = new TZDate(now, TIME_ZONE);
    return new TZDate(o.getFullYear(), o.getMonth(), 1, 0, 0, 0, TIME_ZONE).getTime();
  })();
  const yearStart = new TZDate(new TZDate(now, TIME_ZONE).getFullYear(), 0, 1, 0, 0, 0, TIME_ZONE).getTime();
  // Always inside this month and already past, whatever day the test runs.
  const earlierThisMonth = new Date(monthStart + (now - monthStart) / 2);
  const [gerd, harald] = ids.hamarPersons;
  const r = ids.requests;

  r.openLater = await seedRequest(db, { status: 'open', startsAt: new Date(now + 5 * DAY) });
  r.open30h = await seedRequest(db, { status: 'open', startsAt: new Date(now + 30 * HOUR), group: 'turvenn', district: 'Vang' });
  r.open10h = await seedRequest(db, { status: 'open', startsAt: new Date(now + 10 * HOUR), group: 'besoksvenn', district: 'Ridabu' });
  r.escalated = await seedRequest(db, { status: 'open', startsAt: new Date(now + 4 * DAY), escalatedAt: new Date(now - HOUR), district: 'Ingeberg' });
  r.waiting = await seedRequest(db, { status: 'waiting_consent', startsAt: new Date(now + 3 * DAY), person: harald!.id });
  // Taken 30 min after it was posted: the volunteer's upcoming task.
  r.mine = await seedRequest(db, {
    status: 'taken', startsAt: new Date(now + 3 * DAY), createdAt: new Date(now - 2 * DAY - 30 * MIN), takenAt: new Date(now - 2 * DAY),
    volunteer: ids.volunteer, assignment: 'active', person: gerd!.id, handoverNote: 'Gerd liker å gå sakte',
  });
  r.theirs = await seedRequest(db, {
    status: 'taken', startsAt: new Date(now + 2 * DAY), createdAt: new Date(now - DAY - 10 * MIN), takenAt: new Date(now - DAY),
    volunteer: ids.otherVolunteer, assignment: 'active', person: harald!.id,
  });
  r.doneThisMonth = await seedRequest(db, {
    status: 'done', startsAt: earlierThisMonth, createdAt: new Date(earlierThisMonth.getTime() - 3 * HOUR), takenAt: new Date(earlierThisMonth.getTime() - HOUR),
    volunteer: ids.volunteer, assignment: 'done', outcome: 'done', hours: 2.5,
  });
  r.notDone = await seedRequest(db, {
    status: 'done', startsAt: earlierThisMonth, createdAt: new Date(earlierThisMonth.getTime() - 2 * HOUR), takenAt: new Date(earlierThisMonth.getTime() - HOUR),
    volunteer: ids.volunteer, assignment: 'done', outcome: 'not_done',
  });
  // Last year, taken long ago: in the history, not in this year's total nor the 30-day median.
  const lastYear = new Date(yearStart - 40 * DAY);
  r.lastYear = await seedRequest(db, {
    status: 'done', startsAt: lastYear, createdAt: new Date(lastYear.getTime() - 2 * DAY), takenAt: new Date(lastYear.getTime() - 2 * DAY + 1000 * MIN),
    volunteer: ids.volunteer, assignment: 'done', outcome: 'done', hours: 3, group: 'turvenn',
  });
  r.cancelled = await seedRequest(db, { status: 'cancelled', startsAt: new Date(now + 6 * HOUR) });
  // Elverum: open and starting soon, and one taken after 5 minutes.
  r.elverumSoon = await seedRequest(db, { centre: 'elverum', person: ids.elverumPerson, createdBy: ids.elverumStaff, status: 'open', startsAt: new Date(now + 5 * HOUR), district: 'Leiret' });
  r.elverumTaken = await seedRequest(db, {
    centre: 'elverum', person: ids.elverumPerson, createdBy: ids.elverumStaff, status: 'taken', startsAt: new Date(now + 2 * DAY),
    createdAt: new Date(now - HOUR - 5 * MIN), takenAt: new Date(now - HOUR), volunteer: ids.otherVolunteer, assignment: 'active',
  });
});

afterAll(async () => {
  await app?.close();
  await new Promise<void>((ok) => (jwks ? jwks.close(() => ok()) : ok()));
});

describe('the tab page', () => {
  it('is served with a strict CSP that lets Teams frame it, and teams-js from node_modules', async () => {
    const res = await fetch(`${app.url}/tab`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/teams\.microsoft\.com/);
    expect(csp).toMatch(/frame-ancestors [^;]*https:\/\/\*\.cloud\.microsoft/);
    const html = await res.text();
    expect(html).toContain('<html lang="nb">');
    expect(html).not.toMatch(/<script(?![^>]*(type="application\/json"|src=))/);
    const teamsJs = /<script src="(\/tab\/teams-js\/[^"]+)"/.exec(html)?.[1];
    expect(teamsJs).toMatch(/^\/tab\/teams-js\/2\.\d+\.\d+\/MicrosoftTeams\.min\.js$/);
    const bundle = await fetch(`${app.url}${teamsJs}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
    expect(await bundle.text()).toContain('microsoftTeams');
    for (const path of ['/tab/app.js', '/tab/app.css']) expect((await fetch(`${app.url}${path}`)).status).toBe(200);
  });
});

describe('Teams SSO', () => {
  it('gives a volunteer their upcoming tasks with details and their history with hours, and records the reveal', async () => {
    const token = signJwt(ssoClaims(OID.volunteer));
    const me = await get('/api/tab/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ view: 'volunteer', role: 'volunteer', name: 'Astrid', via: 'teams' });
    expect(me.headers.get('cache-control')).toBe('no-store');

    const before = await reveals(ids.volunteer);
    const res = await get('/api/tab/tasks', token);
    expect(res.status).toBe(200);
    const { upcoming, history } = res.body;
    expect(upcoming).toHaveLength(1);
    const [gerd] = ids.hamarPersons;
    expect(upcoming[0]).toMatchObject({
      person: gerd!.name, address: gerd!.address, phone: gerd!.phone, phoneUrl: `tel:${gerd!.phone}`,
      handoverNote: 'Gerd liker å gå sakte', meetingPlace: 'Ved postkassen', contactName: 'Kari Kontakt', district: 'Sentrum', duration: '1 t 30 min',
    });
    expect(upcoming[0].group).toBe('Handlehjelp');
    expect(upcoming[0].when).toMatch(/ kl\. \d\d:\d\d$/);
    // Someone else's task is not listed.
    expect(JSON.stringify(res.body)).not.toContain(ids.hamarPersons[1]!.name);
    // Done tasks with outcome 'done' only; this year's total leaves last year out.
    expect(history.items.map((i: { hours: number }) => i.hours)).toEqual([2.5, 3]);
    expect(history.totalTasks).toBe(2);
    expect(res.body.contribution).toMatchObject({ tasksThisYear: 1, hoursThisYear: 2.5 });
    expect(history.items[0].hoursText).toBe('2 t 30 min');

    expect(await reveals(ids.volunteer)).toBe(before + 1);
    const [row] = await app.db.query<{ request_id: string; channel_id: string; fields: string[] }>(
      `SELECT request_id, channel_id, fields FROM audit_log WHERE actor_id = $1 AND action = 'reveal' ORDER BY id DESC LIMIT 1`,
      [ids.volunteer],
    );
    expect(row).toMatchObject({ request_id: ids.requests.mine, channel_id: 'msteams' });
    expect(row!.fields).toContain('personName');
  });

  it('answers in English when the page asks for it', async () => {
    const res = await get('/api/tab/tasks?lang=en', signJwt(ssoClaims(OID.volunteer)));
    expect(res.status).toBe(200);
    expect(res.body.contribution).toMatchObject({ inAll: '2 tasks, 5.5 hours', hoursThisYearText: '2.5', tasksLabel: `tasks in ${res.body.contribution.year}` });
    expect(res.body.upcoming[0].duration).toBe('1 h 30 min');
  });

  it("gives staff their own centre's overview, with no personal data of the people helped", async () => {
    const token = signJwt(ssoClaims(OID.staff));
    const me = await get('/api/tab/me', token);
    expect(me.body).toMatchObject({ view: 'staff', role: 'coordinator', centre: 'Hamar frivilligsentral' });

    const auditBefore = await auditRows();
    const res = await get('/api/tab/overview', token);
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ open: 4, unfilled: 3, taken: 2, doneThisMonth: 1 });
    // 10, 30, 60 and 120 minutes to taken in the window (Elverum's 5 and last year's 1000 left out).
    expect(res.body).toMatchObject({ medianMinutesToTaken: 45, takenInWindow: 4, median: '45 min', centre: 'Hamar frivilligsentral', needsActionTotal: 3 });
    const r = ids.requests;
    expect(res.body.needsAction.map((x: { requestId: string; reasons: string[] }) => [x.requestId, x.reasons])).toEqual([
      [r.open10h, ['starting_soon']],
      [r.waiting, ['waiting_consent']],
      [r.escalated, ['escalated']],
    ]);
    expect(Object.keys(res.body.needsAction[0]).sort()).toEqual(['district', 'duration', 'group', 'reasons', 'requestId', 'startsAt', 'status', 'urgent', 'when']);
    expect(res.body.needsAction[0]).toMatchObject({ group: 'Besøksvenn', district: 'Ridabu', status: 'open' });

    const text = JSON.stringify(res.body);
    for (const p of ids.hamarPersons) for (const v of [p.name, p.address, p.phone]) expect(text).not.toContain(v);
    for (const v of ['Nøkkel under matta', 'Kari Kontakt', '41234567', 'Ved postkassen', 'Ragnhild', r.elverumSoon]) expect(text).not.toContain(v);
    // Nothing personal was shown, so nothing was recorded.
    expect(await auditRows()).toBe(auditBefore);
  });

  it("scopes the overview to the staff member's centre", async () => {
    const res = await get('/api/tab/overview', signJwt(ssoClaims(OID.elverumStaff)));
    expect(res.status).toBe(200);
    expect(res.body.counts).toEqual({ open: 1, unfilled: 1, taken: 1, doneThisMonth: 0 });
    expect(res.body).toMatchObject({ medianMinutesToTaken: 5, centre: 'Elverum frivilligsentral' });
    expect(res.body.needsAction.map((x: { requestId: string }) => x.requestId)).toEqual([ids.requests.elverumSoon]);
  });

  it('keeps each view to its role', async () => {
    expect((await get('/api/tab/overview', signJwt(ssoClaims(OID.volunteer)))).status).toBe(403);
    expect((await get('/api/tab/tasks', signJwt(ssoClaims(OID.staff)))).status).toBe(403);
    const caregiver = signJwt(ssoClaims(OID.caregiver));
    expect((await get('/api/tab/me', caregiver)).body).toMatchObject({ view: 'none' });
    expect((await get('/api/tab/tasks', caregiver)).status).toBe(403);
    expect((await get('/api/tab/overview', caregiver)).status).toBe(403);
  });

  it('accepts v1 tokens (sts.windows.net issuer) too', async () => {
    const res = await get('/api/tab/me', signJwt(ssoClaims(OID.volunteer, { iss: `https://sts.windows.net/${TENANT}/`, ver: '1.0' })));
    expect(res.status).toBe(200);
  });

  it('refuses what is not a valid token for this app, recording nothing', async () => {
    const auditBefore = await auditRows();
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string | null, number, string]> = [
      ['no token', null, 401, 'missing_token'],
      ['not a JWT', 'hello', 401, 'bad_token'],
      ['wrong audience', signJwt(ssoClaims(OID.volunteer, { aud: 'api://evil.example/' + APP_ID })), 401, 'bad_token'],
      ['expired', signJwt(ssoClaims(OID.volunteer, { exp: now - 3600, nbf: now - 7200, iat: now - 7200 })), 401, 'expired'],
      ['not yet valid', signJwt(ssoClaims(OID.volunteer, { nbf: now + 3600 })), 401, 'bad_token'],
      ['bad signature', signJwt(ssoClaims(OID.volunteer), ROGUE_KEY), 401, 'bad_token'],
      ['alg none', `${b64url({ alg: 'none', kid: KEY.kid })}.${b64url(ssoClaims(OID.volunteer))}.`, 401, 'bad_token'],
      ['HS256 with the public key as secret', (() => {
        const head = b64url({ alg: 'HS256', kid: KEY.kid });
        const body = b64url(ssoClaims(OID.volunteer));
        return `${head}.${body}.${createHmac('sha256', JSON.stringify(KEY.publicJwk)).update(`${head}.${body}`).digest('base64url')}`;
      })(), 401, 'bad_token'],
      ['issuer of another tenant', signJwt(ssoClaims(OID.volunteer, { iss: `https://login.microsoftonline.com/${OTHER_TENANT}/v2.0` })), 401, 'bad_token'],
      ['app-only token (no scope)', signJwt(ssoClaims(OID.volunteer, { scp: undefined, roles: ['x'] })), 401, 'bad_token'],
      ['tenant not allowed', signJwt(ssoClaims(OID.volunteer, { tid: OTHER_TENANT })), 403, 'tenant_not_allowed'],
      ['unknown person', signJwt(ssoClaims(OID.stranger)), 403, 'not_a_member'],
      // The account is known, but under another tenant than the token says.
      ['known oid, other tenant', signJwt(ssoClaims(OID.volunteer, { tid: SECOND_TENANT })), 403, 'not_a_member'],
    ];
    for (const [name, token, status, code] of cases) {
      for (const path of ['/api/tab/me', '/api/tab/tasks']) {
        const res = await get(path, token);
        expect(res.status, `${name} ${path}`).toBe(status);
        expect(res.body.error.code, name).toBe(code);
        if (status === 401) expect(res.headers.get('www-authenticate'), name).toBe('Bearer');
      }
    }
    const stranger = await get('/api/tab/me', signJwt(ssoClaims(OID.stranger)));
    expect(stranger.body.error.message).toContain('Vi kjenner deg ikke igjen');
    expect((await get('/api/tab/me?lang=en', signJwt(ssoClaims(OID.stranger)))).body.error.message).toContain("We don't recognise you");
    expect(await auditRows()).toBe(auditBefore);
  });

  it('caches the keys and does not refetch them for every made-up key id', async () => {
    const fetchesBefore = jwksFetches;
    expect(fetchesBefore).toBe(1);
    for (let i = 0; i < 5; i++) expect((await get('/api/tab/me', signJwt(ssoClaims(OID.volunteer)))).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      expect((await get('/api/tab/me', signJwt(ssoClaims(OID.volunteer), { ...ROLLED_KEY, kid: `made-up-${i}` }))).status).toBe(401);
    }
    // The first fetch was less than a minute ago: unknown kids wait for the next allowed refetch.
    expect(jwksFetches).toBe(fetchesBefore);
  });
});

describe('the development fallback (the web chat token)', () => {
  async function webChatToken(userId: string, base = app.url): Promise<string> {
    const res = await fetch(`${base}/v3/directline/tokens/generate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ user: { id: userId } }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  }

  it('works in development, for the identity the token binds', async () => {
    const token = await webChatToken('demo-frivillig-01');
    const me = await get('/api/tab/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ view: 'volunteer', name: 'Astrid', via: 'dev' });
    const before = await reveals(ids.volunteer);
    const tasks = await get('/api/tab/tasks', token);
    expect(tasks.body.upcoming).toHaveLength(1);
    expect(await reveals(ids.volunteer)).toBe(before + 1);
    const [row] = await app.db.query<{ channel_id: string }>(`SELECT channel_id FROM audit_log WHERE actor_id = $1 ORDER BY id DESC LIMIT 1`, [ids.volunteer]);
    expect(row!.channel_id).toBe('webchat');

    const staff = await get('/api/tab/overview', await webChatToken('demo-ansatt-1'));
    expect(staff.status).toBe(200);
    expect(staff.body.counts.open).toBe(4);
  });

  it('refuses a tampered, foreign or expired web chat token', async () => {
    const token = await webChatToken('demo-frivillig-01');
    const [prefix, payload, mac] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
    const forged = `${prefix}.${b64url({ ...claims, sub: 'demo-ansatt-1' })}.${mac}`;
    expect((await get('/api/tab/me', forged)).status).toBe(401);
    const foreign = issueDirectLineToken({ sub: 'demo-ansatt-1', name: 'x', exp: Math.floor(Date.now() / 1000) + 600 }, 'another-secret-0123456789abcdef-0123');
    expect((await get('/api/tab/me', foreign)).status).toBe(401);
    const expired = issueDirectLineToken({ sub: 'demo-ansatt-1', name: 'x', exp: Math.floor(Date.now() / 1000) - 1 }, DEV_SECRET);
    const res = await get('/api/tab/me', expired);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('expired');
    // A new web chat user nobody registered: a valid token, but no member.
    expect((await get('/api/tab/me', await webChatToken('demo-ny-xyz'))).status).toBe(403);
  });

  it('is refused by the policy whenever it is not development, whatever secret is configured', async () => {
    const keys: SigningKeys = { key: async () => null };
    const token = issueDirectLineToken({ sub: 'demo-frivillig-01', name: 'Astrid', exp: Math.floor(Date.now() / 1000) + 600 }, DEV_SECRET);
    const base = { sso: { audiences: [AUDIENCE], allowedTenants: [] }, keys, nowSeconds: () => Math.floor(Date.now() / 1000) };
    expect(await authenticateTab(`Bearer ${token}`, { ...base, dev: true, devTokenSecret: DEV_SECRET })).toMatchObject({ ok: true, identity: { kind: 'dev', userId: 'demo-frivillig-01' } });
    expect(await authenticateTab(`Bearer ${token}`, { ...base, dev: false, devTokenSecret: DEV_SECRET })).toMatchObject({ ok: false, status: 401 });
    expect(await authenticateTab(`Bearer ${token}`, { ...base, dev: true, devTokenSecret: null })).toMatchObject({ ok: false, status: 401 });
  });

  it('does not work in a production server, even with the same secret and the demo data present', async () => {
    const prod = await startTestApp({
      workers: false,
      env: {
        NODE_ENV: 'production',
        MicrosoftAppId: APP_ID,
        MicrosoftAppPassword: 'not-used-in-this-test',
        DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
        PUBLIC_BASE_URL: 'https://dugnad.test',
        // Production requires these since web sign-in (issue 7); neither matters to the tab.
        ALLOWED_TENANT_IDS: '*',
        WEB_CHAT_ENABLED: 'false',
        DIRECTLINE_TOKEN_SECRET: DEV_SECRET,
      },
    });
    try {
      expect(prod.config.dev).toBe(false);
      // No web chat token endpoint at all…
      expect((await fetch(`${prod.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":{"id":"demo-frivillig-01"}}' })).status).toBe(404);
      // …and a token signed with the very secret is refused.
      const token = issueDirectLineToken({ sub: 'demo-frivillig-01', name: 'Astrid', exp: Math.floor(Date.now() / 1000) + 600 }, DEV_SECRET);
      for (const path of ['/api/tab/me', '/api/tab/tasks', '/api/tab/overview']) {
        const res = await get(path, token, prod.url);
        expect(res.status, path).toBe(401);
      }
      // The page itself says it is not development: it offers "Logg inn via Teams", never the fallback.
      const html = await (await fetch(`${prod.url}/tab`)).text();
      expect(html).toContain('"dev":false');
    } finally {
      await prod.close();
    }
  });
});

describe('the key cache', () => {
  function fakeJwks() {
    const state = { keys: [KEY], fail: false, fetches: 0, clock: 1_000_000 };
    const cache = createJwksCache('https://keys.example/keys', {
      now: () => state.clock,
      fetch: (async () => {
        state.fetches++;
        if (state.fail) return new Response('down', { status: 503 });
        return Response.json({ keys: state.keys.map((k) => ({ ...k.publicJwk, kid: k.kid })) });
      }) as typeof fetch,
    });
    return { state, cache };
  }

  it('picks up a rolled key on its first use, at most once a minute', async () => {
    const { state, cache } = fakeJwks();
    expect(await cache.key(KEY.kid)).not.toBeNull();
    expect(state.fetches).toBe(1);
    state.keys = [KEY, ROLLED_KEY];
    state.clock += 10_000;
    // Too soon after the last fetch: a flood of unknown kids must not become a flood of fetches.
    expect(await cache.key(ROLLED_KEY.kid)).toBeNull();
    expect(state.fetches).toBe(1);
    state.clock += 60_000;
    expect(await cache.key(ROLLED_KEY.kid)).not.toBeNull();
    expect(state.fetches).toBe(2);
    expect(await cache.key(KEY.kid)).not.toBeNull();
    expect(state.fetches).toBe(2);
  });

  it('refreshes after a day, keeps its keys when the refresh fails, and says so when it has none', async () => {
    const { state, cache } = fakeJwks();
    await cache.key(KEY.kid);
    state.clock += 25 * 60 * 60 * 1000;
    state.fail = true;
    expect(await cache.key(KEY.kid)).not.toBeNull();
    expect(state.fetches).toBe(2);

    // Never had keys: 503, not 401 — and while the endpoint is down, one attempt a minute.
    const empty = fakeJwks();
    empty.state.fail = true;
    await expect(empty.cache.key(KEY.kid)).rejects.toBeInstanceOf(KeysUnavailableError);
    await expect(empty.cache.key(KEY.kid)).rejects.toBeInstanceOf(KeysUnavailableError);
    expect(empty.state.fetches).toBe(1);
    empty.state.fail = false;
    empty.state.clock += 60_000;
    expect(await empty.cache.key(KEY.kid)).not.toBeNull();
    expect(empty.state.fetches).toBe(2);
  });

  it('makes concurrent first requests share one fetch', async () => {
    const { state, cache } = fakeJwks();
    const found = await Promise.all(Array.from({ length: 10 }, () => cache.key(KEY.kid)));
    expect(found.every((k) => k !== null)).toBe(true);
    expect(state.fetches).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------
// The centre's figures (charts, tables, download). Eight weeks of spring 2024 that nothing else in
// this file touches, across the switch to summer time, with every figure worked out here in
// TypeScript from the rows as inserted, not with the report's SQL.

describe("the centre's figures for a period", () => {
  const FROM = '2024-03-04'; // Monday of week 10
  const TO = '2024-04-28'; // Sunday of week 17
  const GROUPS = ['handlehjelp', 'besoksvenn', 'turvenn', 'avlastning', 'folgehjelp'];
  type Kind = 'done' | 'not_done' | 'expired' | 'cancelled' | 'cancelled_taken';
  const KINDS: Kind[] = ['done', 'done', 'expired', 'done', 'not_done', 'cancelled', 'done', 'cancelled_taken', 'done', 'expired', 'done'];
  interface Row { createdAt: Date; startsAt: Date; kind: Kind; group: string; waitMinutes: number | null; hours: number | null }
  const rows: Row[] = [];
  const osloWall = (y: number, m: number, d: number, h: number, min: number) => new Date(new TZDate(y, m - 1, d, h, min, 0, TIME_ZONE).getTime());

  function percentile(values: number[], p: number): number | null {
    if (values.length === 0) return null;
    const v = [...values].sort((a, b) => a - b);
    const pos = p * (v.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return Math.round(v[lo]! + (v[hi]! - v[lo]!) * (pos - lo));
  }
  const weekOf = (d: Date) => {
    const o = new TZDate(d.getTime(), TIME_ZONE);
    return `${getISOWeekYear(o)}-W${String(getISOWeek(o)).padStart(2, '0')}`;
  };

  beforeAll(async () => {
    const db = app.db;
    const volunteers = await Promise.all(['demo-frivillig-03', 'demo-frivillig-04', 'demo-frivillig-05', 'demo-frivillig-06'].map((id) => memberId(db, id)));
    const start = osloWall(2024, 3, 4, 8, 0).getTime();
    for (let i = 0; i < 64; i++) {
      rows.push({
        createdAt: new Date(start + i * 19 * HOUR + (i % 7) * 13 * MIN),
        startsAt: new Date(start + i * 19 * HOUR + 2 * DAY),
        kind: KINDS[i % KINDS.length]!,
        group: GROUPS[(i * 3) % GROUPS.length]!,
        waitMinutes: null,
        hours: null,
      });
    }
    // Either side of midnight at the end of week 13 (summer time began at 02:00 on Sunday 31 March):
    // Monday 00:15 in Oslo is still Sunday in UTC, and belongs to week 14.
    rows.push({ createdAt: osloWall(2024, 3, 31, 23, 50), startsAt: osloWall(2024, 4, 3, 10, 0), kind: 'done', group: 'turvenn', waitMinutes: null, hours: null });
    rows.push({ createdAt: osloWall(2024, 4, 1, 0, 15), startsAt: osloWall(2024, 4, 3, 12, 0), kind: 'done', group: 'turvenn', waitMinutes: null, hours: null });
    for (const [i, row] of rows.entries()) {
      const taken = row.kind === 'done' || row.kind === 'not_done' || row.kind === 'cancelled_taken';
      row.waitMinutes = taken ? 3 + ((i * 37) % 290) : null;
      row.hours = row.kind === 'done' ? 0.5 + (i % 6) * 0.5 : null;
      const status = row.kind === 'not_done' ? 'done' : row.kind === 'cancelled_taken' ? 'cancelled' : row.kind;
      const [req] = await db.query<{ id: string }>(
        `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, handover_note, person_id, created_by, status, created_at, updated_at)
         VALUES ('hamar', $1, 'Vang', $2, 60, 'Følge til frisøren', 'Ringer på to ganger', $3, $4, $5, $6, $6) RETURNING id`,
        [row.group, row.startsAt, ids.hamarPersons[i % 2]!.id, ids.staff, status, row.createdAt],
      );
      if (!taken) continue;
      const assignedAt = new Date(row.createdAt.getTime() + row.waitMinutes! * MIN);
      if (row.kind === 'cancelled_taken') {
        await db.query(
          `INSERT INTO assignments (request_id, volunteer_id, assigned_at, status, cancelled_at, cancel_reason) VALUES ($1, $2, $3, 'cancelled', $4, 'request_cancelled')`,
          [req!.id, volunteers[i % volunteers.length], assignedAt, new Date(assignedAt.getTime() + HOUR)],
        );
      } else {
        await db.query(
          `INSERT INTO assignments (request_id, volunteer_id, assigned_at, status, outcome, hours, outcome_at) VALUES ($1, $2, $3, 'done', $4, $5, $6)`,
          [req!.id, volunteers[i % volunteers.length], assignedAt, row.kind === 'done' ? 'done' : 'not_done', row.hours, row.startsAt],
        );
      }
    }
  });

  function expectedWeeks() {
    const weeks = new Map<string, Row[]>();
    for (let d = osloWall(2024, 3, 4, 12, 0); d.getTime() < osloWall(2024, 4, 29, 0, 0).getTime(); d = new Date(d.getTime() + 7 * DAY)) weeks.set(weekOf(d), []);
    for (const row of rows) weeks.get(weekOf(row.createdAt))!.push(row);
    return [...weeks].map(([week, rs]) => {
      const waits = rs.filter((r) => r.waitMinutes !== null).map((r) => r.waitMinutes!);
      return {
        week,
        requestsPosted: rs.length,
        requestsFilled: rs.filter((r) => r.kind === 'done' || r.kind === 'not_done' || r.kind === 'cancelled_taken').length,
        requestsExpiredUnfilled: rs.filter((r) => r.kind === 'expired').length,
        requestsStillOpen: 0,
        requestsTaken: waits.length,
        minutesToTakeMedian: percentile(waits, 0.5),
        minutesToTakeP90: percentile(waits, 0.9),
      };
    });
  }

  function expectedHours(): Record<string, number> {
    const hours: Record<string, number> = {};
    for (const row of rows) if (row.kind === 'done') hours[row.group] = (hours[row.group] ?? 0) + row.hours!;
    return hours;
  }

  const reportPath = `/api/tab/report?period=custom&from=${FROM}&to=${TO}`;

  it('gives staff the filled, unfilled and time until taken per week, and hours per interest group, as computed from the rows', async () => {
    const res = await get(reportPath, signJwt(ssoClaims(OID.staff)));
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body.period).toMatchObject({ choice: 'custom', from: FROM, to: TO, text: 'Fra 4. mars 2024 til og med 28. april 2024.' });
    const expected = expectedWeeks();
    expect(expected.map((w) => w.week)).toEqual(['2024-W10', '2024-W11', '2024-W12', '2024-W13', '2024-W14', '2024-W15', '2024-W16', '2024-W17']);
    expect(res.body.weeks.map(({ short: _s, label: _l, median: _m, p90: _p, ...w }: Record<string, unknown>) => w)).toEqual(expected);
    expect(res.body.weeks[3]).toMatchObject({ short: '13', label: 'uke 13 2024' });
    expect(res.body.weeks.find((w: { median: string | null }) => w.median !== null).median).toMatch(/^(\d+ t )?\d+ min$|^\d+ timer?$/);

    const hours = expectedHours();
    expect(Object.keys(hours).sort()).toEqual([...GROUPS].sort());
    // Every interest group of the centre is listed, even those with no hours.
    for (const g of res.body.groups as Array<{ group: string; hoursGiven: number; label: string }>) expect(g.hoursGiven, g.group).toBe(hours[g.group] ?? 0);
    expect(res.body.groups.find((g: { group: string }) => g.group === 'avlastning')).toMatchObject({ label: 'Avlastning (pusterom)' });

    const total = Object.fromEntries(res.body.totals.map((f: { key: string; value: unknown; text: string }) => [f.key, f]));
    expect(total.requestsPosted.value).toBe(rows.length);
    expect(total.hoursGiven.value).toBe(Object.values(hours).reduce((a, b) => a + b, 0));
    // Four volunteers did the tasks: a count about people under 5 reads "<5".
    expect(total.activeVolunteers).toMatchObject({ value: '<5', text: '<5', label: 'Aktive frivillige' });
    const filled = rows.filter((r) => r.kind !== 'expired' && r.kind !== 'cancelled').length;
    // Cancelled before any offer went out and never taken: not in the share's denominator.
    const considered = rows.filter((r) => r.kind !== 'cancelled').length;
    expect(total.shareFilled.value).toBeCloseTo(filled / considered, 4);
    // Kind of help, weeks and numbers: nothing about the people helped.
    const text = JSON.stringify(res.body);
    for (const p of ids.hamarPersons) for (const v of [p.name, p.address, p.phone]) expect(text).not.toContain(v);
    for (const v of ['Følge til frisøren', 'Ringer på to ganger']) expect(text).not.toContain(v);

    const en = await get(`${reportPath}&lang=en`, signJwt(ssoClaims(OID.staff)));
    expect(en.body.weeks[3].label).toBe('week 13 2024');
    expect(en.body.totals.find((f: { key: string }) => f.key === 'activeVolunteers').label).toBe('Active volunteers');
  });

  it('offers the same report as `npm run report` for download, as CSV and as JSON, with file names', async () => {
    const token = signJwt(ssoClaims(OID.staff));
    const { presented } = await reportForDays(app.db, { centreId: 'hamar', from: FROM, to: TO });
    for (const format of ['csv', 'json'] as const) {
      const res = await fetch(`${app.url}/api/tab/report/download?format=${format}&from=${FROM}&to=${TO}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status, format).toBe(200);
      expect(res.headers.get('content-type')).toBe(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8');
      expect(res.headers.get('content-disposition')).toBe(`attachment; filename="arsmelding-hamar-${FROM}-${TO}.${format}"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const bytes = Buffer.from(await res.arrayBuffer());
      // Byte for byte the file the command writes with --out (a CSV file starts with a byte-order mark).
      expect(bytes.equals(Buffer.from(reportFile(presented, format).text, 'utf8')), format).toBe(true);
      if (format === 'csv') {
        expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
        const lines = bytes.toString('utf8').slice(1).split('\r\n');
        const w13 = expectedWeeks().find((w) => w.week === '2024-W13')!;
        const cells = lines.find((l) => l.startsWith('Uke;2024-W13;'))!.split(';');
        expect(cells.slice(0, 5)).toEqual(['Uke', '2024-W13', 'uke 13 2024', String(w13.requestsPosted), String(w13.requestsFilled)]);
        expect(lines[0]).toContain('Forespørsler lagt inn');
      } else {
        const json = JSON.parse(bytes.toString('utf8'));
        expect(json.period).toEqual({ from: FROM, to: TO, timeZone: TIME_ZONE });
        const weeks = json.rows.filter((r: { dimension: string }) => r.dimension === 'week');
        expect(weeks.map((r: { key: string; figures: { requestsPosted: number; requestsExpiredUnfilled: number; minutesToTakeMedian: number | null } }) => [r.key, r.figures.requestsPosted, r.figures.requestsExpiredUnfilled, r.figures.minutesToTakeMedian])).toEqual(
          expectedWeeks().map((w) => [w.week, w.requestsPosted, w.requestsExpiredUnfilled, w.minutesToTakeMedian]),
        );
        expect(json.rows[0].figures.activeVolunteers).toBe('<5');
      }
    }
  });

  it('gives the same figures after retention has erased the personal details', async () => {
    const token = signJwt(ssoClaims(OID.staff));
    const before = (await get(reportPath, token)).body;
    const erased = await applyRetention(app.db, new Date(), 30);
    expect(erased.requests).toBeGreaterThan(60);
    await app.db.query(`UPDATE help_requests SET summary = '—' WHERE created_at < '2024-05-01'`);
    const after = (await get(reportPath, token)).body;
    expect(after.weeks).toEqual(before.weeks);
    expect(after.groups).toEqual(before.groups);
    expect(after.totals).toEqual(before.totals);
  });

  it("is for staff of the centre only: volunteers, caregivers and other centres' staff get 403", async () => {
    const download = `/api/tab/report/download?format=csv&from=${FROM}&to=${TO}`;
    for (const [who, oid] of [['volunteer', OID.volunteer], ['caregiver', OID.caregiver]] as const) {
      for (const path of [reportPath, download]) {
        const res = await get(path, signJwt(ssoClaims(oid)));
        expect(res.status, `${who} ${path}`).toBe(403);
        expect(res.body.error.code).toBe('not_staff');
      }
    }
    const elverum = signJwt(ssoClaims(OID.elverumStaff));
    for (const path of [`${reportPath}&centre=hamar`, `${download}&centre=hamar`]) {
      const res = await get(path, elverum);
      expect(res.status, path).toBe(403);
      expect(res.body.error.code).toBe('other_centre');
      expect(String(res.headers.get('content-disposition'))).not.toContain('attachment');
    }
    expect((await get(`${reportPath}&centre=elverum`, signJwt(ssoClaims(OID.staff)))).status).toBe(403);
    // Their own centre's figures, where none of Hamar's rows are.
    const own = await get(reportPath, elverum);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ centre: 'Elverum frivilligsentral', centreId: 'elverum' });
    expect(own.body.totals.find((f: { key: string }) => f.key === 'requestsPosted').value).toBe(0);
    // Without a token, nothing.
    expect((await get(download, null)).status).toBe(401);
  });

  it('refuses a period that is not two dates in order, at most three years long', async () => {
    const token = signJwt(ssoClaims(OID.staff));
    for (const q of ['period=custom&from=2024-04-28&to=2024-03-04', 'period=custom&from=2024-02-30&to=2024-03-04', 'period=custom&from=2020-01-01&to=2024-01-01', 'period=custom', 'period=decade']) {
      const res = await get(`/api/tab/report?${q}`, token);
      expect(res.status, q).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_period' });
    }
    expect((await get(`/api/tab/report/download?format=xlsx&from=${FROM}&to=${TO}`, token)).status).toBe(400);
  });

  it('defaults to this year, and offers the last 12 weeks', async () => {
    const token = signJwt(ssoClaims(OID.staff));
    const today = new TZDate(Date.now(), TIME_ZONE);
    const iso = (d: TZDate) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    const year = await get('/api/tab/report', token);
    expect(year.body.period).toMatchObject({ choice: 'year', from: `${today.getFullYear()}-01-01`, to: iso(today) });
    const weeks = await get('/api/tab/report?period=12w', token);
    expect(weeks.body.period.to).toBe(iso(today));
    expect(weeks.body.weeks).toHaveLength(12);
    expect(new TZDate(`${weeks.body.period.from}T12:00:00`, TIME_ZONE).getDay()).toBe(1);
  });
});

describe('«Min innsats» in the tab', () => {
  it('gives a volunteer their tasks and hours this year and in all, the same figures as the chat', async () => {
    const res = await get('/api/tab/tasks', signJwt(ssoClaims(OID.volunteer)));
    expect(res.status).toBe(200);
    const year = new TZDate(Date.now(), TIME_ZONE).getFullYear();
    // Done this month (2.5 h) and last year (3 h); the task not done does not count.
    expect(res.body.contribution).toEqual({
      year, tasksThisYear: 1, hoursThisYear: 2.5, tasksInAll: 2, hoursInAll: 5.5, hoursThisYearText: '2,5',
      tasksLabel: `oppdrag i ${year}`, hoursLabel: `timer i ${year}`, inAll: '2 oppdrag, 5,5 timer',
    });
    expect(res.body.history.totalTasks).toBe(2);
  });
});
