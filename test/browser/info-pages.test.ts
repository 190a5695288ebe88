// «Personvern», «Vilkår» and an unknown address as a person sees them on a phone (issue 14): Norwegian,
// readable at 390×844 without sideways scrolling, and passing axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium } from './chromium.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('pages around the chat, on a phone', { timeout: 60_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    app = await startTestApp({ workers: false, seed: false });
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  const fitsThePhone = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  it('/personvern reads as a page in Norwegian, and passes axe', async () => {
    expect((await page.goto(`${app.url}/personvern`))?.status()).toBe(200);
    expect(await page.locator('html').getAttribute('lang')).toBe('nb');
    await page.getByRole('heading', { level: 1, name: 'Personvern i Dugnad' }).waitFor();
    for (const name of ['Hva vi lagrer', 'Hvorfor', 'Hvor lenge', 'Dine rettigheter, og hvem du kan spørre']) await page.getByRole('heading', { level: 2, name }).waitFor();
    expect(await fitsThePhone()).toBe(true);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('/vilkar links back to /personvern', async () => {
    await page.goto(`${app.url}/vilkar`);
    await page.getByRole('heading', { level: 1, name: 'Vilkår for bruk av Dugnad' }).waitFor();
    await page.getByRole('link', { name: 'Personvern' }).click();
    await page.getByRole('heading', { level: 1, name: 'Personvern i Dugnad' }).waitFor();
  });

  it('an unknown address shows «Denne siden finnes ikke» with a way back', async () => {
    expect((await page.goto(`${app.url}/gammel/lenke`))?.status()).toBe(404);
    await page.getByRole('heading', { level: 1, name: 'Denne siden finnes ikke' }).waitFor();
    await page.getByRole('link', { name: 'Til Dugnad' }).waitFor();
    expect(await fitsThePhone()).toBe(true);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });
});
