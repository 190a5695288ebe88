-- Interest groups get a nynorsk name (issue 18: a centre that writes nynorsk names its groups in it).
-- A default group that still has its default bokmål name gets the default nynorsk one; a group the
-- centre renamed or added keeps none until staff give it one, and nynorsk readers see its bokmål name.
ALTER TABLE interest_groups ADD COLUMN name_nn text;

UPDATE interest_groups g SET name_nn = d.name_nn
  FROM (VALUES
    ('folgehjelp', 'Følgehjelp', 'Følgjehjelp'),
    ('handlehjelp', 'Handlehjelp', 'Handlehjelp'),
    ('besoksvenn', 'Besøksvenn', 'Besøksven'),
    ('turvenn', 'Turvenn', 'Turven'),
    ('avlastning', 'Avlastning (pusterom)', 'Avlasting (pusterom)'),
    ('praktisk', 'Praktisk hjelp', 'Praktisk hjelp'),
    ('digital', 'Digital hjelp', 'Digital hjelp'),
    ('aktiviteter', 'Aktiviteter', 'Aktivitetar'),
    ('annet', 'Annet', 'Anna')
  ) AS d(key, name_nb, name_nn)
 WHERE g.key = d.key AND g.name_nb = d.name_nb;
