-- Reaching people wherever they are (issue 15): SMS as a channel a person can choose, answers by
-- text, one-time links instead of details, fallback to the next channel, and SMS counted per centre.

-- Where offers go first: Teams, web chat or SMS; NULL = where they were last. The rest are fallbacks.
ALTER TABLE members DROP CONSTRAINT IF EXISTS members_preferred_channel_check;
ALTER TABLE members ADD CONSTRAINT members_preferred_channel_check CHECK (preferred_channel IN ('teams', 'webchat', 'sms'));

-- A number that answered STOPP gets nothing from us until it sends START or its owner chooses SMS again.
CREATE TABLE sms_stops (
  msisdn text PRIMARY KEY,
  stopped_at timestamptz NOT NULL
);

-- What a text answer means, per chat account (channel + user id): for SMS, one short code per person
-- and task («JA 4821»), pointing at the buttons of the latest message about that task; in a text-only
-- chat, code '' holds the numbered answers of the latest message. Only button data (ids) is stored.
CREATE TABLE text_answers (
  channel_id text NOT NULL,
  user_id text NOT NULL,
  code text NOT NULL,
  subject text NOT NULL,
  options jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (channel_id, user_id, code)
);
CREATE UNIQUE INDEX text_answers_subject ON text_answers (channel_id, user_id, subject) WHERE code <> '';
CREATE INDEX text_answers_expiry ON text_answers (expires_at);

-- Every SMS sent or received. It costs money, so it is counted per centre (the report). The number
-- is kept only while a reply waits to be sent, and the text likewise; afterwards ids and counts stay.
-- `origin` is the send job that chose SMS (ids only): when the gateway later reports the message
-- undelivered, that job runs again and tries the person's next channel.
CREATE TABLE sms_messages (
  id bigserial PRIMARY KEY,
  direction text NOT NULL CHECK (direction IN ('out', 'in')),
  member_id uuid REFERENCES members(id) ON DELETE SET NULL,
  centre_id text REFERENCES centres(id),
  msisdn text,
  body text,
  origin jsonb,
  provider text NOT NULL,
  provider_id text,
  parts int NOT NULL DEFAULT 1,
  status text NOT NULL CHECK (status IN ('queued', 'sent', 'delivered', 'failed', 'dropped', 'received')),
  error text,
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  status_at timestamptz
);
CREATE UNIQUE INDEX sms_messages_provider_id ON sms_messages (provider, provider_id) WHERE provider_id IS NOT NULL AND direction = 'out';
CREATE INDEX sms_messages_sent ON sms_messages (centre_id, sent_at) WHERE direction = 'out';

-- A channel that could not deliver one message (key: 'offer:<id>', a notice's job id, …): that
-- message moves on to the person's next channel and never comes back to this one.
CREATE TABLE delivery_failures (
  message_key text NOT NULL,
  channel text NOT NULL CHECK (channel IN ('teams', 'webchat', 'sms')),
  member_id uuid REFERENCES members(id) ON DELETE CASCADE,
  failed_at timestamptz NOT NULL,
  PRIMARY KEY (message_key, channel)
);

-- One-time links to a task, sent by SMS in place of the details. Only the token's hash is stored;
-- a link works once (used_at), for a short while (expires_at), for its own volunteer only.
CREATE TABLE task_links (
  token_hash text PRIMARY KEY,
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  assignment_id uuid NOT NULL REFERENCES assignments(id),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  used_at timestamptz,
  -- Shown in the web chat the volunteer opened after using the link.
  opened_at timestamptz
);
CREATE INDEX task_links_member ON task_links (member_id, used_at);

-- A centre may let the assigned volunteer get the name and address by SMS (never phone or notes).
-- Off by default; each change is in the audit log.
ALTER TABLE centres ADD COLUMN sms_details boolean NOT NULL DEFAULT false;
