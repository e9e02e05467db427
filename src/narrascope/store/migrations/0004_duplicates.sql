-- narrascope store schema 4: the near-duplicate index (narrascope.dedup).
-- Stores written before this migration may already hold these tables (narrascope.dedup used to
-- create them on first use with the same definitions): IF NOT EXISTS keeps them and their rows.
-- dup_signatures: one MinHash signature per article (NULL: too little text to compare)
-- dup_bands:      LSH band keys -> article, to find candidates
-- dup_members:    article -> cluster id (the member stored first)

CREATE TABLE IF NOT EXISTS dup_signatures (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    num_perm   INTEGER NOT NULL,
    signature  BLOB
);
CREATE TABLE IF NOT EXISTS dup_bands (
    band       INTEGER NOT NULL,
    key        INTEGER NOT NULL,
    article_id TEXT    NOT NULL REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX IF NOT EXISTS dup_bands_key ON dup_bands (band, key);
CREATE INDEX IF NOT EXISTS dup_bands_article ON dup_bands (article_id);
CREATE TABLE IF NOT EXISTS dup_members (
    article_id TEXT PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    cluster_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS dup_members_cluster ON dup_members (cluster_id);
-- a changed clean text needs a new signature
CREATE TRIGGER IF NOT EXISTS dup_text_changed AFTER UPDATE OF record ON articles
WHEN json_extract(old.record, '$.text') IS NOT json_extract(new.record, '$.text')
BEGIN
    DELETE FROM dup_signatures WHERE article_id = old.id;
    DELETE FROM dup_bands WHERE article_id = old.id;
END;
