/**
 * Where the Direct Line endpoint keeps its conversations: Redis, shared by every bot server, so a
 * browser's poll or a worker's proactive send may land on any of them behind a plain load balancer.
 *
 * Keys, under `<QUEUE_PREFIX>:dl:`; the braces are Redis Cluster hash tags:
 *   conv:{<id>}           hash   uid, uname, seq (last activity number given out), last (ms of last use)
 *   conv:{<id>}:log       zset   activity id → seq; the watermark is the highest seq a client has seen
 *   conv:{<id>}:act       hash   activity id → activity JSON (stored without its id, which is the field)
 *   {<prefix>-dl}:all         zset   conversation id → last use: the global cap's least-recently-used order
 *   {<prefix>-dl}:owner       hash   conversation id → its user (the per-user cap's bookkeeping)
 *   {<prefix>-dl}:user:<uid>  string the user's most recently used conversation (proactive createConversation)
 *   {<prefix>-dl}:uconv:<uid> zset   the user's conversation ids → last use: the per-user cap's order
 * Every key expires `idleMs` after the conversation's last use, so nothing outlives an idle chat.
 *
 * A conversation's own keys share its slot, the index keys share one slot of their own: on a Redis
 * Cluster the conversations spread over the nodes, and every script touches one slot. Each operation
 * is one Lua script on the conversation — so an append (number, entry, cap, expiry) is atomic across
 * processes — and then one on the index that records the use (`used`); creating one first makes room
 * in the index (`makeRoom`) and deletes the conversations that dropped out. On a single Redis the tags
 * change nothing; the cost is the second round trip.
 */
import type { RedisClient } from '../infra/redis.ts';

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

// KEYS: the conversation's hash, log and activities. ARGV[1..3]: id, now, idle.
// A conversation is live when its hash exists and its last use is within idleMs of the caller's clock
// (the keys' TTL does the same on Redis's clock; the check keeps an injected test clock authoritative).
const LIVE_AND_TOUCH = `
local conv, log, act = KEYS[1], KEYS[2], KEYS[3]
local id, now, idle = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local function live(expectUid)
  local f = redis.call('HMGET', conv, 'uid', 'uname', 'last', 'seq')
  if not f[1] or tonumber(f[3]) < now - idle then return nil, 'missing' end
  if expectUid ~= '' and f[1] ~= expectUid then return nil, 'forbidden' end
  return f
end
local function touch()
  redis.call('HSET', conv, 'last', now)
  redis.call('PEXPIRE', conv, idle)
  redis.call('PEXPIRE', log, idle)
  redis.call('PEXPIRE', act, idle)
end
`;

// KEYS: the index's all, owner, user:<uid> and uconv:<uid>. ARGV[1..5]: id, now, idle, uid, the index's
// key prefix (for another user's uconv, in the same slot).
const INDEX = `
local all, owners, user, mine = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, now, idle, uid, index = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], ARGV[5]
local function keep()
  for _, k in ipairs({all, owners, user, mine}) do redis.call('PEXPIRE', k, idle) end
end
`;

