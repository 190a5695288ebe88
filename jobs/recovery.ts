// Redis holds the schedule; PostgreSQL holds the record. If Redis comes back without its data (a
// restart without persistence, a failover to an empty replica, a flush), the jobs still ahead are
// rebuilt from the database: request timers (open ones, and the expiry of held ones), assignment
// timers, unsent offers and offer and escalation cards still to close, series on offer (their offers and release timer) and series cards to close, and the
// periodic upkeep. Every add uses the deterministic job id, so a rebuild over a
// schedule that was never lost changes nothing.
//
// The bound: a reminder or notice whose moment passed while Redis was empty is not sent late (we
// cannot tell whether it already went), and an offer on the wire at the loss may arrive twice.
import { isCluster, type RedisClient } from '../infra/redis.ts';
import type { Database } from '../infra/db.ts';
import type { Logger } from '../infra/log.ts';
import { activeAssignmentsAhead, heldRequestsAhead, offerCardsToClose, openRequestsAhead, seriesToRebuild, unsentOffersOfOpenRequests } from '../infra/schedule-state.ts';
import { seriesOffersToClose } from '../infra/series.ts';
import { dispatchSeries } from './series.ts';
import { getAssignment } from '../infra/assignments.ts';
import { QUEUE, queuePrefix, sendJobId, type Queues, type SendJob } from './queues.ts';
import { releaseTime, scheduleAssignmentTimers, scheduleExpiry, scheduleRequestTimers } from './schedule.ts';
import type { JobSettings } from './settings.ts';
import { noticeCardsToClose } from '../infra/notice-cards.ts';

export interface RecoveryDeps {
  db: Database;
  queues: Queues;
  settings: JobSettings;
  log: Logger;
  now: () => Date;
}

export interface Rebuilt {
  requests: number;
  assignments: number;
  offers: number;
  closes: number;
  series: number;
}

export async function rebuildSchedule(deps: RecoveryDeps): Promise<Rebuilt> {
  const { db, queues, settings } = deps;
  const now = deps.now();
  const requests = await openRequestsAhead(db, now);
  for (const request of requests) await scheduleRequestTimers(queues, request, now, now, settings);
  const held = await heldRequestsAhead(db, now);
  for (const request of held) await scheduleExpiry(queues, request, now);

  const assignmentIds = await activeAssignmentsAhead(db, now, settings.followUpDelayMinutes);
  for (const id of assignmentIds) {
    const a = await getAssignment(db, id);
    if (a) await scheduleAssignmentTimers(queues, a, now, settings);
  }

  const offers = await unsentOffersOfOpenRequests(db);
  const closes = await offerCardsToClose(db);
  const sends: Array<{ job: SendJob; at: Date }> = [
    ...offers.map((o) => ({ job: { kind: 'offer', offerId: o.offerId } as SendJob, at: releaseTime(now, o.urgent, settings) })),
    ...closes.map((offerId) => ({ job: { kind: 'offer.close', offerId } as SendJob, at: now })),
    ...(await noticeCardsToClose(db)).map((cardId) => ({ job: { kind: 'notice.close', cardId } as SendJob, at: now })),
  ];
  // Series on offer: their unsent offers and the release timer, exactly as when they were first offered.
  const series = await seriesToRebuild(db, now);
  for (const seriesId of series.open) sends.push(...(await dispatchSeries({ db, queues, settings, now: () => now }, 'series.offers', seriesId, now, 0)));
  for (const seriesId of series.closing) {
    for (const seriesOfferId of await seriesOffersToClose(db, seriesId)) sends.push({ job: { kind: 'series.close', seriesOfferId }, at: now });
  }
  for (let i = 0; i < sends.length; i += 500) {
    await queues.send.addBulk(
      sends.slice(i, i + 500).map(({ job, at }) => ({ name: job.kind, data: job, opts: { jobId: sendJobId(job), delay: Math.max(0, at.getTime() - now.getTime()) } })),
    );
  }
  return { requests: requests.length + held.length, assignments: assignmentIds.length, offers: offers.length, closes: closes.length, series: series.open.length + series.closing.length };
}

/**
 * Keys that live as long as Redis keeps its data. One missing at start or after a reconnect means the
 * schedule may be gone: rebuild it, then set them. Two workers finding one missing both rebuild,
 * which is harmless (deterministic ids). On a Redis Cluster a master can lose its data alone, so
 * there is one beside each queue, in that queue's slot.
 */
export function scheduleMarkerKeys(prefix: string, connection: RedisClient): string[] {
  if (!isCluster(connection)) return [`${prefix}:dugnad:schedule-intact`];
  return Object.values(QUEUE).map((queue) => `${queuePrefix(prefix, queue, connection)}:dugnad:schedule-intact`);
}

export interface ScheduleGuard {
  /** Resolves when the check that is running (if any) is done; for tests and shutdown. */
  settled(): Promise<void>;
  stop(): void;
}

export function guardSchedule(
  connection: RedisClient,
  prefix: string,
  deps: RecoveryDeps,
  /** Re-creates what lives only in Redis and is not derived from the record (the upkeep schedulers). */
  restoreUpkeep: () => Promise<void>,
  /** Also look this often: a flush without a reconnect leaves the key missing too. */
  intervalMs = 10_000,
): ScheduleGuard {
  const keys = scheduleMarkerKeys(prefix, connection);
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const check = async (): Promise<void> => {
    // One key per call: on a cluster they are in different slots.
    if (stopped || (await Promise.all(keys.map((key) => connection.exists(key)))).every((n) => n === 1)) return;
    await restoreUpkeep();
    const rebuilt = await rebuildSchedule(deps);
    const at = new Date().toISOString();
    for (const key of keys) await connection.set(key, at);
    deps.log.warn({ ...rebuilt }, 'job schedule rebuilt from the database (Redis had no schedule marker)');
  };
  const trigger = () => {
    // The error's name only: a database error's message can quote the values it failed on.
    running = running.then(check).catch((err: Error) => deps.log.error({ err: { name: err.name } }, 'schedule check failed; will look again'));
  };
  connection.on('ready', trigger);
  if (connection.status === 'ready') trigger();
  const timer = setInterval(() => {
    if (connection.status === 'ready') trigger();
  }, intervalMs);
  timer.unref();
  return {
    settled: () => running,
    stop() {
      stopped = true;
      clearInterval(timer);
      connection.off('ready', trigger);
    },
  };
}
