// Sending one Web Push message to one device: the maintained `web-push` package encrypts the payload
// (aes128gcm, to the browser's keys) and signs the VAPID JWT; this module carries the request over a
// pooled keep-alive client and says what the push service answered. Which text may go in a push is
// domain/push-notice.ts's rule; who gets it is jobs/webchat-delivery.ts's.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { dirname, join } from 'node:path';
import webpush from 'web-push';
import { z } from 'zod';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  /** mailto: or https: — who the push service may contact about our sends. */
  subject: string;
}

const VapidFile = z.object({ publicKey: z.string().min(80), privateKey: z.string().min(40) });

/**
 * The VAPID key pair: from configuration, or (development) generated once into `<DATA_DIR>/vapid.json`
 * so subscriptions keep working across restarts. Null when push is not configured (production without
 * keys): the web chat then offers no «Varsle meg».
 */
export function resolveVapidKeys(c: { VAPID_PUBLIC_KEY?: string | undefined; VAPID_PRIVATE_KEY?: string | undefined; VAPID_SUBJECT: string; DATA_DIR: string; dev: boolean }): VapidKeys | null {
  if (c.VAPID_PUBLIC_KEY && c.VAPID_PRIVATE_KEY) return { publicKey: c.VAPID_PUBLIC_KEY, privateKey: c.VAPID_PRIVATE_KEY, subject: c.VAPID_SUBJECT };
  if (!c.dev) return null;
  const file = join(c.DATA_DIR, 'vapid.json');
  const read = () => VapidFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  try {
    return { ...read(), subject: c.VAPID_SUBJECT };
  } catch {
    // Not there yet (or unreadable): make a pair. 'wx' lets only one of two starting processes write it.
    mkdirSync(dirname(file), { recursive: true });
    const keys = webpush.generateVAPIDKeys();
    try {
      writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { flag: 'wx', mode: 0o600 });
    } catch {
      return { ...read(), subject: c.VAPID_SUBJECT };
    }
    return { ...keys, subject: c.VAPID_SUBJECT };
  }
}

export interface PushTarget {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushOptions {
  /** Seconds the push service keeps the message for a phone that is off. */
  ttlSeconds: number;
  urgency: 'very-low' | 'low' | 'normal' | 'high';
  /** A newer message with the same topic replaces one still waiting at the push service. */
  topic?: string;
}

/** 'gone': the subscription has expired or was revoked (404/410) — forget the device. */
export type PushResult = { outcome: 'sent' } | { outcome: 'gone'; status: number } | { outcome: 'failed'; status: number | null };

export interface PushSender {
  readonly publicKey: string;
  send(target: PushTarget, payload: string, opts: PushOptions): Promise<PushResult>;
  close(): void;
}

/** Refused before sending: a push service host we do not know (production) or a URL that is no push service. */
export class PushEndpointRefused extends Error {}

/** A push service host on the allow-list: exactly, or a subdomain of an entry starting with a dot. */
export function pushHostAllowed(hostname: string, allowed: readonly string[]): boolean {
  const host = hostname.toLowerCase();
  return allowed.some((entry) => (entry.startsWith('.') ? host.endsWith(entry) && host.length > entry.length : host === entry));
}

export function createPushSender(opts: {
  vapid: VapidKeys;
  /** Push service hosts a subscription may name (production); null = any http(s) URL (development, tests). */
  allowedHosts: readonly string[] | null;
  timeoutMs?: number;
}): PushSender {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 32 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 32 }),
  };
  const timeoutMs = opts.timeoutMs ?? 10_000;

  return {
    publicKey: opts.vapid.publicKey,
    async send(target, payload, o) {
      const url = new URL(target.endpoint);
      // The endpoint came from a browser: never let it make us POST somewhere that is no push service.
      if (opts.allowedHosts ? url.protocol !== 'https:' || !pushHostAllowed(url.hostname, opts.allowedHosts) : !/^https?:$/.test(url.protocol)) {
        throw new PushEndpointRefused(`push endpoint host not allowed: ${url.hostname}`);
      }
      const details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: target.keys }, payload, {
        vapidDetails: opts.vapid,
        TTL: o.ttlSeconds,
        urgency: o.urgency,
        contentEncoding: 'aes128gcm',
        ...(o.topic ? { topic: o.topic } : {}),
      });
      const body = details.body ? Buffer.from(details.body) : Buffer.alloc(0);
      const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
      const status = await new Promise<number | null>((ok) => {
        const req = (url.protocol === 'https:' ? https : http).request(
          url,
          { method: 'POST', agent: agents[url.protocol as 'http:' | 'https:'], headers, timeout: timeoutMs },
          (res) => {
            res.resume();
            res.on('end', () => ok(res.statusCode ?? null));
            res.on('error', () => ok(null));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', () => ok(null));
        req.end(body);
      });
      if (status !== null && status >= 200 && status < 300) return { outcome: 'sent' };
      if (status === 404 || status === 410) return { outcome: 'gone', status };
      return { outcome: 'failed', status };
    },
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
