"""The rollup tables (migration 0003_rollups; PostgreSQL 0002_rollups) stay equal to a GROUP BY of the raw
rows after every put, re-put, unchanged re-put and delete, and after upgrading a store that predates them."""

from __future__ import annotations

import random

import pytest

from narrascope.doc import Article, ArticleMeta, Entity, EntityRoles, NarrativeLabel, TechniqueSpan
from narrascope.store.migrate import load_migrations
from store_backends import Backend, make_backend

ROLES = ("Protagonist", "Antagonist", "Innocent")

# What each rollup must equal, computed from the raw rows (the same SQL on both backends).
EXPECTED = {
    "rollup_articles": (
        "SELECT coalesce(substr(published_key, 1, 10), ''), coalesce(source, ''), count(*)"
        " FROM articles GROUP BY 1, 2 ORDER BY 1, 2"
    ),
    "rollup_languages": "SELECT coalesce(language, ''), count(*) FROM articles GROUP BY 1 ORDER BY 1",
    "rollup_labels": (
        "SELECT kind, label, coalesce(published_day, ''), count(*) FROM annotations"
        " WHERE kind IN ('narrative', 'technique') AND sub_label IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ),
    "rollup_roles": (
        "SELECT entity, coalesce(source, ''), main_role, count(*) FROM annotations WHERE kind = 'role'"
        " GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ),
}
ACTUAL = {
    "rollup_articles": "SELECT day, source, n FROM rollup_articles ORDER BY 1, 2",
    "rollup_languages": "SELECT language, n FROM rollup_languages ORDER BY 1",
    "rollup_labels": "SELECT kind, label, day, n FROM rollup_labels ORDER BY 1, 2, 3",
    "rollup_roles": "SELECT entity, source, main_role, n FROM rollup_roles ORDER BY 1, 2, 3",
}


def assert_rollups_exact(backend: Backend) -> None:
    for table, expected in EXPECTED.items():
        want = [tuple(int(v) if isinstance(v, int) or type(v).__name__ == "Decimal" else v for v in r)
                for r in backend.rows(expected)]
        got = [tuple(int(v) if isinstance(v, int) or type(v).__name__ == "Decimal" else v for v in r)
               for r in backend.rows(ACTUAL[table])]
        assert got == want, table
        assert all(r[-1] > 0 for r in got), f"{table} keeps rows with a zero count"


def article(i: int, rng: random.Random, *, variant: int = 0) -> Article:
    """A small article with a random outlet (or none, or an empty name), date (or none), language, roles,
    narratives and techniques; ``variant`` changes them as a re-analysis would."""
    r = random.Random(i * 1000 + variant)
    text = f"Title {i}\n\nPerson {i % 5} met Person {(i + 1) % 5} in town {variant}."
    source = r.choice(["Outlet A", "Outlet B", "Outlet C", None, ""])
    published = r.choice(["2024-01-02", "2024-01-02T10:00:00Z", "2024-02-29", "2023-12-31", None, "not a date"])
    art = Article(id=f"r{i}", title=f"Title {i}", raw_text=text, text=text, body_start=len(f"Title {i}") + 2,
                  meta=ArticleMeta(source=source, published=published, format="text"),
                  language=r.choice(["en", "ru", None]))
    for k in range(r.randrange(0, 3)):
        art.entities.append(Entity(id=f"e{k}", name=f"Person {(i + k) % 5}", type="person"))
        art.entity_roles.append(EntityRoles(entity_id=f"e{k}", main_role=r.choice(ROLES), fine_roles={},
                                            confidence=0.7))
    for narrative in r.sample(["N1", "N2", "N3"], r.randrange(0, 3)):
        art.narratives.append(NarrativeLabel(domain="URW", narrative=narrative,
                                             subnarrative=r.choice([None, f"{narrative} / sub"]), confidence=0.6))
    for technique in r.sample(["Doubt", "Repetition", "Slogans"], r.randrange(0, 3)):
        art.techniques.append(TechniqueSpan(start=0, end=5, text="Title", technique=technique, confidence=0.8))
    return art


@pytest.fixture
def rng() -> random.Random:
    return random.Random(11)


def test_rollups_are_exact_after_put_reput_and_delete(store_factory: Backend, rng: random.Random) -> None:
    with store_factory() as store:
        assert_rollups_exact(store_factory)  # empty
        store.put([article(i, rng) for i in range(40)])
        assert_rollups_exact(store_factory)
        assert store_factory.rows("SELECT sum(n) FROM rollup_articles")[0][0] == 40
        result = store.put([article(i, rng) for i in range(40)])  # unchanged: no rewrite, no double count
        assert result.unchanged == 40
        assert_rollups_exact(store_factory)
        result = store.put([article(i, rng, variant=1) for i in range(0, 40, 2)])  # re-analysed: new labels, dates
        assert result.updated == 20
        assert_rollups_exact(store_factory)
        assert store.delete([f"r{i}" for i in range(0, 40, 3)]) == 14
        assert_rollups_exact(store_factory)
        store.put([article(i, rng, variant=2) for i in range(0, 40, 3)])  # deleted ids come back
        assert_rollups_exact(store_factory)
        assert store.delete([f"r{i}" for i in range(40)]) == 40
        assert_rollups_exact(store_factory)
        for table in ACTUAL:
            assert store_factory.rows(f"SELECT count(*) FROM {table}")[0][0] == 0


def test_failed_put_leaves_rollups_unchanged(store_factory: Backend, rng: random.Random) -> None:
    with store_factory() as store:
        store.put([article(i, rng) for i in range(10)])
        before = {t: store_factory.rows(sql) for t, sql in ACTUAL.items()}
        with pytest.raises(Exception):
            store.put([article(20, rng), article(21, rng, variant=1), "not an article"])  # type: ignore[list-item]
        assert {t: store_factory.rows(sql) for t, sql in ACTUAL.items()} == before
        assert_rollups_exact(store_factory)


def test_sqlite_store_from_before_the_rollups_is_backfilled(db_path, rng: random.Random) -> None:
    """A store written at schema 2 (no rollup tables) upgrades in place: nothing lost, rollups exact."""
    from narrascope.store import SQLiteStore

    backend = make_backend("sqlite", db_path)
    with SQLiteStore(db_path, migrations=load_migrations()[:2]) as old:
        old.put([article(i, rng) for i in range(30)])
        old.put([article(i, rng, variant=1) for i in range(0, 30, 4)])
        old.delete(["r1", "r2"])
    with SQLiteStore(db_path) as store:
        assert [m.version for m in store.applied_migrations()] == [m.version for m in load_migrations()]
        assert store.count() == 28
        assert_rollups_exact(backend)
        store.put([article(i, rng, variant=2) for i in range(10)])  # and the triggers keep them exact
        assert_rollups_exact(backend)


def test_postgres_store_from_before_the_rollups_is_backfilled(db_path, rng: random.Random) -> None:
    backend = make_backend("postgres", db_path)
    try:
        from narrascope.store.postgres import PostgresStore, load_pg_migrations

        with PostgresStore(backend.url, schema=backend.schema, migrations=load_pg_migrations()[:1]) as old:
            old.put([article(i, rng) for i in range(30)])
            old.delete(["r1"])
        with backend() as store:
            assert [m.version for m in store.applied_migrations()] == [m.version for m in load_pg_migrations()]
            assert store.count() == 29
            assert_rollups_exact(backend)
            # 0004_search_inline: the tsvector stays in the row (MAIN), for old rows too (rewritten)
            assert backend.rows("SELECT attstorage FROM pg_attribute WHERE attrelid = 'articles'::regclass"
                                " AND attname = 'search'") == [("m",)]
            matches = backend.rows("SELECT count(*) FROM articles WHERE search @@ plainto_tsquery('simple', 'title')")
            assert matches[0][0] == 29
            store.put([article(i, rng, variant=3) for i in range(10)])
            assert_rollups_exact(backend)
    finally:
        backend.cleanup()
