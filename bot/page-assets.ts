// What the web chat page and the Teams tab share: serving our static files and vendor bundles from
// node_modules (no CDN), and the escaping their HTML needs.
import type { Locale } from '../domain/types.ts';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzip } from 'node:zlib';
import { promisify } from 'node:util';
import type { Request, Response } from 'restify';

const gzipAsync = promisify(gzip);
const staticDir = join(dirname(fileURLToPath(import.meta.url)), 'static');

export interface StaticAsset {
  type: string;
  body: Buffer;
  gzipped?: Promise<Buffer>;
  cacheControl: string;
}

const TYPES = { js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' } as const;

/** One of our own files under bot/static: it changes while developing, so the browser revalidates it. */
export function ownAsset(file: string): StaticAsset {
  return { type: TYPES[file.endsWith('.css') ? 'css' : 'js'], body: readFileSync(join(staticDir, file)), cacheControl: 'no-cache' };
}

/**
 * A browser bundle from node_modules under a versioned, immutable URL. `file` is relative to the
 * package's root (null: its main entry), found by walking up from the entry — some packages' "exports"
 * hide package.json.
 */
export function vendorBundle(name: string, file: string | null): { version: string; asset: StaticAsset } {
  const main = createRequire(import.meta.url).resolve(name);
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    let pkg: { name?: string; version: string };
    try {
      pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as typeof pkg;
    } catch {
      continue; // no package.json at this level; keep walking up
    }
    if (pkg.name !== name) continue;
    const body = readFileSync(file === null ? main : join(dir, file));
    return { version: pkg.version, asset: { type: TYPES.js, body, cacheControl: 'public, max-age=31536000, immutable' } };
  }
  throw new Error(`${name}: package.json not found above ${main}`);
}

export async function sendAsset(req: Request, res: Response, asset: StaticAsset): Promise<void> {
  const headers: Record<string, string> = {
    'Content-Type': asset.type,
    'Cache-Control': asset.cacheControl,
    'X-Content-Type-Options': 'nosniff',
    Vary: 'Accept-Encoding',
  };
  let body = asset.body;
  if (/\bgzip\b/.test(req.header('accept-encoding', ''))) {
    asset.gzipped ??= gzipAsync(asset.body);
    body = await asset.gzipped;
    headers['Content-Encoding'] = 'gzip';
  }
  res.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
  res.end(body);
}

export { escapeHtml } from '../adaptive-cards/html.ts';

/** JSON inside a <script> data block: `<` escaped so no "</script>" can end it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The document head both pages use (phone-sized, no favicon request), with the page's own stylesheet.
 * `extra`: more head elements (the web chat's app manifest and icons, bot/web-app.ts).
 */
export function htmlHead(stylesheet: string, lang: Locale = 'nb', extra = ''): string {
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<meta name="color-scheme" content="light">
<title>Dugnad</title>
${extra ? '<link rel="icon" href="/icons/dugnad-192.png">' : '<link rel="icon" href="data:,">'}
<link rel="stylesheet" href="${stylesheet}">${extra ? `\n${extra}` : ''}
</head>`;
}

/** An HTML page of ours: never cached as is, with its content security policy. */
export function sendPage(res: Response, html: Buffer, csp: string): void {
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': String(html.length),
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  res.end(html);
}
