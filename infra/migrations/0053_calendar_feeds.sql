-- Issue 18, calendar: secret per-person .ics feeds — a volunteer's own tasks, or (staff) the centre's
-- requests. The URL carries the feed id and a secret; only the secret's hash is stored. Resetting
-- revokes the old feed and makes a new one.
CREATE TABLE calendar_feeds (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  kind text NOT NULL CHECK (kind IN ('volunteer', 'centre')),
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  centre_id text REFERENCES centres(id),
  secret_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  last_read_at timestamptz,
  revoked_at timestamptz,
  CHECK ((kind = 'centre') = (centre_id IS NOT NULL))
);
CREATE UNIQUE INDEX calendar_feeds_one_live ON calendar_feeds (member_id, kind, coalesce(centre_id, '')) WHERE revoked_at IS NULL;
