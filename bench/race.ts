// 3. Accept race: N volunteers press «Ta oppdraget» on the same request at once — N simultaneous
// POSTs of offer.accept over already-open connections. Exactly one assignment must result (checked
// in the database; the benchmark throws otherwise). Compared with the echo bot answering N
// simultaneous messages in the same run.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { BenchConnector } from './connector.ts';
import { activity, CHANNEL, createBenchDatabase, dropRedisPrefix, requestForm, seedCentre, seedVolunteers, REDIS_URL } from './db.ts';
import { burst, closeAll, Connection, openConnections, rawRequest, type LoadResult } from './load.ts';
import { startChild, type Child } from './proc.ts';
import { figure, fmt, fmtFigure, latencies, log, type Figure } from './stats.ts';
import type { Options } from './options.ts';
import type { DbStats } from './dugnad-server.ts';
import { describeProfile, samplePostgres, statementsPer, type PgProfile } from './pg-sampler.ts';

export interface RaceResult {
  racers: number;
  dugnadP50: Figure;
  dugnadP99: Figure;
  /** Time until the last of the N answers. */
  dugnadAllMs: Figure;
  /** Bot process CPU time per answered accept. */
  dugnadCpuMsPerTurn: Figure;
  /** PostgreSQL round trips per accept turn (statements + BEGIN/COMMIT). */
  dugnadRoundTripsPerTurn: Figure;
  echoP50: Figure;
  echoP99: Figure;
  echoAllMs: Figure;
  echoCpuMsPerTurn: Figure;
  ratioP99: Figure;
  winners: number[];
  /** What PostgreSQL's backends were doing during the measured races. */
  postgres: PgProfile;
  /** CPU of the database's PostgreSQL backends per accept turn. */
  postgresCpuMsPerTurn: number;
  /** What PostgreSQL is asked per accept turn (averaged over the winner and the rest). */
  statements: Array<{ statement: string; perUnit: number }>;
  goal: { text: string; met: boolean };
}

/** One burst's answers, with the server's CPU and database work per answered turn. */
type Burst = LoadResult & { cpuMsPerTurn: number; roundTripsPerTurn: number; statements: Array<{ statement: string; perUnit: number }> };

