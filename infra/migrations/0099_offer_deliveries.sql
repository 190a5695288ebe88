-- Where each offer's card went (issue 16): its own narrow table, appended to, instead of five columns
-- of `offers` updated after the send. An UPDATE of an offer row could never be HOT (the row grows and
-- its page is full), so each delivery wrote a whole new row version and an entry in each of the three
-- indexes of `offers`; in a fan-out to 10 000 that was PostgreSQL's largest single cost. Here a
-- delivery is one small row and one index entry (docs/benchmarks.md).
--
-- No foreign key to offers: its check costs about as much again as the insert itself, one trigger per
-- row. The one statement that inserts here (infra/offers.ts) joins the offer and holds its row, and
-- offers are never deleted.
--
-- A row exists once the offer was delivered somewhere (or kept for the volunteer's next web chat
-- visit, conversation_id and activity_id null); sent_at is the first delivery, the rest the latest.
CREATE TABLE offer_deliveries (
  offer_id uuid PRIMARY KEY,
  sent_at timestamptz NOT NULL,
  channel_id text,
  conversation_id text,
  activity_id text,
  pushed_at timestamptz
);

INSERT INTO offer_deliveries (offer_id, sent_at, channel_id, conversation_id, activity_id, pushed_at)
SELECT id, COALESCE(sent_at, pushed_at), channel_id, conversation_id, activity_id, pushed_at
  FROM offers WHERE sent_at IS NOT NULL OR pushed_at IS NOT NULL;

ALTER TABLE offers DROP COLUMN sent_at, DROP COLUMN channel_id, DROP COLUMN conversation_id, DROP COLUMN activity_id, DROP COLUMN pushed_at;

