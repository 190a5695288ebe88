// Dugnad in Microsoft 365 Agents Playground — a Teams-like client with a mock connector, run offline —
// driven in headless Chromium: "hei" gives the menu card; pressing a button is a Universal Action
// (adaptiveCard/action invoke) that brings the sign-up form.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.ts';
import { freePort, startTestApp, type TestApp } from '../support/app.ts';

describe('in Microsoft 365 Agents Playground', { timeout: 90_000 }, () => {
  let app: TestApp;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let url: string;

  beforeAll(async () => {
    app = await startTestApp();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // On a headless machine the Playground opens a browser with xdg-open and exits if that fails.
    const bin = mkdtempSync(join(tmpdir(), 'xdg-'));
    writeFileSync(join(bin, 'xdg-open'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'xdg-open'), 0o755);
    playground = spawn(
      process.execPath,
      [join(process.cwd(), 'node_modules/@microsoft/m365agentsplayground/cli.js'), '-e', `${app.url}/api/messages`, '-c', 'msteams', '--dt', '-p', String(port)],
      { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` }, stdio: 'ignore' },
    );
    const deadline = Date.now() + 30_000;
    while (!(await fetch(url).then((r) => r.ok, () => false))) {
      if (Date.now() > deadline) throw new Error('the Playground did not start');
      await new Promise((r) => setTimeout(r, 200));
    }
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(url);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    playground?.kill();
    await app?.close();
  });

  it('answers "hei" with the menu card, and a button press brings the sign-up form', async () => {
    const box = page.locator('[contenteditable="true"], textarea, input[type="text"]').first();
    await box.waitFor({ timeout: 30_000 });
    await box.click();
    await box.fill('hei');
    await page.keyboard.press('Enter');
    const become = page.getByRole('button', { name: /Become a volunteer|Bli frivillig/ }).last();
    await become.waitFor({ timeout: 20_000 });
    await become.click();
    await page.getByText(/Sign me up|Meld meg på/).last().waitFor({ timeout: 20_000 });
    await page.screenshot({ path: 'test-results/playground.png' });
    // The Playground's user is a Teams account Dugnad stored from an anonymous (development) turn.
    const ids = await app.db.query<{ channel_id: string }>(`SELECT channel_id FROM chat_identities WHERE channel_id = 'msteams'`);
    expect(ids.length).toBeGreaterThan(0);
  });
});
