// The Teams tab page in headless Chromium at phone size, standalone (outside Teams teams-js rejects
// app.initialize() and the page falls back). In development it shows whoever was picked in the local
// web chat: «Mine oppdrag» for a volunteer, the centre's overview for staff. In production it asks
// you to sign in through Teams. Every state passes axe (WCAG 2.1 AA) and is screenshotted.
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { createSign, generateKeyPairSync, randomUUID } from 'node:crypto';
import { TZDate } from '@date-fns/tz';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium, waitVisible, watchPage } from './chromium.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DEMO_CENTRE, DEMO_STAFF, demoVolunteerName } from '../../infra/seed-demo.ts';
import type { Queryable } from '../../infra/db.ts';
import { TIME_ZONE } from '../../domain/time-zone.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const SHOTS = 'test-results';

// Teams SSO offline: our own signing key, published by a local JWKS server the app is pointed at.
const TENANT = randomUUID();
const AUDIENCE = `api://dugnad.test/${randomUUID()}`;
const VOLUNTEER_OID = randomUUID();
const STAFF_OID = randomUUID();
const KEY = generateKeyPairSync('rsa', { modulusLength: 2048 });
const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function ssoToken(oid: string): string {
  const now = Math.floor(Date.now() / 1000);
  const head = b64url({ alg: 'RS256', typ: 'JWT', kid: 'browser-key' });
  const body = b64url({ aud: AUDIENCE, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid, tid: TENANT, scp: 'access_as_user', ver: '2.0' });
  return `${head}.${body}.${createSign('RSA-SHA256').update(`${head}.${body}`).sign(KEY.privateKey).toString('base64url')}`;
}

/**
 * A stand-in for the Teams web client: it frames the tab and answers teams-js's postMessage protocol
 * the way Teams does (initialize, getContext, authentication.getAuthToken). Its context claims to be
 * someone else on purpose: the page must go by the token, never by the context.
 */
function fakeTeamsHost(tabUrl: string, token: string | null, context: Record<string, unknown>): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Teams (test host)</title><style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%}</style></head>
<body><iframe id="tab" title="Dugnad" src="${tabUrl}"></iframe><script>
const frame = document.getElementById('tab');
window.calls = [];
window.addEventListener('message', (e) => {
  if (e.source !== frame.contentWindow || !e.data || typeof e.data.func !== 'string') return;
  const m = e.data;
  window.calls.push(m.func);
  const reply = (args) => e.source.postMessage({ id: m.id, args }, e.origin);
  if (m.func === 'initialize') reply(['content', 'web', '2.0.1']);
  else if (m.func === 'getContext') reply([${JSON.stringify(context)}]);
  else if (m.func === 'authentication.getAuthToken') reply(${token === null ? "[false, 'resourceRequiresConsent']" : `[true, ${JSON.stringify(token)}]`});
});
</script></body></html>`;
}

async function memberId(db: Queryable, devUserId: string): Promise<string> {
  const rows = await db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [devUserId]);
  return rows[0]!.member_id;
}

async function seedRequest(
  db: Queryable,
  s: { person: string; createdBy: string; status: string; startsAt: Date; group: string; district: string; urgent?: boolean; escalated?: boolean; volunteer?: string; outcome?: 'done'; hours?: number },
): Promise<string> {
  const takenAt = s.volunteer ? new Date(Math.min(Date.now(), s.startsAt.getTime()) - DAY) : null;
  const createdAt = new Date((takenAt ?? new Date()).getTime() - 40 * 60 * 1000);
  const rows = await db.query<{ id: string }>(
    `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, handover_note, meeting_place, contact_name, contact_phone,
       person_id, created_by, status, urgent, assigned_volunteer_id, taken_at, escalated_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, 60, 'Handle mat på Coop og bære den inn', 'Gerd hører dårlig, ring på to ganger', 'Ved hovedinngangen', 'Liv Solberg', '90011223',
       $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id`,
    [DEMO_CENTRE.id, s.group, s.district, s.startsAt, s.person, s.createdBy, s.status, s.urgent ?? false, s.volunteer ?? null, takenAt, s.escalated ? new Date() : null, createdAt],
  );
  const id = rows[0]!.id;
  if (s.volunteer) {
    await db.query(
      `INSERT INTO assignments (request_id, volunteer_id, assigned_at, status, outcome, hours, outcome_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [id, s.volunteer, takenAt, s.outcome ? 'done' : 'active', s.outcome ?? null, s.hours ?? null, s.outcome ? s.startsAt : null],
    );
  }
  return id;
}

