// 7. The Teams budget: a fake Bot Connector that enforces Teams' limits (50 requests/s per tenant, 7 per
// second per conversation, 429 with Retry-After above either) and one request going out to N
// volunteers with the product's own send limits on (SEND_RATE_PER_SECOND, PACE_PER_CONVERSATION_MS).
// Goal: 10 000 offers in ≤ 210 s (≥ 95 % of the budget), none lost, none twice.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { startConnector } from './connector.ts';
import { activity, createBenchDatabase, dropRedisPrefix, requestForm, seedCentre, seedVolunteers, REDIS_URL } from './db.ts';
import { Connection, rawRequest } from './load.ts';
import { startChild, type Child } from './proc.ts';
import { figure, fmt, fmtFigure, log, type Figure } from './stats.ts';
import type { Options } from './options.ts';

export const TENANT_PER_SECOND = 50;
export const CONVERSATION_PER_SECOND = 7;
export const SEND_RATE = 49;

export interface BudgetResult {
  n: number;
  runs: number;
  sendRatePerSecond: number;
  paceMs: number;
  /** Submit → the N-th offer accepted by the throttled connector. */
  totalMs: Figure;
  offersPerSecond: Figure;
  /** The same as a share of the tenant's 50/s. */
  budgetShare: Figure;
  /** 429s the connector answered, per run. */
  refused: Figure;
  lost: number;
  duplicated: number;
  /** What N offers may take at most: N / (0.95 × 50/s). */
  limitMs: number;
  goals: Array<{ text: string; met: boolean }>;
}

export async function benchBudget(o: Options): Promise<BudgetResult> {
  const n = o.budgetOffers;
  // One under the tenant's 50: the gate lets at most 49 leave in any second (Redis's clock), and the one
  // to spare absorbs the jitter of a busy machine on the way; a 429 still costs the refused send a retry.
  const sendRate = SEND_RATE;
  const paceMs = 1000;
  log(`\n== 7. The Teams budget: ${fmt(n)} offers through a connector enforcing ${TENANT_PER_SECOND}/s per tenant and ${CONVERSATION_PER_SECOND}/s per conversation (SEND_RATE_PER_SECOND=${sendRate}, PACE_PER_CONVERSATION_MS=${paceMs})`);
  const connector = await startConnector({ tenantPerSecond: TENANT_PER_SECOND, conversationPerSecond: CONVERSATION_PER_SECOND });
  const bdb = await createBenchDatabase('budget');
  const prefix = `bench-budget-${randomBytes(4).toString('hex')}`;
  const children: Child[] = [];
  let conn: Connection | null = null;
  try {
    const env = { WAVE_SIZE: String(n), SEND_RATE_PER_SECOND: String(sendRate), PACE_PER_CONVERSATION_MS: String(paceMs) };
    const runs: Array<{ totalMs: number; firstMs: number; refused: number; lost: number; duplicated: number }> = [];
    // A shared, loaded machine can take more than a minute to start them (seen at load average 19–31).
    const [bot, workers] = await Promise.all([
      startChild('dugnad-bot', { databaseUrl: bdb.url, redisUrl: REDIS_URL, prefix, env }, 180_000),
      startChild('dugnad-workers', { databaseUrl: bdb.url, redisUrl: REDIS_URL, prefix, env }, 180_000),
    ]);
    children.push(bot, workers);
    conn = Connection.forUrl(bot.url!);
    for (let i = 0; i < o.budgetRuns; i++) {
      const centre = await seedCentre(bdb.db, `b${i}`, connector.url);
      const tag = `b${i}-`;
      await seedVolunteers(bdb.db, { centreId: centre.centreId, userPrefix: tag, n, serviceUrl: connector.url });
      const watch = connector.expect(`conv-${tag}`, n, { method: 'POST', timeoutMs: Math.max(120_000, n * 60) });
      const refused0 = connector.counts.refused;
      const t0 = performance.now();
      const r = await conn.request(rawRequest('POST', bot.url!, '/api/messages', activity({ userId: centre.staffUserId, serviceUrl: connector.url, value: requestForm(centre.personId) })));
      if (r.status >= 300) throw new Error(`submit answered ${r.status}: ${r.body}`);
      const lastAt = await watch.done;
      // A duplicate would come after the last first copy: give the queue a moment to show one.
      await connector.idle(3000, 120_000);
      const mine = [...connector.counts.posts].filter(([id]) => id.startsWith(`conv-${tag}`));
      const run = { totalMs: lastAt - t0, firstMs: watch.firstAt() - t0, refused: connector.counts.refused - refused0, lost: n - mine.length, duplicated: mine.filter(([, k]) => k > 1).length };
      runs.push(run);
      // From the first offer on, the rate is the budget's alone (before it: the submit turn and the dispatch).
      const steady = ((n - 1) / (lastAt - watch.firstAt())) * 1000;
      log(`  run ${i + 1}: ${fmt(run.totalMs)} ms (${fmt((n / run.totalMs) * 1000)} offers/s; first offer after ${fmt(run.firstMs)} ms, ${fmt(steady)} offers/s from then), ${run.refused} answered 429, ${run.lost} lost, ${run.duplicated} twice`);
    }
    const limitMs = (n / (0.95 * TENANT_PER_SECOND)) * 1000;
    const totalMs = figure(runs.map((r) => r.totalMs), 'ms');
    const lost = runs.reduce((a, r) => a + r.lost, 0);
    const duplicated = runs.reduce((a, r) => a + r.duplicated, 0);
    const goals = [
      { text: `${fmt(n)} offers within ${fmt(limitMs / 1000)} s (≥ 95 % of ${TENANT_PER_SECOND}/s)`, met: totalMs.median <= limitMs },
      { text: 'none lost, none twice', met: lost === 0 && duplicated === 0 },
    ];
    const result: BudgetResult = {
      n,
      runs: runs.length,
      sendRatePerSecond: sendRate,
      paceMs,
      totalMs,
      offersPerSecond: figure(runs.map((r) => (n / r.totalMs) * 1000), 'offers/s'),
      budgetShare: figure(runs.map((r) => n / r.totalMs / (TENANT_PER_SECOND / 1000)), ''),
      refused: figure(runs.map((r) => r.refused), ''),
      lost,
      duplicated,
      limitMs,
      goals,
    };
    log(`  ${fmtFigure(result.offersPerSecond)} = ${fmtFigure(result.budgetShare, 2)} of the budget; ${lost} lost, ${duplicated} twice`);
    for (const g of goals) log(`  goal ${g.text}: ${g.met ? 'met' : 'NOT met'}`);
    return result;
  } finally {
    conn?.close();
    for (const c of children.reverse()) await c.close().catch(() => undefined);
    const r = new Redis(REDIS_URL);
    await dropRedisPrefix(r, prefix).catch(() => 0);
    r.disconnect();
    await bdb.close();
    await connector.close();
  }
}
