// 2. Fan-out: from the staff posting a request (POST staff.request.submit) to the last offer card
// arriving at the connector, for N eligible volunteers, with send limits off — against bare BullMQ
// (addBulk of N jobs + a concurrency-50 worker POSTing the same card payload) in the same run.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import type { BenchConnector } from './connector.ts';
import { activity, createBenchDatabase, dropRedisPrefix, requestForm, seedCentre, seedVolunteers, REDIS_URL, type BenchCentre } from './db.ts';
import { Connection, rawRequest } from './load.ts';
import { startChild, type Child } from './proc.ts';
import { figure, fmt, fmtFigure, log, type Figure } from './stats.ts';
import type { Options } from './options.ts';
import type { DbStats } from './dugnad-server.ts';
import { describeProfile, samplePostgres, statementsPer, type PgProfile, type PgSampler } from './pg-sampler.ts';
import type { Database } from '../infra/db.ts';

export interface FanoutSize {
  n: number;
  /** What PostgreSQL's backends were doing during the Dugnad runs. */
  postgres: PgProfile;
  /** CPU of the database's PostgreSQL backends per offer. */
  postgresCpuMsPerOffer: number;
  /** What the workers ask PostgreSQL per offer (dispatch, send and timers, amortised). */
  workerStatements: Array<{ statement: string; perUnit: number }>;
  /** Submit → last offer at the connector. */
  dugnadMs: Figure;
  dugnadPerSecond: Figure;
  /** The staff's POST: matching, inserting the offers, the outbox (inside the turn). */
  submitTurnMs: Figure;
  /** Submit → first offer at the connector. */
  firstOfferMs: Figure;
  /** Worker process CPU time per offer delivered. */
  workerCpuMsPerOffer: Figure;
  /** PostgreSQL round trips of the workers per offer (dispatch, send, timers), and of the submit turn. */
  workerRoundTripsPerOffer: Figure;
  submitRoundTrips: Figure;
  baselineMs: Figure;
  baselineCpuMsPerSend: Figure;
  baselinePerSecond: Figure;
  /** Dugnad ÷ baseline rate, per paired run. */
  ratio: Figure;
}

export interface FanoutResult {
  sizes: FanoutSize[];
  goals: Array<{ text: string; met: boolean }>;
}

async function submit(conn: Connection, url: string, centre: BenchCentre, connectorUrl: string): Promise<void> {
  const r = await conn.request(rawRequest('POST', url, '/api/messages', activity({ userId: centre.staffUserId, serviceUrl: connectorUrl, value: requestForm(centre.personId) })));
  if (r.status >= 300) throw new Error(`submit answered ${r.status}: ${r.body}`);
}

/** Waits until every offer of the centre's latest request is recorded as sent (the workers' bookkeeping after the POST). */
async function settled(db: Database, centreId: string, n: number, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db.query<{ id: string; offers: number; sent: number }>(
      `SELECT r.id, count(o.id)::int AS offers, count(od.offer_id)::int AS sent FROM help_requests r LEFT JOIN offers o ON o.request_id = r.id LEFT JOIN offer_deliveries od ON od.offer_id = o.id
        WHERE r.centre_id = $1 GROUP BY r.id ORDER BY max(r.created_at) DESC LIMIT 1`,
      [centreId],
    );
    const r = rows[0];
    if (r && r.offers === n && r.sent === n) return r.id;
    if (r && r.offers !== n) throw new Error(`request for ${centreId} has ${r.offers} offers, expected ${n}`);
    if (Date.now() > deadline) throw new Error(`offers for ${centreId}: ${r?.sent ?? 0} of ${n} recorded as sent`);
    await new Promise((ok) => setTimeout(ok, 50));
  }
}

