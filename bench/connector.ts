// A lean local Bot Connector for benchmarks: answers every POST/PUT under /v3/conversations with
// {"id": …} like the real service, counts what arrives, and lets a benchmark wait for "n activities
// to conversations starting with X". Unlike the test fake it keeps no bodies (except one sample per
// watch), so it costs the machine little and does not grow with the run.
import http from 'node:http';
import { performance } from 'node:perf_hooks';

interface Watch {
  prefix: string;
  method: 'POST' | 'PUT' | null;
  need: number;
  seen: number;
  /** performance.now() of the first and the n-th arrival. */
  firstAt: number;
  sample: Buffer | null;
  done: (at: number) => void;
}

export interface BenchConnector {
  url: string;
  /** Every request answered so far. */
  readonly total: number;
  /** performance.now() of the last request. */
  readonly lastAt: number;
  /**
   * Resolves with performance.now() of the n-th activity to a conversation whose id starts with
   * prefix (and, when given, with that method); rejects after timeoutMs.
   */
  expect(prefix: string, n: number, opts?: { method?: 'POST' | 'PUT'; timeoutMs?: number }): { done: Promise<number>; sample(): Buffer | null; seen(): number; firstAt(): number };
  /** Resolves once nothing has arrived for quietMs (bounded by timeoutMs). */
  idle(quietMs: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const PATH = /^\/v3\/conversations\/([^/?]+)\/activities(?:\/([^/?]+))?/;

/**
 * Teams' limits as the throttled benchmark enforces them (engineering.md): requests per second for the
 * whole tenant and per conversation, each over a sliding second; above either, 429 with Retry-After.
 */
export interface Throttle {
  tenantPerSecond: number;
  conversationPerSecond: number;
}

export interface ThrottleCounts {
  refused: number;
  /** Accepted POSTs per conversation (a duplicate shows as 2). */
  posts: Map<string, number>;
}

export async function startConnector(throttle?: Throttle): Promise<BenchConnector & { counts: ThrottleCounts }> {
  const counts: ThrottleCounts = { refused: 0, posts: new Map() };
  const tenantWindow: number[] = [];
  const conversationWindows = new Map<string, number[]>();
  /** ms until this request would fit, or 0 when it does (and is then counted). */
  const admit = (conversationId: string, now: number): number => {
    if (!throttle) return 0;
    while (tenantWindow.length && tenantWindow[0]! <= now - 1000) tenantWindow.shift();
    const conv = conversationWindows.get(conversationId) ?? [];
    while (conv.length && conv[0]! <= now - 1000) conv.shift();
    const waits: number[] = [];
    if (tenantWindow.length >= throttle.tenantPerSecond) waits.push(tenantWindow[tenantWindow.length - throttle.tenantPerSecond]! + 1000 - now);
    if (conv.length >= throttle.conversationPerSecond) waits.push(conv[conv.length - throttle.conversationPerSecond]! + 1000 - now);
    if (waits.length) return Math.max(1, ...waits);
    tenantWindow.push(now);
    conv.push(now);
    conversationWindows.set(conversationId, conv);
    return 0;
  };
  let seq = 0;
  let total = 0;
  let lastAt = performance.now();
  const watches = new Set<Watch>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      total++;
      lastAt = at;
      const m = PATH.exec(req.url ?? '');
      if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(m[1]!);
      const waitMs = admit(conversationId, at);
      if (waitMs > 0) {
        counts.refused++;
        res.writeHead(429, { 'retry-after': String(Math.ceil(waitMs / 1000)), 'content-length': 0 }).end();
        return;
      }
      if (throttle && req.method === 'POST') counts.posts.set(conversationId, (counts.posts.get(conversationId) ?? 0) + 1);
      const activityId = req.method === 'PUT' && m[2] ? decodeURIComponent(m[2]) : `act-${++seq}`;
      for (const w of watches) {
        if (w.method !== null && w.method !== req.method) continue;
        if (!conversationId.startsWith(w.prefix)) continue;
        if (w.seen === 0) {
          w.firstAt = at;
          w.sample = Buffer.concat(chunks);
        }
        w.seen++;
        if (w.seen === w.need) {
          watches.delete(w);
          w.done(at);
        }
      }
      const body = `{"id":"${activityId}"}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };

  return {
    counts,
    url: `http://127.0.0.1:${port}`,
    get total() {
      return total;
    },
    get lastAt() {
      return lastAt;
    },
    expect(prefix, n, opts = {}) {
      let w!: Watch;
      const done = new Promise<number>((ok, fail) => {
        const timer = setTimeout(() => {
          watches.delete(w);
          fail(new Error(`connector: ${w.seen} of ${n} activities to ${prefix}* within ${opts.timeoutMs ?? 120_000} ms`));
        }, opts.timeoutMs ?? 120_000);
        w = {
          prefix,
          method: opts.method ?? null,
          need: n,
          seen: 0,
          firstAt: Number.NaN,
          sample: null,
          done: (at) => {
            clearTimeout(timer);
            ok(at);
          },
        };
      });
      watches.add(w);
      return { done, sample: () => w.sample, seen: () => w.seen, firstAt: () => w.firstAt };
    },
    async idle(quietMs, timeoutMs = 60_000) {
      const deadline = performance.now() + timeoutMs;
      while (performance.now() - lastAt < quietMs) {
        if (performance.now() > deadline) throw new Error(`connector: still busy after ${timeoutMs} ms`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    },
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
