// A push service on loopback, as the browser makers run one: it takes a Web Push request, checks the
// VAPID JWT (ES256 signature with the key in the header, audience, expiry, subject) and decrypts the
// aes128gcm payload with the subscription's own private key and auth secret — which only the test
// (standing in for the browser) holds. Each device can be told to answer 404 or 410.
import { createECDH, createPublicKey, randomBytes, verify, type ECDH } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import ece from 'http_ece';

export interface TestDevice {
  id: string;
  ecdh: ECDH;
  /** What the browser's PushSubscription.toJSON() would give. */
  subscription: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
}

export interface ReceivedPush {
  deviceId: string;
  headers: http.IncomingHttpHeaders;
  claims: { aud: string; exp: number; sub: string };
  /** The VAPID public key the request named (k=). */
  vapidKey: string;
  /** The decrypted payload, as the service worker would read it. */
  text: string;
  json: Record<string, unknown>;
}

export interface PushService {
  url: string;
  received: ReceivedPush[];
  /** Requests refused because a check failed, with why. */
  rejected: Array<{ deviceId: string; reason: string }>;
  device(status?: number): TestDevice;
  /** From now on, this device's endpoint answers `status` (404/410: the subscription is gone). */
  answer(deviceId: string, status: number): void;
  waitFor(pred: (r: ReceivedPush[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

function b64url(buf: Buffer): string {
  return buf.toString('base64url');
}

/** Checks a compact ES256 JWT against a raw (uncompressed, base64url) P-256 public key. */
function verifyVapidJwt(jwt: string, publicKey: string): { aud: string; exp: number; sub: string } | string {
  const [h, p, s] = jwt.split('.');
  if (!h || !p || !s) return 'malformed jwt';
  const header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as { alg?: string; typ?: string };
  if (header.alg !== 'ES256') return `alg ${header.alg}`;
  const raw = Buffer.from(publicKey, 'base64url');
  if (raw.length !== 65 || raw[0] !== 4) return 'k is not an uncompressed P-256 point';
  const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(raw.subarray(1, 33)), y: b64url(raw.subarray(33)) }, format: 'jwk' });
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) return 'bad signature';
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as { aud: string; exp: number; sub: string };
}

export async function startPushService(): Promise<PushService> {
  const devices = new Map<string, { device: TestDevice; status: number }>();
  const received: ReceivedPush[] = [];
  const rejected: PushService['rejected'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1] ?? '';
      const entry = devices.get(id);
      const refuse = (status: number, reason: string) => {
        rejected.push({ deviceId: id, reason });
        res.writeHead(status);
        res.end();
      };
      const answer = (status: number) => {
        res.writeHead(status);
        res.end();
      };
      if (req.method !== 'POST' || !entry) return refuse(404, 'unknown endpoint');
      if (entry.status !== 201) return answer(entry.status);
      const auth = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(req.headers.authorization ?? '');
      if (!auth) return refuse(401, 'no vapid authorization');
      const claims = verifyVapidJwt(auth[1]!, auth[2]!);
      if (typeof claims === 'string') return refuse(403, claims);
      const now = Math.floor(Date.now() / 1000);
      if (claims.aud !== url) return refuse(403, `aud ${claims.aud}`);
      if (!(claims.exp > now && claims.exp <= now + 24 * 3600)) return refuse(403, `exp ${claims.exp}`);
      if (!/^(mailto:|https:)/.test(claims.sub)) return refuse(403, `sub ${claims.sub}`);
      if (req.headers['content-encoding'] !== 'aes128gcm') return refuse(415, `encoding ${req.headers['content-encoding']}`);
      if (!req.headers.ttl) return refuse(400, 'no TTL');
      let text: string;
      try {
        text = ece.decrypt(Buffer.concat(chunks), { version: 'aes128gcm', privateKey: entry.device.ecdh, authSecret: entry.device.subscription.keys.auth }).toString('utf8');
      } catch (err) {
        return refuse(400, `cannot decrypt: ${(err as Error).message}`);
      }
      received.push({ deviceId: id, headers: req.headers, claims, vapidKey: auth[2]!, text, json: JSON.parse(text) as Record<string, unknown> });
      answer(201);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', () => ok()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let n = 0;
  return {
    url,
    received,
    rejected,
    device(status = 201) {
      const ecdh = createECDH('prime256v1');
      ecdh.generateKeys();
      const id = `device-${++n}-${randomBytes(4).toString('hex')}`;
      const device: TestDevice = {
        id,
        ecdh,
        subscription: { endpoint: `${url}/push/${id}`, expirationTime: null, keys: { p256dh: b64url(ecdh.getPublicKey()), auth: b64url(randomBytes(16)) } },
      };
      devices.set(id, { device, status });
      return device;
    },
    answer(deviceId, status) {
      const entry = devices.get(deviceId);
      if (entry) entry.status = status;
    },
    async waitFor(pred, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() > until) throw new Error(`push service: condition not met; received ${received.length}, rejected ${JSON.stringify(rejected)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
