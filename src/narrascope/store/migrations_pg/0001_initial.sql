-- narrascope PostgreSQL store schema 1: the same tables as the SQLite store (migrations 0001
-- and 0002_annotations there), with a tsvector column + GIN index instead of FTS5.
-- `record` is the full Article JSON (Article.model_dump_json()) kept as TEXT, byte for byte, so
-- that an identical re-put is recognised by plain comparison.  `search` holds the title and the
-- clean text, lower-cased and with diacritics removed by narrascope before indexing (no
-- extension needed); `body` is the clean text (NUL removed) that ts_headline cuts snippets from.
-- Text keys use COLLATE "C" so that ordering is by code point, as in SQLite.

CREATE TABLE articles (
    pk             BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id             TEXT    COLLATE "C" NOT NULL UNIQUE,
    title          TEXT    NOT NULL DEFAULT '',
    source         TEXT    COLLATE "C",
    url            TEXT,
    published      TEXT,             -- as given (ArticleMeta.published)
    published_key  TEXT    COLLATE "C",  -- sortable ISO form, NULL when unparseable
    language       TEXT    COLLATE "C",
    status         TEXT    NOT NULL CHECK (status IN ('ok', 'failed')),
    n_entities     INTEGER NOT NULL DEFAULT 0,
    schema_version TEXT    NOT NULL,
    record         TEXT    NOT NULL,
    body           TEXT    NOT NULL DEFAULT '',
    search         TSVECTOR NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL
);

-- matches the ORDER BY of list(): newest first, undated last, then id
CREATE INDEX articles_newest ON articles ((published_key IS NULL), published_key DESC, id);
CREATE INDEX articles_language ON articles (language);
CREATE INDEX articles_source ON articles (source);
CREATE INDEX articles_status ON articles (status);
CREATE INDEX articles_day_source ON articles (published_key, source);
CREATE INDEX articles_search ON articles USING GIN (search);

CREATE TABLE entities (
    article_id TEXT    COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    entity_id  TEXT    NOT NULL,
    name       TEXT    COLLATE "C" NOT NULL,
    type       TEXT    NOT NULL,
    n_mentions INTEGER NOT NULL
);

CREATE INDEX entities_article ON entities (article_id);
CREATE INDEX entities_name ON entities (name);

-- One flat row per corpus-level annotation (see narrascope.store.annotations).
CREATE TABLE annotations (
    article_id    TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('role', 'narrative', 'technique', 'cluster')),
    label         TEXT COLLATE "C" NOT NULL,
    sub_label     TEXT COLLATE "C",
    entity        TEXT COLLATE "C",
    main_role     TEXT,
    published_day TEXT COLLATE "C",
    source        TEXT COLLATE "C"
);

CREATE INDEX annotations_article ON annotations (article_id);
CREATE INDEX annotations_label ON annotations (kind, label, published_day, article_id);
CREATE INDEX annotations_day ON annotations (kind, published_day, label, article_id);
CREATE INDEX annotations_role ON annotations (kind, main_role, entity, source);
CREATE INDEX annotations_entity ON annotations (kind, entity, main_role, article_id);
