-- A centre's Teams staff channel: escalations and the morning overview go there, and staff post
-- requests from it. One channel per centre; the reference comes from an authenticated turn in it.
CREATE TABLE staff_channels (
  centre_id text PRIMARY KEY REFERENCES centres(id),
  conversation_id text NOT NULL UNIQUE,
  tenant_id text,
  team_id text,
  conversation_ref jsonb NOT NULL,
  linked_by uuid REFERENCES members(id) ON DELETE SET NULL,
  linked_at timestamptz NOT NULL,
  -- Set when Teams says the bot can no longer post there (removed from the team, channel deleted).
  unreachable_at timestamptz
);

-- Where a person reachable in both Teams and web chat wants offers; NULL = where they were last.
ALTER TABLE members ADD COLUMN preferred_channel text CHECK (preferred_channel IN ('teams', 'webchat'));
