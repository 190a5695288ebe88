// The real Dugnad in the local web chat, in headless Chromium at phone size: two volunteers in two
// tabs get the same offer; the first tap wins and sees the details; the other tab's card turns into
// "Oppdraget er tatt" in place. Staff post over plain HTTP as a channel would.
import { mkdirSync, readFileSync } from 'node:fs';
import { addDays } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium } from './chromium.ts';
import { startTestApp, userActivity, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { demoVolunteerName } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

const TRANSCRIPT = 'section[role="feed"]';
const SEND_BOX = '[data-id="webchat-sendbox-input"]';

describe('Dugnad in the local web chat', { timeout: 90_000 }, () => {
  let app: TestApp;
  let connector: FakeConnector;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let astrid: Page;
  let bjorn: Page;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp({ env: { WAVE_SIZE: '1000' } });
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
    await connector?.close();
  });

  async function openAs(name: string): Promise<Page> {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('radio', { name: new RegExp(`^${name}`) }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    return page;
  }

  it('greets a volunteer with their menu, and answers "hei"', async () => {
    astrid = await openAs(demoVolunteerName(0));
    await astrid.locator(TRANSCRIPT).getByRole('button', { name: 'Mine oppdrag' }).first().waitFor();
    await astrid.locator(SEND_BOX).fill('hei');
    await astrid.locator(SEND_BOX).press('Enter');
    await expect.poll(() => astrid.locator(TRANSCRIPT).getByRole('button', { name: 'Mine oppdrag' }).count()).toBe(2);
    const violations = await axeCheck(astrid);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('delivers the offer to both volunteers; the first tap wins, the other card turns to "taken"', async () => {
    bjorn = await openAs(demoVolunteerName(1));
    await bjorn.locator(TRANSCRIPT).getByRole('button', { name: 'Mine oppdrag' }).first().waitFor();

    const [person] = await app.db.query<{ id: string }>(`SELECT id FROM persons WHERE name = 'Gerd Solberg'`);
    const res = await app.post(
      userActivity({
        userId: 'demo-ansatt-1',
        serviceUrl: connector.url,
        value: {
          action: 'staff.request.submit', personId: person!.id, group: 'handlehjelp', date: osloDate(addDays(new Date(), 2)),
          time: '11:00', durationMinutes: '60', district: 'Sentrum', summary: 'Handle mat på Coop', handoverNote: 'Betaler med kort',
        },
      }),
    );
    expect(res.status).toBeLessThan(300);

    for (const page of [astrid, bjorn]) await page.locator(TRANSCRIPT).getByRole('button', { name: 'Ta oppdraget' }).waitFor({ timeout: 20_000 });
    // The offer itself names no one.
    expect(await astrid.locator(TRANSCRIPT).innerText()).not.toContain('Gerd Solberg');

    await astrid.locator(TRANSCRIPT).getByRole('button', { name: 'Ta oppdraget' }).click();
    await astrid.locator(TRANSCRIPT).getByText('Gerd Solberg', { exact: false }).first().waitFor({ timeout: 20_000 });
    await bjorn.locator(TRANSCRIPT).getByText('Oppdraget er tatt', { exact: false }).first().waitFor({ timeout: 20_000 });
    await expect.poll(() => bjorn.locator(TRANSCRIPT).getByRole('button', { name: 'Ta oppdraget' }).count()).toBe(0);
    expect(await bjorn.locator(TRANSCRIPT).innerText()).not.toContain('Gerd Solberg');

    mkdirSync('test-results', { recursive: true });
    await astrid.screenshot({ path: 'test-results/dugnad-winner.png' });
    await bjorn.screenshot({ path: 'test-results/dugnad-taken.png' });
    const violations = await axeCheck(astrid);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('gives the volunteer their own data from the menu: a readable card and the JSON file Web Chat offers as a download', async () => {
    const menus = astrid.locator(TRANSCRIPT).getByRole('button', { name: 'Mine data (innsyn)' });
    await menus.last().click();
    await astrid.locator(TRANSCRIPT).getByText('Dine data i Dugnad').first().waitFor({ timeout: 20_000 });
    // Web Chat shows the attachment by its name; following it downloads the file.
    const link = astrid.locator(TRANSCRIPT).getByRole('link', { name: /mine-data\.json/ }).first();
    await link.waitFor({ timeout: 20_000 });
    const [download] = await Promise.all([astrid.waitForEvent('download'), link.click()]);
    const data = JSON.parse(readFileSync((await download.path())!, 'utf8')) as { format: string; you: { name: string }; tasks: Array<{ group: string }> };
    expect(data.format).toBe('dugnad-mine-data/1');
    expect(data.you.name).toBe(demoVolunteerName(0));
    expect(data.tasks.map((t) => t.group)).toEqual(['handlehjelp']);
    // Her own task, by its public facts: the person she helps is not in her file.
    expect(JSON.stringify(data)).not.toContain('Gerd Solberg');
    const violations = await axeCheck(astrid);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