const SCRIPTS = {
  /**
   * Index. ARGV[6..7]: max, maxPerUser. Drops idle entries; then, while the user holds their cap, that
   * user's least recently used (one user never evicts anyone else's); then, while all together are at
   * the global cap, the least recently used of all; then takes the new conversation in. Returns the
   * ids dropped: their conversation keys are the caller's to delete (another slot each).
   */
  dugnadDlMakeRoom: {
    keys: 4,
    lua: `${INDEX}
local dropped = {}
local function drop(victim)
  local owner = redis.call('HGET', owners, victim)
  if owner then redis.call('ZREM', index .. ':uconv:' .. owner, victim) end
  redis.call('HDEL', owners, victim)
  redis.call('ZREM', all, victim)
  dropped[#dropped + 1] = victim
end
for _, victim in ipairs(redis.call('ZRANGEBYSCORE', all, '-inf', '(' .. (now - idle))) do drop(victim) end
redis.call('ZREMRANGEBYSCORE', mine, '-inf', '(' .. (now - idle))
local function makeRoom(set, cap)
  while redis.call('ZCARD', set) >= cap do
    local oldest = redis.call('ZPOPMIN', set)
    if not oldest[1] then break end
    drop(oldest[1])
  end
end
makeRoom(mine, tonumber(ARGV[7]))
makeRoom(all, tonumber(ARGV[6]))
redis.call('HSET', owners, id, uid)
redis.call('ZADD', all, now, id)
redis.call('ZADD', mine, now, id)
redis.call('SET', user, id, 'PX', idle)
keep()
return dropped`,
  },

  /** Index: a conversation was used, unless it was dropped meanwhile. */
  dugnadDlUsed: {
    keys: 4,
    lua: `${INDEX}
if redis.call('HEXISTS', owners, id) == 0 then return 0 end
redis.call('ZADD', all, now, id)
redis.call('ZADD', mine, now, id)
redis.call('SET', user, id, 'PX', idle)
keep()
return 1`,
  },

  /** ARGV[4..5]: uid, uname. */
  dugnadDlCreate: {
    keys: 3,
    lua: `${LIVE_AND_TOUCH}
redis.call('HSET', conv, 'uid', ARGV[4], 'uname', ARGV[5], 'seq', 0, 'last', now)
touch()
return 1`,
  },

  /** ARGV[4]: expectUid ('' = anyone). Returns [uid, uname] or an error word. */
  dugnadDlLoad: {
    keys: 3,
    lua: `${LIVE_AND_TOUCH}
local f, err = live(ARGV[4])
if not f then return err end
touch()
return {f[1], f[2]}`,
  },

  /** ARGV[4..6]: expectUid, watermark, pageSize. Returns [seq, {id, seq, json}...] or an error word. */
  dugnadDlPoll: {
    keys: 3,
    lua: `${LIVE_AND_TOUCH}
local f, err = live(ARGV[4])
if not f then return err end
touch()
local page = redis.call('ZRANGEBYSCORE', log, '(' .. ARGV[5], '+inf', 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[6]))
local out = {f[4]}
for i = 1, #page, 2 do
  out[#out + 1] = page[i]
  out[#out + 1] = page[i + 1]
  out[#out + 1] = redis.call('HGET', act, page[i]) or '{}'
end
return out`,
  },

  /** ARGV[4..5]: json, cap. Returns [the new activity's seq, uid], or an error word. */
  dugnadDlAppend: {
    keys: 3,
    lua: `${LIVE_AND_TOUCH}
local f, err = live('')
if not f then return err end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
local activityId = id .. '|' .. seq
redis.call('ZADD', log, seq, activityId)
redis.call('HSET', act, activityId, ARGV[4])
local excess = redis.call('ZCARD', log) - tonumber(ARGV[5])
if excess > 0 then
  local fallen = redis.call('ZRANGE', log, 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', log, 0, excess - 1)
  redis.call('HDEL', act, unpack(fallen))
end
touch()
return {seq, f[1]}`,
  },

  /** ARGV[4]: activityId. Returns [uid, uname, json] or an error word. */
  dugnadDlGet: {
    keys: 3,
    lua: `${LIVE_AND_TOUCH}
local f, err = live('')
if not f then return err end
local json = redis.call('HGET', act, ARGV[4])
if not json then return 'noactivity' end
touch()
return {f[1], f[2], json}`,
  },

  /**
   * ARGV[4..5]: activityId, json. The activity moves to the end of the log under a new seq, so clients
   * already past its old watermark fetch it again; gone (fallen off) stays gone. Returns [seq, uid].
   */
  dugnadDlReplace: {
    keys: 3,
    lua: `${LIVE_AND_TOUCH}
local f, err = live('')
if not f then return err end
if not redis.call('ZSCORE', log, ARGV[4]) then return 'noactivity' end
local seq = redis.call('HINCRBY', conv, 'seq', 1)
redis.call('ZADD', log, seq, ARGV[4])
redis.call('HSET', act, ARGV[4], ARGV[5])
touch()
return {seq, f[1]}`,
  },
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

export function redisDirectLineStore(opts: { redis: RedisClient; keyPrefix: string; limits: StoreLimits; now: () => number }): DirectLineStore {
  const { redis, limits, now } = opts;
  const base = `${opts.keyPrefix}:dl`;
  const index = `${base}:{${opts.keyPrefix}-dl}`;
  const conversationKeys = (id: string) => {
    const conv = `${base}:conv:{${id}}`;
    return [conv, `${conv}:log`, `${conv}:act`];
  };
  const indexKeys = (uid: string) => [`${index}:all`, `${index}:owner`, `${index}:user:${uid}`, `${index}:uconv:${uid}`];
  // defineCommand runs each script by its SHA and reloads it if Redis lost its script cache (restart);
  // a cluster client sends it to the node of its first key.
  for (const [name, script] of Object.entries(SCRIPTS)) {
    if (!(name in redis)) redis.defineCommand(name, { numberOfKeys: script.keys, lua: script.lua });
  }
  const scripts = redis as unknown as Scripted;

  async function call<T>(name: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      throw new StoreUnavailableError(`directline store: ${name} failed`, { cause: error });
    }
  }

  /** A script on one conversation's keys. */
  const onConversation = (name: ScriptName, id: string, ...rest: (string | number)[]) =>
    call(name, () => scripts[name](...conversationKeys(id), id, now(), limits.idleMs, ...rest));

  /** A script on the index, for the user `uid`. */
  const onIndex = (name: ScriptName, id: string, uid: string, ...rest: (string | number)[]) =>
    call(name, () => scripts[name](...indexKeys(uid), id, now(), limits.idleMs, uid, index, ...rest));

  const used = (id: string, uid: string) => onIndex('dugnadDlUsed', id, uid);

  const refusal = (reply: Reply): reply is Refusal => reply === 'missing' || reply === 'forbidden' || reply === 'noactivity';
  const parse = (activityId: string, json: string): StoredActivity => ({ ...(JSON.parse(json) as Omit<StoredActivity, 'id'>), id: activityId }) as StoredActivity;

  return {
    async create(id, user) {
      const dropped = (await onIndex('dugnadDlMakeRoom', id, user.id, limits.maxConversations, limits.maxConversationsPerUser)) as string[];
      // Each dropped conversation's keys are in a slot of their own: one DEL each.
      await call('drop', () => Promise.all(dropped.map((victim) => redis.del(...conversationKeys(victim)))));
      await onConversation('dugnadDlCreate', id, user.id, user.name);
    },
    async load(id, expectUserId = '') {
      const reply = await onConversation('dugnadDlLoad', id, expectUserId);
      if (refusal(reply)) return reply;
      const [uid, uname] = reply as string[];
      await used(id, uid!);
      return { id: uid!, name: uname! };
    },
    async latestOf(userId) {
      return call('latestOf', () => redis.get(indexKeys(userId)[2]!));
    },
    async append(id, activity) {
      const reply = await onConversation('dugnadDlAppend', id, JSON.stringify(activity), limits.historyPerConversation);
      if (refusal(reply)) return reply;
      const [seq, uid] = reply as [number, string];
      await used(id, uid);
      return { ...activity, id: `${id}|${Number(seq)}` } as StoredActivity;
    },
    async get(id, activityId) {
      const reply = await onConversation('dugnadDlGet', id, activityId);
      if (refusal(reply)) return reply;
      const [uid, uname, json] = reply as string[];
      await used(id, uid!);
      return { user: { id: uid!, name: uname! }, activity: parse(activityId, json!) };
    },
    async replace(id, activity) {
      const { id: activityId, ...rest } = activity;
      const reply = await onConversation('dugnadDlReplace', id, activityId, JSON.stringify(rest));
      if (refusal(reply)) return reply;
      await used(id, (reply as [number, string])[1]);
      return true;
    },
    async page(id, userId, watermark) {
      const reply = await onConversation('dugnadDlPoll', id, userId, watermark, limits.pageSize);
      if (refusal(reply)) return reply;
      await used(id, userId);
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
