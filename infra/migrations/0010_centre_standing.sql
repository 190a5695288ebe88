-- Approval is per centre (issue 13): a volunteer who joins another centre waits there until that
-- centre's staff approve them; a centre that removes or pauses a volunteer does so for itself, and the
-- volunteer loses sight of that centre's tasks. NULL means the volunteer's own status applies
-- (volunteers.status): rows written before this, or by code that does not say.
ALTER TABLE volunteer_centres ADD COLUMN status text CHECK (status IN ('pending', 'approved', 'paused', 'removed'));
ALTER TABLE volunteer_centres ADD COLUMN approved_at timestamptz;
ALTER TABLE volunteer_centres ADD COLUMN approved_by uuid REFERENCES members(id);
UPDATE volunteer_centres vc SET status = v.status, approved_at = v.approved_at, approved_by = v.approved_by
  FROM volunteers v WHERE v.member_id = vc.member_id;
