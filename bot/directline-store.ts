/**
 * Where the Direct Line endpoint keeps its conversations: Redis, shared by every bot server, so a
 * browser's poll or a worker's proactive send may land on any of them behind a plain load balancer.
 *
 * Keys, under `<QUEUE_PREFIX>:dl:`:
 *   conv:<id>       hash   uid, uname, seq (last activity number given out), last (ms of last use)
 *   conv:<id>:log   zset   activity id → seq; the watermark is the highest seq a client has seen
 *   conv:<id>:act   hash   activity id → activity JSON (stored without its id, which is the field)
 *   user:<uid>      string the user's most recently used conversation (proactive createConversation)
 *   uconv:<uid>     zset   the user's conversation ids → last use: the per-user cap's order
 *   all             zset   conversation id → last use: the global cap's least-recently-used order
 * Every key expires `idleMs` after the conversation's last use, so nothing outlives an idle chat.
 *
 * Each operation is one Lua script, so an append (number, entry, cap, expiry) is atomic across
 * processes and costs one round trip. The scripts derive the conversation's keys from the prefix
 * and id they are given: fine on a single Redis (what Dugnad runs), not on Redis Cluster.
 */
import type { Redis } from 'ioredis';

export type StoredActivity = Record<string, unknown> & { id: string; timestamp: string };

export interface ConversationUser {
  id: string;
  name: string;
}

export interface StoreLimits {
  historyPerConversation: number;
  pageSize: number;
  idleMs: number;
  maxConversations: number;
  maxConversationsPerUser: number;
}

/** Redis could not be reached (or answered an error): the endpoint answers 503. */
export class StoreUnavailableError extends Error {}

// A conversation is live when its hash exists and its last use is within idleMs of the caller's clock
// (the keys' TTL does the same on Redis's clock; the check keeps an injected test clock authoritative).
const LIVE_AND_TOUCH = `
local base, id, now, idle = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local conv = base .. ':conv:' .. id
local function live(expectUid)
  local f = redis.call('HMGET', conv, 'uid', 'uname', 'last', 'seq')
  if not f[1] or tonumber(f[3]) < now - idle then return nil, 'missing' end
  if expectUid ~= '' and f[1] ~= expectUid then return nil, 'forbidden' end
  return f
end
local function touch(uid)
  redis.call('HSET', conv, 'last', now)
  redis.call('PEXPIRE', conv, idle)
  redis.call('PEXPIRE', conv .. ':log', idle)
  redis.call('PEXPIRE', conv .. ':act', idle)
  redis.call('ZADD', base .. ':all', now, id)
  redis.call('PEXPIRE', base .. ':all', idle)
  redis.call('SET', base .. ':user:' .. uid, id, 'PX', idle)
  redis.call('ZADD', base .. ':uconv:' .. uid, now, id)
  redis.call('PEXPIRE', base .. ':uconv:' .. uid, idle)
end
`;

const SCRIPTS = {
  /**
   * ARGV: base, id, now, idle, uid, uname, max, maxPerUser. Drops idle entries; then, while the user
   * holds their cap, that user's least recently used (one user never evicts anyone else's); then,
   * while all together are at the global cap, the least recently used of all.
   */
  dugnadDlCreate: `${LIVE_AND_TOUCH}
local all = base .. ':all'
local mine = base .. ':uconv:' .. ARGV[5]
local function drop(victim)
  local k = base .. ':conv:' .. victim
  local owner = redis.call('HGET', k, 'uid')
  if owner then redis.call('ZREM', base .. ':uconv:' .. owner, victim) end
  redis.call('DEL', k, k .. ':log', k .. ':act')
  redis.call('ZREM', all, victim)
end
for _, victim in ipairs(redis.call('ZRANGEBYSCORE', all, '-inf', '(' .. (now - idle))) do drop(victim) end
redis.call('ZREMRANGEBYSCORE', all, '-inf', '(' .. (now - idle))
redis.call('ZREMRANGEBYSCORE', mine, '-inf', '(' .. (now - idle))
local function makeRoom(set, cap)
  while redis.call('ZCARD', set) >= cap do
    local oldest = redis.call('ZPOPMIN', set)
    if not oldest[1] then break end
    drop(oldest[1])
  end
end
makeRoom(mine, tonumber(ARGV[8]))
makeRoom(all, tonumber(ARGV[7]))
redis.call('HSET', conv, 'uid', ARGV[5], 'uname', ARGV[6], 'seq', 0, 'last', now)
touch(ARGV[5])
return 1`,

  /** ARGV: base, id, now, idle, expectUid ('' = anyone). Returns [uid, uname] or an error word. */
  dugnadDlLoad: `${LIVE_AND_TOUCH}
local f, err = live(ARGV[5])
if not f then return err end
touch(f[1])
return {f[1], f[2]}`,

  /** ARGV: base, id, now, idle, expectUid, watermark, pageSize. Returns [seq, {id, seq, json}...] or an error word. */
  dugnadDlPoll: `${LIVE_AND_TOUCH}
local f, err = live(ARGV[5])
if not f then return err end
touch(f[1])
local page = redis.call('ZRANGEBYSCORE', conv .. ':log', '(' .. ARGV[6], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[7]))
local out = {f[4]}
for i = 1, #page, 2 do
  out[#out + 1] = page[i]
  out[#out + 1] = page[i + 1]
  out[#out + 1] = redis.call('HGET', conv .. ':act', page[i]) or '{}'
end
return out`,

  /** ARGV: base, id, now, idle, json, cap. Returns the new activity's seq, or an error word. */
  dugnadDlAppend: `${LIVE_AND_TOUCH}
local f, err = live('')
if not f then return err end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
local activityId = id .. '|' .. seq
redis.call('ZADD', conv .. ':log', seq, activityId)
redis.call('HSET', conv .. ':act', activityId, ARGV[5])
local excess = redis.call('ZCARD', conv .. ':log') - tonumber(ARGV[6])
if excess > 0 then
  local fallen = redis.call('ZRANGE', conv .. ':log', 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', conv .. ':log', 0, excess - 1)
  redis.call('HDEL', conv .. ':act', unpack(fallen))
end
touch(f[1])
return seq`,

  /** ARGV: base, id, now, idle, activityId. Returns [uid, uname, json] or an error word. */
  dugnadDlGet: `${LIVE_AND_TOUCH}
local f, err = live('')
if not f then return err end
local json = redis.call('HGET', conv .. ':act', ARGV[5])
if not json then return 'noactivity' end
touch(f[1])
return {f[1], f[2], json}`,

  /**
   * ARGV: base, id, now, idle, activityId, json. The activity moves to the end of the log under a new
   * seq, so clients already past its old watermark fetch it again; gone (fallen off) stays gone.
   */
  dugnadDlReplace: `${LIVE_AND_TOUCH}
local f, err = live('')
if not f then return err end
if not redis.call('ZSCORE', conv .. ':log', ARGV[5]) then return 'noactivity' end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
redis.call('ZADD', conv .. ':log', seq, ARGV[5])
redis.call('HSET', conv .. ':act', ARGV[5], ARGV[6])
touch(f[1])
return seq`,
} as const;

