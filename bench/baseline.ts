// The fan-out baseline: bare BullMQ doing only the transport part of a fan-out. addBulk of N jobs
// (ids only in the data) and a Worker (concurrency 50) that POSTs a prebuilt card activity to the
// same local connector over a pooled keep-alive agent — no database, no rendering.
import http from 'node:http';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { performance } from 'node:perf_hooks';

export interface Baseline {
  /** Queues n jobs to conversations `${tag}${i}`; resolves when they are queued. */
  run(n: number, tag: string, payload: string): Promise<{ queuedMs: number }>;
  close(): Promise<void>;
}

export async function startBaseline(o: { redisUrl: string; prefix: string; connectorUrl: string; concurrency?: number }): Promise<Baseline> {
  const connection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<{ conversationId: string }>('fanout', { connection, prefix: o.prefix });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const base = new URL(o.connectorUrl);
  let body = Buffer.alloc(0);
  const post = (conversationId: string) =>
    new Promise<void>((ok, fail) => {
      const req = http.request(
        { host: base.hostname, port: base.port, method: 'POST', path: `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, agent, headers: { 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            if ((res.statusCode ?? 0) >= 300) return fail(new Error(`connector answered ${res.statusCode}`));
            JSON.parse(Buffer.concat(chunks).toString('utf8'));
            ok();
          });
        },
      );
      req.on('error', fail);
      req.end(body);
    });
  const workerConnection = new Redis(o.redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<{ conversationId: string }>('fanout', async (job) => post(job.data.conversationId), {
    connection: workerConnection,
    prefix: o.prefix,
    concurrency: o.concurrency ?? 50,
  });
  worker.on('error', () => undefined);
  await worker.waitUntilReady();
  return {
    async run(n, tag, payload) {
      body = Buffer.from(payload);
      const t0 = performance.now();
      await queue.addBulk(Array.from({ length: n }, (_, i) => ({ name: 'offer', data: { conversationId: `${tag}${i}` } })));
      return { queuedMs: performance.now() - t0 };
    },
    async close() {
      await worker.close();
      await queue.close();
      agent.destroy();
      connection.disconnect();
      workerConnection.disconnect();
    },
  };
}
