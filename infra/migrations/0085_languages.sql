-- Issue 18, nynorsk: each centre's written standard (the municipality's language decision, bokmål
-- unless staff set nynorsk) and whether a person chose their own language («Språk» in the menu).
ALTER TABLE centres ADD COLUMN default_locale text NOT NULL DEFAULT 'nb' CHECK (default_locale IN ('nb', 'nn'));
ALTER TABLE members ADD COLUMN locale_chosen boolean NOT NULL DEFAULT false;

-- The written standard of a member's centre (staff: their centre; volunteers: the first of theirs).
CREATE FUNCTION member_centre_locale(p_member uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT COALESCE((
    SELECT c.default_locale FROM members m JOIN centres c ON c.id = COALESCE(m.centre_id,
      (SELECT vc.centre_id FROM volunteer_centres vc WHERE vc.member_id = m.id ORDER BY vc.centre_id LIMIT 1))
    WHERE m.id = p_member), 'nb')
$$;

-- The language Dugnad writes to a member in when no chat tells it otherwise (offers, reminders,
-- notices): their own choice; else English if their client asked for it when they signed up; else
-- their centre's written standard.
CREATE FUNCTION member_locale(p_member uuid) RETURNS text LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN m.locale_chosen OR m.locale <> 'nb' THEN m.locale ELSE member_centre_locale(m.id) END
  FROM members m WHERE m.id = p_member
$$;