type ScriptName = keyof typeof SCRIPTS;
type Reply = string | number | null | Reply[];
type Scripted = Record<ScriptName, (...args: (string | number)[]) => Promise<Reply>>;

/** Why a conversation or activity could not be used; the endpoint turns these into 404/403. */
export type Refusal = 'missing' | 'forbidden' | 'noactivity';

export interface DirectLineStore {
  create(id: string, user: ConversationUser): Promise<void>;
  /** The conversation's user, touching it; `expectUserId` refuses (without touching) another user's. */
  load(id: string, expectUserId?: string): Promise<ConversationUser | Refusal>;
  /** The user's most recently used live conversation. */
  latestOf(userId: string): Promise<string | null>;
  /** Appends; the activity's id is `<conversation id>|<seq>`. */
  append(id: string, activity: Omit<StoredActivity, 'id'>): Promise<StoredActivity | Refusal>;
  get(id: string, activityId: string): Promise<{ user: ConversationUser; activity: StoredActivity } | Refusal>;
  replace(id: string, activity: StoredActivity): Promise<true | Refusal>;
  /** Up to pageSize activities after `watermark`, and the watermark to ask from next. */
  page(id: string, userId: string, watermark: number): Promise<{ activities: StoredActivity[]; watermark: number } | Refusal>;
}

export function redisDirectLineStore(opts: { redis: Redis; keyPrefix: string; limits: StoreLimits; now: () => number }): DirectLineStore {
  const { redis, limits, now } = opts;
  const base = `${opts.keyPrefix}:dl`;
  // defineCommand runs each script by its SHA and reloads it if Redis lost its script cache (restart).
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: 0, lua });
  }
  const scripts = redis as unknown as Scripted;

  async function run(name: ScriptName, id: string, ...rest: (string | number)[]): Promise<Reply> {
    try {
      return await scripts[name](base, id, now(), limits.idleMs, ...rest);
    } catch (error) {
      throw new StoreUnavailableError(`directline store: ${name} failed`, { cause: error });
    }
  }

  const refusal = (reply: Reply): reply is Refusal => reply === 'missing' || reply === 'forbidden' || reply === 'noactivity';
  const parse = (activityId: string, json: string): StoredActivity => ({ ...(JSON.parse(json) as Omit<StoredActivity, 'id'>), id: activityId }) as StoredActivity;

  return {
    async create(id, user) {
      await run('dugnadDlCreate', id, user.id, user.name, limits.maxConversations, limits.maxConversationsPerUser);
    },
    async load(id, expectUserId = '') {
      const reply = await run('dugnadDlLoad', id, expectUserId);
      if (refusal(reply)) return reply;
      const [uid, uname] = reply as string[];
      return { id: uid!, name: uname! };
    },
    async latestOf(userId) {
      try {
        return await redis.get(`${base}:user:${userId}`);
      } catch (error) {
        throw new StoreUnavailableError('directline store: latestOf failed', { cause: error });
      }
    },
    async append(id, activity) {
      const reply = await run('dugnadDlAppend', id, JSON.stringify(activity), limits.historyPerConversation);
      if (refusal(reply)) return reply;
      return { ...activity, id: `${id}|${Number(reply)}` } as StoredActivity;
    },
    async get(id, activityId) {
      const reply = await run('dugnadDlGet', id, activityId);
      if (refusal(reply)) return reply;
      const [uid, uname, json] = reply as string[];
      return { user: { id: uid!, name: uname! }, activity: parse(activityId, json!) };
    },
    async replace(id, activity) {
      const { id: activityId, ...rest } = activity;
      const reply = await run('dugnadDlReplace', id, activityId, JSON.stringify(rest));
      return refusal(reply) ? reply : true;
    },
    async page(id, userId, watermark) {
      const reply = await run('dugnadDlPoll', id, userId, watermark, limits.pageSize);
      if (refusal(reply)) return reply;
      const [seq, ...rest] = reply as string[];
      const activities: StoredActivity[] = [];
      let last = Math.max(watermark, Number(seq));
      for (let i = 0; i < rest.length; i += 3) {
        activities.push(parse(rest[i]!, rest[i + 2]!));
        last = Number(rest[i + 1]);
      }
      return { activities, watermark: activities.length ? last : Math.max(watermark, Number(seq)) };
    },
  };
}