export async function benchFanout(o: Options, connector: BenchConnector): Promise<FanoutResult> {
  log('\n== 2. Fan-out (submit → last offer delivered) vs bare BullMQ');
  const bdb = await createBenchDatabase('fanout');
  const prefix = `bench-fanout-${randomBytes(4).toString('hex')}`;
  const children: Child[] = [];
  let conn: Connection | null = null;
  try {
    const centres = new Map<number, BenchCentre>();
    for (const n of o.fanoutSizes) {
      const centre = await seedCentre(bdb.db, `f${n}`, connector.url);
      await seedVolunteers(bdb.db, { centreId: centre.centreId, userPrefix: `f${n}-`, n, serviceUrl: connector.url });
      centres.set(n, centre);
    }
    const maxN = Math.max(...o.fanoutSizes);
    const dugnadOpts = { databaseUrl: bdb.url, redisUrl: REDIS_URL, prefix, env: { WAVE_SIZE: String(maxN) } };
    const [bot, workers, baseline] = await Promise.all([
      startChild('dugnad-bot', dugnadOpts),
      startChild('dugnad-workers', dugnadOpts),
      startChild('bullmq-baseline', { redisUrl: REDIS_URL, prefix: `${prefix}-base`, connectorUrl: connector.url }),
    ]);
    children.push(bot, workers, baseline);
    conn = Connection.forUrl(bot.url!);
    const staff = conn;
    let payload = '';

    let pgs: PgSampler | null = null;
    const dugnadRun = async (n: number) => {
      const centre = centres.get(n)!;
      const watch = connector.expect(`conv-f${n}-`, n, { method: 'POST', timeoutMs: 300_000 });
      const cpu0 = await workers.cpuMs();
      const w0 = await workers.call<DbStats>('stats');
      const b0 = await bot.call<DbStats>('stats');
      await pgs?.resume();
      const t0 = performance.now();
      await submit(staff, bot.url!, centre, connector.url);
      const turnMs = performance.now() - t0;
      const b1 = await bot.call<DbStats>('stats');
      const lastAt = await watch.done;
      await pgs?.pause();
      if (!payload) payload = watch.sample()!.toString('utf8');
      await settled(bdb.db, centre.centreId, n);
      await connector.idle(200);
      const cpuMsPerOffer = ((await workers.cpuMs()) - cpu0) / n;
      const w1 = await workers.call<DbStats>('stats');
      return { totalMs: lastAt - t0, turnMs, firstMs: watch.firstAt() - t0, cpuMsPerOffer, workerRoundTripsPerOffer: (w1.roundTrips - w0.roundTrips) / n, submitRoundTrips: b1.roundTrips - b0.roundTrips, statements: statementsPer(w0, w1, n) };
    };
    let baseRun = 0;
    const baselineRun = async (n: number) => {
      const tag = `conv-base-${n}-${++baseRun}-`;
      const watch = connector.expect(tag, n, { method: 'POST', timeoutMs: 300_000 });
      const cpu0 = await baseline.cpuMs();
      const t0 = performance.now();
      await baseline.call('run', { n, tag, payload });
      const lastAt = await watch.done;
      await connector.idle(200);
      return { totalMs: lastAt - t0, cpuMsPerOffer: ((await baseline.cpuMs()) - cpu0) / n };
    };

    // Warm-up (JIT, pools, queue keys), not counted.
    const smallest = Math.min(...o.fanoutSizes);
    await dugnadRun(smallest);
    if (!payload.includes('offer.accept')) throw new Error(`the first offer is not an offer card: ${payload.slice(0, 300)}`);
    await baselineRun(smallest);

    const sizes: FanoutSize[] = [];
    for (const n of o.fanoutSizes) {
      const d: Array<{ totalMs: number; turnMs: number; firstMs: number; cpuMsPerOffer: number; workerRoundTripsPerOffer: number; submitRoundTrips: number; statements: Array<{ statement: string; perUnit: number }> }> = [];
      const b: Array<{ totalMs: number; cpuMsPerOffer: number }> = [];
      pgs = await samplePostgres(bdb.name);
      for (let i = 0; i < o.runs; i++) {
        d.push(await dugnadRun(n));
        b.push(await baselineRun(n));
        log(
          `  N=${n} run ${i + 1}: dugnad ${fmt(d.at(-1)!.totalMs)} ms (${fmt((n / d.at(-1)!.totalMs) * 1000)} offers/s; submit turn ${fmt(d.at(-1)!.turnMs)} ms, first offer ${fmt(d.at(-1)!.firstMs)} ms, workers ${fmt(d.at(-1)!.cpuMsPerOffer * 1000)} µs CPU and ${fmt(d.at(-1)!.workerRoundTripsPerOffer)} DB round trips per offer)` +
            ` | baseline ${fmt(b.at(-1)!.totalMs)} ms (${fmt((n / b.at(-1)!.totalMs) * 1000)} /s, ${fmt(b.at(-1)!.cpuMsPerOffer * 1000)} µs CPU/send)`,
        );
      }
      const postgres = await pgs.stop();
      pgs = null;
      log(`  N=${n}: PostgreSQL during the Dugnad runs: ${describeProfile(postgres)}`);
      const size: FanoutSize = {
        n,
        postgres,
        postgresCpuMsPerOffer: postgres.backendCpuMs / (n * o.runs),
        workerStatements: d.at(-1)!.statements,
        dugnadMs: figure(d.map((r) => r.totalMs), 'ms'),
        dugnadPerSecond: figure(d.map((r) => (n / r.totalMs) * 1000), 'offers/s'),
        submitTurnMs: figure(d.map((r) => r.turnMs), 'ms'),
        firstOfferMs: figure(d.map((r) => r.firstMs), 'ms'),
        workerCpuMsPerOffer: figure(d.map((r) => r.cpuMsPerOffer), 'ms'),
        workerRoundTripsPerOffer: figure(d.map((r) => r.workerRoundTripsPerOffer), ''),
        submitRoundTrips: figure(d.map((r) => r.submitRoundTrips), ''),
        baselineMs: figure(b.map((r) => r.totalMs), 'ms'),
        baselineCpuMsPerSend: figure(b.map((r) => r.cpuMsPerOffer), 'ms'),
        baselinePerSecond: figure(b.map((r) => (n / r.totalMs) * 1000), 'sends/s'),
        ratio: figure(d.map((r, i) => b[i]!.totalMs / r.totalMs), '×'),
      };
      log(`  N=${n}: dugnad ${fmtFigure(size.dugnadPerSecond)}, baseline ${fmtFigure(size.baselinePerSecond)}, ratio ${fmtFigure(size.ratio, 2)}`);
      sizes.push(size);
    }
    const goals = [
      ...sizes.map((s) => ({ text: `N=${s.n}: rate ≥ 0.7× bare BullMQ`, met: s.ratio.median >= 0.7 })),
      ...sizes.filter((s) => s.n === 50).map((s) => ({ text: '50 offers delivered in < 1 s', met: s.dugnadMs.median < 1000 })),
    ];
    for (const g of goals) log(`  goal ${g.text}: ${g.met ? 'met' : 'NOT met'}`);
    return { sizes, goals };
  } finally {
    conn?.close();
    for (const c of children.reverse()) await c.close().catch(() => undefined);
    const r = new Redis(REDIS_URL);
    await dropRedisPrefix(r, prefix).catch(() => 0);
    await dropRedisPrefix(r, `${prefix}-base`).catch(() => 0);
    r.disconnect();
    await bdb.close();
  }
}
