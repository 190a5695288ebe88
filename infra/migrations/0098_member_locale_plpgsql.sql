-- The same two rules as 0085_languages.sql, as PL/pgSQL. A SQL function with a sub-select is not
-- inlined, and PostgreSQL plans its body again on every execution of the statement that calls it:
-- about half a millisecond of each chat turn's account lookup (identities.ts touchAccount), more than
-- the rest of the turn's queries together (docs/benchmarks.md, issue 16). PL/pgSQL keeps the plan of
-- its query for the connection's life.
CREATE OR REPLACE FUNCTION member_centre_locale(p_member uuid) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN COALESCE((
    SELECT c.default_locale FROM members m JOIN centres c ON c.id = COALESCE(m.centre_id,
      (SELECT vc.centre_id FROM volunteer_centres vc WHERE vc.member_id = m.id ORDER BY vc.centre_id LIMIT 1))
    WHERE m.id = p_member), 'nb');
END
$$;

CREATE OR REPLACE FUNCTION member_locale(p_member uuid) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT CASE WHEN m.locale_chosen OR m.locale <> 'nb' THEN m.locale ELSE member_centre_locale(m.id) END
            FROM members m WHERE m.id = p_member);
END
$$;
