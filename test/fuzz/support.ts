// Shared pieces of the hostile-input suites: a reproducible seed, the "nothing leaked" and "nothing
// changed" checks, and generators for the strings people (and attackers) actually send.
import fc from 'fast-check';
import type { Database } from '../../infra/db.ts';

/** Fixed by default so CI is deterministic; FUZZ_SEED=<n> explores elsewhere or replays a failure. */
export const SEED = process.env.FUZZ_SEED === undefined ? 20_260_701 : Number(process.env.FUZZ_SEED);
if (!Number.isSafeInteger(SEED)) throw new Error(`FUZZ_SEED must be an integer, got ${process.env.FUZZ_SEED}`);

/**
 * fc.assert with our seed. fast-check's own report already names seed and path; the extra line says
 * how to replay the whole file, which is what someone reading a CI log wants.
 */
export async function check<T>(name: string, arb: fc.Arbitrary<T>, predicate: (value: T) => Promise<void>, numRuns: number, examples: T[] = []): Promise<void> {
  try {
    // Examples are inputs that once broke something: they run first, whatever the seed.
    await fc.assert(fc.asyncProperty(arb, predicate), { seed: SEED, numRuns, examples: examples.map((e): [T] => [e]) });
  } catch (error) {
    console.error(`fuzz property "${name}" failed with seed ${SEED}; replay with FUZZ_SEED=${SEED}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Leaks

/** What must never appear in a chat message: the brief's markers of an internal error. */
export const INTERNAL_IN_REPLY = /\bat \S+ \(|Error:|TypeError|undefined is not|ECONN/;

/** What must never appear in an HTTP body: stack frames, source paths, error class names, SQL errors. */
const INTERNAL_IN_BODY = [
  /\n\s+at /,
  / {4}at /,
  /\bat \S+ \(/,
  /node_modules|\/work\/|file:\/\//,
  /[\w-]+\.(?:ts|js|mjs|cjs):\d+/,
  /\b(?:Type|Range|Reference|Syntax|Zod|Rest)Error\b/,
  /Error: /,
  /undefined is not|Cannot read propert/,
  /ECONN|ENOTFOUND|EPIPE/,
  /invalid input syntax|violates|relation "|duplicate key|byte sequence/,
];

/**
 * The markers found in `body` that the request did not itself contain: a parser quoting our own
 * garbage back ("Unexpected token 'T', "TypeError…") is not a leak.
 */
export function leaksIn(body: string, sent = ''): string[] {
  const found: string[] = [];
  for (const pattern of INTERNAL_IN_BODY) {
    const match = pattern.exec(body);
    if (match && !sent.includes(match[0])) found.push(match[0]);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Nothing changed

/**
 * The brief's tables must not change; every other table is held to the same rule, so one added
 * later is guarded too. chat_identities is the exception: a first-time user is remembered (with
 * their conversation reference) whatever they say.
 */
export const NAMED_TABLES = ['help_requests', 'offers', 'assignments', 'persons', 'consents', 'volunteers', 'declaration_signatures', 'members', 'audit_log'];
const MAY_CHANGE = new Set(['chat_identities']);

export type Snapshot = Record<string, string>;

const snapshotSql = new WeakMap<Database, string>();

async function snapshotQuery(db: Database): Promise<string> {
  const cached = snapshotSql.get(db);
  if (cached) return cached;
  const tables = (
    await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1`)
  )
    .map((r) => r.name)
    .filter((name) => !MAY_CHANGE.has(name) && /^[a-z_][a-z0-9_]*$/.test(name));
  for (const name of NAMED_TABLES) if (!tables.includes(name)) throw new Error(`snapshot: table ${name} is missing`);
  const sql = tables
    .map((table) => `SELECT '${table}' AS name, count(*)::int AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS digest FROM ${table} t`)
    .join(' UNION ALL ');
  snapshotSql.set(db, sql);
  return sql;
}