/**
 * Twelve weeks of finished requests for the charts: taken after a varying wait and done with hours,
 * expired with nobody, or cancelled. help_requests.taken_at stays empty so that the overview's
 * 30-day median (which reads it) keeps to the requests above; the report measures from assignments.
 */
async function seedHistory(db: Queryable, s: { person: string; createdBy: string; volunteers: string[]; now: number }): Promise<void> {
  const groups = ['handlehjelp', 'besoksvenn', 'turvenn', 'folgehjelp', 'avlastning', 'digital'];
  for (let i = 0; i < 72; i++) {
    const weeksAgo = i % 12;
    const createdAt = new Date(s.now - (weeksAgo * 7 + 3) * DAY - (i % 5) * HOUR);
    const startsAt = new Date(createdAt.getTime() + DAY);
    const kind = i % 6 === 5 ? 'expired' : i % 9 === 4 ? 'cancelled' : 'done';
    const group = groups[(i * 7) % groups.length]!;
    const [row] = await db.query<{ id: string }>(
      `INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, person_id, created_by, status, created_at, updated_at)
       VALUES ($1, $2, 'Sentrum', $3, 90, 'Følge til legen', $4, $5, $6, $7, $7) RETURNING id`,
      [DEMO_CENTRE.id, group, startsAt, s.person, s.createdBy, kind, createdAt],
    );
    if (kind !== 'done') continue;
    const waitMinutes = 10 + ((i * 37) % 11) * (6 + weeksAgo * 4);
    await db.query(
      `INSERT INTO assignments (request_id, volunteer_id, assigned_at, status, outcome, hours, outcome_at) VALUES ($1, $2, $3, 'done', 'done', $4, $5)`,
      [row!.id, s.volunteers[i % s.volunteers.length], new Date(createdAt.getTime() + waitMinutes * 60_000), 1 + (i % 4) * 0.5, startsAt],
    );
  }
}

