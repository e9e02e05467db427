-- narrascope store schema 3: precomputed counts behind the charts, kept exact by triggers.
-- Every put / re-put / delete changes `articles` and `annotations` rows; the triggers below add
-- or subtract 1 in the same transaction, so the rollups always equal a GROUP BY of the raw rows.
-- Missing values are stored as '' (NOT NULL keys make the upserts simple): day '' = undated
-- (no parseable published date), source '' = no outlet (an empty outlet name counts as none),
-- language '' = unknown.  Rows whose count drops to 0 are deleted.
--
-- rollup_articles:  articles per (publication day, outlet)
-- rollup_languages: articles per language
-- rollup_labels:   articles per (narrative | technique, label, day)  (annotations with sub_label NULL)
-- rollup_roles:    entity-role rows per (entity, outlet, main role)  (annotations of kind 'role')

CREATE TABLE rollup_articles (
    day    TEXT    NOT NULL,
    source TEXT    NOT NULL,
    n      INTEGER NOT NULL,
    PRIMARY KEY (day, source)
) WITHOUT ROWID;

CREATE TABLE rollup_languages (
    language TEXT    NOT NULL PRIMARY KEY,
    n        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE rollup_labels (
    kind  TEXT    NOT NULL,
    label TEXT    NOT NULL,
    day   TEXT    NOT NULL,
    n     INTEGER NOT NULL,
    PRIMARY KEY (kind, label, day)
) WITHOUT ROWID;

CREATE TABLE rollup_roles (
    entity    TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    main_role TEXT    NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (entity, source, main_role)
) WITHOUT ROWID;

CREATE INDEX rollup_roles_role ON rollup_roles (main_role, source, entity);
-- label series of one outlet (not in the rollups): read from annotations through this index
CREATE INDEX annotations_source_time ON annotations (kind, source, sub_label, published_day, label);

-- Backfill from the rows already stored.
INSERT INTO rollup_articles (day, source, n)
SELECT coalesce(substr(published_key, 1, 10), ''), coalesce(source, ''), count(*) FROM articles GROUP BY 1, 2;

INSERT INTO rollup_languages (language, n) SELECT coalesce(language, ''), count(*) FROM articles GROUP BY 1;

INSERT INTO rollup_labels (kind, label, day, n)
SELECT kind, label, coalesce(published_day, ''), count(*)
FROM annotations WHERE kind IN ('narrative', 'technique') AND sub_label IS NULL GROUP BY 1, 2, 3;

INSERT INTO rollup_roles (entity, source, main_role, n)
SELECT entity, coalesce(source, ''), main_role, count(*)
FROM annotations WHERE kind = 'role' AND entity IS NOT NULL AND main_role IS NOT NULL GROUP BY 1, 2, 3;

-- articles
CREATE TRIGGER rollup_articles_insert AFTER INSERT ON articles BEGIN
    INSERT INTO rollup_articles (day, source, n)
    VALUES (coalesce(substr(new.published_key, 1, 10), ''), coalesce(new.source, ''), 1)
    ON CONFLICT (day, source) DO UPDATE SET n = n + 1;
    INSERT INTO rollup_languages (language, n) VALUES (coalesce(new.language, ''), 1)
    ON CONFLICT (language) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER rollup_articles_delete AFTER DELETE ON articles BEGIN
    UPDATE rollup_articles SET n = n - 1
    WHERE day = coalesce(substr(old.published_key, 1, 10), '') AND source = coalesce(old.source, '');
    DELETE FROM rollup_articles
    WHERE day = coalesce(substr(old.published_key, 1, 10), '') AND source = coalesce(old.source, '') AND n <= 0;
    UPDATE rollup_languages SET n = n - 1 WHERE language = coalesce(old.language, '');
    DELETE FROM rollup_languages WHERE language = coalesce(old.language, '') AND n <= 0;
END;

CREATE TRIGGER rollup_articles_update AFTER UPDATE OF published_key, source ON articles
WHEN coalesce(substr(old.published_key, 1, 10), '') != coalesce(substr(new.published_key, 1, 10), '')
  OR coalesce(old.source, '') != coalesce(new.source, '')
BEGIN
    UPDATE rollup_articles SET n = n - 1
    WHERE day = coalesce(substr(old.published_key, 1, 10), '') AND source = coalesce(old.source, '');
    DELETE FROM rollup_articles
    WHERE day = coalesce(substr(old.published_key, 1, 10), '') AND source = coalesce(old.source, '') AND n <= 0;
    INSERT INTO rollup_articles (day, source, n)
    VALUES (coalesce(substr(new.published_key, 1, 10), ''), coalesce(new.source, ''), 1)
    ON CONFLICT (day, source) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER rollup_languages_update AFTER UPDATE OF language ON articles
WHEN coalesce(old.language, '') != coalesce(new.language, '')
BEGIN
    UPDATE rollup_languages SET n = n - 1 WHERE language = coalesce(old.language, '');
    DELETE FROM rollup_languages WHERE language = coalesce(old.language, '') AND n <= 0;
    INSERT INTO rollup_languages (language, n) VALUES (coalesce(new.language, ''), 1)
    ON CONFLICT (language) DO UPDATE SET n = n + 1;
END;

-- annotations (rewritten as a whole per article: only inserts and deletes)
CREATE TRIGGER rollup_labels_insert AFTER INSERT ON annotations
WHEN new.kind IN ('narrative', 'technique') AND new.sub_label IS NULL BEGIN
    INSERT INTO rollup_labels (kind, label, day, n) VALUES (new.kind, new.label, coalesce(new.published_day, ''), 1)
    ON CONFLICT (kind, label, day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER rollup_labels_delete AFTER DELETE ON annotations
WHEN old.kind IN ('narrative', 'technique') AND old.sub_label IS NULL BEGIN
    UPDATE rollup_labels SET n = n - 1
    WHERE kind = old.kind AND label = old.label AND day = coalesce(old.published_day, '');
    DELETE FROM rollup_labels
    WHERE kind = old.kind AND label = old.label AND day = coalesce(old.published_day, '') AND n <= 0;
END;

CREATE TRIGGER rollup_roles_insert AFTER INSERT ON annotations
WHEN new.kind = 'role' AND new.entity IS NOT NULL AND new.main_role IS NOT NULL BEGIN
    INSERT INTO rollup_roles (entity, source, main_role, n) VALUES (new.entity, coalesce(new.source, ''), new.main_role, 1)
    ON CONFLICT (entity, source, main_role) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER rollup_roles_delete AFTER DELETE ON annotations
WHEN old.kind = 'role' AND old.entity IS NOT NULL AND old.main_role IS NOT NULL BEGIN
    UPDATE rollup_roles SET n = n - 1
    WHERE entity = old.entity AND source = coalesce(old.source, '') AND main_role = old.main_role;
    DELETE FROM rollup_roles
    WHERE entity = old.entity AND source = coalesce(old.source, '') AND main_role = old.main_role AND n <= 0;
END;
