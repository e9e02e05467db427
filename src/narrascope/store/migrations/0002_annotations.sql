-- narrascope store schema 2: one flat row per corpus-level annotation, for filters and charts.
-- kind = 'role'      label = main role, entity = canonical entity name, main_role = label
--        'narrative' label = narrative; one row with sub_label NULL per narrative and article,
--                    plus one row per sub-narrative (sub_label set)
--        'technique' label = technique (one row per technique and article)
--        'cluster'   label = duplicate cluster id
-- published_day (YYYY-MM-DD) and source are copied from the article so charts need no join.
-- Rows are rewritten with the article on every put (store.annotations.annotation_rows).

CREATE TABLE annotations (
    article_id    TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE ON UPDATE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('role', 'narrative', 'technique', 'cluster')),
    label         TEXT NOT NULL,
    sub_label     TEXT,
    entity        TEXT,
    main_role     TEXT,
    published_day TEXT,
    source        TEXT
);

CREATE INDEX annotations_article ON annotations (article_id);
-- list filters: kind + label -> article ids
CREATE INDEX annotations_label ON annotations (kind, label, sub_label, article_id);
-- time series and facets (sub_label IS NULL: one row per narrative/technique and article)
CREATE INDEX annotations_time ON annotations (kind, sub_label, published_day, label);
-- top entities per role
CREATE INDEX annotations_role ON annotations (kind, main_role, entity, source);
-- the entity x role x outlet matrix
CREATE INDEX annotations_entity ON annotations (kind, entity, source, main_role);
-- counts by day and outlet
CREATE INDEX articles_day_source ON articles (published_key, source);
-- the cheap "has anything changed" fingerprint behind the aggregate cache (store.queries)
CREATE INDEX articles_updated ON articles (updated_at);

-- Backfill from the records already stored.
INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day, source)
SELECT a.id, 'narrative', json_extract(n.value, '$.narrative'), NULL, NULL, NULL,
       substr(a.published_key, 1, 10), a.source
FROM articles AS a, json_each(a.record, '$.narratives') AS n
GROUP BY a.id, json_extract(n.value, '$.narrative');

INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day, source)
SELECT a.id, 'narrative', json_extract(n.value, '$.narrative'), json_extract(n.value, '$.subnarrative'), NULL, NULL,
       substr(a.published_key, 1, 10), a.source
FROM articles AS a, json_each(a.record, '$.narratives') AS n
WHERE json_extract(n.value, '$.subnarrative') IS NOT NULL;

INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day, source)
SELECT DISTINCT a.id, 'technique', json_extract(t.value, '$.technique'), NULL, NULL, NULL,
       substr(a.published_key, 1, 10), a.source
FROM articles AS a, json_each(a.record, '$.techniques') AS t;

INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day, source)
SELECT a.id, 'role', json_extract(r.value, '$.main_role'), NULL, json_extract(e.value, '$.name'),
       json_extract(r.value, '$.main_role'), substr(a.published_key, 1, 10), a.source
FROM articles AS a, json_each(a.record, '$.entity_roles') AS r, json_each(a.record, '$.entities') AS e
WHERE json_extract(e.value, '$.id') = json_extract(r.value, '$.entity_id');

INSERT INTO annotations (article_id, kind, label, sub_label, entity, main_role, published_day, source)
SELECT a.id, 'cluster', json_extract(a.record, '$.duplicates.cluster_id'), NULL, NULL, NULL,
       substr(a.published_key, 1, 10), a.source
FROM articles AS a
WHERE json_extract(a.record, '$.duplicates.cluster_id') IS NOT NULL;
