// Issue 18: someone who picks «Norsk nynorsk» on the web chat page gets Web Chat's own words in
// nynorsk (overrideLocalizedStrings; Web Chat has no nn) and Dugnad's menu in nynorsk, in headless
// Chromium with Web Chat's own renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { PHONE_VIEWPORT, launchChromium } from './chromium.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector.ts';
import { demoVolunteerName } from '../../infra/seed-demo.ts';
import webChatNynorsk from '../../adaptive-cards/locales/webchat-nn.json' with { type: 'json' };

const TRANSCRIPT = 'section[role="feed"]';
const SEND_BOX = '[data-id="webchat-sendbox-input"]';

describe('the web chat page in nynorsk', { timeout: 90_000 }, () => {
  let app: TestApp;
  let connector: FakeConnector;
  let browser: Browser;

  beforeAll(async () => {
    connector = await startFakeConnector();
    app = await startTestApp();
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await connector?.close();
  });

  /** The page as a volunteer who picked «Norsk nynorsk» opens it on a phone. */
  async function openInNynorsk(name: string) {
    const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(app.url);
    await page.getByRole('radio', { name: new RegExp(`^${name}`) }).check();
    await page.getByRole('radio', { name: 'Norsk nynorsk' }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    return { context, page };
  }

  it('shows Web Chat\'s words and the menu in nynorsk', async () => {
    const { context, page } = await openInNynorsk(demoVolunteerName(0));
    await page.locator(TRANSCRIPT).getByRole('button', { name: 'Oppdraga mine' }).first().waitFor();
    expect(await page.locator(SEND_BOX).getAttribute('placeholder')).toBe(webChatNynorsk.TEXT_INPUT_PLACEHOLDER);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nn');
    await page.locator(SEND_BOX).fill('hei');
    await page.locator(SEND_BOX).press('Enter');
    await expect.poll(() => page.locator(TRANSCRIPT).getByRole('button', { name: 'Oppdraga mine' }).count()).toBe(2);
    await context.close();
  });

  it('a tap says «Eit augeblink …» while the answer is on its way, and «Ikkje noko svar enno» if none comes', async () => {
    const { context, page } = await openInNynorsk(demoVolunteerName(1));
    const menu = page.locator(TRANSCRIPT).getByRole('button', { name: 'Oppdraga mine' }).first();
    await menu.waitFor();
    // The tap's answer is held on its way; the page's clock is ours from here.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/activities', async (route) => {
      if (route.request().method() === 'POST') await held;
      await route.continue().catch(() => undefined);
    });
    await page.clock.install();
    await menu.click();
    const note = page.locator(TRANSCRIPT).locator('.dugnad-wait');
    await expect.poll(() => note.innerText()).toBe('Eit augeblink …');
    expect(await menu.isDisabled()).toBe(true);
    await page.clock.fastForward(21_000);
    await expect.poll(() => note.innerText()).toBe('Ikkje noko svar enno. Du kan trykkje igjen.');
    expect(await menu.isDisabled()).toBe(false);
    release();
    await page.unroute('**/activities');
    await context.close();
  });
});
