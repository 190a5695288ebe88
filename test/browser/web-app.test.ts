// The web chat as an installable app, in headless Chromium at phone size: the manifest parses and the
// install criteria are met; a volunteer turns «Varsle meg» on, closes the page, and three days later
// (test clock) the offer arrives as a push the service worker shows as a notification; tapping it
// brings the offer to the bottom of the chat and «Ta oppdraget» takes it. Without a network the page
// still opens from the service worker's copy and says «Ingen nett».
//
// Chromium's own push service (FCM) is out of reach on this machine, so the browser's subscribe() is
// replaced by one that returns a subscription at the test's local push service; the push itself is
// encrypted and VAPID-signed for real there (test/integration/web-push.test.ts checks it), and its
// decrypted payload is handed to the service worker through the DevTools protocol, as a push service would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from 'date-fns';
import webpush from 'web-push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, PHONE_VIEWPORT, axeCheck, formatViolations, waitVisible, watchPage } from './chromium.ts';
import { startTestApp, userActivity, VirtualClock, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { startPushService, type PushService, type TestDevice } from '../support/push-service.ts';
import { startTestServer, type TestServer } from './server.ts';
import { demoVolunteerId, demoVolunteerName } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

const TRANSCRIPT = 'section[role="feed"]';

/** What these tests touch of a service worker's global scope (the project's TypeScript has the DOM lib only). */
interface SwScope {
  registration: ServiceWorkerRegistration;
  dispatchEvent(event: Event): boolean;
  NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
}

async function persistentContext(dir: string): Promise<BrowserContext> {
  // A persistent profile: Chromium never offers to install an app from an incognito one.
  return chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    viewport: PHONE_VIEWPORT,
    isMobile: true,
    hasTouch: true,
    locale: 'nb-NO',
  });
}

async function serviceWorkerOf(context: BrowserContext, page: Page): Promise<Worker> {
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
  const existing = context.serviceWorkers()[0];
  return existing ?? (await context.waitForEvent('serviceworker'));
}

