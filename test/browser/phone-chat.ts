/**
 * A person at the local web chat on a phone (390×844, touch, nb-NO, Europe/Oslo): open the chat as a
 * demo identity, find the card that holds a field, and check what a phone user meets — nothing wider
 * than the screen, no serious or critical accessibility violation, Norwegian 24-hour times.
 */
import { mkdirSync } from 'node:fs';
import { expect } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations } from './chromium.ts';
import { TIME_ZONE } from '../../domain/time-zone.ts';

export const TRANSCRIPT = 'section[role="feed"]';
export const CARD = '.ac-adaptiveCard';

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export async function openChatAs(browser: Browser, url: string, name: string, contexts: BrowserContext[]): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, locale: 'nb-NO', timezoneId: TIME_ZONE });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(url);
  await page.getByRole('radio', { name: new RegExp(`^${escape(name)}`) }).check();
  await page.getByRole('button', { name: 'Start samtalen' }).click();
  return page;
}

/**
 * The last card in the transcript that holds this field: a form is filled where it stands, and a
 * card the bot sends meanwhile never becomes the one being filled in (it does not hold the field).
 */
export const cardWith = (page: Page, label: string | RegExp): Locator =>
  page.locator(TRANSCRIPT).locator(CARD).filter({ has: page.getByLabel(label) }).last();

/** The last card whose text has this in it. */
export const cardWithText = (page: Page, text: string | RegExp): Locator => page.locator(TRANSCRIPT).locator(CARD).filter({ hasText: text }).last();

export const button = (scope: Page | Locator, name: string | RegExp) =>
  ('goto' in scope ? scope.locator(TRANSCRIPT) : scope).getByRole('button', { name, exact: typeof name === 'string' });

/** The card is readable on a phone: nothing wider than the screen, every button inside it. */
export async function expectFitsPhone(card: Locator): Promise<void> {
  const box = await card.boundingBox();
  expect(box, 'card is rendered').not.toBeNull();
  expect(box!.x).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
  // Each checkbox and radio row (the label takes the tap too) is a thumb's height.
  const rows = await card.locator('input[type="checkbox"], input[type="radio"]').evaluateAll((inputs) =>
    inputs.map((i) => ({ name: i.getAttribute('aria-label') ?? '', height: i.parentElement!.getBoundingClientRect().height })),
  );
  // (A row with no height is hidden: the repeat's choices until «Gjenta besøket» is tapped.)
  for (const row of rows.filter((r) => r.height > 0)) expect(row.height, `«${row.name}» row`).toBeGreaterThanOrEqual(44);
  for (const b of await card.getByRole('button').all()) {
    const bb = await b.boundingBox();
    if (!bb) continue;
    expect(bb.x + bb.width, `button «${await b.innerText()}» reaches past the screen`).toBeLessThanOrEqual(PHONE_VIEWPORT.width);
    expect(bb.height, `button «${await b.innerText()}» is a thumb's size`).toBeGreaterThanOrEqual(44);
  }
}

/** axe-core on the whole page: no serious or critical violation. */
export async function expectAccessible(page: Page): Promise<void> {
  // Web Chat 4.18 briefly copies each new card into its screen-reader live region, labelling the
  // copies' inputs with the legacy `title` (upstream; the copies are tabindex -1 and gone within
  // seconds). The cards themselves are checked in full.
  const violations = (await axeCheck(page, { exclude: ['.webchat__live-region-transcript'] })).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(violations, formatViolations(violations)).toEqual([]);
}

/** The page speaks Norwegian, and no time in the chat (visible or for screen readers) uses a 12-hour clock. */
export async function expectNorwegianClock(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('nb');
  const twelveHour = await page.locator('#chat').evaluate((root) => {
    const found: string[] = [];
    const re = /\b\d{1,2}[:.]\d{2}\s?[ap]\.?\s?m\b/i;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) if (re.test(n.nodeValue ?? '')) found.push(n.nodeValue ?? '');
    for (const el of root.querySelectorAll('[aria-label], [title]')) {
      for (const a of ['aria-label', 'title']) if (re.test(el.getAttribute(a) ?? '')) found.push(el.getAttribute(a) ?? '');
    }
    return found;
  });
  expect(twelveHour).toEqual([]);
}

/**
 * A screenshot of the page as a person sees it, tall enough for the card in question. With
 * UPDATE_SCREENSHOTS=1 it goes to docs/screenshots/ (linked from the README), else test-results/.
 */
export async function screenshot(page: Page, name: string, card?: Locator): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results';
  mkdirSync(dir, { recursive: true });
  if (!card) {
    await page.screenshot({ path: `${dir}/${name}.png` });
    return;
  }
  const height = Math.ceil((await card.boundingBox())!.height);
  await page.setViewportSize({ width: PHONE_VIEWPORT.width, height: Math.max(PHONE_VIEWPORT.height, height + 200) });
  await card.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  await card.screenshot({ path: `${dir}/${name}.png` });
  await page.setViewportSize(PHONE_VIEWPORT);
}
