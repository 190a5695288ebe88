// An imported volunteer opens their invitation link in the real web chat (headless Chromium, phone
// size): the page notices the invitation, takes it off the address, and once the chat is open hands
// the code to the bot; the volunteer is welcomed by name, fills in when it suits them by clicking as a
// person does, saves, and signs the declaration.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PHONE_VIEWPORT, axeCheck, formatViolations, launchChromium } from './chromium.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { utf8Csv, VOLUNTEER_HEADINGS } from '../support/import-files.ts';
import { applyImport } from '../../infra/import.ts';
import { issueInvitations } from '../../infra/invitations.ts';

const TRANSCRIPT = 'section[role="feed"]';

describe('an invitation opened in the local web chat', { timeout: 90_000 }, () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let memberId = '';
  let link = '';
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ workers: false });
    const [coordinator] = await app.db.query<{ member_id: string }>(`SELECT member_id FROM chat_identities WHERE channel_id = 'dev' AND user_id = 'demo-ansatt-1'`);
    const file = utf8Csv(VOLUNTEER_HEADINGS, [['Ingebjørg Ødegård', '913 00 111', '', '2340', 'Løten', 'Turvenn', 'norsk', '', '', '']]);
    const imported = await applyImport(app.db, { kind: 'volunteers', centreId: 'hamar', bytes: file, now: new Date(), consentValidityMonths: 12, actor: { memberId: coordinator!.member_id, via: 'tab' }, skipInvalid: false });
    if (!imported.ok) throw new Error('import failed');
    memberId = imported.createdVolunteerIds[0]!;
    const { issued } = await issueInvitations(app.db, { centreId: 'hamar', memberIds: [memberId], by: coordinator!.member_id, now: new Date(), validDays: 30, publicBaseUrl: app.url, botAppId: '' });
    link = issued[0]!.links.web;
    browser = await launchChromium();
    context = await browser.newContext({ viewport: PHONE_VIEWPORT, isMobile: true, hasTouch: true, locale: 'nb-NO' });
    page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  }, 90_000);
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.close();
  });

  it('says there is an invitation, and takes the code off the address', async () => {
    await page.goto(link);
    await page.getByText('Du har åpnet en invitasjon fra frivilligsentralen').waitFor();
    expect(page.url()).toBe(`${app.url}/`);
    const violations = await axeCheck(page);
    expect(violations, formatViolations(violations)).toEqual([]);
  });

  it('connects the new chat to the imported profile, which the volunteer completes and signs', async () => {
    await page.getByRole('radio', { name: 'Ny bruker' }).check();
    await page.getByRole('button', { name: 'Start samtalen' }).click();
    const transcript = page.locator(TRANSCRIPT);
    await transcript.getByText('Velkommen til Dugnad, Ingebjørg!').first().waitFor({ timeout: 20_000 });
    // The profile form, filled in from the spreadsheet: only when it suits them is left to choose.
    await expect(transcript.getByRole('textbox', { name: /Fullt navn/ }).last().inputValue()).resolves.toBe('Ingebjørg Ødegård');
    // One choice per weekday (issue 14) instead of a checkbox per day and part of the day.
    for (const day of ['Mandag', 'Onsdag']) await transcript.getByRole('combobox', { name: day, exact: true }).last().selectOption({ label: 'Formiddag' });
    await transcript.getByRole('button', { name: 'Lagre endringene' }).last().click();
    await transcript.getByText('Profilen din er oppdatert.').first().waitFor({ timeout: 20_000 });
    await transcript.getByRole('button', { name: 'Jeg har lest og signerer' }).last().click();
    await transcript.getByText('Du har signert denne taushetserklæringen. Takk!').first().waitFor({ timeout: 20_000 });

    const [v] = await app.db.query<{ availability: unknown[]; signed: number | null; user_id: string }>(
      `SELECT v.availability, (SELECT max(version) FROM declaration_signatures s WHERE s.member_id = v.member_id) AS signed, c.user_id
         FROM volunteers v JOIN chat_identities c ON c.member_id = v.member_id AND c.channel_id = 'webchat' WHERE v.member_id = $1`,
      [memberId],
    );
    expect(v).toMatchObject({ signed: 1, user_id: 'demo-ny-1' });
    expect(v!.availability).toHaveLength(2);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/invitation-webchat.png' });
    expect(problems).toEqual([]);
  });
});
