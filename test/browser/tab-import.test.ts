// The coordinator imports volunteers in the Teams tab as a person does (headless Chromium, standalone
// tab in development): chooses a spreadsheet Excel saved (Windows-1252, semicolons), reads the dry
// run's remarks, imports without the bad row, and makes invitations — whose printable page comes as a
// download. Passes axe.
import { mkdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium } from './chromium.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { VOLUNTEER_HEADINGS, volunteerRows, windows1252Csv } from '../support/import-files.ts';
import { DEMO_STAFF } from '../../infra/seed-demo.ts';

describe('the coordinator’s import in the tab', { timeout: 120_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const file = '.scratch-tab-import.csv';

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const rows = volunteerRows(5, { offset: 500 });
    rows[2]![1] = '12345'; // line 4: not a phone number
    mkdirSync('test-results', { recursive: true });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(`test-results/${file}`, windows1252Csv(VOLUNTEER_HEADINGS, rows));
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, baseURL: app.url, acceptDownloads: true });
    page = await context.newPage();
    // Development: the tab is whoever was picked in the web chat.
    await page.goto('/');
    await page.getByRole('radio', { name: new RegExp(`^${DEMO_STAFF[0]!.name.replace(/[()]/g, '\\$&')}`) }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    await page.locator('#chat-section').waitFor();
  }, 120_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  it('checks the file first and says what is wrong on which line, storing nothing', async () => {
    await page.goto('/tab');
    await page.getByRole('heading', { name: 'Importer fra regneark' }).waitFor();
    await page.getByLabel('Velg CSV-fil').setInputFiles(`test-results/${file}`);
    await page.getByRole('button', { name: 'Sjekk filen' }).click();
    await page.getByText('5 rader: 4 legges til, 0 oppdateres, 0 uendret, 1 importeres ikke.').waitFor();
    await page.getByText('Lest som Windows-1252 (Excel), med «;» mellom kolonnene.').waitFor();
    const problem = page.getByRole('row', { name: /Ikke et telefonnummer/ });
    expect(await problem.innerText()).toMatch(/^4\s/);
    expect(await app.db.query(`SELECT 1 FROM imports`)).toHaveLength(0);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('imports without the row with the error, then makes invitations with a printable page', async () => {
    await page.getByRole('button', { name: 'Importer uten radene med feil' }).click();
    await page.getByText('Importert: 4 lagt til, 0 oppdatert, 0 uendret, 1 ikke importert.').waitFor();
    const invitations = page.locator('section', { has: page.getByRole('heading', { name: 'Invitasjoner' }) });
    await invitations.getByRole('cell', { name: /Ikke invitert/ }).first().waitFor();
    expect(await invitations.getByRole('cell', { name: /Ikke invitert/ }).count()).toBe(4);

    await invitations.getByRole('button', { name: 'Lag invitasjoner til alle som ikke er koblet til' }).click();
    await page.getByRole('heading', { name: 'Nye invitasjoner' }).waitFor();
    await expect.poll(() => invitations.getByRole('cell', { name: /^Invitert / }).count()).toBe(4);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Skriv ut med QR-koder' }).click();
    const saved = await (await download).path();
    const html = readFileSync(saved!, 'utf8');
    expect(html.match(/class="invitation"/g)).toHaveLength(4);
    expect(html).toContain('data:image/svg+xml;base64,');
    // One lost hers: a new one for her alone, which replaces the old.
    const [first] = await app.db.query<{ name: string }>(`SELECT m.name FROM volunteer_imports vi JOIN members m ON m.id = vi.member_id ORDER BY m.name LIMIT 1`);
    await invitations.getByRole('button', { name: `Lag ny invitasjon: ${first!.name}` }).click();
    await expect.poll(async () => (await app.db.query(`SELECT 1 FROM invitations WHERE replaced_at IS NOT NULL`)).length).toBe(1);
    await expect.poll(() => invitations.getByRole('region', { name: 'Nye invitasjoner' }).getByRole('row').count()).toBe(2);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
    await page.screenshot({ path: 'test-results/tab-import.png', fullPage: true });
  });
});
