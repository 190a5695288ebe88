/**
 * Shared helpers for browser tests: Debian's Chromium driven by playwright-core (never a
 * downloaded browser), and an axe-core WCAG 2.1 AA check.
 */
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import type { Result } from 'axe-core';
import { chromium, type Browser, type LaunchOptions, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A phone-sized viewport (iPhone 12–15 class). */
export const PHONE_VIEWPORT = { width: 390, height: 844 };

export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    // On Linux chromium ignores --lang: its UI language, which decides how date and time inputs show
    // («dd.mm.åååå», «14:00»), comes from LANGUAGE — and only with Debian's chromium-l10n installed.
    env: { ...process.env, LANGUAGE: 'nb_NO' } as Record<string, string>,
    ...options,
  });
}

export const WCAG_21_AA_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

let axeScript: string | undefined;
function axeSource(): string {
  axeScript ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  return axeScript;
}

/** Runs axe-core on the page with the WCAG 2.1 A/AA rules; returns the violations (empty = pass). */
export async function axeCheck(page: Page, options: { include?: string; exclude?: string[] } = {}): Promise<Result[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated through the DevTools protocol rather than page.addScriptTag: a page with a strict
  // Content-Security-Policy (ours has script-src 'self') refuses an injected inline <script>.
  if (!loaded) await page.evaluate(axeSource());
  return page.evaluate(
    async ({ tags, include, exclude }) => {
      const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
      const context = include ? { include: [include], exclude } : exclude.length > 0 ? { exclude } : document;
      const results = await axe.run(context as Parameters<typeof axe.run>[0], {
        runOnly: { type: 'tag', values: tags },
        resultTypes: ['violations'],
      });
      // Elements cannot cross back to Node; drop them and keep what describes the problem.
      return results.violations.map((violation) => ({
        ...violation,
        nodes: violation.nodes.map(({ element: _element, ...node }) => node),
      }));
    },
    { tags: WCAG_21_AA_TAGS, include: options.include, exclude: options.exclude ?? [] },
  );
}

/** A readable report of axe violations for assertion messages. */
export function formatViolations(violations: Result[]): string {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .map((node) => `    ${JSON.stringify(node.target)}: ${node.failureSummary?.replace(/\s+/g, ' ') ?? ''}\n      ${node.html}`)
        .join('\n');
      return `[${violation.impact ?? 'n/a'}] ${violation.id}: ${violation.help} (${violation.helpUrl})\n${nodes}`;
    })
    .join('\n');
}

/**
 * Keeps what a page did — console errors, failed or refused requests, requests still waiting — so a
 * wait that times out can say why instead of only "timeout".
 */
export function watchPage(page: Page): { explain(): Promise<string> } {
  const started = new Map<object, { url: string; at: number }>();
  const events: string[] = [];
  const note = (line: string) => {
    events.push(`${new Date().toISOString().slice(11, 23)} ${line}`);
    if (events.length > 40) events.shift();
  };
  page.on('request', (r) => started.set(r, { url: r.url(), at: Date.now() }));
  page.on('requestfinished', (r) => started.delete(r));
  page.on('requestfailed', (r) => {
    started.delete(r);
    note(`request failed: ${r.method()} ${r.url()} (${r.failure()?.errorText ?? '?'})`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) note(`HTTP ${r.status()}: ${r.request().method()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') note(`console ${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => note(`page error: ${e.message}`));
  return {
    async explain() {
      const now = Date.now();
      const waiting = [...started.values()].map((r) => `  waiting ${now - r.at} ms: ${r.url}`);
      const text = await page
        .locator('body')
        .innerText({ timeout: 2000 })
        .catch((e: Error) => `(no text: ${e.message})`);
      return [`page ${page.url()}`, `text: ${text.replace(/\s+/g, ' ').slice(0, 600)}`, ...waiting, ...events.map((e) => `  ${e}`)].join('\n');
    },
  };
}

/** Waits as `locator.waitFor()` does, but a timeout says what the page was doing. */
export async function waitVisible(locator: import('playwright-core').Locator, watch: { explain(): Promise<string> }, timeout = 30_000): Promise<void> {
  try {
    await locator.waitFor({ timeout });
  } catch (error) {
    throw new Error(`${(error as Error).message.split('\n')[0]}\n${await watch.explain()}`);
  }
}
