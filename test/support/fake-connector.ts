// A local stand-in for the Bot Connector service: records every activity the bot sends or updates,
// and can be told to answer with errors (429 with Retry-After, 403 …) to exercise retries.
import http from 'node:http';

export interface Captured {
  method: 'POST' | 'PUT';
  conversationId: string;
  activityId: string;
  replyToId: string | null;
  activity: Record<string, any>;
  at: number;
}

export interface FakeConnector {
  url: string;
  captured: Captured[];
  /** Requests received whose response the sender never got (it died or hung up first). */
  unacknowledged: Captured[];
  /** When each scripted failure was answered (ms since epoch), and to which conversation. */
  failedAt: Array<{ at: number; conversationId: string }>;
  /** Queue responses for the next requests (status, headers); then back to 200. */
  failNext(...responses: Array<{ status: number; headers?: Record<string, string> }>): void;
  /** Answer the first request whose activity matches with this response instead. */
  failFirst(match: (activity: Record<string, any>) => boolean, response: { status: number; headers?: Record<string, string> }): void;
  /** Activities (as last updated) in one conversation, in send order. */
  conversation(conversationId: string): Captured[];
  waitFor(pred: (c: Captured[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeConnector(opts: { responseDelayMs?: number } = {}): Promise<FakeConnector> {
  const captured: Captured[] = [];
  const unacknowledged: Captured[] = [];
  const failures: Array<{ status: number; headers?: Record<string, string> }> = [];
  const failedAt: Array<{ at: number; conversationId: string }> = [];
  let failMatching: { match: (a: Record<string, any>) => boolean; response: { status: number; headers?: Record<string, string> } } | null = null;
  let seq = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let parsed: Record<string, any> = {};
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        // answered below
      }
      let fail = failures.shift();
      if (!fail && failMatching && failMatching.match(parsed)) {
        fail = failMatching.response;
        failMatching = null;
      }
      if (fail) {
        failedAt.push({ at: Date.now(), conversationId: decodeURIComponent(/^\/v3\/conversations\/([^/]+)/.exec(req.url ?? '')?.[1] ?? '') });
        res.writeHead(fail.status, { 'content-type': 'application/json', ...(fail.headers ?? {}) });
        res.end(JSON.stringify({ error: { code: 'Fake', message: 'fake failure' } }));
        return;
      }
      const m = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec((req.url ?? '').split('?')[0]!);
      if (!m || (req.method !== 'POST' && req.method !== 'PUT')) {
        res.writeHead(404).end();
        return;
      }
      const conversationId = decodeURIComponent(m[1]!);
      const pathId = m[2] ? decodeURIComponent(m[2]) : null;
      let activity: Record<string, any> = {};
      try {
        activity = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
      } catch {
        res.writeHead(400).end();
        return;
      }
      const method = req.method as 'POST' | 'PUT';
      const activityId = method === 'PUT' && pathId ? pathId : `act-${++seq}`;
      const entry: Captured = { method, conversationId, activityId, replyToId: method === 'POST' ? pathId : null, activity, at: Date.now() };
      captured.push(entry);
      res.on('close', () => {
        if (!res.writableFinished) unacknowledged.push(entry);
      });
      const answer = () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ id: activityId }));
      };
      if (opts.responseDelayMs) setTimeout(answer, opts.responseDelayMs);
      else answer();
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}`,
    captured,
    unacknowledged,
    failedAt,
    failNext: (...r) => failures.push(...r),
    failFirst: (match, response) => {
      failMatching = { match, response };
    },
    conversation: (id) => captured.filter((c) => c.conversationId === id),
    async waitFor(pred, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pred(captured)) {
        if (Date.now() > deadline) throw new Error(`fake connector: condition not met within ${timeoutMs} ms (captured ${captured.length})`);
        await new Promise((ok) => setTimeout(ok, 20));
      }
    },
    close: () => new Promise((ok) => server.close(() => ok())),
  };
}

/** Every text a person could read in an activity: text, and all strings inside its attachments. */
export function visibleText(activity: Record<string, any>): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(activity.text);
  walk(activity.attachments);
  walk(activity.summary);
  return out.join('\n');
}
