"""put/get/has/delete/iter on both backends (SQLite file, PostgreSQL schema): lossless, idempotent, transactional."""

from __future__ import annotations

import time

import pytest

from narrascope.doc import Article, Entity, Mention
from narrascope.errors import StoreError
from narrascope.store import PutResult, Store
from store_backends import Backend


def test_store_satisfies_protocol(store: Store, store_factory: Backend) -> None:
    assert isinstance(store, Store)
    if store_factory.name == "sqlite":
        assert store.location.endswith("narrascope.db")
    else:
        assert store.location.startswith("postgresql://")


def test_round_trip_keeps_every_annotation(store: Store, make_article) -> None:
    art = make_article("a1")
    assert art.entities and art.roles and art.narratives and art.techniques  # the fixture is fully annotated
    assert store.put([art]) == PutResult(inserted=1, updated=0, unchanged=0)
    got = store.get("a1")
    assert got == art
    assert got.model_dump() == art.model_dump()
    assert got.entities[0].mentions[0].text == "Assad"
    got.validate_spans()


def test_round_trip_survives_reopen(store_factory: Backend, make_article) -> None:
    art = make_article("a1")
    with store_factory() as s:
        s.put([art])
    with store_factory.open_store() as s:  # through open_store(path or postgresql:// URL)
        assert s.get("a1") == art
        assert s.count() == 1


def test_columns_and_entities_table(store: Store, store_factory: Backend, make_article) -> None:
    store.put([make_article("a1", failed=True)])
    row = store_factory.rows("SELECT id, title, source, url, published, language, status, n_entities FROM articles")[0]
    assert row == ("a1", "Assad flees to Moscow", "The Moscow Times", "https://example.org/a1", "2024-12-19", "en",
                   "failed", 3)
    ents = store_factory.rows("SELECT entity_id, name, type, n_mentions FROM entities ORDER BY entity_id")
    assert ents == [("e0", "Bashar al-Assad", "person", 2), ("e1", "Moscow", "place", 2),
                    ("e2", "Kremlin", "organisation", 1)]


def test_reput_identical_is_a_no_op(store: Store, store_factory: Backend, make_article) -> None:
    store.put([make_article("a1"), make_article("a2")])
    before = store_factory.rows("SELECT id, created_at, updated_at, record FROM articles ORDER BY id")
    time.sleep(0.01)
    assert store.put([make_article("a1"), make_article("a2")]) == PutResult(inserted=0, updated=0, unchanged=2)
    after = store_factory.rows("SELECT id, created_at, updated_at, record FROM articles ORDER BY id")
    assert after == before
    assert {s.id: s.updated_at for s in store.list()} == {r[0]: r[2] for r in before}


def test_changed_content_updates_record_entities_and_index(store: Store, store_factory: Backend, make_article) -> None:
    store.put([make_article("a1")])
    (created, updated) = store_factory.rows("SELECT created_at, updated_at FROM articles")[0]
    time.sleep(0.01)
    new = make_article("a1", title="Kyiv responds", body="Ukraine's leaders in Kyiv reacted to the news.")
    assert store.put([new]) == PutResult(inserted=0, updated=1, unchanged=0)
    assert store.get("a1") == new
    (created2, updated2) = store_factory.rows("SELECT created_at, updated_at FROM articles")[0]
    assert created2 == created and updated2 > updated
    assert store_factory.rows("SELECT count(*) FROM entities")[0][0] == 0  # no Assad/Moscow/Kremlin any more
    assert store.search("Damascus") == []
    assert [h.id for h in store.search("Kyiv")] == ["a1"]
    assert store.count() == 1


def test_same_id_twice_in_one_batch(store: Store, make_article) -> None:
    first, second = make_article("a1"), make_article("a1", title="Other title")
    result = store.put([first, second])
    assert result == PutResult(inserted=1, updated=1, unchanged=0)
    assert store.get("a1").title == "Other title"


def test_has_count_delete_cascade(store: Store, store_factory: Backend, make_article) -> None:
    store.put(make_article(f"a{i}") for i in range(5))
    assert store.count() == 5
    assert store.has(["a1", "a3", "zz", ""]) == {"a1", "a3"}
    assert store.has([]) == set()
    assert store.delete(["a1", "a3", "nope"]) == 2
    assert store.count() == 3
    assert store.has(["a1", "a3"]) == set()
    assert store_factory.rows("SELECT count(*) FROM entities WHERE article_id IN ('a1', 'a3')")[0][0] == 0
    if store_factory.name == "sqlite":
        assert store_factory.rows("SELECT count(*) FROM articles_fts")[0][0] == 3
    assert store_factory.rows("SELECT count(*) FROM annotations WHERE article_id IN ('a1', 'a3')")[0][0] == 0
    assert {h.id for h in store.search("Moscow", limit=10)} == {"a0", "a2", "a4"}


def test_has_many_ids(store: Store, make_article) -> None:
    store.put([make_article("x42")])
    ids = [f"x{i}" for i in range(12_000)]  # more than one lookup chunk
    assert store.has(ids) == {"x42"}


def test_iter_articles_in_batches(store: Store, make_article) -> None:
    arts = [make_article(f"a{i}") for i in range(7)]
    store.put(arts)
    got = list(store.iter_articles(batch_size=3))
    assert got == arts
    with pytest.raises(StoreError, match="batch_size"):
        list(store.iter_articles(batch_size=0))


def test_get_missing_names_the_id(store: Store) -> None:
    with pytest.raises(StoreError) as info:
        store.get("no-such-article")
    assert info.value.code == "S004"
    assert "no-such-article" in str(info.value)


def test_unicode_text_round_trips(store: Store) -> None:
    text = "Асад бежал в Москву 🇷🇺\n\n中文 عربي Zelenskýy \u200b tab\there \x00 nul\r\nend"
    art = Article(id="ру-1 ✓", title="Асад бежал в Москву 🇷🇺", raw_text=text, text=text)
    store.put([art])
    assert store.get("ру-1 ✓") == art
    assert [h.id for h in store.search("москву")] == ["ру-1 ✓"]
    assert [h.id for h in store.search("zelenskyy")] == ["ру-1 ✓"]  # diacritics folded
    assert [h.id for h in store.search("中文")] == ["ру-1 ✓"]


def test_huge_text_round_trips(store: Store) -> None:
    body = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 90_000) + "needleword at the end"
    assert len(body) > 5_000_000
    art = Article(id="huge", title="Huge", raw_text=body, text=body, entities=[
        Entity(id="e0", name="Needle", type="person",
               mentions=[Mention(start=len(body) - 21, end=len(body) - 11, text="needleword", label="PERSON")])
    ])
    art.validate_spans()
    assert store.put([art]).inserted == 1
    assert store.get("huge") == art
    hits = store.search("needleword")
    assert [h.id for h in hits] == ["huge"]
    assert "[[needleword]]" in hits[0].snippet
    assert store.put([art]).unchanged == 1


def test_context_manager_closes(store_factory: Backend, make_article) -> None:
    with store_factory() as s:
        s.put([make_article()])
    with pytest.raises(StoreError, match="closed"):
        s.count()
    s.close()  # closing twice is fine


def test_a_single_string_is_not_a_list_of_ids(store: Store, make_article) -> None:
    store.put([make_article("a1")])
    with pytest.raises(TypeError, match="iterable of ids"):
        store.has("a1")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="iterable of ids"):
        store.delete("a1")  # type: ignore[arg-type]
    assert store.count() == 1
