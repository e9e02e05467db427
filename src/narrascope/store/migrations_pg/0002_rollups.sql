-- narrascope PostgreSQL store schema 2: precomputed counts behind the charts (the twin of the
-- SQLite migration 0003_rollups; same tables, same '' for missing values, same meaning).
-- Row triggers add or subtract 1 in the transaction that changes `articles` / `annotations`
-- (writers already serialise on the articles table lock), and delete rows that reach 0.

CREATE TABLE rollup_articles (
    day    TEXT COLLATE "C" NOT NULL,
    source TEXT COLLATE "C" NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (day, source)
);

CREATE TABLE rollup_languages (
    language TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    n        BIGINT NOT NULL
);

CREATE TABLE rollup_labels (
    kind  TEXT NOT NULL,
    label TEXT COLLATE "C" NOT NULL,
    day   TEXT COLLATE "C" NOT NULL,
    n     BIGINT NOT NULL,
    PRIMARY KEY (kind, label, day)
);

CREATE TABLE rollup_roles (
    entity    TEXT COLLATE "C" NOT NULL,
    source    TEXT COLLATE "C" NOT NULL,
    main_role TEXT COLLATE "C" NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (entity, source, main_role)
);

CREATE INDEX rollup_roles_role ON rollup_roles (main_role, source, entity);
-- label series of one outlet (not in the rollups): read from annotations through this index
CREATE INDEX annotations_source_time ON annotations (kind, source, sub_label, published_day, label);
-- the cheap "has anything changed" fingerprint behind the aggregate cache (store.queries)
CREATE INDEX articles_updated ON articles (updated_at);

INSERT INTO rollup_articles (day, source, n)
SELECT coalesce(substr(published_key, 1, 10), ''), coalesce(source, ''), count(*) FROM articles GROUP BY 1, 2;

INSERT INTO rollup_languages (language, n) SELECT coalesce(language, ''), count(*) FROM articles GROUP BY 1;

INSERT INTO rollup_labels (kind, label, day, n)
SELECT kind, label, coalesce(published_day, ''), count(*)
FROM annotations WHERE kind IN ('narrative', 'technique') AND sub_label IS NULL GROUP BY 1, 2, 3;

INSERT INTO rollup_roles (entity, source, main_role, n)
SELECT entity, coalesce(source, ''), main_role, count(*)
FROM annotations WHERE kind = 'role' AND entity IS NOT NULL AND main_role IS NOT NULL GROUP BY 1, 2, 3;

CREATE FUNCTION rollup_articles_add(p_day TEXT, p_source TEXT, p_language TEXT, p_delta INTEGER) RETURNS void
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF p_delta > 0 THEN
        INSERT INTO rollup_articles AS r (day, source, n) VALUES (p_day, p_source, p_delta)
        ON CONFLICT (day, source) DO UPDATE SET n = r.n + p_delta;
        INSERT INTO rollup_languages AS r (language, n) VALUES (p_language, p_delta)
        ON CONFLICT (language) DO UPDATE SET n = r.n + p_delta;
    ELSE
        UPDATE rollup_articles SET n = n + p_delta WHERE day = p_day AND source = p_source;
        DELETE FROM rollup_articles WHERE day = p_day AND source = p_source AND n <= 0;
        UPDATE rollup_languages SET n = n + p_delta WHERE language = p_language;
        DELETE FROM rollup_languages WHERE language = p_language AND n <= 0;
    END IF;
END $$;

CREATE FUNCTION rollup_articles_trigger() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        PERFORM rollup_articles_add(coalesce(substr(OLD.published_key, 1, 10), ''), coalesce(OLD.source, ''),
                                    coalesce(OLD.language, ''), -1);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM rollup_articles_add(coalesce(substr(NEW.published_key, 1, 10), ''), coalesce(NEW.source, ''),
                                    coalesce(NEW.language, ''), 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER rollup_articles_insert_delete AFTER INSERT OR DELETE ON articles
FOR EACH ROW EXECUTE FUNCTION rollup_articles_trigger();

CREATE TRIGGER rollup_articles_update AFTER UPDATE OF published_key, source, language ON articles
FOR EACH ROW WHEN (coalesce(substr(OLD.published_key, 1, 10), '') IS DISTINCT FROM coalesce(substr(NEW.published_key, 1, 10), '')
                   OR coalesce(OLD.source, '') IS DISTINCT FROM coalesce(NEW.source, '')
                   OR coalesce(OLD.language, '') IS DISTINCT FROM coalesce(NEW.language, ''))
EXECUTE FUNCTION rollup_articles_trigger();

CREATE FUNCTION rollup_annotations_trigger() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    rec annotations;
    delta INTEGER;
BEGIN
    IF TG_OP = 'INSERT' THEN rec := NEW; delta := 1; ELSE rec := OLD; delta := -1; END IF;
    IF rec.kind IN ('narrative', 'technique') AND rec.sub_label IS NULL THEN
        IF delta > 0 THEN
            INSERT INTO rollup_labels AS r (kind, label, day, n) VALUES (rec.kind, rec.label, coalesce(rec.published_day, ''), 1)
            ON CONFLICT (kind, label, day) DO UPDATE SET n = r.n + 1;
        ELSE
            UPDATE rollup_labels SET n = n - 1
            WHERE kind = rec.kind AND label = rec.label AND day = coalesce(rec.published_day, '');
            DELETE FROM rollup_labels
            WHERE kind = rec.kind AND label = rec.label AND day = coalesce(rec.published_day, '') AND n <= 0;
        END IF;
    ELSIF rec.kind = 'role' AND rec.entity IS NOT NULL AND rec.main_role IS NOT NULL THEN
        IF delta > 0 THEN
            INSERT INTO rollup_roles AS r (entity, source, main_role, n) VALUES (rec.entity, coalesce(rec.source, ''), rec.main_role, 1)
            ON CONFLICT (entity, source, main_role) DO UPDATE SET n = r.n + 1;
        ELSE
            UPDATE rollup_roles SET n = n - 1
            WHERE entity = rec.entity AND source = coalesce(rec.source, '') AND main_role = rec.main_role;
            DELETE FROM rollup_roles
            WHERE entity = rec.entity AND source = coalesce(rec.source, '') AND main_role = rec.main_role AND n <= 0;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER rollup_annotations AFTER INSERT OR DELETE ON annotations
FOR EACH ROW EXECUTE FUNCTION rollup_annotations_trigger();
