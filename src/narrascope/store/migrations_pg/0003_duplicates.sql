-- narrascope PostgreSQL store schema 3: the near-duplicate index (narrascope.dedup); the twin of
-- the SQLite migration 0004_duplicates.  band keys are signed 64-bit integers; signatures are the
-- raw uint64 array bytes (NULL: too little text to compare).

CREATE TABLE dup_signatures (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    num_perm   INTEGER NOT NULL,
    signature  BYTEA
);
CREATE TABLE dup_bands (
    band       INTEGER NOT NULL,
    key        BIGINT  NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX dup_bands_key ON dup_bands (band, key);
CREATE INDEX dup_bands_article ON dup_bands (article_id);
CREATE TABLE dup_members (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    cluster_id TEXT COLLATE "C" NOT NULL
);
CREATE INDEX dup_members_cluster ON dup_members (cluster_id);

-- a changed clean text (body: the text with NUL as space) needs a new signature
CREATE FUNCTION dup_text_changed() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    DELETE FROM dup_signatures WHERE article_id = OLD.id;
    DELETE FROM dup_bands WHERE article_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER dup_text_changed AFTER UPDATE OF body ON articles
FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION dup_text_changed();
