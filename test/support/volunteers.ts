// Many approved, signed volunteers who fit a 'besoksvenn' request in Sentrum any day 08–21, each with a
// conversation reference at the fake connector (user and conversation id `${tag}-${memberId}`).
import type { Queryable } from '../../infra/db.ts';
import { CURRENT_DECLARATION_VERSION } from '../../domain/declaration.ts';

const EVERY_DAY_8_TO_21 = JSON.stringify([1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, fromMinute: 480, toMinute: 1260 })));

export async function insertReachableVolunteers(db: Queryable, n: number, serviceUrl: string, tag: string): Promise<void> {
  await db.query(
    `WITH m AS (
       INSERT INTO members (role, name, phone) SELECT 'volunteer', 'Frivillig ' || g, '9' || lpad(g::text, 7, '0') FROM generate_series(1, $1) g RETURNING id, name)
     , v AS (INSERT INTO volunteers (member_id, status, district, groups, languages, availability, weekly_cap, comfort, approved_at)
       SELECT id, 'approved', 'Sentrum', ARRAY['besoksvenn'], ARRAY['nb'], $4::jsonb, 7, 'any', now() FROM m RETURNING member_id)
     , c AS (INSERT INTO volunteer_centres (member_id, centre_id) SELECT member_id, 'hamar' FROM v RETURNING member_id)
     , s AS (INSERT INTO declaration_signatures (member_id, version, signed_at, channel_id, user_id) SELECT member_id, $2, now(), 'dev', 'x' FROM c RETURNING member_id)
     INSERT INTO chat_identities (channel_id, user_id, member_id, conversation_ref, last_seen_at)
     SELECT 'webchat', $5 || '-' || member_id, member_id,
            jsonb_build_object('serviceUrl', $3::text, 'channelId', 'webchat', 'conversation', jsonb_build_object('id', $5 || '-' || member_id),
                               'bot', jsonb_build_object('id', 'dugnad-bot'), 'user', jsonb_build_object('id', $5 || '-' || member_id)), now()
       FROM s`,
    [n, CURRENT_DECLARATION_VERSION, serviceUrl, EVERY_DAY_8_TO_21, tag],
  );
}
