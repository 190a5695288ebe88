-- Recurring requests (issue 5): a series is the rule (weekday, time, every 1 or 2 weeks, until a date
-- or for N visits) and each visit is an ordinary help_requests row with its series and occurrence,
-- so offers, assignments, reminders, cancelling and expiry per visit are the ones that exist.
CREATE TABLE series (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id text NOT NULL REFERENCES centres(id),
  person_id uuid REFERENCES persons(id),
  created_by uuid NOT NULL REFERENCES members(id),
  group_key text NOT NULL,
  district text NOT NULL,
  -- the rule, in Europe/Oslo wall-clock terms: visits keep their local time across DST
  first_date date NOT NULL,
  start_time text NOT NULL,
  interval_weeks int NOT NULL CHECK (interval_weeks IN (1, 2)),
  until_date date,
  visit_count int,
  duration_minutes int NOT NULL CHECK (duration_minutes > 0),
  -- open: offered as a whole to a regular volunteer; taken: one has it; released: visits go out one by one
  status text NOT NULL CHECK (status IN ('open', 'taken', 'released', 'cancelled')),
  regular_volunteer_id uuid REFERENCES members(id),
  taken_at timestamptz,
  released_at timestamptz,
  cancelled_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  CHECK (until_date IS NOT NULL OR visit_count IS NOT NULL)
);
CREATE INDEX series_created_by ON series (created_by);

ALTER TABLE help_requests ADD COLUMN series_id uuid REFERENCES series(id);
ALTER TABLE help_requests ADD COLUMN occurrence int;
-- One row per visit of a series, whatever retries happen.
CREATE UNIQUE INDEX help_requests_series_occurrence ON help_requests (series_id, occurrence) WHERE series_id IS NOT NULL;

-- "Be the regular volunteer for this series": offered like a request, accepted once for all visits.
CREATE TABLE series_offers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  series_id uuid NOT NULL REFERENCES series(id),
  volunteer_id uuid NOT NULL REFERENCES members(id),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'taken', 'withdrawn')),
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  responded_at timestamptz,
  undeliverable boolean NOT NULL DEFAULT false,
  channel_id text,
  conversation_id text,
  activity_id text,
  closed_card_sent_at timestamptz,
  UNIQUE (series_id, volunteer_id)
);
CREATE INDEX series_offers_volunteer ON series_offers (volunteer_id);
