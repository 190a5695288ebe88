// Benchmark data: a fresh PostgreSQL database per benchmark (dropped afterwards), migrated with the
// product's migrations, and seeded directly with SQL in bulk — centres, staff, a person with valid
// consent, and N volunteers who are eligible for a 'besoksvenn' request in 'Sentrum'.
import { randomBytes } from 'node:crypto';
import { addDays } from 'date-fns';
import pg from 'pg';
import { openPostgres, type Database } from '../infra/db.ts';
import { migrate } from '../infra/migrate.ts';
import { ensureCentre, ensureDeclaration } from '../infra/centres.ts';
import { CURRENT_DECLARATION_VERSION } from '../domain/declaration.ts';
import { osloDate } from '../domain/time-zone.ts';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const CHANNEL = 'webchat';

export interface BenchDatabase {
  name: string;
  url: string;
  db: Database;
  close(): Promise<void>;
}

export async function createBenchDatabase(tag: string): Promise<BenchDatabase> {
  const name = `dugnad_bench_${tag}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  const url = u.toString();
  const db = openPostgres(url, 4);
  await migrate(db);
  await ensureDeclaration(db);
  return {
    name,
    url,
    db,
    async close() {
      await db.close();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** The minimum of a Bot Framework conversation reference, pointing at the bench connector. */
export function conversationRef(userId: string, serviceUrl: string) {
  return {
    serviceUrl,
    channelId: CHANNEL,
    conversation: { id: `conv-${userId}` },
    bot: { id: 'dugnad-bot', name: 'Dugnad' },
    user: { id: userId, name: userId },
    locale: 'nb-NO',
  };
}

const EVERY_DAY_08_21 = JSON.stringify(([1, 2, 3, 4, 5, 6, 7] as const).map((weekday) => ({ weekday, fromMinute: 8 * 60, toMinute: 21 * 60 })));

export interface BenchCentre {
  centreId: string;
  staffUserId: string;
  staffId: string;
  personId: string;
}

/** A centre with one coordinator (reachable at the connector) and one person with consent. */
export async function seedCentre(db: Database, centreId: string, serviceUrl: string): Promise<BenchCentre> {
  await ensureCentre(db, { id: centreId, name: `Bench ${centreId}`, requireApproval: true });
  const staffUserId = `staff-${centreId}`;
  const m = await db.query<{ id: string }>(`INSERT INTO members (role, centre_id, name, phone) VALUES ('coordinator', $1, 'Kari Benk', '47900100') RETURNING id`, [centreId]);
  const staffId = m[0]!.id;
  await db.query(`INSERT INTO chat_identities (channel_id, user_id, member_id, conversation_ref, last_seen_at) VALUES ($1, $2, $3, $4, now())`, [
    CHANNEL,
    staffUserId,
    staffId,
    JSON.stringify(conversationRef(staffUserId, serviceUrl)),
  ]);
  const p = await db.query<{ id: string }>(
    `INSERT INTO persons (centre_id, name, address, phone, district, notes, created_by) VALUES ($1, 'Gerd Solberg', 'Storgata 12, 2317 Hamar', '62510001', 'Sentrum', 'Liker kaffe.', $2) RETURNING id`,
    [centreId, staffId],
  );
  const personId = p[0]!.id;
  await db.query(`INSERT INTO consents (person_id, basis, recorded_by, given_at, valid_until) VALUES ($1, 'self', $2, now(), now() + interval '12 months')`, [personId, staffId]);
  return { centreId, staffUserId, staffId, personId };
}

/**
 * n volunteers of the centre, user ids `${userPrefix}${i}`: approved, current declaration signed,
 * district Sentrum, group besoksvenn, free every day 08–21, reachable at the connector. One statement.
 */
export async function seedVolunteers(db: Database, o: { centreId: string; userPrefix: string; n: number; serviceUrl: string }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH src AS (SELECT g, gen_random_uuid() AS id, $2 || g AS user_id FROM generate_series(1, $1::int) g),
          m AS (INSERT INTO members (id, role, name, phone) SELECT id, 'volunteer', 'Frivillig ' || g, '9' || lpad(g::text, 7, '0') FROM src RETURNING id),
          v AS (INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort, approved_at)
                SELECT id, 'approved', 'Sentrum', ARRAY['besoksvenn'], ARRAY['nb'], $4::jsonb, 7, 'any', now() FROM src),
          vc AS (INSERT INTO volunteer_centres (member_id, centre_id) SELECT id, $3 FROM src),
          ds AS (INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) SELECT id, $5, now(), '${CHANNEL}', user_id FROM src),
          ci AS (INSERT INTO chat_identities (channel_id, user_id, member_id, conversation_ref, last_seen_at)
                 SELECT '${CHANNEL}', user_id, id,
                        jsonb_build_object('serviceUrl', $6::text, 'channelId', '${CHANNEL}', 'conversation', jsonb_build_object('id', 'conv-' || user_id),
                                           'bot', jsonb_build_object('id', 'dugnad-bot', 'name', 'Dugnad'), 'user', jsonb_build_object('id', user_id, 'name', user_id), 'locale', 'nb-NO'),
                        now()
                   FROM src)
     SELECT count(*)::int AS n FROM m`,
    [o.n, o.userPrefix, o.centreId, EVERY_DAY_08_21, CURRENT_DECLARATION_VERSION, o.serviceUrl],
  );
  await db.query('ANALYZE');
  return rows[0]!.n;
}