describe('the web chat as an installable app', { timeout: 150_000 }, () => {
  const clock = new VirtualClock();
  const vapid = webpush.generateVAPIDKeys();
  let app: TestApp;
  let connector: FakeConnector;
  let pushService: PushService;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    connector = await startFakeConnector();
    pushService = await startPushService();
    app = await startTestApp({
      env: { VAPID_PUBLIC_KEY: vapid.publicKey, VAPID_PRIVATE_KEY: vapid.privateKey, WAVE_SIZE: '100' },
      now: clock.now,
      directLine: { now: () => clock.now().getTime() },
    });
    profile = mkdtempSync(join(tmpdir(), 'dugnad-chromium-'));
    context = await persistentContext(profile);
    await context.grantPermissions(['notifications'], { origin: app.url });
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.close();
    await connector?.close();
    await pushService?.close();
  });

  async function openAs(page: Page, name: string, path = '/'): Promise<void> {
    await page.goto(`${app.url}${path}`);
    await page.getByRole('radio', { name: new RegExp(`^${name}`) }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    await page.locator(TRANSCRIPT).getByRole('button', { name: 'Mine oppdrag' }).first().waitFor({ timeout: 30_000 });
  }

  it('has a manifest Chromium parses and accepts for installing', async () => {
    const page = await context.newPage();
    await page.goto(app.url);
    await serviceWorkerOf(context, page);
    const cdp = await context.newCDPSession(page);
    const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: unknown[]; data: string };
    expect(manifest.url).toBe(`${app.url}/manifest.webmanifest`);
    expect(manifest.errors).toEqual([]);
    const data = JSON.parse(manifest.data) as Record<string, any>;
    expect(data).toMatchObject({ name: 'Dugnad', display: 'standalone', theme_color: '#0b4a80', lang: 'nb' });
    expect(data.description).toMatch(/frivillige/i);
    expect(data.icons.map((i: { purpose: string; sizes: string }) => `${i.purpose} ${i.sizes}`)).toEqual(['any 192x192', 'any 512x512', 'maskable 512x512']);
    for (const icon of data.icons as Array<{ src: string }>) {
      const res = await page.request.get(`${app.url}${icon.src}`);
      expect(res.headers()['content-type']).toBe('image/png');
    }
    const installable = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: Array<{ errorId: string }> };
    expect(installable.installabilityErrors).toEqual([]);
    expect(await page.locator('meta[name="theme-color"]').getAttribute('content')).toBe('#0b4a80');
    await page.close();
  });

  it('a volunteer turns on «Varsle meg», closes the page, and three days later taps the notification and takes the offer', async () => {
    const device: TestDevice = pushService.device();
    // Stands in for the browser's push service registration (unreachable here): same shape as the real one.
    await context.addInitScript((subscription) => {
      PushManager.prototype.getSubscription = async () => null;
      PushManager.prototype.subscribe = async () => ({ endpoint: subscription.endpoint, toJSON: () => subscription, unsubscribe: async () => true }) as unknown as PushSubscription;
    }, device.subscription);

    const page = await context.newPage();
    const watch = watchPage(page);
    await openAs(page, demoVolunteerName(0));
    await page.locator(TRANSCRIPT).getByRole('button', { name: 'Min status' }).last().click();
    const notifyMe = page.locator(TRANSCRIPT).getByRole('button', { name: 'Varsle meg' }).last();
    await waitVisible(notifyMe, watch);
    await notifyMe.click();
    await waitVisible(page.locator(TRANSCRIPT).getByText('Varsler er slått på for denne enheten').first(), watch);
    expect(await app.db.query('SELECT 1 FROM push_subscriptions WHERE endpoint = $1', [device.subscription.endpoint])).toHaveLength(1);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    await serviceWorkerOf(context, page);
    await page.close();
    // The browser stops an idle worker and starts it again for a push: always ask the one running now.
    const worker = { evaluate: <T>(fn: () => Promise<T>) => context.serviceWorkers().at(-1)!.evaluate(fn) };

    // Three days later: the page has long been closed, its conversation ended. Staff post a request.
    clock.set(addDays(clock.now(), 3));
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const res = await app.post(userActivity({
      userId: 'demo-ansatt-1', serviceUrl: connector.url,
      value: { action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(clock.now(), 2)), time: '11:00', durationMinutes: '60', district: 'Sentrum', summary: 'Handle til helga', handoverNote: 'Betaler med kort' },
    }));
    expect(res.status).toBeLessThan(300);
    await pushService.waitFor((r) => r.some((p) => p.deviceId === device.id && p.json.title === 'Nytt oppdrag'));
    const push = pushService.received.find((p) => p.deviceId === device.id && p.json.title === 'Nytt oppdrag')!;
    const offerId = String(push.json.url).replace('/?open=offer.', '');

    // The push service hands it to the phone: the service worker shows it (no chat page is open).
    const blank = await context.newPage();
    const cdp: CDPSession = await context.newCDPSession(blank);
    const registration = new Promise<string>((ok) => {
      cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: Array<{ registrationId: string; scopeURL: string }> }) => {
        const mine = e.registrations.find((r) => r.scopeURL.startsWith(app.url));
        if (mine) ok(mine.registrationId);
      });
    });
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.deliverPushMessage', { origin: app.url, registrationId: await registration, data: push.text });
    const shown = async () =>
      worker.evaluate(async () => (await (self as unknown as SwScope).registration.getNotifications()).map((n: Notification) => ({ title: n.title, body: n.body, tag: n.tag, data: n.data as unknown })));
    // The browser may take a while to start the stopped worker for the push beside a busy suite.
    await expect.poll(shown, { timeout: 30_000 }).toHaveLength(1);
    const [notification] = await shown();
    expect(notification).toMatchObject({ title: 'Nytt oppdrag', tag: `offer-${offerId}`, data: { url: `/?open=offer.${offerId}` } });
    expect(notification!.body).toMatch(/^Handlehjelp i Sentrum, /);
    expect(JSON.stringify(notification)).not.toMatch(/Gerd|Storgata|Handle til helga|kort/);

    // They open Dugnad again: what is open for them is rebuilt, the offer among it.
    const again = await context.newPage();
    const watchAgain = watchPage(again);
    await openAs(again, demoVolunteerName(0));
    await waitVisible(again.locator(TRANSCRIPT).getByText('Dette venter på deg').first(), watchAgain);
    const cardOf = async () => (await app.db.query<{ activity_id: string | null }>('SELECT activity_id FROM offer_deliveries WHERE offer_id = $1', [offerId]))[0]?.activity_id ?? null;
    await expect.poll(cardOf, { timeout: 15_000 }).toMatch(/\|\d+$/);
    const shownOnOpening = await cardOf();
    // A tap on the notification while the chat is open brings that offer to the bottom, buttons live.
    await worker.evaluate(async () => {
      const sw = self as unknown as SwScope;
      const [n] = await sw.registration.getNotifications();
      sw.dispatchEvent(new sw.NotificationEvent('notificationclick', { notification: n! }));
    });
    await expect.poll(shown, { timeout: 10_000 }).toHaveLength(0);
    const take = again.locator(TRANSCRIPT).getByRole('button', { name: 'Ta oppdraget' });
    // One live copy: the one shown on opening gave way to the one the tap asked for.
    await expect.poll(cardOf, { timeout: 15_000 }).not.toBe(shownOnOpening);
    await expect.poll(() => take.count(), { timeout: 15_000 }).toBe(1);
    await take.click();
    await waitVisible(again.locator(TRANSCRIPT).getByText('Gerd Solberg', { exact: false }).first(), watchAgain);
    const [request] = await app.db.query<{ status: string; who: string }>(
      `SELECT r.status, c.user_id AS who FROM help_requests r JOIN chat_identities c ON c.member_id = r.assigned_volunteer_id AND c.channel_id = 'dev' WHERE r.summary = 'Handle til helga'`,
    );
    expect(request).toEqual({ status: 'taken', who: demoVolunteerId(0) });
    await again.close();
    await blank.close();
  });
});

describe('the web chat without a network', { timeout: 90_000 }, () => {
  let server: TestServer | null = null;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    server = await startTestServer();
    profile = mkdtempSync(join(tmpdir(), 'dugnad-chromium-'));
    context = await persistentContext(profile);
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await server?.close();
  });

  it('opens from the service worker’s copy and says «Ingen nett»', async () => {
    const page = await context.newPage();
    const watch = watchPage(page);
    const url = server!.baseUrl;
    await page.goto(url);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    // The worker holds the shell once it controls the page.
    await page.reload();
    await expect.poll(() => page.evaluate(() => Boolean(navigator.serviceWorker.controller))).toBe(true);
    await page.getByRole('radio', { name: /^Kari Nordmann/ }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    await page.locator(TRANSCRIPT).waitFor({ timeout: 30_000 });

    // The server is gone (no network): the page still opens, and says so plainly.
    await server!.close();
    server = null;
    const response = await page.reload();
    expect(response?.fromServiceWorker()).toBe(true);
    await waitVisible(page.getByRole('heading', { name: 'Ingen nett' }), watch);
    await expect.poll(() => page.getByRole('button', { name: 'Prøv igjen' }).isVisible()).toBe(true);
    expect(await page.locator(TRANSCRIPT).isVisible()).toBe(false);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
