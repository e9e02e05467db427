"""Full-text search on both backends: plain words are safe whatever they contain; raw syntax
(FTS5 on SQLite, to_tsquery on PostgreSQL) is opt-in."""

from __future__ import annotations

import pytest

from narrascope.doc import Article
from narrascope.errors import StoreError
from narrascope.store import HIGHLIGHT_END, HIGHLIGHT_START, SQLiteStore, Store
from narrascope.store.sqlite import quote_fts_query


def _art(article_id: str, title: str, body: str) -> Article:
    text = f"{title}\n\n{body}"
    return Article(id=article_id, title=title, raw_text=text, text=text)


_CORPUS = [
    _art("t1", "Assad flees to Moscow", "The former president left Syria."),
    _art("t2", "Energy prices", "Gas prices rose in Moscow and Moscow suburbs; Moscow officials blamed sanctions."),
    _art("t3", "Kyiv under fire", "Drones hit Kyiv near the river. \"Quoted words\" (in parentheses) here."),
    _art("t4", "Climate summit", "Delegates argued about emissions; résumé of the talks follows."),
]


@pytest.fixture
def corpus(store: Store) -> Store:
    store.put([a.model_copy(deep=True) for a in _CORPUS])
    return store


@pytest.fixture
def sqlite_corpus(sqlite_store: SQLiteStore) -> SQLiteStore:
    sqlite_store.put([a.model_copy(deep=True) for a in _CORPUS])
    return sqlite_store


def test_finds_words_in_title_and_body(corpus: Store) -> None:
    assert [h.id for h in corpus.search("Assad")] == ["t1"]  # only in the title line
    assert [h.id for h in corpus.search("sanctions")] == ["t2"]  # only in the body
    assert [h.id for h in corpus.search("emissions delegates")] == ["t4"]  # all words, any order


def test_ranked_by_bm25_with_highlighted_snippet(corpus: Store) -> None:
    hits = corpus.search("moscow")
    assert [h.id for h in hits] == ["t2", "t1"]  # four occurrences beat one
    assert hits[0].score > hits[1].score
    assert f"{HIGHLIGHT_START}Moscow{HIGHLIGHT_END}" in hits[0].snippet
    assert hits[0].title == "Energy prices"


def test_pagination(corpus: Store) -> None:
    assert [h.id for h in corpus.search("moscow", limit=1)] == ["t2"]
    assert [h.id for h in corpus.search("moscow", limit=1, offset=1)] == ["t1"]
    assert corpus.search("moscow", offset=5) == []


def test_diacritics_are_folded(corpus: Store) -> None:
    assert [h.id for h in corpus.search("resume")] == ["t4"]


HOSTILE = [
    "'; DROP TABLE articles; --",
    "\"; DELETE FROM articles; --",
    "Robert'); DROP TABLE entities;--",
    "\"",
    "\"\"\"",
    "(",
    ")",
    "NEAR(kyiv drones)",
    "kyiv NEAR drones",
    "*",
    "kyi*",
    "AND",
    "OR NOT",
    "title:kyiv",
    "^kyiv",
    "kyiv +",
    "{title text}: kyiv",
    "kyiv\x00drones",
    "a\"b'c(d)e*f",
    "ОR",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_plain_queries_are_safe(corpus: Store, query: str) -> None:
    hits = corpus.search(query)
    assert isinstance(hits, list)
    assert corpus.count() == 4  # nothing was dropped or deleted
    assert [h.id for h in corpus.search("sanctions")] == ["t2"]  # tables and index intact


def test_plain_query_treats_operators_as_words(corpus: Store) -> None:
    assert [h.id for h in corpus.search("near")] == ["t3"]  # NEAR is a word in t3
    assert [h.id for h in corpus.search("NEAR kyiv")] == ["t3"]
    assert corpus.search("kyi*") == []  # no prefix matching unless raw
    assert [h.id for h in corpus.search('"quoted words"')] == ["t3"]
    assert [h.id for h in corpus.search("(in parentheses)")] == ["t3"]
    assert corpus.search("moscow OR kyiv") == []  # "or" is just another word that must occur


def test_quote_fts_query() -> None:
    assert quote_fts_query('a "b" c*') == '"a" """b""" "c*"'
    assert quote_fts_query("  ") == ""
    assert quote_fts_query("a\x00b") == '"a" "b"'


def test_raw_queries_use_fts_syntax(sqlite_corpus: Store) -> None:
    corpus = sqlite_corpus
    assert {h.id for h in corpus.search("moscow OR kyiv", raw=True)} == {"t1", "t2", "t3"}
    assert [h.id for h in corpus.search("kyi*", raw=True)] == ["t3"]
    assert [h.id for h in corpus.search("title:energy", raw=True)] == ["t2"]
    assert [h.id for h in corpus.search("NEAR(drones river, 5)", raw=True)] == ["t3"]
    assert {h.id for h in corpus.search("moscow NOT assad", raw=True)} == {"t2"}


@pytest.mark.parametrize("query", ["moscow AND", "NEAR(", "\"unterminated", "nosuchcolumn:word", "(kyiv"])
def test_raw_syntax_errors_are_clear(sqlite_corpus: Store, query: str) -> None:
    corpus = sqlite_corpus
    with pytest.raises(StoreError) as info:
        corpus.search(query, raw=True)
    assert info.value.code == "S005"
    assert repr(query) in str(info.value)
    assert corpus.count() == 4


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00"])
def test_empty_query_is_refused(corpus: Store, query: str) -> None:
    with pytest.raises(StoreError, match="empty") as info:
        corpus.search(query)
    assert info.value.code == "S005"


def test_negative_limit_is_refused(corpus: Store) -> None:
    with pytest.raises(StoreError, match="limit"):
        corpus.search("moscow", limit=-1)


@pytest.fixture
def pg_corpus(corpus: Store, store_factory) -> Store:
    if store_factory.name != "postgres":
        pytest.skip("PostgreSQL to_tsquery syntax")
    return corpus


def test_raw_queries_use_tsquery_syntax_on_postgres(pg_corpus: Store) -> None:
    corpus = pg_corpus
    assert {h.id for h in corpus.search("moscow | kyiv", raw=True)} == {"t1", "t2", "t3"}
    assert [h.id for h in corpus.search("kyi:*", raw=True)] == ["t3"]
    assert corpus.search("moscow | kyiv") == []  # plain: "|" is not an operator, both words must occur
    assert [h.id for h in corpus.search("drones <-> hit", raw=True)] == ["t3"]
    assert {h.id for h in corpus.search("moscow & !assad", raw=True)} == {"t2"}
    assert [h.id for h in corpus.search("Résumé", raw=True)] == ["t4"]  # folded like the index


@pytest.mark.parametrize("query", ["moscow &", "(kyiv", "!", "a <-> ", "kyiv ) ("])
def test_raw_tsquery_errors_are_clear_on_postgres(pg_corpus: Store, query: str) -> None:
    with pytest.raises(StoreError) as info:
        pg_corpus.search(query, raw=True)
    assert info.value.code == "S005"
    assert repr(query) in str(info.value)
    assert pg_corpus.count() == 4
