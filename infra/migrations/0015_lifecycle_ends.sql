-- How a task ends when its volunteer never says: after the follow-up window the assignment ends as
-- 'not_reported' (issue 13), so the request no longer counts as going on and retention can erase the
-- person's details. And whether the volunteer was actually asked «Jeg kommer»: staff hear «Ikke
-- bekreftet» only about a volunteer who was.
ALTER TABLE assignments DROP CONSTRAINT IF EXISTS assignments_outcome_check;
ALTER TABLE assignments ADD CONSTRAINT assignments_outcome_check CHECK (outcome IN ('done', 'not_done', 'not_reported'));
ALTER TABLE assignments ADD COLUMN confirm_asked_at timestamptz;
