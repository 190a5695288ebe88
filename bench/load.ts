// A small keep-alive HTTP/1.1 load generator on raw sockets. Requests are prebuilt byte buffers and
// responses are parsed just enough to find their end (Content-Length or chunked), so the client
// spends a few microseconds per request and the server, not the generator, is what gets measured.
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export interface Reply {
  status: number;
  /** Only kept for error statuses, to explain failures. */
  body: string;
}

/** One keep-alive connection; one request in flight at a time. */
export class Connection {
  private socket: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private pending: { ok: (r: Reply) => void; fail: (e: Error) => void } | null = null;
  private connecting: Promise<void> | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  static forUrl(url: string): Connection {
    const u = new URL(url);
    return new Connection(u.hostname, Number(u.port));
  }

  connect(): Promise<void> {
    if (this.socket && !this.socket.destroyed) return this.connecting ?? Promise.resolve();
    this.buf = Buffer.alloc(0);
    const socket = net.connect({ host: this.host, port: this.port });
    socket.setNoDelay(true);
    this.socket = socket;
    this.connecting = new Promise<void>((ok, fail) => {
      socket.once('connect', () => ok());
      socket.once('error', fail);
    }).finally(() => {
      this.connecting = null;
    });
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.failPending(err));
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      this.failPending(new Error('connection closed'));
    });
    return this.connecting;
  }

  async request(raw: Buffer): Promise<Reply> {
    if (this.pending) throw new Error('one request at a time per connection');
    if (!this.socket || this.socket.destroyed) await this.connect();
    else if (this.connecting) await this.connecting;
    return new Promise<Reply>((ok, fail) => {
      this.pending = { ok, fail };
      this.socket!.write(raw);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private failPending(err: Error): void {
    const p = this.pending;
    this.pending = null;
    p?.fail(err);
  }

  private onData(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const end = parseResponse(this.buf);
    if (!end) return;
    const p = this.pending;
    this.pending = null;
    const rest = this.buf.subarray(end.length);
    this.buf = rest.length ? Buffer.from(rest) : Buffer.alloc(0);
    if (end.close) this.close();
    p?.ok({ status: end.status, body: end.status >= 400 ? end.body : '' });
  }
}

/** The length of the first complete response in buf, or null while incomplete. */
function parseResponse(buf: Buffer): { length: number; status: number; close: boolean; body: string } | null {
  const headEnd = buf.indexOf('\r\n\r\n');
  if (headEnd < 0) return null;
  const head = buf.toString('latin1', 0, headEnd);
  const lines = head.split('\r\n');
  const status = Number(lines[0]!.split(' ')[1]);
  let contentLength = -1;
  let chunked = false;
  let close = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding' && value.includes('chunked')) chunked = true;
    else if (name === 'connection' && value === 'close') close = true;
  }
  const bodyStart = headEnd + 4;
  if (!chunked) {
    const len = contentLength < 0 ? 0 : contentLength;
    if (buf.length < bodyStart + len) return null;
    return { length: bodyStart + len, status, close, body: status >= 400 ? buf.toString('utf8', bodyStart, bodyStart + len) : '' };
  }
  let at = bodyStart;
  const parts: Buffer[] = [];
  for (;;) {
    const lineEnd = buf.indexOf('\r\n', at);
    if (lineEnd < 0) return null;
    const size = parseInt(buf.toString('latin1', at, lineEnd), 16);
    if (Number.isNaN(size)) throw new Error('bad chunk size');
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers (none expected) end with an empty line.
      const trailerEnd = buf.indexOf('\r\n', at);
      if (trailerEnd < 0) return null;
      return { length: trailerEnd + 2, status, close, body: status >= 400 ? Buffer.concat(parts).toString('utf8') : '' };
    }
    if (buf.length < at + size + 2) return null;
    if (status >= 400) parts.push(buf.subarray(at, at + size));
    at += size + 2;
  }
}

export function rawRequest(method: string, url: string, path: string, body?: unknown): Buffer {
  const u = new URL(url);
  const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
  const head =
    `${method} ${path} HTTP/1.1\r\nHost: ${u.host}\r\nConnection: keep-alive\r\n` +
    (body === undefined ? '' : `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n`) +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/** Opens n connections (in batches, so the listen backlog never overflows) and warms each with one request. */
export async function openConnections(url: string, n: number, warm: Buffer, batch = 100): Promise<Connection[]> {
  const conns: Connection[] = [];
  for (let i = 0; i < n; i += batch) {
    const group = Array.from({ length: Math.min(batch, n - i) }, () => Connection.forUrl(url));
    await Promise.all(group.map((c) => c.request(warm)));
    conns.push(...group);
  }
  return conns;
}

export interface LoadResult {
  completed: number;
  errors: number;
  elapsedMs: number;
  perSecond: number;
  /** Milliseconds, one per completed request. */
  latencies: Float64Array;
  firstError: string | null;
}

/**
 * Closed loop: each connection sends its next request as soon as the previous answer arrives, for
 * durationMs (bounded; requests in flight at the end are awaited and counted).
 */
export async function closedLoop(opts: { conns: Connection[]; durationMs: number; request: (conn: number) => Buffer; okStatus?: (s: number) => boolean }): Promise<LoadResult> {
  const ok = opts.okStatus ?? ((s: number) => s >= 200 && s < 300);
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  const stopAt = start + opts.durationMs;
  await Promise.all(
    opts.conns.map(async (conn, i) => {
      const raw = opts.request(i);
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        try {
          const r = await conn.request(raw);
          if (ok(r.status)) lat.push(performance.now() - t0);
          else {
            errors++;
            firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
          }
        } catch (err) {
          errors++;
          firstError ??= (err as Error).message;
        }
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  return { completed: lat.length, errors, elapsedMs, perSecond: (lat.length / elapsedMs) * 1000, latencies: Float64Array.from(lat), firstError };
}

/** All requests at once, one per (already open) connection: the answers' latencies. */
export async function burst(opts: { conns: Connection[]; requests: Buffer[]; okStatus?: (s: number) => boolean }): Promise<LoadResult> {
  if (opts.requests.length > opts.conns.length) throw new Error('one connection per request');
  const ok = opts.okStatus ?? ((s: number) => s >= 200 && s < 300);
  const lat: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const start = performance.now();
  await Promise.all(
    opts.requests.map(async (raw, i) => {
      try {
        const r = await opts.conns[i]!.request(raw);
        if (ok(r.status)) lat.push(performance.now() - start);
        else {
          errors++;
          firstError ??= `${r.status} ${r.body.slice(0, 200)}`;
        }
      } catch (err) {
        errors++;
        firstError ??= (err as Error).message;
      }
    }),
  );
  const elapsedMs = performance.now() - start;
  return { completed: lat.length, errors, elapsedMs, perSecond: (lat.length / elapsedMs) * 1000, latencies: Float64Array.from(lat), firstError };
}

export function closeAll(conns: Connection[]): void {
  for (const c of conns) c.close();
}
