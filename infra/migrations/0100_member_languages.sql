-- The two language rules of 0085_languages.sql as one SQL function that returns a row, so that
-- PostgreSQL inlines it into the statement that reads it (`LEFT JOIN LATERAL member_languages(m.id)`)
-- and plans it with that statement, once per prepared statement. Called as two PL/pgSQL functions
-- (0098), they ran three small queries of their own for each member read: about two thirds of the
-- PostgreSQL time of each chat turn's account lookup (identities.ts touchAccount; docs/benchmarks.md,
-- issue 16). Not STRICT and not SECURITY DEFINER, either of which would keep it from being inlined.
--
-- locale: what Dugnad writes to a member in when no chat tells it otherwise — their own choice; else
-- English if their client asked for it when they signed up; else their centre's written standard.
-- centre_locale: that written standard (staff: their centre; volunteers: the first of theirs), 'nb'
-- when there is none. No row when there is no such member.
CREATE FUNCTION member_languages(p_member uuid) RETURNS TABLE (locale text, centre_locale text) LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN m.locale_chosen OR m.locale <> 'nb' THEN m.locale ELSE COALESCE(c.default_locale, 'nb') END,
         COALESCE(c.default_locale, 'nb')
    FROM members m
    LEFT JOIN centres c ON c.id = COALESCE(m.centre_id,
      (SELECT vc.centre_id FROM volunteer_centres vc WHERE vc.member_id = m.id ORDER BY vc.centre_id LIMIT 1))
   WHERE m.id = p_member
$$;

-- The old names stay, for a process of the previous version still running during a rolling
-- deploy, and now say the same rule (still PL/pgSQL, which keeps its plan for the connection's life).
CREATE OR REPLACE FUNCTION member_centre_locale(p_member uuid) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN COALESCE((SELECT l.centre_locale FROM member_languages(p_member) l), 'nb');
END
$$;

CREATE OR REPLACE FUNCTION member_locale(p_member uuid) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT l.locale FROM member_languages(p_member) l);
END
$$;