describe('the Teams tab page, standalone', { timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let jwks: http.Server;
  const contexts: BrowserContext[] = [];
  const watches = new WeakMap<Page, ReturnType<typeof watchPage>>();

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const publicJwk = KEY.publicKey.export({ format: 'jwk' });
    jwks = http.createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [{ ...publicJwk, kid: 'browser-key', use: 'sig' }] }));
    });
    await new Promise<void>((ok) => jwks.listen(0, '127.0.0.1', ok));
    app = await startTestApp({
      workers: false,
      env: { TAB_SSO_JWKS_URL: `http://127.0.0.1:${(jwks.address() as { port: number }).port}/keys`, TAB_SSO_AUDIENCE: AUDIENCE, ALLOWED_TENANT_IDS: TENANT },
    });
    const db = app.db;
    const volunteer = await memberId(db, 'demo-frivillig-01');
    const staff = await memberId(db, 'demo-ansatt-1');
    for (const [oid, member] of [[VOLUNTEER_OID, volunteer], [STAFF_OID, staff]] as const) {
      await db.query(`INSERT INTO chat_identities (channel_id, user_id, tenant_id, member_id) VALUES ('msteams', $1, $2, $3)`, [oid, TENANT, member]);
    }
    const persons = await db.query<{ id: string; name: string }>(`SELECT id, name FROM persons WHERE centre_id = $1 ORDER BY name`, [DEMO_CENTRE.id]);
    const gerd = persons.find((p) => p.name === 'Gerd Solberg')!.id;
    const other = persons.find((p) => p.name !== 'Gerd Solberg')!.id;
    const now = Date.now();
    // Counts in this year's total whatever day the test runs.
    const earlierThisYear = new Date(Math.max(now - 3 * DAY, new TZDate(new TZDate(now, TIME_ZONE).getFullYear(), 0, 1, 1, 0, 0, TIME_ZONE).getTime()));
    await seedRequest(db, { person: gerd, createdBy: staff, status: 'taken', startsAt: new Date(now + 2 * DAY), group: 'handlehjelp', district: 'Sentrum', urgent: true, volunteer });
    await seedRequest(db, { person: other, createdBy: staff, status: 'done', startsAt: earlierThisYear, group: 'turvenn', district: 'Vang', volunteer, outcome: 'done', hours: 1.5 });
    await seedRequest(db, { person: other, createdBy: staff, status: 'open', startsAt: new Date(now + 6 * HOUR), group: 'folgehjelp', district: 'Ridabu' });
    await seedRequest(db, { person: other, createdBy: staff, status: 'open', startsAt: new Date(now + 3 * DAY), group: 'besoksvenn', district: 'Vang', escalated: true });
    await seedRequest(db, { person: gerd, createdBy: staff, status: 'waiting_consent', startsAt: new Date(now + 5 * DAY), group: 'digital', district: 'Sentrum' });
    const others = await Promise.all(['demo-frivillig-02', 'demo-frivillig-03', 'demo-frivillig-04'].map((id) => memberId(db, id)));
    await seedHistory(db, { person: other, createdBy: staff, volunteers: others, now });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await new Promise<void>((ok) => (jwks ? jwks.close(() => ok()) : ok()));
  });

  async function newPage(base = app.url): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, baseURL: base });
    contexts.push(context);
    const page = await context.newPage();
    watches.set(page, watchPage(page));
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text());
    });
    (page as Page & { cspErrors: string[] }).cspErrors = errors;
    return page;
  }

  /** The dev fallback reuses the web chat's choice: pick there, as a developer would, then open the tab. */
  async function pickInWebChat(page: Page, name: string, language: 'Norsk bokmål' | 'English' = 'Norsk bokmål'): Promise<void> {
    await page.goto('/');
    await page.getByRole('radio', { name: new RegExp(`^${name.replace(/[()]/g, '\\$&')}`) }).check();
    await page.getByRole('radio', { name: language }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    await page.locator('#chat-section').waitFor();
  }

  async function expectAccessible(page: Page): Promise<void> {
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    expect((page as Page & { cspErrors: string[] }).cspErrors).toEqual([]);
  }

  it('shows a volunteer «Mine oppdrag» with the details of their task and their hours', async () => {
    const page = await newPage();
    await pickInWebChat(page, demoVolunteerName(0));
    await page.goto('/tab');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Mine oppdrag');
    expect(await page.locator('html').getAttribute('lang')).toBe('nb');
    const task = page.getByRole('article', { name: 'Handlehjelp · Sentrum' });
    await task.waitFor();
    const text = await task.innerText();
    for (const s of ['Gerd Solberg', 'Storgata 12, 2317 Hamar', 'Ring Gerd Solberg', 'Haster', 'Ved hovedinngangen', 'Gerd hører dårlig', 'Liv Solberg, 90011223']) expect(text).toContain(s);
    expect(await task.getByRole('link', { name: 'Ring Gerd Solberg' }).getAttribute('href')).toBe('tel:62510001');
    await expect.poll(() => page.getByRole('heading', { name: 'Oppdrag du har gjort' }).count()).toBe(1);
    const innsats = page.getByRole('region', { name: 'Min innsats' });
    expect(await innsats.locator('.stat').allInnerTexts()).toEqual([expect.stringMatching(/^1\s+oppdrag i \d{4}$/), expect.stringMatching(/^1,5\s+timer i \d{4}$/)]);
    expect(await innsats.innerText()).toContain('I alt: 1 oppdrag, 1,5 timer');
    expect(await innsats.innerText()).toContain('Tusen takk for tiden du gir.');
    expect(await page.locator('.history').innerText()).toContain('Turvenn · Vang');
    expect(await page.locator('#who').innerText()).toBe('Testbruker: Astrid');
    await expectAccessible(page);
    // Thumb-sized call button.
    const box = await task.getByRole('link', { name: 'Ring Gerd Solberg' }).boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    await page.screenshot({ path: `${SHOTS}/tab-volunteer.png`, fullPage: true });
  });

  it('shows staff the centre overview, without the names of the people helped', async () => {
    const page = await newPage();
    await pickInWebChat(page, DEMO_STAFF[0]!.name);
    await page.goto('/tab');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Oversikt');
    await page.getByRole('heading', { name: 'Trenger handling' }).waitFor();
    expect(await page.locator('.centre').innerText()).toBe('Hamar frivilligsentral');
    const items = page.locator('section', { has: page.getByRole('heading', { name: 'Trenger handling' }) }).getByRole('article');
    expect(await items.count()).toBe(3);
    expect(await items.nth(0).innerText()).toContain('Starter innen 24 timer uten frivillig');
    expect(await items.nth(1).innerText()).toContain('Ingen har tatt det');
    expect(await items.nth(2).innerText()).toContain('Venter på samtykke');
    const stats = await page.locator('.stats').innerText();
    expect(stats).toMatch(/2\s+Åpne/);
    expect(stats).toMatch(/2\s+Ikke besatt/);
    expect(stats).toMatch(/1\s+Tatt/);
    expect(await page.locator('.median-value').innerText()).toBe('40 min');
    const all = await page.locator('main').innerText();
    for (const s of ['Gerd', 'Storgata', 'Liv Solberg', '90011223', 'ring på to ganger']) expect(all).not.toContain(s);
    await expectAccessible(page);
    await page.screenshot({ path: `${SHOTS}/tab-staff.png`, fullPage: true });
  });

  /** What each chart drew: its Chart.js data, and how many canvas pixels are not blank. */
  async function drawnCharts(page: Page) {
    return page.evaluate(() => {
      const Chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: unknown[]; datasets: Array<{ label: string; data: Array<number | null> }> } } | undefined } }).Chart;
      return [...document.querySelectorAll<HTMLCanvasElement>('.chart canvas')].map((canvas) => {
        const chart = Chart.getChart(canvas);
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        let inked = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) inked++;
        return {
          id: canvas.id,
          label: canvas.getAttribute('aria-label'),
          labels: chart?.data.labels ?? [],
          datasets: (chart?.data.datasets ?? []).map((d) => ({ label: d.label, data: d.data })),
          inked,
          width: canvas.getBoundingClientRect().width,
        };
      });
    });
  }

  async function openStaffReport(page: Page): Promise<void> {
    await pickInWebChat(page, DEMO_STAFF[0]!.name);
    await page.goto('/tab');
    await waitVisible(page.getByRole('heading', { name: 'Tall for perioden' }), watches.get(page) ?? watchPage(page));
    await expect.poll(async () => (await drawnCharts(page)).length).toBe(3);
  }

  it("draws the centre's figures as charts with tables beside them, for a period chosen by keyboard", async () => {
    const page = await newPage();
    await openStaffReport(page);
    // Keyboard only: the "last 12 weeks" choice, then «Vis».
    await page.getByRole('radio', { name: 'I år' }).focus();
    await page.keyboard.press('ArrowRight');
    expect(await page.getByRole('radio', { name: 'Siste 12 uker' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Vis' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await drawnCharts(page))[0]?.labels.length).toBe(12);

    const [requests, wait, hours] = await drawnCharts(page);
    for (const chart of [requests!, wait!, hours!]) {
      expect(chart.inked, chart.id).toBeGreaterThan(2000);
      expect(chart.width, chart.id).toBeLessThanOrEqual(390);
      expect(chart.label).toMatch(/Tallene står i tabellen under diagrammet\.$/);
    }
    expect(requests!.datasets.map((d) => d.label)).toEqual(['Fikk frivillig', 'Utløpt uten frivillig', 'Fortsatt åpne']);
    const filled = requests!.datasets[0]!.data as number[];
    expect(filled.reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
    expect(wait!.datasets.map((d) => d.label)).toEqual(['Median', '90-persentil']);
    expect(wait!.datasets[0]!.data.filter((v) => v !== null).length).toBeGreaterThan(8);
    expect(hours!.labels).toContainEqual(['Avlastning', '(pusterom)']);
    expect((hours!.datasets[0]!.data as number[]).reduce((a, b) => a + b, 0)).toBeGreaterThan(50);

    await page.locator('.charts').screenshot({ path: `${SHOTS}/tab-staff-charts-phone.png` });
    // The text alternative holds the same numbers as the chart.
    const table = page.locator('#chart-requests').locator('xpath=ancestor::section[1]').locator('table');
    await page.getByText('Vis tallene som tabell').first().click();
    const firstColumn = await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => Number(r.querySelectorAll('td')[0]!.textContent)));
    expect(firstColumn).toEqual(filled);
    const totals = await page.locator('section.totals').innerText();
    expect(totals).toMatch(/Forespørsler lagt inn\s+\d+/);
    expect(totals).toMatch(/Aktive frivillige\s+<5/);

    await expectAccessible(page);
    await page.screenshot({ path: `${SHOTS}/tab-staff-charts.png`, fullPage: true });

    // The download is the report file itself, named for the centre and the period.
    const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Last ned CSV (Excel)' }).click()]);
    expect(file.suggestedFilename()).toMatch(/^arsmelding-hamar-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
  });

  it("lays the centre's charts out side by side on a desktop", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, baseURL: app.url });
    contexts.push(context);
    const page = await context.newPage();
    watches.set(page, watchPage(page));
    await openStaffReport(page);
    const [requests, wait, hours] = await drawnCharts(page);
    expect(requests!.width).toBeGreaterThan(wait!.width * 1.5);
    expect(Math.abs(wait!.width - hours!.width)).toBeLessThan(2);
    for (const chart of [requests!, wait!, hours!]) expect(chart.inked, chart.id).toBeGreaterThan(2000);
    expect((await axeCheck(page)).map((v) => v.id)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/tab-staff-desktop.png`, fullPage: true });
  });

  it('speaks English when English was chosen', async () => {
    const page = await newPage();
    await pickInWebChat(page, demoVolunteerName(0), 'English');
    await page.goto('/tab');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('My tasks');
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { name: 'Tasks you have done' }).waitFor();
    expect(await page.getByRole('region', { name: 'My contribution' }).innerText()).toContain('In all: 1 tasks, 1.5 hours');
    await expectAccessible(page);
    await page.screenshot({ path: `${SHOTS}/tab-volunteer-en.png`, fullPage: true });
  });

  it('asks who you are in development when nobody was picked in the web chat', async () => {
    const page = await newPage();
    await page.goto('/tab');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Velg hvem du er');
    expect(await page.getByRole('link', { name: 'Gå til chat-siden' }).getAttribute('href')).toBe('/');
    await expectAccessible(page);
    await page.screenshot({ path: `${SHOTS}/tab-dev-pick.png`, fullPage: true });
  });

  /** Teams on https://teams.microsoft.com framing the tab on https://dugnad.test, both routed to this test. */
  async function inFakeTeams(token: string | null, context: Record<string, unknown>): Promise<{ page: Page; tab: import('playwright-core').Frame }> {
    const page = await newPage();
    const browserContext = page.context();
    await browserContext.route('https://dugnad.test/**', async (route) => {
      const url = new URL(route.request().url());
      const response = await route.fetch({ url: `${app.url}${url.pathname}${url.search}` });
      await route.fulfill({ response });
    });
    await browserContext.route('https://teams.microsoft.com/**', (route) =>
      route.fulfill({ contentType: 'text/html; charset=utf-8', body: fakeTeamsHost('https://dugnad.test/tab', token, context) }),
    );
    // teams-js asks Microsoft's CDN for the current host origins and uses its built-in list without it.
    await browserContext.route('https://res.cdn.office.net/**', (route) => route.abort());
    await page.goto('https://teams.microsoft.com/_test/dugnad');
    const frame = page.frameLocator('#tab');
    await frame.locator('h1').waitFor();
    const tab = page.frames().find((f) => f.url().startsWith('https://dugnad.test/tab'))!;
    return { page, tab };
  }

  it('in Teams, signs in with the SSO token, not with what the context claims', async () => {
    const { page, tab } = await inFakeTeams(ssoToken(VOLUNTEER_OID), {
      locale: 'en-us', theme: 'default', hostClientType: 'web', entityId: 'mine-oppdrag', tid: TENANT,
      // The staff member's id: if the page trusted the context, it would show the overview.
      userObjectId: STAFF_OID,
    });
    await expect.poll(() => tab.locator('h1').textContent()).toBe('My tasks');
    expect(await tab.locator('html').getAttribute('lang')).toBe('en');
    await tab.getByRole('article', { name: 'Shopping help · Sentrum' }).waitFor();
    expect(await tab.locator('#who').innerText()).toBe('Hi, Astrid!');
    expect(await page.evaluate(() => (window as unknown as { calls: string[] }).calls)).toEqual(expect.arrayContaining(['initialize', 'getContext', 'authentication.getAuthToken']));
    const [reveal] = await app.db.query<{ channel_id: string }>(`SELECT channel_id FROM audit_log WHERE action = 'reveal' ORDER BY id DESC LIMIT 1`);
    expect(reveal!.channel_id).toBe('msteams');
    // axe runs inside the tab's frame (a Frame evaluates like a Page).
    const violations = await axeCheck(tab as unknown as Page);
    expect(violations, formatViolations(violations)).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/tab-teams.png`, fullPage: true });
  });

  for (const theme of ['dark', 'contrast'] as const) {
    it(`in Teams, follows the ${theme} theme and stays readable`, async () => {
      const { page, tab } = await inFakeTeams(ssoToken(STAFF_OID), { locale: 'nb-no', theme, hostClientType: 'web' });
      await expect.poll(() => tab.locator('h1').textContent()).toBe('Oversikt');
      await tab.getByRole('heading', { name: 'Trenger handling' }).waitFor();
      expect(await tab.locator('html').getAttribute('data-theme')).toBe(theme);
      const violations = await axeCheck(tab as unknown as Page);
      expect(violations, formatViolations(violations)).toEqual([]);
      await page.screenshot({ path: `${SHOTS}/tab-teams-${theme}.png` });
      // The charts take their colours from the theme.
      await expect.poll(() => tab.locator('.chart canvas').count()).toBe(3);
      await tab.locator('#chart-wait').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/tab-teams-${theme}-charts.png` });
    });
  }

  it('in Teams, says so plainly when Teams gives no token', async () => {
    const { tab } = await inFakeTeams(null, { locale: 'nb-no', theme: 'default', hostClientType: 'web' });
    await expect.poll(() => tab.locator('h1').textContent()).toBe('Det gikk ikke');
    expect(await tab.locator('main').innerText()).toContain('Vi fikk ikke logget deg inn');
  });

  it('asks you to sign in through Teams in production, with no development identities', async () => {
    const prod = await startTestApp({
      workers: false,
      env: {
        NODE_ENV: 'production',
        MicrosoftAppId: '00000000-0000-4000-8000-000000000001',
        MicrosoftAppPassword: 'not-used-in-this-test',
        DATABASE_URL: 'postgres://unused@127.0.0.1:1/unused',
        PUBLIC_BASE_URL: 'https://dugnad.test',
        // Production requires these since web sign-in (issue 7); neither matters to the tab.
        ALLOWED_TENANT_IDS: '*',
        WEB_CHAT_ENABLED: 'false',
      },
    });
    try {
      const page = await newPage(prod.url);
      // Even with a web chat choice left in this tab's storage.
      await page.goto('/tab');
      await page.evaluate(() => sessionStorage.setItem('dugnad.webchat.v1', JSON.stringify({ identityId: 'demo-frivillig-01', locale: 'nb-NO' })));
      await page.reload();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Logg inn via Teams');
      expect(await page.locator('main').innerText()).toContain('Åpne Dugnad i Microsoft Teams');
      await expectAccessible(page);
      await page.screenshot({ path: `${SHOTS}/tab-sign-in.png`, fullPage: true });
    } finally {
      await prod.close();
    }
  });
});
