// Servers under test run in child processes, so the load generator and the fake connector (this
// process) do not share a JavaScript thread with them: on a 2-core machine the bot gets one core
// and the harness the other, as a real channel and bot would.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export type Role = 'echo' | 'hello' | 'dugnad-bot' | 'dugnad-workers' | 'bullmq-baseline';

export interface Child {
  role: Role;
  url: string | null;
  call<T = unknown>(op: string, args?: unknown): Promise<T>;
  /** CPU time (ms, user + system) the child has used so far. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

import { freePort } from '../infra/redis.ts';
export { freePort };

type FromChild = { type: 'ready'; url: string | null } | { type: 'result'; id: number; ok: boolean; value?: unknown; error?: string } | { type: 'failed'; error: string };

export async function startChild(role: Role, opts: unknown, timeoutMs = 60_000): Promise<Child> {
  // BENCH_CPU_PROF=dugnad-bot (a role, or a comma-separated list) writes a V8 CPU profile of that
  // child to .scratch/cpu-prof/<role>/ when it exits (one file per thread; the largest is the main one) — where a turn's time goes
  // (`npx tsx bench/cpu-profile.ts <file> --from=sendActivity` sums it by function and file).
  const profile = (process.env.BENCH_CPU_PROF ?? '').split(',').includes(role);
  const child: ChildProcess = fork(fileURLToPath(new URL('./child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx', ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${fileURLToPath(new URL(`../.scratch/cpu-prof/${role}/`, import.meta.url))}`] : [])],
    env: { ...process.env, BENCH_ROLE: role, BENCH_OPTS: JSON.stringify(opts) },
    // Server logs go nowhere (as fast as a log file would take them); errors still show.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let seq = 0;
  const waiting = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  let exited = false;
  const url = await new Promise<string | null>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${role}: not ready within ${timeoutMs} ms`)), timeoutMs);
    child.on('message', (m: FromChild) => {
      if (m.type === 'ready') {
        clearTimeout(timer);
        ok(m.url);
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        fail(new Error(`${role}: ${m.error}`));
      } else if (m.type === 'result') {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.ok) w?.ok(m.value);
        else w?.fail(new Error(`${role}: ${m.error}`));
      }
    });
    child.once('exit', (code) => {
      exited = true;
      clearTimeout(timer);
      fail(new Error(`${role} exited with ${code}`));
      for (const w of waiting.values()) w.fail(new Error(`${role} exited with ${code}`));
      waiting.clear();
    });
  });
  const call = <T>(op: string, args?: unknown) =>
    new Promise<T>((ok, fail) => {
      if (exited) return fail(new Error(`${role} has exited`));
      const id = ++seq;
      waiting.set(id, { ok: ok as (v: unknown) => void, fail });
      child.send({ type: 'call', id, op, args });
    });
  return {
    role,
    url,
    call,
    cpuMs: async () => {
      const u = await call<{ user: number; system: number }>('cpu');
      return (u.user + u.system) / 1000;
    },
    async close() {
      if (exited) return;
      const gone = new Promise<void>((ok) => child.once('exit', () => ok()));
      await Promise.race([call('close').catch(() => undefined), new Promise((ok) => setTimeout(ok, 15_000))]);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
