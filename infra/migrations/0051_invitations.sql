-- Issue 18, invitations: an imported volunteer's single-use link (or code typed to the bot) that
-- connects whoever opens it to that profile. Only a hash of the token is stored; making a new
-- invitation replaces the open one, so at most one works at a time.
CREATE TABLE invitations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  member_id uuid NOT NULL REFERENCES members(id) ON DELETE CASCADE,
  centre_id text NOT NULL REFERENCES centres(id),
  token_hash text NOT NULL UNIQUE,
  created_by uuid REFERENCES members(id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  -- 'link': handed out as a link or QR code; 'sms': sent by text message.
  sent_via text NOT NULL CHECK (sent_via IN ('link', 'sms')),
  accepted_at timestamptz,
  accepted_channel text,
  replaced_at timestamptz
);
CREATE UNIQUE INDEX invitations_one_open ON invitations (member_id) WHERE accepted_at IS NULL AND replaced_at IS NULL;
CREATE INDEX invitations_centre ON invitations (centre_id, created_at);