/** Gives each volunteer `tasks` upcoming assigned tasks (taken requests with an active assignment). */
export async function seedTasks(db: Database, o: { centre: BenchCentre; userPrefix: string; tasks: number }): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `WITH v AS (SELECT member_id FROM chat_identities WHERE channel_id = '${CHANNEL}' AND starts_with(user_id, $1)),
          r AS (INSERT INTO help_requests (centre_id, group_key, district, starts_at, duration_minutes, summary, meeting_place, handover_note,
                  contact_name, contact_phone, person_id, created_by, status, wave, assigned_volunteer_id, taken_at)
                SELECT $2, 'besoksvenn', 'Sentrum', date_trunc('day', now()) + (k || ' days')::interval + interval '12 hours', 90, 'Besøk og en kopp kaffe',
                       'Hjemme hos bruker', 'Nøkkelen ligger under den blå potten', 'Kari Benk', '47900100', $3, $4, 'taken', 1, v.member_id, now()
                  FROM v, generate_series(1, $5::int) k
                RETURNING id, assigned_volunteer_id)
     , a AS (INSERT INTO assignments (request_id, volunteer_id, assigned_at) SELECT id, assigned_volunteer_id, now() FROM r RETURNING id)
     SELECT count(*)::int AS n FROM a`,
    [o.userPrefix, o.centre.centreId, o.centre.personId, o.centre.staffId, o.tasks],
  );
  return rows[0]!.n;
}

let seq = 0;
/** A message activity as a Web Chat channel posts it. */
export function activity(o: { userId: string; serviceUrl: string; text?: string; value?: Record<string, unknown>; replyToId?: string | null }): Record<string, unknown> {
  return {
    type: 'message',
    id: `bench-${++seq}`,
    timestamp: new Date().toISOString(),
    channelId: CHANNEL,
    serviceUrl: o.serviceUrl,
    from: { id: o.userId, name: o.userId, role: 'user' },
    recipient: { id: 'dugnad-bot', name: 'Dugnad' },
    conversation: { id: `conv-${o.userId}` },
    locale: 'nb-NO',
    ...(o.text !== undefined ? { text: o.text } : {}),
    ...(o.value ? { value: o.value } : {}),
    ...(o.replyToId ? { replyToId: o.replyToId } : {}),
  };
}

/** The staff's filled-in «Ny forespørsel» form: a visit tomorrow 14:00 in Sentrum. */
export function requestForm(personId: string): Record<string, unknown> {
  return {
    action: 'staff.request.submit',
    personId,
    group: 'besoksvenn',
    date: osloDate(addDays(new Date(), 1)),
    time: '14:00',
    durationMinutes: '90',
    district: 'Sentrum',
    meetingPlace: 'Hjemme hos bruker',
    summary: 'Besøk og en kopp kaffe',
    handoverNote: 'Nøkkelen ligger under den blå potten',
    contactName: 'Kari Benk',
    contactPhone: '47900100',
    language: '',
    policeCertificate: 'false',
    firstTimeFriendly: 'false',
    staffAlong: 'false',
    urgent: 'false',
  };
}

/** Deletes every Redis key under prefix (SCAN + UNLINK, bounded by the key count). */
export async function dropRedisPrefix(redis: import('ioredis').Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let removed = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
    cursor = next;
    if (keys.length) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}
