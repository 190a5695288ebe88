// Two limits on what the send worker has going to the Bot Connector, whether a job carries one offer
// or a slice of them (jobs/offer-slices.ts): how many sends one process has out and not yet recorded,
// and how many per second all workers together make (SEND_RATE_PER_SECOND, the tenant's budget).
import { isCluster, type RedisClient } from '../infra/redis.ts';

/**
 * Sends out and not yet recorded, per process. A worker killed mid-fan-out can have sent a card it had
 * not recorded; that card goes again after the restart. Bounding these bounds the copies a crash can
 * make (worker-crash.test.ts), the same bound the per-offer jobs' concurrency gave.
 */
export class SendPermits {
  private free: number;
  private readonly waiting: Array<{ n: number; go: () => void }> = [];

  constructor(readonly size: number) {
    this.free = size;
  }

  /** Waits until `n` (at most the size) are free, first come first served. */
  async take(n: number): Promise<() => void> {
    const want = Math.min(n, this.size);
    if (this.waiting.length === 0 && this.free >= want) this.free -= want;
    else await new Promise<void>((go) => this.waiting.push({ n: want, go }));
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.free += want;
      this.wake();
    };
  }

  private wake(): void {
    while (this.waiting.length > 0 && this.free >= this.waiting[0]!.n) {
      const next = this.waiting.shift()!;
      this.free -= next.n;
      next.go();
    }
  }
}

/**
 * The tenant's budget (SEND_RATE_PER_SECOND) across every worker: one Redis hash holding when the next
 * free slot is (`tat`, GCRA). `reserve(n)` takes n evenly spaced slots at once and answers how long to
 * wait for the first; the i-th send goes i × interval after it. Even spacing, not a burst per second:
 * the Bot Connector counts requests per tenant over a sliding second. A storm of 429s (`refused`) sets
 * `until`, and no slot is handed out before it.
 *
 * (Tried and measured on the throttled benchmark: asking Redis at each send's moment — a sliding log of
 * the last `rate` sends — made no bursts, but one round trip and one timer per send on a loaded
 * 2-core machine fell behind the rate: 44.8 against 46.2 offers/s for slots reserved ahead.)
 */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tat = tonumber(redis.call('HGET', KEYS[1], 'tat') or '0')
local hold = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if tat < now then tat = now end
if tat < hold then tat = hold end
local last = tat + tonumber(ARGV[1]) * tonumber(ARGV[2])
redis.call('HSET', KEYS[1], 'tat', string.format('%.3f', last))
redis.call('PEXPIRE', KEYS[1], math.ceil(last - now) + 2000)
return math.ceil(tat - now)`;

/**
 * A 429 from the connector. Alone (a request that arrived bunched with others): only the refused
 * message waits, its Retry-After, on its own; the other sends keep their slots. Many in a second (the
 * budget really is spent, or SEND_RATE_PER_SECOND is set above the tenant's): every sender waits the
 * Retry-After, as the queue-wide pause did for each single 429 before.
 */
const REFUSED = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local since = tonumber(redis.call('HGET', KEYS[1], 'since') or '0')
local n = 1
if now - since < 1000 then n = redis.call('HINCRBY', KEYS[1], 'refused', 1)
else redis.call('HSET', KEYS[1], 'since', string.format('%.3f', now), 'refused', 1) end
local wait = tonumber(ARGV[1])
if n >= tonumber(ARGV[2]) then
  local hold = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
  if hold < now + wait then redis.call('HSET', KEYS[1], 'until', string.format('%.3f', now + wait)) end
end
if redis.call('PTTL', KEYS[1]) < wait + 2000 then redis.call('PEXPIRE', KEYS[1], math.ceil(wait) + 2000) end
return n`;

export interface RateGate {
  /** Waits for the first of `n` slots; the i-th send may go `i × interval` ms after it. */
  reserve(n: number): Promise<{ intervalMs: number }>;
  /** The connector answered 429 (see REFUSED); answers how many 429s all workers met in this second. */
  refused(retryAfterMs: number): Promise<number>;
}

/**
 * 429s within one second from which every sender waits the Retry-After: a quarter of the rate (at least
 * 3). A rate set twice the tenant's meets half its sends refused; requests bunched by a busy machine
 * meet a few at once (5 within 80 ms seen in the throttled benchmark, where a whole second's pause
 * costs 48 slots).
 */
export const refusalStorm = (ratePerSecond: number) => Math.max(3, Math.ceil(ratePerSecond / 4));

/** One Redis key per budget (a hash), so each script touches one slot of a Redis Cluster. */
export function rateGate(redis: RedisClient, key: string, ratePerSecond: number): RateGate | null {
  if (ratePerSecond <= 0) return null;
  const intervalMs = 1000 / ratePerSecond;
  return {
    async reserve(n) {
      const waitMs = Number(await redis.eval(RESERVE, 1, key, String(intervalMs), String(n)));
      if (waitMs > 0) await sleep(waitMs);
      return { intervalMs };
    },
    async refused(retryAfterMs) {
      return Number(await redis.eval(REFUSED, 1, key, String(retryAfterMs), String(refusalStorm(ratePerSecond))));
    },
  };
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/**
 * Which job may send an offer: the one that claimed it (its BullMQ id, so the same job run again after
 * a crash takes its own claim back). A slice and a one-offer job for the same offer (a schedule rebuilt
 * while a wave's slices wait, a slice handing an offer on) never send it side by side; the claim lapses
 * after `ttlMs`, by when its holder has recorded the send or failed.
 */
const CLAIM = `
local out = {}
for i, key in ipairs(KEYS) do
  local v = redis.call('GET', key)
  if v == false or v == ARGV[1] then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
    out[i] = 0
  else
    out[i] = redis.call('PTTL', key)
  end
end
return out`;

export const OFFER_CLAIM_MS = 60_000;

/** Per offer: 0 when this job holds its claim now, else how long another job still holds it (ms). */
export async function claimOffers(redis: RedisClient, prefix: string, offerIds: readonly string[], jobId: string): Promise<number[]> {
  if (offerIds.length === 0) return [];
  const key = (id: string) => `${prefix}:claim:offer:${id}`;
  const claim = async (ids: readonly string[]) =>
    ((await redis.eval(CLAIM, ids.length, ...ids.map(key), jobId, String(OFFER_CLAIM_MS))) as Array<number | string>).map((v) => Math.max(0, Number(v)));
  // A cluster spreads the keys over nodes, and one script may touch one node's keys only: there, one
  // run per offer. Elsewhere the whole slice in one run (one round trip, one script call for Redis).
  if (isCluster(redis)) return (await Promise.all(offerIds.map((id) => claim([id])))).flat();
  return claim(offerIds);
}

/** Hands offers' claims to their one-offer jobs (`claimant(id)`), which may then send them at once. */
export async function passClaims(redis: RedisClient, prefix: string, offerIds: readonly string[], claimant: (offerId: string) => string): Promise<void> {
  if (offerIds.length === 0) return;
  const key = (id: string) => `${prefix}:claim:offer:${id}`;
  if (isCluster(redis)) {
    await Promise.all(offerIds.map((id) => redis.set(key(id), claimant(id), 'PX', OFFER_CLAIM_MS)));
    return;
  }
  const pipeline = redis.pipeline();
  for (const id of offerIds) pipeline.set(key(id), claimant(id), 'PX', OFFER_CLAIM_MS);
  await pipeline.exec();
}
