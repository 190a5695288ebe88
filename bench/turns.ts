// 1. Turn throughput: «mine oppdrag» from volunteers who have tasks (a database read, an audit write,
// a card reply to the connector) through POST /api/messages, against a botbuilder echo bot answering
// the same activities to the same connector, at a fixed concurrency over keep-alive connections.
import type { BenchConnector } from './connector.ts';
import { activity, createBenchDatabase, seedCentre, seedTasks, seedVolunteers, REDIS_URL } from './db.ts';
import { closeAll, closedLoop, openConnections, rawRequest, type LoadResult } from './load.ts';
import { startChild, type Child } from './proc.ts';
import { figure, fmt, fmtFigure, latencies, log, type Figure } from './stats.ts';
import type { Options } from './options.ts';
import type { DbStats } from './dugnad-server.ts';
import { describeProfile, samplePostgres, statementsPer, type PgProfile } from './pg-sampler.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { dropRedisPrefix } from './db.ts';

export interface BotFigures {
  perSecond: Figure;
  p50: Figure;
  p99: Figure;
  cpuMsPerTurn: Figure;
  roundTripsPerTurn: Figure;
}

export interface TurnsResult {
  concurrency: number;
  runMs: number;
  tasksPerVolunteer: number;
  echo: BotFigures;
  dugnad: BotFigures;
  /** Dugnad ÷ echo throughput, per paired run. */
  ratio: Figure;
  /** What the Dugnad runs' PostgreSQL backends were doing. */
  postgres: PgProfile;
  /** CPU of the database's PostgreSQL backends per «mine oppdrag» turn. */
  postgresCpuMsPerTurn: number;
  /** What PostgreSQL is asked per «mine oppdrag» turn. */
  statements: Array<{ statement: string; perUnit: number }>;
  goal: { text: string; met: boolean };
}

const TASKS = 2;

interface Run {
  res: LoadResult;
  cpuMsPerTurn: number;
  /** PostgreSQL round trips per turn (Dugnad only). */
  roundTripsPerTurn: number;
  statements: Array<{ statement: string; perUnit: number }>;
}

async function measure(child: Child, url: string, o: Options, bodies: Buffer[], durationMs: number): Promise<Run> {
  const conns = await openConnections(url, o.concurrency, rawRequest('GET', url, '/healthz'));
  const counted = child.role === 'dugnad-bot';
  const db0 = counted ? await child.call<DbStats>('stats') : null;
  const cpu0 = await child.cpuMs();
  const res = await closedLoop({ conns, durationMs, request: (i) => bodies[i % bodies.length]! });
  const cpu1 = await child.cpuMs();
  const db1 = counted ? await child.call<DbStats>('stats') : null;
  closeAll(conns);
  if (res.errors) throw new Error(`${child.role}: ${res.errors} failed turns (${res.firstError})`);
  return { res, cpuMsPerTurn: (cpu1 - cpu0) / res.completed, roundTripsPerTurn: db0 && db1 ? (db1.roundTrips - db0.roundTrips) / res.completed : Number.NaN, statements: db0 && db1 ? statementsPer(db0, db1, res.completed) : [] };
}