/** Row count and a digest of every row per table, so an UPDATE shows as well as an INSERT. */
export async function snapshot(db: Database): Promise<Snapshot> {
  const rows = await db.query<{ name: string; n: number; digest: string }>(await snapshotQuery(db));
  return Object.fromEntries(rows.map((r) => [r.name, `${r.n} rows, ${r.digest}`]));
}

/** Own properties of Object.prototype: a polluting key would show up here. */
export function prototypeKeys(): string[] {
  return Object.getOwnPropertyNames(Object.prototype).sort();
}

// ---------------------------------------------------------------------------------------------
// Generators

const isWellFormed = (s: string) => !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);

/** Any UTF-16 code unit, lone surrogates included: what a buggy or hostile client can put in JSON. */
export const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));

const EMOJI = ['😀', '👩🏽‍🦳', '🇳🇴', '❤️', '🧑‍🤝‍🧑', '\u{1F9D1}\u{200D}\u{1F384}', '1️⃣'];
const RTL = ['مرحبا', 'שלום', '\u202eolleh\u202c', '\u200f', 'ابحث عن مساعدة'];
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u001b[31m', '\u007f', '\u0085', '\u2028', '\u2029', '\ufeff', '\u200b'];
const NORWEGIAN = ['hei', 'Hei!', 'MENY', ' hjelp ', 'mine oppdrag', 'Mine Oppdrag', 'status', 'ny forespørsel', 'bli frivillig', 'æøå ÆØÅ', 'takk'];
/** Keys of Object.prototype and friends: a lookup table keyed by user text must not find them. */
export const PROTOTYPE_WORDS = ['__proto__', 'constructor', 'prototype', 'toString', 'tostring', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
export const INJECTION = [
  "'; DROP TABLE offers;--",
  "' OR '1'='1",
  '1; SELECT pg_sleep(5)',
  '$1',
  '../../',
  '../../../../etc/passwd',
  '..%2F..%2F',
  '%00',
  '{{7*7}}',
  '${7*7}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  'null',
  'undefined',
  'NaN',
  '-1',
  '0',
  '',
  ' ',
];

const piece = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
  fc.string({ unit: anyCodeUnit, maxLength: 10 }),
  fc.constantFrom(...EMOJI, ...RTL, ...CONTROL, ...NORWEGIAN, ...PROTOTYPE_WORDS, ...INJECTION),
);

/**
 * What a person might type, and what a client might send as text: unicode, emoji, RTL overrides,
 * control characters, lone surrogates, command words, and 10 000–20 000 characters (under the body
 * limit even when every unit is escaped to six bytes).
 */
export const chatText: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.array(piece, { maxLength: 6 }).map((parts) => parts.join('')) },
  { weight: 1, arbitrary: fc.constantFrom(...NORWEGIAN, ...PROTOTYPE_WORDS) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join('') || 'x'), fc.integer({ min: 10_000, max: 20_000 }))
      .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length)),
  },
);

/** An object with own "__proto__" / "constructor" keys, as JSON.parse makes them (a literal would set the prototype). */
export const pollutingObject: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(
    '{"__proto__":{"polluted":"yes","action":"volunteer.leave.confirm"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"__proto__":{"__proto__":{"polluted":"yes"}}}',
    '{"prototype":{"polluted":"yes"},"__defineGetter__":"x"}',
  )
  .map((json) => JSON.parse(json) as Record<string, unknown>);

/** Builds an object from entries as JSON.parse would: every key an own data property, "__proto__" included. */
export function ownObject(entries: Array<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    if (v !== undefined) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Strings that PostgreSQL can store and the activity envelope accepts in ids and locales. */
export const storableString = (maxLength: number) => fc.string({ maxLength }).filter((s) => !s.includes('\u0000') && isWellFormed(s));

/** Sets a dotted path, creating objects on the way; undefined deletes the last key. */
export function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node: Record<string, unknown> = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}
