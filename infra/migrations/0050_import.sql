-- Issue 18, import: a centre moves in from its spreadsheet (volunteers, people helped).
-- One row per import that stored something: who ran it, from where, which file (its hash), what came of it.
CREATE TABLE imports (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  centre_id text NOT NULL REFERENCES centres(id),
  kind text NOT NULL CHECK (kind IN ('volunteers', 'persons')),
  imported_by uuid REFERENCES members(id) ON DELETE SET NULL,
  via text NOT NULL CHECK (via IN ('tab', 'cli')),
  -- From the command line there is no member: the operating-system user who ran it.
  actor_label text,
  file_sha256 text NOT NULL,
  rows_total int NOT NULL,
  created int NOT NULL,
  updated int NOT NULL,
  unchanged int NOT NULL,
  skipped int NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX imports_centre ON imports (centre_id, at);

-- What the last import said about a record, as one hash per field (never the values): a row that is
-- the same as last time changes nothing, even after the volunteer changed their profile in chat, and
-- a changed field updates that field only. Goes with the volunteer (CASCADE) when they leave.
CREATE TABLE volunteer_imports (
  member_id uuid NOT NULL REFERENCES volunteers(member_id) ON DELETE CASCADE,
  centre_id text NOT NULL REFERENCES centres(id),
  first_import_id uuid NOT NULL REFERENCES imports(id),
  last_import_id uuid NOT NULL REFERENCES imports(id),
  field_hashes jsonb NOT NULL,
  PRIMARY KEY (member_id, centre_id)
);
CREATE INDEX volunteer_imports_centre ON volunteer_imports (centre_id);

ALTER TABLE persons ADD COLUMN import_id uuid REFERENCES imports(id);
ALTER TABLE persons ADD COLUMN import_field_hashes jsonb;

-- Erasing a person (retention, withdrawn consent, staff erasure) also drops what an import left about
-- them, whichever code path erases: one rule, here.
CREATE FUNCTION persons_erase_import_trace() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.erased_at IS NOT NULL THEN
    NEW.import_field_hashes := NULL;
  END IF;
  RETURN NEW;
END;
$$;
CREATE TRIGGER persons_erase_import_trace BEFORE UPDATE ON persons
  FOR EACH ROW EXECUTE FUNCTION persons_erase_import_trace();

-- The audit log names the volunteer an entry is about (imports, invitations) and the import it came from.
ALTER TABLE audit_log ADD COLUMN member_id uuid;
ALTER TABLE audit_log ADD COLUMN import_id uuid;