export async function benchTurns(o: Options, connector: BenchConnector): Promise<TurnsResult> {
  log('\n== 1. Turn throughput («mine oppdrag» vs echo bot)');
  const bdb = await createBenchDatabase('turns');
  const prefix = `bench-turns-${randomBytes(4).toString('hex')}`;
  const children: Child[] = [];
  try {
    const centre = await seedCentre(bdb.db, 'turns', connector.url);
    const userPrefix = 'tv-';
    await seedVolunteers(bdb.db, { centreId: centre.centreId, userPrefix, n: o.concurrency, serviceUrl: connector.url });
    await seedTasks(bdb.db, { centre, userPrefix, tasks: TASKS });
    const [echo, dugnad] = await Promise.all([startChild('echo', {}), startChild('dugnad-bot', { databaseUrl: bdb.url, redisUrl: REDIS_URL, prefix })]);
    children.push(echo, dugnad);

    // One request per volunteer, built once: each connection speaks for its own volunteer.
    const body = (url: string, i: number) => rawRequest('POST', url, '/api/messages', activity({ userId: `${userPrefix}${i + 1}`, serviceUrl: connector.url, text: 'mine oppdrag' }));
    const echoBodies = Array.from({ length: o.concurrency }, (_, i) => body(echo.url!, i));
    const dugnadBodies = Array.from({ length: o.concurrency }, (_, i) => body(dugnad.url!, i));

    // Sanity: the answer is the task list with the private details, not an error sentence.
    const check = connector.expect(`conv-${userPrefix}1`, 1, { timeoutMs: 10_000 });
    const one = await openConnections(dugnad.url!, 1, dugnadBodies[0]!);
    closeAll(one);
    await check.done;
    const card = check.sample()!.toString('utf8');
    if (!card.includes('application/vnd.microsoft.card.adaptive') || !card.includes('Storgata 12')) throw new Error(`«mine oppdrag» did not answer with the task list: ${card.slice(0, 300)}`);

    // Warm-up (JIT, pools), not counted.
    await measure(echo, echo.url!, o, echoBodies, o.warmupMs);
    await measure(dugnad, dugnad.url!, o, dugnadBodies, o.warmupMs);
    await connector.idle(200);

    const pgs = await samplePostgres(bdb.name);
    const runs = { echo: [] as Run[], dugnad: [] as Run[] };
    for (let i = 0; i < o.runs; i++) {
      runs.echo.push(await measure(echo, echo.url!, o, echoBodies, o.turnRunMs));
      await connector.idle(200);
      await pgs.resume();
      runs.dugnad.push(await measure(dugnad, dugnad.url!, o, dugnadBodies, o.turnRunMs));
      await pgs.pause();
      await connector.idle(200);
      const e = runs.echo.at(-1)!;
      const d = runs.dugnad.at(-1)!;
      const le = latencies(e.res.latencies);
      const ld = latencies(d.res.latencies);
      log(
        `  run ${i + 1}: echo ${fmt(e.res.perSecond)} turns/s (p50 ${fmt(le.p50)} ms, p99 ${fmt(le.p99)} ms, ${fmt(e.cpuMsPerTurn * 1000)} µs CPU/turn)` +
          ` | dugnad ${fmt(d.res.perSecond)} turns/s (p50 ${fmt(ld.p50)} ms, p99 ${fmt(ld.p99)} ms, ${fmt(d.cpuMsPerTurn * 1000)} µs CPU/turn, ${fmt(d.roundTripsPerTurn)} DB round trips/turn)`,
      );
    }
    const figs = (rs: Run[]): BotFigures => ({
      perSecond: figure(rs.map((r) => r.res.perSecond), 'turns/s'),
      p50: figure(rs.map((r) => latencies(r.res.latencies).p50), 'ms'),
      p99: figure(rs.map((r) => latencies(r.res.latencies).p99), 'ms'),
      cpuMsPerTurn: figure(rs.map((r) => r.cpuMsPerTurn), 'ms'),
      roundTripsPerTurn: figure(rs.map((r) => r.roundTripsPerTurn), ''),
    });
    const postgres = await pgs.stop();
    log(`  PostgreSQL during the Dugnad runs: ${describeProfile(postgres)}`);
    const echoF = figs(runs.echo);
    const dugnadF = figs(runs.dugnad);
    const ratio = figure(runs.dugnad.map((d, i) => d.res.perSecond / runs.echo[i]!.res.perSecond), '×');
    const met = ratio.median >= 0.5;
    log(`  echo ${fmtFigure(echoF.perSecond)}; dugnad ${fmtFigure(dugnadF.perSecond)}; ratio ${fmtFigure(ratio, 2)} — goal ≥ 0.5× ${met ? 'met' : 'NOT met'}`);
    const statements = runs.dugnad.at(-1)!.statements;
    log(`  statements per «mine oppdrag» turn: ${statements.map((x) => `${fmt(x.perUnit)}× ${x.statement.slice(0, 40)}`).join(' | ')}`);
    const postgresCpuMsPerTurn = postgres.backendCpuMs / runs.dugnad.reduce((a, r) => a + r.res.completed, 0);
    return { concurrency: o.concurrency, runMs: o.turnRunMs, tasksPerVolunteer: TASKS, echo: echoF, dugnad: dugnadF, ratio, postgres, postgresCpuMsPerTurn, statements, goal: { text: '«mine oppdrag» ≥ 0.5× echo throughput', met } };
  } finally {
    for (const c of children.reverse()) await c.close().catch(() => undefined);
    const r = new Redis(REDIS_URL);
    await dropRedisPrefix(r, prefix).finally(() => r.disconnect());
    await bdb.close();
  }
}
