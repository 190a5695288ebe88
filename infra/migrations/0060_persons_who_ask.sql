-- People helped who ask for themselves (issue 19). A person who signs up in chat is a member with role
-- 'person', tied to their own row in `persons` (the same person record staff and caregivers register:
-- innsyn, erasure, retention and reports count them like any other). Their consent is the ordinary
-- consent record, basis 'self', recorded by themselves.
ALTER TABLE members DROP CONSTRAINT IF EXISTS members_role_check;
ALTER TABLE members ADD CONSTRAINT members_role_check CHECK (role IN ('volunteer', 'staff', 'coordinator', 'caregiver', 'admin', 'person'));

-- Only for role 'person': the person they are. One account per person.
ALTER TABLE members ADD COLUMN person_id uuid REFERENCES persons(id);
CREATE UNIQUE INDEX members_person ON members (person_id) WHERE person_id IS NOT NULL;

-- Centre setting (off by default, like verify_caregiver_links): a person who signs up themselves waits
-- for staff to confirm them (a phone call) before their first request goes out. The wait is the
-- person's link_status, as for a caregiver's link: 'pending' holds their requests, 'confirmed'
-- releases them.
ALTER TABLE centres ADD COLUMN verify_self_registrations boolean NOT NULL DEFAULT false;
