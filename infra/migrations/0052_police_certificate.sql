-- Issue 18, politiattest: how long a check counts per centre (default 3 years), which interest groups
-- always require one, and which check date's expiry the volunteer and staff were already told about.
ALTER TABLE centres ADD COLUMN police_certificate_validity_months int NOT NULL DEFAULT 36
  CHECK (police_certificate_validity_months BETWEEN 1 AND 120);
ALTER TABLE interest_groups ADD COLUMN requires_police_certificate boolean NOT NULL DEFAULT false;
ALTER TABLE volunteers ADD COLUMN police_renewal_notified_for date;
