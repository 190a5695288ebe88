-- Where each escalation card went (a coordinator's chat, or a centre's staff channel), so that it can be
-- drawn again in place, without its buttons, once the request is taken, cancelled or expired.
CREATE TABLE notice_cards (
  id bigserial PRIMARY KEY,
  request_id uuid NOT NULL REFERENCES help_requests(id) ON DELETE CASCADE,
  message text NOT NULL,
  -- One of the two: the staff member's own chat, or the centre's shared staff channel.
  member_id uuid REFERENCES members(id) ON DELETE CASCADE,
  centre_id text REFERENCES centres(id),
  channel_id text NOT NULL,
  conversation_id text NOT NULL,
  activity_id text NOT NULL,
  sent_at timestamptz NOT NULL,
  closed_at timestamptz,
  CHECK ((member_id IS NULL) <> (centre_id IS NULL))
);
CREATE INDEX notice_cards_open ON notice_cards (request_id) WHERE closed_at IS NULL;
