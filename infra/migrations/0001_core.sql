-- Dugnad core schema. Personal data (names, addresses, phones, notes) lives only in columns that
-- retention and erasure clear; statistics and the audit log keep ids and counts.

CREATE TABLE centres (
  id text PRIMARY KEY,
  name text NOT NULL,
  require_approval boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE interest_groups (
  centre_id text NOT NULL REFERENCES centres(id),
  key text NOT NULL,
  name_nb text NOT NULL,
  name_en text NOT NULL,
  sort_order int NOT NULL DEFAULT 100,
  PRIMARY KEY (centre_id, key)
);

-- Everyone who has a role: volunteers, staff, coordinators, caregivers, admins.
CREATE TABLE members (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  role text NOT NULL CHECK (role IN ('volunteer', 'staff', 'coordinator', 'caregiver', 'admin')),
  centre_id text REFERENCES centres(id),
  name text,
  phone text,
  email text,
  locale text NOT NULL DEFAULT 'nb',
  created_at timestamptz NOT NULL DEFAULT now(),
  left_at timestamptz
);

-- A chat account (Teams aadObjectId, or the channel's user id) and where to reach it proactively.
CREATE TABLE chat_identities (
  channel_id text NOT NULL,
  user_id text NOT NULL,
  member_id uuid REFERENCES members(id) ON DELETE CASCADE,
  tenant_id text,
  conversation_ref jsonb,
  last_seen_at timestamptz,
  unreachable_at timestamptz,
  PRIMARY KEY (channel_id, user_id)
);
CREATE INDEX chat_identities_member ON chat_identities (member_id, last_seen_at DESC);

CREATE TABLE volunteers (
  member_id uuid PRIMARY KEY REFERENCES members(id) ON DELETE CASCADE,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'paused', 'removed')),
  district text NOT NULL,
  postcode text,
  lat double precision,
  lon double precision,
  groups text[] NOT NULL,
  languages text[] NOT NULL,
  availability jsonb NOT NULL,
  weekly_cap int NOT NULL,
  comfort text NOT NULL CHECK (comfort IN ('any', 'first_time_friendly_only', 'staff_along_only')),
  police_certificate_checked_on date,
  paused_until timestamptz,
  approved_at timestamptz,
  approved_by uuid REFERENCES members(id)
);

CREATE TABLE volunteer_centres (
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  centre_id text NOT NULL REFERENCES centres(id),
  PRIMARY KEY (member_id, centre_id)
);

CREATE TABLE declarations (
  version int PRIMARY KEY,
  published_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE declaration_signatures (
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  version int NOT NULL REFERENCES declarations(version),
  signed_at timestamptz NOT NULL,
  channel_id text NOT NULL,
  user_id text NOT NULL,
  PRIMARY KEY (member_id, version)
);

-- The person helped (bruker). Details are erased on withdrawal of consent and by retention.
CREATE TABLE persons (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id text NOT NULL REFERENCES centres(id),
  name text,
  address text,
  phone text,
  district text NOT NULL,
  notes text,
  lat double precision,
  lon double precision,
  created_by uuid REFERENCES members(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  erased_at timestamptz
);

CREATE TABLE consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  person_id uuid NOT NULL REFERENCES persons(id),
  basis text NOT NULL CHECK (basis IN ('self', 'proxy', 'staff_recorded')),
  relation text,
  recorded_by uuid REFERENCES members(id),
  given_at timestamptz NOT NULL,
  valid_until timestamptz NOT NULL,
  withdrawn_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (basis <> 'proxy' OR relation IS NOT NULL)
);
CREATE INDEX consents_person ON consents (person_id);

CREATE TABLE help_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id text NOT NULL REFERENCES centres(id),
  group_key text NOT NULL,
  district text NOT NULL,
  lat double precision,
  lon double precision,
  starts_at timestamptz NOT NULL,
  duration_minutes int NOT NULL CHECK (duration_minutes > 0),
  flexible_until timestamptz,
  summary text NOT NULL,
  -- private: only the assigned volunteer and staff with access see these
  meeting_place text,
  handover_note text,
  contact_name text,
  contact_phone text,
  language text,
  police_certificate boolean NOT NULL DEFAULT false,
  first_time_friendly boolean NOT NULL DEFAULT false,
  staff_along boolean NOT NULL DEFAULT false,
  urgent boolean NOT NULL DEFAULT false,
  person_id uuid REFERENCES persons(id),
  created_by uuid REFERENCES members(id),
  source text NOT NULL DEFAULT 'chat',
  external_ref text,
  status text NOT NULL CHECK (status IN ('waiting_consent', 'open', 'taken', 'cancelled', 'expired', 'done')),
  wave int NOT NULL DEFAULT 0,
  assigned_volunteer_id uuid REFERENCES members(id),
  taken_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by uuid REFERENCES members(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  details_erased_at timestamptz
);
CREATE INDEX help_requests_centre_status ON help_requests (centre_id, status, starts_at);
CREATE INDEX help_requests_person ON help_requests (person_id);
CREATE UNIQUE INDEX help_requests_external ON help_requests (source, external_ref) WHERE external_ref IS NOT NULL;

CREATE TABLE offers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES help_requests(id),
  volunteer_id uuid NOT NULL REFERENCES members(id),
  wave int NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'taken', 'withdrawn')),
  created_at timestamptz NOT NULL DEFAULT now(),
  sent_at timestamptz,
  responded_at timestamptz,
  undeliverable boolean NOT NULL DEFAULT false,
  channel_id text,
  conversation_id text,
  activity_id text,
  closed_card_sent_at timestamptz,
  -- one offer per volunteer per request, whatever retries happen
  UNIQUE (request_id, volunteer_id)
);
CREATE INDEX offers_volunteer ON offers (volunteer_id, created_at);

CREATE TABLE assignments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES help_requests(id),
  volunteer_id uuid NOT NULL REFERENCES members(id),
  assigned_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled', 'done')),
  cancelled_at timestamptz,
  cancel_reason text,
  hours numeric
);
-- First accept wins: the database, not the code, guarantees one active assignment per request.
CREATE UNIQUE INDEX assignments_one_active ON assignments (request_id) WHERE status = 'active';
CREATE INDEX assignments_volunteer ON assignments (volunteer_id, status);

-- Who saw or did what to whose data. Append-only: a trigger refuses updates and deletes.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_id uuid,
  action text NOT NULL,
  request_id uuid,
  person_id uuid,
  fields text[],
  channel_id text
);
CREATE INDEX audit_log_person ON audit_log (person_id, at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Messages a committed change must lead to. Written in the same transaction as the change, then
-- queued; a poller re-queues what a crash left behind. Payloads hold ids only.
CREATE TABLE outbox (
  id bigserial PRIMARY KEY,
  kind text NOT NULL,
  ref_id text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  dispatched_at timestamptz
);
CREATE INDEX outbox_pending ON outbox (id) WHERE dispatched_at IS NULL;
