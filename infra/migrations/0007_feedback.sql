-- Issue 5, caregivers: feedback after a visit, staff verification of a caregiver–person link, and
-- volunteers who choose to share their phone with the caregiver.

-- A caregiver's word on a visit they asked for; to staff only, never to the volunteer. One per
-- assignment: a second answer changes nothing. The comment is personal data: retention and erasure
-- clear it (comment_erased_at); the rating stays for the report.
CREATE TABLE visit_feedback (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  assignment_id uuid NOT NULL UNIQUE REFERENCES assignments(id),
  request_id uuid NOT NULL REFERENCES help_requests(id),
  given_by uuid REFERENCES members(id) ON DELETE SET NULL,
  rating text NOT NULL CHECK (rating IN ('good', 'not_good')),
  comment text,
  created_at timestamptz NOT NULL,
  comment_erased_at timestamptz
);
CREATE INDEX visit_feedback_request ON visit_feedback (request_id);
CREATE INDEX visit_feedback_created ON visit_feedback (created_at);

-- The caregiver is asked once per visit, by whichever path comes first (the volunteer reported it done,
-- or a while after the visit with no answer from the volunteer). `via` lets a retried send of the same
-- path through while stopping the other one.
ALTER TABLE assignments ADD COLUMN feedback_asked_at timestamptz;
ALTER TABLE assignments ADD COLUMN feedback_asked_via text;

-- Centre setting: staff confirm a person a caregiver registers before anything about them goes out.
ALTER TABLE centres ADD COLUMN verify_caregiver_links boolean NOT NULL DEFAULT false;

-- NULL: no verification needed (registered by staff, or the setting was off). 'pending' holds every
-- request about the person; 'confirmed' releases them; 'rejected' keeps them from going out.
ALTER TABLE persons ADD COLUMN link_status text CHECK (link_status IN ('pending', 'confirmed', 'rejected'));
ALTER TABLE persons ADD COLUMN link_decided_by uuid REFERENCES members(id) ON DELETE SET NULL;
ALTER TABLE persons ADD COLUMN link_decided_at timestamptz;

-- A volunteer may let the caregiver see their phone number (off unless they switch it on).
ALTER TABLE volunteers ADD COLUMN share_phone boolean NOT NULL DEFAULT false;
