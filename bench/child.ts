// Entry point of a benchmark child process: starts one server (or worker set) by BENCH_ROLE, says
// "ready" with its URL, answers the parent's calls, and exits on "close".
import { startEchoBot, startHelloWorld } from './echo-bot.ts';
import { startDugnadBot, startDugnadWorkers, type DugnadOptions } from './dugnad-server.ts';
import { startBaseline } from './baseline.ts';
import type { Role } from './proc.ts';

type Handlers = Record<string, (args: any) => Promise<unknown> | unknown>;

async function start(role: Role, opts: any): Promise<{ url: string | null; handlers: Handlers; close(): Promise<void> }> {
  switch (role) {
    case 'echo': {
      const s = await startEchoBot();
      return { url: s.url, handlers: {}, close: s.close };
    }
    case 'hello': {
      const s = await startHelloWorld();
      return { url: s.url, handlers: {}, close: s.close };
    }
    case 'dugnad-bot': {
      const s = await startDugnadBot(opts as DugnadOptions);
      return { url: s.url, handlers: { stats: () => s.stats() }, close: s.close };
    }
    case 'dugnad-workers': {
      const w = await startDugnadWorkers(opts as DugnadOptions);
      return { url: null, handlers: { stats: () => w.stats() }, close: w.close };
    }
    case 'bullmq-baseline': {
      const b = await startBaseline(opts);
      return { url: null, handlers: { run: (a: { n: number; tag: string; payload: string }) => b.run(a.n, a.tag, a.payload) }, close: b.close };
    }
  }
}

const role = process.env.BENCH_ROLE as Role;
try {
  const s = await start(role, JSON.parse(process.env.BENCH_OPTS ?? '{}'));
  process.on('message', async (m: { type: string; id: number; op: string; args: unknown }) => {
    if (m.type !== 'call') return;
    try {
      let value: unknown;
      if (m.op === 'cpu') value = process.cpuUsage();
      else if (m.op === 'close') value = await s.close();
      else {
        const h = s.handlers[m.op];
        if (!h) throw new Error(`unknown op ${m.op}`);
        value = await h(m.args);
      }
      if (m.op === 'close') process.send!({ type: 'result', id: m.id, ok: true, value }, () => process.exit(0));
      else process.send!({ type: 'result', id: m.id, ok: true, value });
    } catch (err) {
      process.send!({ type: 'result', id: m.id, ok: false, error: (err as Error).message });
    }
  });
  process.send!({ type: 'ready', url: s.url });
} catch (err) {
  process.send!({ type: 'failed', error: (err as Error).stack ?? String(err) }, () => process.exit(1));
}
