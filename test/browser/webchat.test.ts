/**
 * The local web chat end to end in real headless Chromium at phone size: pick an identity, talk to
 * the fake bot through our Direct Line endpoint, press a card button and watch the card change in
 * place, and check WCAG 2.1 AA with axe-core on the picker and on the open chat.
 */
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CARD_BUTTON, CARD_TEXT, GREETING, UPDATED_TEXT, echoOf } from '../support/fake-bot.ts';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium } from './chromium.ts';
import { TEST_IDENTITIES, startTestServer, type TestServer } from './server.ts';

const SEND_BOX = '[data-id="webchat-sendbox-input"]';
// Web Chat 4.18 renders the transcript as a feed of <article>s.
const TRANSCRIPT = 'section[role="feed"]';

describe('local web chat in Chromium', { timeout: 60_000 }, () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console.error: ${message.text()}`);
    });
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await server?.close();
  });

  async function send(text: string): Promise<void> {
    await page.locator(SEND_BOX).fill(text);
    await page.locator(SEND_BOX).press('Enter');
  }

  /** A message or card text in the transcript (Web Chat also keeps screen reader copies like "Roboten sa: …"). */
  function inTranscript(text: string) {
    return page.locator(TRANSCRIPT).getByText(text, { exact: true });
  }

  /** For each text, the index of the transcript entry that shows it (-1 if none). */
  async function positions(texts: string[]): Promise<number[]> {
    const entries = (await page.locator(`${TRANSCRIPT} > article`).allInnerTexts()).map((entry) =>
      entry.split('\n').map((line) => line.trim()),
    );
    return texts.map((text) => entries.findIndex((lines) => lines.includes(text)));
  }

  it('shows an accessible identity picker', async () => {
    const response = await page.goto(server.baseUrl);
    expect(response?.status()).toBe(200);
    await expect(page.title()).resolves.toBe('Dugnad');
    expect(await page.locator('html').getAttribute('lang')).toBe('nb');
    await page.getByRole('heading', { level: 1, name: 'Dugnad' }).waitFor();
    for (const group of ['Frivillig', 'Ansatt', 'Pårørende', 'Ny bruker']) {
      await page.getByRole('group', { name: group }).waitFor();
    }
    await page.getByRole('radio', { name: 'Norsk bokmål' }).waitFor();
    await page.getByRole('radio', { name: 'English' }).waitFor();

    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/webchat-picker.png', fullPage: true });
  });

  it('asks for an identity before starting', async () => {
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Velg hvem du er.');
  });

  it('chats with the bot and updates a card in place', async () => {
    const kari = TEST_IDENTITIES[0]!;
    await page.getByRole('radio', { name: kari.name }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();

    await inTranscript(GREETING).waitFor();
    // Issue 14: «Kari Nordmann · frivillig» on the header's one line at phone width (the full sentence for screen readers).
    const who = page.locator('#who');
    await page.getByText(`${kari.name} · frivillig`).waitFor();
    expect(await who.getAttribute('aria-label')).toBe(`Du er ${kari.name} (frivillig)`);
    const [whoBox, switchBox] = [await who.boundingBox(), await page.getByRole('button', { name: 'Bytt bruker' }).boundingBox()];
    expect(Math.abs(whoBox!.y + whoBox!.height / 2 - (switchBox!.y + switchBox!.height / 2))).toBeLessThan(8); // beside «Bytt bruker», not below it
    expect(whoBox!.height).toBeLessThan(30); // one line
    await page.getByRole('heading', { level: 1, name: 'Dugnad' }).waitFor({ state: 'attached' }); // still there for screen readers
    expect(await who.evaluate((el) => `${el.scrollWidth} <= ${el.clientWidth}: ${el.scrollWidth <= el.clientWidth}`)).toMatch(/true$/); // shown whole, not cut

    await send('hei');
    await inTranscript(echoOf('hei')).waitFor();

    await send('kort');
    await inTranscript(CARD_TEXT).waitFor();
    await send('etter kortet');
    await inTranscript(echoOf('etter kortet')).waitFor();
    const before = await positions([CARD_TEXT]);

    // Web Chat also keeps an inert copy of new activities in a screen reader live region; click the real one.
    await page.locator(TRANSCRIPT).getByRole('button', { name: CARD_BUTTON }).click();

    await inTranscript(UPDATED_TEXT).waitFor();
    await expect(page.getByText(CARD_TEXT).count()).resolves.toBe(0);
    await expect(page.locator(TRANSCRIPT).getByRole('button', { name: CARD_BUTTON }).count()).resolves.toBe(0);

    // In place: the new card sits where the old one was, before the messages that came after it,
    // and the submit itself (a postBack) shows nothing.
    const texts = [GREETING, 'hei', echoOf('hei'), 'kort', UPDATED_TEXT, 'etter kortet', echoOf('etter kortet')];
    const order = await positions(texts);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(order[4]).toBe(before[0]);
    await expect(page.locator(`${TRANSCRIPT} > article`).count()).resolves.toBe(texts.length);
  });

  it('passes axe with the chat open, and looks right on a phone', async () => {
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);

    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/webchat.png' });
  });

  it('keeps the identity and the conversation across a reload', async () => {
    await page.reload();
    await inTranscript(UPDATED_TEXT).waitFor();
    await inTranscript(echoOf('hei')).waitFor();
    await expect(page.locator('#picker').isHidden()).resolves.toBe(true);
    // The history replays once, with the card in its latest version, and the bot does not greet again.
    await expect(inTranscript(GREETING).count()).resolves.toBe(1);
    await expect(page.getByText(CARD_TEXT).count()).resolves.toBe(0);

    await send('igjen');
    await inTranscript(echoOf('igjen')).waitFor();
  });

  it('switches user back to the picker', async () => {
    await page.getByRole('button', { name: 'Bytt bruker' }).click();
    await page.getByRole('button', { name: 'Start samtalen' }).waitFor();
    await expect(page.locator('#chat-section').isHidden()).resolves.toBe(true);
  });

  it('speaks English when chosen', async () => {
    const per = TEST_IDENTITIES.find((identity) => identity.role === 'caregiver')!;
    await page.getByRole('radio', { name: per.name }).check();
    await page.getByRole('radio', { name: 'English' }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    await inTranscript(GREETING).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Switch user' }).waitFor();
    await page.getByText(`${per.name} · family caregiver`).waitFor();
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('logged no errors in the browser (including CSP violations)', () => {
    expect(problems).toEqual([]);
  });
});

describe('web chat page without the identity picker', { timeout: 60_000 }, () => {
  it('says that sign-in is not configured and loads no chat', async () => {
    const server = await startTestServer({ allowIdentityPicker: false });
    try {
      const response = await fetch(server.baseUrl);
      const html = await response.text();
      expect(response.status).toBe(200);
      expect(html).toContain('<html lang="nb">');
      expect(html).toContain('Innlogging er ikke satt opp');
      expect(html).not.toContain('webchat.js');
      expect(html).not.toContain(TEST_IDENTITIES[0]!.id);
    } finally {
      await server.close();
    }
  });

  it('serves the Web Chat bundle with a long cache lifetime', async () => {
    const server = await startTestServer();
    try {
      const html = await (await fetch(server.baseUrl)).text();
      const src = /<script src="([^"]*webchat\.js)"/.exec(html)?.[1];
      expect(src).toMatch(/^\/webchat\/[\d.]+\/webchat\.js$/);
      const bundle = await fetch(`${server.baseUrl}${src}`);
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('cache-control')).toContain('immutable');
      expect(bundle.headers.get('content-type')).toContain('javascript');
      expect((await bundle.text()).length).toBeGreaterThan(1_000_000);
    } finally {
      await server.close();
    }
  });
});
