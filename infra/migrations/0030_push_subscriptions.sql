-- Web Push (issue 15): each device a person turned «Varsle meg» on for. The endpoint is the push
-- service's address for that browser; p256dh and auth are the browser's keys the payload is
-- encrypted to. Removed when the person turns notifications off, when the push service says the
-- subscription is gone (404/410), and when the member leaves.
CREATE TABLE push_subscriptions (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  endpoint text NOT NULL UNIQUE,
  p256dh text NOT NULL,
  auth text NOT NULL,
  -- The push service's own end of the subscription, when it gives one.
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_pushed_at timestamptz
);
CREATE INDEX push_subscriptions_member ON push_subscriptions (member_id);

-- An offer announced by push while no chat was open: a take or cancel later replaces that
-- notification («Oppdraget er tatt») instead of leaving a live-looking one on the phone.
ALTER TABLE offers ADD COLUMN pushed_at timestamptz;