export async function benchRace(o: Options, connector: BenchConnector): Promise<RaceResult> {
  const n = o.raceSize;
  log(`\n== 3. Accept race (${n} simultaneous accepts vs ${n} simultaneous echo messages)`);
  const bdb = await createBenchDatabase('race');
  const prefix = `bench-race-${randomBytes(4).toString('hex')}`;
  const children: Child[] = [];
  let staff: Connection | null = null;
  try {
    const centre = await seedCentre(bdb.db, 'race', connector.url);
    await seedVolunteers(bdb.db, { centreId: centre.centreId, userPrefix: 'r-', n, serviceUrl: connector.url });
    const dugnadOpts = { databaseUrl: bdb.url, redisUrl: REDIS_URL, prefix, env: { WAVE_SIZE: String(n) } };
    const [bot, workers, echo] = await Promise.all([startChild('dugnad-bot', dugnadOpts), startChild('dugnad-workers', dugnadOpts), startChild('echo', {})]);
    children.push(bot, workers, echo);
    staff = Connection.forUrl(bot.url!);

    /** A fresh request whose n offers are on everyone's screen; returns the accept activities. */
    const prepare = async () => {
      const watch = connector.expect('conv-r-', n, { method: 'POST', timeoutMs: 300_000 });
      const r = await staff!.request(rawRequest('POST', bot.url!, '/api/messages', activity({ userId: centre.staffUserId, serviceUrl: connector.url, value: requestForm(centre.personId) })));
      if (r.status >= 300) throw new Error(`submit answered ${r.status}`);
      await watch.done;
      const deadline = Date.now() + 60_000;
      for (;;) {
        const rows = await bdb.db.query<{ request_id: string; offer_id: string; activity_id: string | null; user_id: string }>(
          `SELECT o.request_id, o.id AS offer_id, od.activity_id, ci.user_id
             FROM offers o LEFT JOIN offer_deliveries od ON od.offer_id = o.id JOIN chat_identities ci ON ci.member_id = o.volunteer_id AND ci.channel_id = $2
            WHERE o.request_id = (SELECT id FROM help_requests WHERE centre_id = $1 ORDER BY created_at DESC LIMIT 1)`,
          [centre.centreId, CHANNEL],
        );
        if (rows.length === n && rows.every((x) => x.activity_id)) {
          await connector.idle(300);
          return { requestId: rows[0]!.request_id, accepts: rows.map((x) => activity({ userId: x.user_id, serviceUrl: connector.url, value: { action: 'offer.accept', offerId: x.offer_id }, replyToId: x.activity_id })) };
        }
        if (Date.now() > deadline) throw new Error(`race setup: ${rows.filter((x) => x.activity_id).length} of ${n} offers delivered`);
        await new Promise((ok) => setTimeout(ok, 50));
      }
    };

    /** The burst, and the server process's CPU time per answered turn. */
    const fire = async (child: Child, accepts: Array<Record<string, unknown>>): Promise<Burst> => {
      const url = child.url!;
      const requests = accepts.map((a) => rawRequest('POST', url, '/api/messages', a));
      const conns = await openConnections(url, n, rawRequest('GET', url, '/healthz'));
      const counted = child.role === 'dugnad-bot';
      try {
        const db0 = counted ? await child.call<DbStats>('stats') : null;
        const cpu0 = await child.cpuMs();
        const res = await burst({ conns, requests });
        const cpu1 = await child.cpuMs();
        const db1 = counted ? await child.call<DbStats>('stats') : null;
        const per = Math.max(1, res.completed);
        return { ...res, cpuMsPerTurn: (cpu1 - cpu0) / per, roundTripsPerTurn: db0 && db1 ? (db1.roundTrips - db0.roundTrips) / per : Number.NaN, statements: db0 && db1 ? statementsPer(db0, db1, per) : [] };
      } finally {
        closeAll(conns);
      }
    };

    const pgs = await samplePostgres(bdb.name);
    const dugnadRuns: Burst[] = [];
    const echoRuns: Burst[] = [];
    const winners: number[] = [];
    for (let i = 0; i <= o.runs; i++) {
      const { requestId, accepts } = await prepare();
      if (i > 0) await pgs.resume();
      const d = await fire(bot, accepts);
      await pgs.pause();
      const assigned = await bdb.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM assignments WHERE request_id = $1`, [requestId]);
      const status = await bdb.db.query<{ status: string }>(`SELECT status FROM help_requests WHERE id = $1`, [requestId]);
      if (assigned[0]!.n !== 1 || status[0]!.status !== 'taken') throw new Error(`accept race: ${assigned[0]!.n} assignments, request ${status[0]!.status} — expected exactly one`);
      if (d.errors) throw new Error(`accept race: ${d.errors} failed answers (${d.firstError})`);
      // The workers now close everyone else's card; let them finish before the next measurement.
      await connector.idle(500, 120_000);
      const e = await fire(echo, accepts);
      if (e.errors) throw new Error(`echo burst: ${e.errors} failed answers (${e.firstError})`);
      await connector.idle(200);
      const ld = latencies(d.latencies);
      const le = latencies(e.latencies);
      if (i === 0) {
        log(`  warm-up: dugnad p99 ${fmt(ld.p99)} ms, echo p99 ${fmt(le.p99)} ms`);
        continue;
      }
      dugnadRuns.push(d);
      echoRuns.push(e);
      winners.push(assigned[0]!.n);
      log(
        `  run ${i}: dugnad p50 ${fmt(ld.p50)} ms, p99 ${fmt(ld.p99)} ms, all ${fmt(d.elapsedMs)} ms, ${fmt(d.cpuMsPerTurn * 1000)} µs CPU/turn, ${fmt(d.roundTripsPerTurn)} DB round trips/turn, 1 assignment` +
          ` | echo p50 ${fmt(le.p50)} ms, p99 ${fmt(le.p99)} ms, all ${fmt(e.elapsedMs)} ms, ${fmt(e.cpuMsPerTurn * 1000)} µs CPU/turn`,
      );
    }
    const postgres = await pgs.stop();
    log(`  PostgreSQL during the races: ${describeProfile(postgres)}`);
    const p99 = (rs: LoadResult[]) => rs.map((r) => latencies(r.latencies).p99);
    const result: RaceResult = {
      racers: n,
      dugnadP50: figure(dugnadRuns.map((r) => latencies(r.latencies).p50), 'ms'),
      dugnadP99: figure(p99(dugnadRuns), 'ms'),
      dugnadAllMs: figure(dugnadRuns.map((r) => r.elapsedMs), 'ms'),
      dugnadCpuMsPerTurn: figure(dugnadRuns.map((r) => r.cpuMsPerTurn), 'ms'),
      dugnadRoundTripsPerTurn: figure(dugnadRuns.map((r) => r.roundTripsPerTurn), ''),
      echoP50: figure(echoRuns.map((r) => latencies(r.latencies).p50), 'ms'),
      echoP99: figure(p99(echoRuns), 'ms'),
      echoAllMs: figure(echoRuns.map((r) => r.elapsedMs), 'ms'),
      echoCpuMsPerTurn: figure(echoRuns.map((r) => r.cpuMsPerTurn), 'ms'),
      ratioP99: figure(dugnadRuns.map((r, i) => latencies(r.latencies).p99 / latencies(echoRuns[i]!.latencies).p99), '×'),
      winners,
      postgres,
      postgresCpuMsPerTurn: postgres.backendCpuMs / (n * o.runs),
      statements: dugnadRuns.at(-1)!.statements,
      goal: { text: `accept race p99 ≤ 1.5× echo p99 (${n} at once)`, met: false },
    };
    result.goal.met = result.ratioP99.median <= 1.5;
    log(`  dugnad p99 ${fmtFigure(result.dugnadP99)}, echo p99 ${fmtFigure(result.echoP99)}, ratio ${fmtFigure(result.ratioP99, 2)} — goal ≤ 1.5× ${result.goal.met ? 'met' : 'NOT met'}; exactly one assignment in every run`);
    return result;
  } finally {
    staff?.close();
    for (const c of children.reverse()) await c.close().catch(() => undefined);
    const r = new Redis(REDIS_URL);
    await dropRedisPrefix(r, prefix).catch(() => 0);
    r.disconnect();
    await bdb.close();
  }
}
