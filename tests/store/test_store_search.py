"""FTS5 search: plain words are safe whatever they contain; raw FTS syntax is opt-in."""

from __future__ import annotations

import pytest

from narrascope.doc import Article
from narrascope.errors import StoreError
from narrascope.store import HIGHLIGHT_END, HIGHLIGHT_START, SQLiteStore
from narrascope.store.sqlite import quote_fts_query


def _art(article_id: str, title: str, body: str) -> Article:
    text = f"{title}\n\n{body}"
    return Article(id=article_id, title=title, raw_text=text, text=text)


@pytest.fixture
def corpus(store: SQLiteStore) -> SQLiteStore:
    store.put(
        [
            _art("t1", "Assad flees to Moscow", "The former president left Syria."),
            _art("t2", "Energy prices",
                 "Gas prices rose in Moscow and Moscow suburbs; Moscow officials blamed sanctions."),
            _art("t3", "Kyiv under fire", "Drones hit Kyiv near the river. \"Quoted words\" (in parentheses) here."),
            _art("t4", "Climate summit", "Delegates argued about emissions; résumé of the talks follows."),
        ]
    )
    return store


def test_finds_words_in_title_and_body(corpus: SQLiteStore) -> None:
    assert [h.id for h in corpus.search("Assad")] == ["t1"]  # only in the title line
    assert [h.id for h in corpus.search("sanctions")] == ["t2"]  # only in the body
    assert [h.id for h in corpus.search("emissions delegates")] == ["t4"]  # all words, any order


def test_ranked_by_bm25_with_highlighted_snippet(corpus: SQLiteStore) -> None:
    hits = corpus.search("moscow")
    assert [h.id for h in hits] == ["t2", "t1"]  # four occurrences beat one
    assert hits[0].score > hits[1].score
    assert f"{HIGHLIGHT_START}Moscow{HIGHLIGHT_END}" in hits[0].snippet
    assert hits[0].title == "Energy prices"


def test_pagination(corpus: SQLiteStore) -> None:
    assert [h.id for h in corpus.search("moscow", limit=1)] == ["t2"]
    assert [h.id for h in corpus.search("moscow", limit=1, offset=1)] == ["t1"]
    assert corpus.search("moscow", offset=5) == []


def test_diacritics_are_folded(corpus: SQLiteStore) -> None:
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
def test_hostile_plain_queries_are_safe(corpus: SQLiteStore, query: str) -> None:
    hits = corpus.search(query)
    assert isinstance(hits, list)
    assert corpus.count() == 4  # nothing was dropped or deleted
    assert [h.id for h in corpus.search("sanctions")] == ["t2"]  # tables and index intact


def test_plain_query_treats_operators_as_words(corpus: SQLiteStore) -> None:
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


def test_raw_queries_use_fts_syntax(corpus: SQLiteStore) -> None:
    assert {h.id for h in corpus.search("moscow OR kyiv", raw=True)} == {"t1", "t2", "t3"}
    assert [h.id for h in corpus.search("kyi*", raw=True)] == ["t3"]
    assert [h.id for h in corpus.search("title:energy", raw=True)] == ["t2"]
    assert [h.id for h in corpus.search("NEAR(drones river, 5)", raw=True)] == ["t3"]
    assert {h.id for h in corpus.search("moscow NOT assad", raw=True)} == {"t2"}


@pytest.mark.parametrize("query", ["moscow AND", "NEAR(", "\"unterminated", "nosuchcolumn:word", "(kyiv"])
def test_raw_syntax_errors_are_clear(corpus: SQLiteStore, query: str) -> None:
    with pytest.raises(StoreError) as info:
        corpus.search(query, raw=True)
    assert info.value.code == "S005"
    assert repr(query) in str(info.value)
    assert corpus.count() == 4


@pytest.mark.parametrize("query", ["", "   ", "\n\t", "\x00"])
def test_empty_query_is_refused(corpus: SQLiteStore, query: str) -> None:
    with pytest.raises(StoreError, match="empty") as info:
        corpus.search(query)
    assert info.value.code == "S005"


def test_negative_limit_is_refused(corpus: SQLiteStore) -> None:
    with pytest.raises(StoreError, match="limit"):
        corpus.search("moscow", limit=-1)
