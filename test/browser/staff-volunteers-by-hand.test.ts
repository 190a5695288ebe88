// Staff's volunteer list, tapped as a coordinator taps it (issue 14c), in headless Chromium at 390×844
// with Web Chat's own renderer: «Frivillige» shows the first 20 of the centre's 60, «Vis flere» the
// next 20; on that page, «Registrer politiattest» for one volunteer opens her own date field, and
// «Lagre dato» saves the date for her alone (every volunteer's field is in the same card, so the
// renderer sends them all), and the list comes back at the same page with her date. Then the
// coordinator names an interest group in bokmål, nynorsk and English on the groups form.
import { addDays } from 'date-fns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { TRANSCRIPT, button, cardWith, cardWithText, expectAccessible, expectFitsPhone, expectNorwegianClock, openChatAs } from './phone-chat.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { DEMO_STAFF } from '../../infra/seed-demo.ts';
import { osloDate } from '../../domain/time-zone.ts';

const STAFF = DEMO_STAFF[0]!.name;

describe('the volunteer list by hand', { timeout: 240_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let staff: Page;

  beforeAll(async () => {
    app = await startTestApp();
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await app?.close();
  });

  it('«Frivillige» shows a page of 20, and «Vis flere» the next 20', async () => {
    staff = await openChatAs(browser, app.url, STAFF, contexts);
    await button(staff, 'Frivillige').first().waitFor({ timeout: 30_000 });
    await button(staff, 'Frivillige').first().click();
    const first = cardWithText(staff, /Viser 20 av \d+\./);
    await first.waitFor({ timeout: 30_000 });
    expect(await button(first, 'Registrer politiattest').count()).toBe(20);
    await expectFitsPhone(first);
    await button(first, 'Vis flere').click();
    const second = cardWithText(staff, /Viser 21–40 av \d+\./);
    await second.waitFor({ timeout: 30_000 });
    expect(await button(second, 'Registrer politiattest').count()).toBe(20);
    await expectAccessible(staff);
  });

  it('a police date typed in one volunteer\'s field is saved for her alone, and the same page comes back', async () => {
    const list = cardWithText(staff, /Viser 21–40 av \d+\./);
    // The fourth volunteer on the page: her name heads the block her buttons are in.
    const block = list.locator('.ac-container').filter({ has: staff.getByRole('button', { name: 'Registrer politiattest', exact: true }) })
      .filter({ hasNot: staff.locator('.ac-container .ac-container') }).nth(3);
    const name = (await block.locator('.ac-textBlock').first().innerText()).trim();
    expect(name).toMatch(/\S+ \S+/);
    await button(block, 'Registrer politiattest').click();
    const field = list.getByLabel('Dato politiattesten ble kontrollert').locator('visible=true');
    await expect.poll(() => field.count(), { timeout: 10_000 }).toBe(1);
    const date = osloDate(addDays(new Date(), -17));
    await field.fill(date);
    await button(list, 'Lagre dato').locator('visible=true').click();

    await expect.poll(async () => (await app.db.query<{ name: string }>(
      `SELECT m.name FROM volunteers v JOIN members m ON m.id = v.member_id WHERE v.police_certificate_checked_on = $1::date`, [date])).map((r) => r.name),
    { timeout: 20_000 }).toEqual([name]);
    // The list is drawn again at the same page, with her date.
    const again = staff.locator(TRANSCRIPT).locator('.ac-adaptiveCard').filter({ hasText: /Viser 21–40 av \d+\./ }).filter({ hasText: name }).last();
    await expect.poll(async () => /Kontrollert \d/.test(await again.innerText()), { timeout: 20_000 }).toBe(true);
    await expectNorwegianClock(staff);
  });

  it('the coordinator names a group in bokmål, nynorsk and English on the groups form', async () => {
    await button(staff, 'Meny').last().click();
    await button(staff, 'Interessegrupper').last().click();
    const form = cardWith(staff, 'Navn på nynorsk (valgfritt)');
    await form.waitFor({ timeout: 30_000 });
    await form.getByRole('combobox', { name: /^Gruppe/ }).selectOption({ label: 'Turvenn' });
    await form.getByLabel('Navn på bokmål').fill('Turvenn i skogen');
    await form.getByLabel('Navn på nynorsk (valgfritt)').fill('Turven i skogen');
    await form.getByLabel('Navn på engelsk').fill('Forest walks');
    await expectFitsPhone(form);
    await button(form, 'Lagre').click();
    await expect.poll(async () => (await app.db.query<{ name_nb: string; name_nn: string | null; name_en: string }>(
      `SELECT name_nb, name_nn, name_en FROM interest_groups WHERE centre_id = 'hamar' AND key = 'turvenn'`))[0], { timeout: 20_000 })
      .toEqual({ name_nb: 'Turvenn i skogen', name_nn: 'Turven i skogen', name_en: 'Forest walks' });
    await staff.locator(TRANSCRIPT).getByText('Lagret: Turvenn i skogen.').first().waitFor({ timeout: 20_000 });
  });
});
