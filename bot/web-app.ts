/**
 * The web chat as an installable app: the web app manifest («Legg til på Hjem-skjerm» on Android and
 * iOS 16.4+), its icons (the Teams app's heart, drawn in code), and the service worker that keeps the
 * page's shell for offline use and shows push notifications (bot/static/sw.js).
 */
import { DEFAULT_ACCENT_COLOR } from '../infra/teams/manifest.ts';
import { createHash } from 'node:crypto';
import type { Request, Response, Server } from 'restify';
import { colorIconPng } from '../infra/teams/icons.ts';
import { t } from '../adaptive-cards/texts.ts';
import { ownAsset, sendAsset, type StaticAsset } from './page-assets.ts';

/** The page's own colour (the top bar, bot/static/webchat.css): the phone's status bar matches it. */
export const THEME_COLOR = DEFAULT_ACCENT_COLOR;
const BACKGROUND_COLOR = '#ffffff';

export const ICONS = [
  { path: '/icons/dugnad-192.png', size: 192, purpose: 'any', share: 104 / 192 },
  { path: '/icons/dugnad-512.png', size: 512, purpose: 'any', share: 104 / 192 },
  // Maskable: the launcher crops to its own shape, keeping at least the central circle of 80 %.
  { path: '/icons/dugnad-maskable-512.png', size: 512, purpose: 'maskable', share: 0.46 },
  // iOS takes the apple-touch-icon for the Home Screen and rounds the corners itself.
  { path: '/icons/apple-touch-icon.png', size: 180, purpose: null, share: 0.5 },
] as const;

export const MANIFEST_PATH = '/manifest.webmanifest';
export const SERVICE_WORKER_PATH = '/sw.js';

export function webAppManifest(): Record<string, unknown> {
  return {
    id: '/',
    name: 'Dugnad',
    short_name: 'Dugnad',
    description: t('nb', 'app.description'),
    lang: 'nb',
    dir: 'ltr',
    start_url: '/?source=app',
    scope: '/',
    display: 'standalone',
    orientation: 'portrait',
    theme_color: THEME_COLOR,
    background_color: BACKGROUND_COLOR,
    categories: ['social', 'lifestyle'],
    icons: ICONS.filter((i) => i.purpose !== null).map((i) => ({ src: i.path, sizes: `${i.size}x${i.size}`, type: 'image/png', purpose: i.purpose })),
  };
}

/** What the page's <head> adds for the app: manifest, theme colour, icons, iOS's own tags. */
export function webAppHead(): string {
  return `<link rel="manifest" href="${MANIFEST_PATH}">
<meta name="theme-color" content="${THEME_COLOR}">
<meta name="apple-mobile-web-app-capable" content="yes">
<meta name="mobile-web-app-capable" content="yes">
<meta name="apple-mobile-web-app-title" content="Dugnad">
<meta name="apple-mobile-web-app-status-bar-style" content="default">
<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">`;
}

/**
 * Serves the manifest, the icons and the service worker. `shell`: the URLs the worker keeps for offline
 * use (the page and its scripts and styles); their content decides the worker's version, so a changed
 * file makes browsers install the new worker and drop the old cache.
 */
export function registerWebApp(server: Server, opts: { shell: ReadonlyArray<{ url: string; body: Buffer }> }): void {
  const manifest: StaticAsset = {
    type: 'application/manifest+json; charset=utf-8',
    body: Buffer.from(JSON.stringify(webAppManifest(), null, 2)),
    cacheControl: 'no-cache',
  };
  const icons = new Map(ICONS.map((i) => [i.path, { type: 'image/png', body: colorIconPng(THEME_COLOR, i.size, i.share), cacheControl: 'public, max-age=86400' } satisfies StaticAsset]));
  const shellUrls = [...opts.shell.map((s) => s.url), MANIFEST_PATH, ...ICONS.map((i) => i.path)];
  const version = createHash('sha256');
  for (const s of opts.shell) version.update(s.url).update(s.body);
  version.update(manifest.body);
  const worker = ownAsset('sw.js');
  const workerAsset: StaticAsset = {
    ...worker,
    body: Buffer.concat([
      Buffer.from(`// Generated per deployment: the shell to keep offline and its version.\nconst SHELL = ${JSON.stringify(shellUrls)};\nconst VERSION = '${version.digest('hex').slice(0, 16)}';\n`),
      worker.body,
    ]),
  };

  server.get(MANIFEST_PATH, async (req: Request, res: Response) => sendAsset(req, res, manifest));
  for (const [path, asset] of icons) server.get(path, async (req: Request, res: Response) => sendAsset(req, res, asset));
  server.get(SERVICE_WORKER_PATH, async (req: Request, res: Response) => sendAsset(req, res, workerAsset));
}
