// Where PostgreSQL spends a benchmark's time: samples pg_stat_activity for the benchmark's database
// every few milliseconds and tallies what the active backends are doing or waiting on (e.g.
// IO/WALSync = waiting for a commit's WAL flush to disk).
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { ADMIN_URL } from './db.ts';

/** utime + stime of a local process in ms, from /proc (null when it is not readable, e.g. a remote server). */
function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

export interface PgProfile {
  samples: number;
  /** Active backends seen over all samples, by wait event ("cpu" when not waiting). */
  byWait: Record<string, number>;
  /** The most frequent active statements (first 60 characters). */
  topStatements: Array<{ statement: string; share: number }>;
  /** Share of active backend samples waiting on the WAL (WALSync, WALWrite). */
  walShare: number;
  /** Mean number of active backends. */
  meanActive: number;
  /** CPU time the database's backend processes used while sampling (ms; NaN when /proc cannot see them). */
  backendCpuMs: number;
}

export interface PgSampler {
  /** Sampling starts paused; resume/pause around the stretches to be profiled. */
  resume(): Promise<void>;
  pause(): Promise<void>;
  stop(): Promise<PgProfile>;
}

export async function samplePostgres(database: string, everyMs = 20): Promise<PgSampler> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  let running = true;
  let paused = true;
  let samples = 0;
  let active = 0;
  const byWait = new Map<string, number>();
  const byStatement = new Map<string, number>();
  let cpuMs = 0;
  let cpuVisible = true;
  let cpuStart = new Map<number, number>();
  const backends = async () => (await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database])).rows.map((r) => r.pid);
  const snapshot = async () => {
    const m = new Map<number, number>();
    for (const pid of await backends()) {
      const ms = processCpuMs(pid);
      if (ms === null) cpuVisible = false;
      else m.set(pid, ms);
    }
    return m;
  };
  let queue: Promise<unknown> = Promise.resolve();
  const serial = (fn: () => Promise<void>) => (queue = queue.then(fn, fn));
  const loop = (async () => {
    while (running) {
      await queue;
      if (paused) {
        await new Promise((ok) => setTimeout(ok, everyMs));
        continue;
      }
      const r = await client.query<{ wait: string | null; q: string }>(
        `SELECT CASE WHEN wait_event IS NULL THEN NULL ELSE wait_event_type || '/' || wait_event END AS wait,
                left(regexp_replace(query, '\\s+', ' ', 'g'), 60) AS q
           FROM pg_stat_activity WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()`,
        [database],
      );
      samples++;
      for (const row of r.rows) {
        active++;
        const w = row.wait ?? 'cpu';
        byWait.set(w, (byWait.get(w) ?? 0) + 1);
        byStatement.set(row.q, (byStatement.get(row.q) ?? 0) + 1);
      }
      await new Promise((ok) => setTimeout(ok, everyMs));
    }
  })();
  return {
    async resume() {
      await serial(async () => {
        cpuStart = await snapshot();
        paused = false;
      });
    },
    async pause() {
      await serial(async () => {
        paused = true;
        for (const [pid, ms] of await snapshot()) cpuMs += ms - (cpuStart.get(pid) ?? 0);
      });
    },
    async stop() {
      running = false;
      await queue;
      await loop.catch(() => undefined);
      await client.end();
      const wal = [...byWait].filter(([k]) => k === 'IO/WALSync' || k === 'LWLock/WALWrite' || k === 'IO/WALWrite').reduce((a, [, n]) => a + n, 0);
      return {
        samples,
        byWait: Object.fromEntries([...byWait].sort((a, b) => b[1] - a[1])),
        topStatements: [...byStatement].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([statement, n]) => ({ statement, share: active ? n / active : 0 })),
        walShare: active ? wal / active : 0,
        meanActive: samples ? active / samples : 0,
        backendCpuMs: cpuVisible ? cpuMs : Number.NaN,
      };
    },
  };
}

export function describeProfile(p: PgProfile): string {
  const waits = Object.entries(p.byWait)
    .slice(0, 4)
    .map(([k, n]) => `${k} ${Math.round((100 * n) / Math.max(1, Object.values(p.byWait).reduce((a, b) => a + b, 0)))} %`)
    .join(', ');
  return `${p.meanActive.toFixed(1)} active backends on average, ${Math.round(p.backendCpuMs)} ms backend CPU; ${waits}; top: ${p.topStatements[0]?.statement ?? '–'}`;
}

/** Statements per unit of work (turn, offer) between two DbStats snapshots, most frequent first. */
export function statementsPer(before: { byStatement: Record<string, number> }, after: { byStatement: Record<string, number> }, units: number): Array<{ statement: string; perUnit: number }> {
  return Object.entries(after.byStatement)
    .map(([statement, n]) => ({ statement, perUnit: (n - (before.byStatement[statement] ?? 0)) / Math.max(1, units) }))
    .filter((x) => x.perUnit > 0)
    .sort((a, b) => b.perUnit - a.perUnit);
}
