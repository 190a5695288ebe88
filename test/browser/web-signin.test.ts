/**
 * Web sign-in in real headless Chromium, in production mode: the sign-in button, the local OpenID
 * Connect provider's login and consent pages, back to the chat as the signed-in person, a message and
 * the bot's reply, and «Logg ut». WCAG 2.1 AA on the sign-in page.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium } from './chromium.ts';
import type { TestApp } from '../support/app.ts';
import { startSignedInApp, type TestOidcProvider } from '../support/oidc-provider.ts';
import { webUserId } from '../../bot/web-signin.ts';
import { demoVolunteerId } from '../../infra/seed-demo.ts';
import { t } from '../../adaptive-cards/texts.ts';

import webChatNynorsk from '../../adaptive-cards/locales/webchat-nn.json' with { type: 'json' };

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
const ARTICLES = 'section[role="feed"] > article';

describe('web sign-in in Chromium', { timeout: 90_000 }, () => {
  let app: TestApp;
  let idp: TestOidcProvider;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    ({ app, idp } = await startSignedInApp({ secret: 'browser-signin-secret-0123456789abcdef', appId: '00000000-0000-4000-8000-0000000000b7' }));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  }, 90_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
    await idp?.close();
  });

  it('offers an accessible sign-in, and no demo identities', async () => {
    await page.goto(app.url);
    const button = page.getByRole('link', { name: 'Logg inn med ID-porten' });
    await button.waitFor();
    expect(await page.getByRole('radio').count()).toBe(0);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/web-signin.png', fullPage: true });
  });

  it('signs in at the provider and chats with the bot as that person', async () => {
    await page.getByRole('link', { name: 'Logg inn med ID-porten' }).click();
    // The provider's development login form, then its consent form.
    await page.locator('input[name="login"]').fill('browser-citizen');
    await page.locator('input[name="password"]').fill('any');
    await page.locator('button[type="submit"]').click();
    await page.locator('button[type="submit"]').first().click();

    await page.waitForURL(`${app.url}/`);
    await page.getByRole('button', { name: 'Logg ut' }).waitFor();
    const session = (await context.cookies(app.url)).find((c) => c.name === '__Host-dugnad-session');
    expect(session).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Lax' });

    // The greeting, then a message and the answer to it.
    await expect.poll(() => page.locator(ARTICLES).count(), { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await page.locator(ARTICLES).count();
    await page.locator(SEND_BOX).fill('hei');
    await page.locator(SEND_BOX).press('Enter');
    await expect.poll(() => page.locator(ARTICLES).count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(before + 2);

    const rows = await app.db.query<{ user_id: string }>(`SELECT user_id FROM chat_identities WHERE channel_id = 'webchat'`);
    expect(rows.map((r) => r.user_id)).toEqual([webUserId(idp.issuer, 'browser-citizen')]);
    await page.screenshot({ path: 'test-results/web-signin-chat.png', fullPage: true });
  });

  it('signs in from the tab outside Teams and comes back to it, as the volunteer the bot knows', async () => {
    // This signed-in person is a volunteer Dugnad already knows (they have chatted before).
    const [volunteer] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = $1`, [demoVolunteerId(1)]);
    await app.db.query(
      `INSERT INTO chat_identities (channel_id, user_id, member_id, last_seen_at) VALUES ('webchat', $1, $2, now())`,
      [webUserId(idp.issuer, 'tab-volunteer'), volunteer!.member_id],
    );
    const tab = await context.newPage();
    tab.on('pageerror', (error) => problems.push(`tab pageerror: ${error.message}`));
    await tab.context().clearCookies();
    await tab.goto(`${app.url}/tab`);
    await tab.getByRole('link', { name: 'Logg inn med ID-porten' }).click();
    await tab.locator('input[name="login"]').fill('tab-volunteer');
    await tab.locator('input[name="password"]').fill('any');
    await tab.locator('button[type="submit"]').click();
    await tab.locator('button[type="submit"]').first().click();
    await tab.waitForURL(`${app.url}/tab`);
    await tab.getByRole('heading', { name: t('nb', 'myTasks.title') }).waitFor();
    const violations = await axeCheck(tab);
    expect(violations, formatViolations(violations)).toEqual([]);
    await tab.screenshot({ path: 'test-results/web-signin-tab.png', fullPage: true });
    await tab.close();
    // Back on the chat page for the last step, signed in as this person.
    await page.reload();
  });

  it('a signed-in volunteer who chooses nynorsk gets Web Chat\'s own words in nynorsk too', async () => {
    const transcript = page.locator('section[role="feed"]');
    await transcript.getByRole('button', { name: 'Språk', exact: true }).last().click();
    await transcript.getByRole('button', { name: 'Norsk nynorsk', exact: true }).last().click();
    await transcript.getByText('Lagra. Språk: Norsk nynorsk.').waitFor({ timeout: 20_000 });
    await page.reload();
    await expect.poll(() => page.locator(SEND_BOX).getAttribute('placeholder'), { timeout: 20_000 }).toBe(webChatNynorsk.TEXT_INPUT_PLACEHOLDER);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('nn');
  });

  it('signs out', async () => {
    await page.getByRole('button', { name: 'Logg ut' }).click();
    await page.getByRole('link', { name: 'Logg inn med ID-porten' }).waitFor();
    expect((await context.cookies(app.url)).some((c) => c.name === '__Host-dugnad-session')).toBe(false);
    expect(problems).toEqual([]);
  });
});
