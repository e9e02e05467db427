-- narrascope store schema 1: articles, their entities, and a full-text index.
-- `record` is the full Article JSON (Article.model_dump_json()); the other columns are
-- derived from it for listing and filtering.  `pk` is an explicit INTEGER PRIMARY KEY so
-- that VACUUM never renumbers the rowids the FTS index points at.

CREATE TABLE articles (
    pk             INTEGER PRIMARY KEY,
    id             TEXT    NOT NULL UNIQUE,
    title          TEXT    NOT NULL DEFAULT '',
    source         TEXT,
    url            TEXT,
    published      TEXT,             -- as given (ArticleMeta.published)
    published_key  TEXT,             -- sortable ISO form, NULL when unparseable
    language       TEXT,
    status         TEXT    NOT NULL CHECK (status IN ('ok', 'failed')),
    n_entities     INTEGER NOT NULL DEFAULT 0,
    schema_version TEXT    NOT NULL,
    record         TEXT    NOT NULL CHECK (json_valid(record)),
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);

-- matches the ORDER BY of list(): newest first, undated last, then id
CREATE INDEX articles_newest ON articles (published_key IS NULL, published_key DESC, id);
CREATE INDEX articles_language ON articles (language);
CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_status ON articles (status);

CREATE TABLE entities (
    article_id TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    entity_id  TEXT    NOT NULL,
    name       TEXT    NOT NULL,
    type       TEXT    NOT NULL,
    n_mentions INTEGER NOT NULL
);

CREATE INDEX entities_article ON entities (article_id);
CREATE INDEX entities_name ON entities (name);

-- Title and clean text (record $.text), kept in sync by the triggers below.
CREATE VIRTUAL TABLE articles_fts USING fts5 (
    title,
    text,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text)
    VALUES (new.pk, new.title, json_extract(new.record, '$.text'));
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.pk;
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, record ON articles BEGIN
    DELETE FROM articles_fts WHERE rowid = old.pk;
    INSERT INTO articles_fts (rowid, title, text)
    VALUES (new.pk, new.title, json_extract(new.record, '$.text'));
END;
