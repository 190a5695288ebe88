// The SMS demo without a gateway account, as a developer tries it: staff post a request, /dev/sms (in
// headless Chromium at phone size) shows the SMS volunteers' phones with the redacted offer; answering
// «JA <code>» as one of them takes the task and brings the one-time link, whose page opens the task in
// the web chat; the other who answers is told someone else was first. And a number Dugnad has never
// seen writes «Jeg trenger handlehjelp på fredag» from the page's «Nytt nummer» and signs up by
// answering the questions on its phone (issue 19).
import { addDays } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PHONE_VIEWPORT, launchChromium } from './chromium.ts';
import { startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { demoVolunteerName, seedDemoSms } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

describe('/dev/sms', { timeout: 90_000 }, () => {
  let app: TestApp;
  let connector: FakeConnector;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp({ env: { SMS_PACE_PER_NUMBER_MS: '0' } });
    await seedDemoSms(app.db);
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await connector?.close();
  });

  it('shows each SMS volunteer\'s phone with the redacted offer, and the first «JA» takes the task', async () => {
    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const res = await app.post(userActivity({
      userId: 'demo-ansatt-1', serviceUrl: connector.url,
      value: {
        action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(new Date(), 1)), time: '14:00',
        durationMinutes: '60', district: 'Sentrum', summary: 'Handle til helgen', handoverNote: 'Nøkkelen ligger under matta',
      },
    }));
    expect(res.status).toBeLessThan(300);

    page = await (await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true })).newPage();
    await page.goto(`${app.url}/dev/sms`);
    const randi = page.locator('.phone', { hasText: demoVolunteerName(6) });
    const per = page.locator('.phone', { hasText: demoVolunteerName(7) });
    const offer = randi.locator('.msg.out', { hasText: 'Handle til helgen' });
    await offer.waitFor({ timeout: 30_000 });
    const text = (await offer.textContent())!;
    expect(text).toContain('Handlehjelp, Sentrum');
    for (const secret of ['Gerd', 'Storgata', 'Nøkkelen']) expect(text).not.toContain(secret);
    const code = /Svar JA (\d{4}) for å ta det\./.exec(text)![1]!;

    await randi.getByRole('textbox').fill(`JA ${code}`);
    await randi.getByRole('button', { name: 'Send' }).click();
    await randi.locator('.msg.out', { hasText: 'Oppdraget er ditt' }).waitFor({ timeout: 30_000 });

    const perOffer = per.locator('.msg.out', { hasText: 'Handle til helgen' });
    await perOffer.waitFor({ timeout: 30_000 });
    const perCode = /Svar JA (\d{4})/.exec((await perOffer.textContent())!)![1]!;
    await per.getByRole('textbox').fill(`ja ${perCode}`);
    await per.getByRole('button', { name: 'Send' }).click();
    await per.locator('.msg.out', { hasText: 'Noen andre rakk det før deg' }).waitFor({ timeout: 30_000 });
  });

  it('opens the one-time link like a phone would: a page with one button, then the web chat', async () => {
    const randi = page.locator('.phone', { hasText: demoVolunteerName(6) });
    const link = randi.locator('.msg.out', { hasText: 'Oppdraget er ditt' }).getByRole('link');
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/\/t\/[A-Za-z0-9_-]{20,}$/);
    const linkPage = await page.context().newPage();
    await linkPage.goto(href);
    await expect(linkPage.getByRole('heading', { name: 'Ditt oppdrag' }).isVisible()).resolves.toBe(true);
    expect(await linkPage.textContent('body')).not.toContain('Gerd');
    await linkPage.getByRole('button', { name: 'Vis oppdraget' }).click();
    await linkPage.waitForURL(`${app.url}/`);
    // Used once: the same link again says so.
    await linkPage.goto(href);
    await expect(linkPage.getByText('Lenken er brukt').isVisible()).resolves.toBe(true);
  });

  it('a new number asks for help and signs up by answering on its phone', async () => {
    const fresh = page.getByRole('form', { name: 'Skriv fra et nytt nummer' });
    await fresh.getByLabel('Nytt nummer').fill('98700001');
    await fresh.getByLabel('Melding').fill('Jeg trenger handlehjelp på fredag');
    await fresh.getByRole('button', { name: 'Send fra nytt nummer' }).click();
    const phone = page.locator('.phone', { hasText: '987 00 001' });
    const answer = async (text: string, expected: string) => {
      // Enter sends, as on a phone's keyboard (the page redraws the phones while you type).
      await phone.getByRole('textbox').fill(text);
      await phone.getByRole('textbox').press('Enter');
      await phone.locator('.msg.out', { hasText: expected }).waitFor({ timeout: 30_000 });
    };
    await phone.locator('.msg.out', { hasText: 'Hva heter du?' }).waitFor({ timeout: 30_000 });
    await answer('Ruth Nilsen', 'Hvilken adresse');
    await answer('Løkkevegen 4, 2316 Hamar', 'Hvilket område');
    await answer('Vang', 'Svar JA hvis det er greit');
    await answer('ja', 'Når på dagen?');
    await answer('1', 'Vi leter etter en frivillig');
    // Now one of the centre's people: the phone carries her name.
    await page.locator('.phone h2', { hasText: 'Ruth Nilsen' }).waitFor({ timeout: 30_000 });
  });
});
