-- A person helped who asks by SMS (issue 19): the few questions of a sign-up or a request by text,
-- kept between messages. One row per number, while a conversation is under way. For a number that
-- has not finished signing up this is everything we hold about it (what they answered so far: name,
-- address, area, what and when) — it goes when they finish (then it is an ordinary person and
-- request), and otherwise when `expires_at` passes (read as gone at once, deleted by the daily upkeep).
CREATE TABLE sms_conversations (
  msisdn text PRIMARY KEY,
  member_id uuid REFERENCES members(id) ON DELETE CASCADE,
  state jsonb NOT NULL,
  updated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX sms_conversations_expiry ON sms_conversations (expires_at);
