-- Background jobs: confirmation and follow-up on assignments, escalation and expiry on requests,
-- concerns for staff, consent renewal, declaration re-signing.

ALTER TABLE assignments ADD COLUMN confirmed_at timestamptz;
ALTER TABLE assignments ADD COLUMN outcome text CHECK (outcome IN ('done', 'not_done'));
ALTER TABLE assignments ADD COLUMN outcome_reason text;
ALTER TABLE assignments ADD COLUMN outcome_at timestamptz;

ALTER TABLE help_requests ADD COLUMN escalated_at timestamptz;
ALTER TABLE help_requests ADD COLUMN expired_at timestamptz;

ALTER TABLE consents ADD COLUMN renewal_requested_at timestamptz;
ALTER TABLE consents ADD COLUMN expiry_notified_at timestamptz;

ALTER TABLE declarations ADD COLUMN announced_at timestamptz;

-- A volunteer's worry about a person goes to staff only. The text is personal data: erased by retention.
CREATE TABLE concerns (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assignment_id uuid NOT NULL REFERENCES assignments(id),
  request_id uuid NOT NULL REFERENCES help_requests(id),
  reported_by uuid NOT NULL REFERENCES members(id),
  text text,
  created_at timestamptz NOT NULL,
  erased_at timestamptz
);
