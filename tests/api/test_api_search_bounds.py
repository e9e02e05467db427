"""Bounded full-text search on both backends: capped totals (``total_exact``), block-ranked pages that
together give every match once, the CLI's ``Store.search`` ranked in the same blocks, and odd queries
(operators, quotes, empty, very long, lone surrogates) answered with results or a clear 4xx, never a 500."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from narrascope.api import create_app
from narrascope.config.settings import load_settings
from narrascope.errors import StoreError
from narrascope.store import queries
from narrascope.store.queries import ArticleFilters, corpus_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "store"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from api_corpus import annotated  # noqa: E402
from store_backends import BACKENDS, Backend, filled_backend  # noqa: E402

N = 11


def _many(n: int = N) -> list:
    # every article contains "common"; later ones repeat it more (a better bm25 / ts_rank score)
    return [annotated(f"m{i:02d}", title=f"Item {i}", body="common " * (1 + i % 4) + f"filler {i}.",
                      published=f"2024-01-{1 + i % 28:02d}") for i in range(n)]


@pytest.fixture(params=BACKENDS)
def filled(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    with filled_backend(request.param, tmp_path / "search.db", _many()) as backend:
        yield backend


@pytest.fixture
def small_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queries, "RANK_BLOCK", 4)
    monkeypatch.setattr(queries, "TOTAL_LIMIT", 4)


def _client(backend: Backend) -> TestClient:
    settings = load_settings(overrides=[f"store.path={backend.location}"], env={})
    return TestClient(create_app(settings, store_factory=backend, aggregate_cache=False),
                      raise_server_exceptions=False)


def test_total_is_exact_under_the_limit(filled: Backend) -> None:
    with filled() as store:
        page = corpus_for(store).articles(ArticleFilters(q="common"), limit=3)
        assert (page.total, page.total_exact, len(page.items)) == (N, True, 3)
        none = corpus_for(store).articles(ArticleFilters(q="absentword"), limit=3)
        assert (none.total, none.total_exact, none.items) == (0, True, [])


@pytest.mark.usefixtures("small_bounds")
def test_total_is_capped_at_the_limit_or_the_pages_block(filled: Backend) -> None:
    with filled() as store:
        corpus = corpus_for(store)
        first = corpus.articles(ArticleFilters(q="common"), limit=3)
        assert (first.total, first.total_exact) == (4, False)  # "more than 4"
        second = corpus.articles(ArticleFilters(q="common"), limit=3, offset=3)  # ends in block 2: counts to 8
        assert (second.total, second.total_exact) == (8, False)
        last = corpus.articles(ArticleFilters(q="common"), limit=3, offset=9)  # counts to 12: all 11 seen
        assert (last.total, last.total_exact, len(last.items)) == (N, True, 2)
        few = corpus.articles(ArticleFilters(q="common", since="2024-01-09"), limit=3)  # 3 matches: exact
        assert (few.total, few.total_exact) == (3, True)
        plain = corpus.articles(ArticleFilters(), limit=3)  # lists without q always count exactly
        assert (plain.total, plain.total_exact) == (N, True)


@pytest.mark.usefixtures("small_bounds")
def test_pages_walked_by_next_offset_give_every_match_once_in_block_order(filled: Backend) -> None:
    with _client(filled) as client:
        seen, offset, bodies = [], 0, []
        while offset is not None:
            body = client.get("/api/search", params={"q": "common", "limit": 3, "offset": offset}).json()
            assert body["ok"] is True, body
            bodies.append(body)
            seen += [item["id"] for item in body["items"]]
            offset = body["next_offset"]
        assert sorted(seen) == [f"m{i:02d}" for i in range(N)] and len(seen) == N
        assert [b["total_exact"] for b in bodies] == [False, False, True, True]  # offset 6: counts to 12
        assert bodies[-1]["total"] == N and bodies[0]["total"] == 4
        stored = [f"m{i:02d}" for i in range(N)]
        assert set(seen[:4]) == set(stored[-4:]) and set(seen[4:8]) == set(stored[3:7])
        assert set(seen[8:]) == set(stored[:3])
        # within the first block, best match first: m07 and m10 have "common" 4x, m08 once
        assert seen[0] in ("m07", "m10") and seen[3] == "m08"
        listed = client.get("/api/articles", params={"q": "common", "limit": 2}).json()
        assert listed["total_exact"] is False and listed["next_offset"] == 2
        plain = client.get("/api/articles", params={"limit": 2}).json()
        assert plain["total_exact"] is True and plain["total"] == N


def test_openapi_documents_total_exact(filled: Backend) -> None:
    with _client(filled) as client:
        schema = client.get("/api/openapi.json").json()
        out = schema["components"]["schemas"]["ArticleListOut"]["properties"]
        assert "total_exact" in out and "10,000" in out["total_exact"]["description"]
        search = schema["paths"]["/api/search"]["get"]["description"]
        assert "total_exact" in search and "blocks of 10,000" in search


def test_store_search_ranks_in_the_same_blocks(filled: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Store.search`` (``narrascope search``) ranks in the API's blocks on both backends."""
    with filled() as store:
        everything = store.search("common", limit=50)
        assert sorted(h.id for h in everything) == [f"m{i:02d}" for i in range(N)]
        monkeypatch.setattr(queries, "RANK_BLOCK", 4)
        pages = [store.search("common", limit=3, offset=o) for o in range(0, 12, 3)]
        ids = [h.id for page in pages for h in page]
        assert sorted(ids) == sorted(h.id for h in everything) and len(ids) == N
        assert set(ids[:4]) == {"m07", "m08", "m09", "m10"}  # the newest block first
        assert set(ids[4:8]) == {"m03", "m04", "m05", "m06"} and set(ids[8:]) == {"m00", "m01", "m02"}
        first = store.search("common", limit=4)
        assert [h.id for h in first] == ids[:4] and first[0].score >= first[-1].score
        assert first[0].id in ("m07", "m10") and first[-1].id == "m08"
        assert store.search("common", limit=3, offset=11) == []
        pg = filled.name == "postgres"
        assert store.search("common & !filler" if pg else "common NOT filler", raw=True) == []
        either = store.search("item & (filler | nothing)" if pg else "item AND (filler OR nothing)", raw=True, limit=50)
        assert {h.id for h in either} == set(ids)


ODD = [
    '"common"', "common'", "'; DROP TABLE articles; --", "common & filler", "common | x", "!common", "common:*",
    "(common)", "&|!:*()", "<->", "common <-> filler", "\\", "%s %(x)s ?", "common\u200b", "Ωμέγα 😀",
    "common " * 71, "x" * 500,
]


@pytest.mark.parametrize("q", ODD)
def test_odd_queries_are_text_and_never_crash(filled: Backend, q: str) -> None:
    with _client(filled) as client:
        r = client.get("/api/search", params={"q": q})
        assert r.status_code == 200, (q, r.text[:300])
        body = r.json()
        assert body["total"] == len(body["items"]) or not body["total_exact"] or body["next_offset"] is not None
        if q.strip() in ('"common"', "common'", "common & filler", "(common)", "common:*", "common <-> filler"):
            assert body["total"] >= 1, q  # operators are plain text: the words still match
        if "DROP" in q:
            assert client.get("/api/articles").json()["total"] == N


def test_empty_huge_and_unencodable_queries_are_clear_4xx(filled: Backend) -> None:
    with _client(filled) as client:
        for params, where in (({"q": ""}, "q"), ({"q": "x" * 501}, "q"), ({"q": "\x00"}, None)):
            r = client.get("/api/search", params=params)
            assert 400 <= r.status_code < 500, (params, r.status_code, r.text[:200])
            assert r.json()["ok"] is False and r.json()["errors"], params
            if where:
                assert where in r.text
        blank = client.get("/api/search", params={"q": "   "}).json()  # only spaces: no words, the plain list
        assert blank["total"] == N and blank["total_exact"] is True
        # a lone surrogate cannot be sent as UTF-8: percent-encoded bytes that are not UTF-8
        r = client.get("/api/search?q=%ED%A0%80common")
        assert r.status_code in (200, 400, 422), r.text[:200]
        assert r.status_code != 500
    with filled() as store:
        corpus = corpus_for(store)
        for filters in (ArticleFilters(q="\ud800"), ArticleFilters(q="common \udfff"),
                        ArticleFilters(q="common", source="Daily \ud800")):
            with pytest.raises(StoreError, match="not valid text") as caught:
                corpus.articles(filters, limit=5)
            assert caught.value.code == "S005" and caught.value.source in ("q", "source")
        for q in ("\ud800", "common \udfff"):
            with pytest.raises(StoreError, match="not valid text") as caught:
                store.search(q)
            assert caught.value.source == "search query"


def test_postgres_sessions_plan_each_search_for_its_words(filled: Backend) -> None:
    """psycopg prepares a statement run 5 times; a generic plan cannot see how common a word is
    (a word in every article got a plan 10x slower), so the store's sessions plan each execution."""
    if filled.name != "postgres":
        pytest.skip("PostgreSQL sessions only")
    with filled() as store:
        assert store.query("reading a setting", "SHOW plan_cache_mode") == [("force_custom_plan",)]
        first = corpus_for(store).articles(ArticleFilters(q="common"), limit=3)
        assert first.total == N and first.items[0].id in ("m03", "m07")  # "common" 4x
        for _ in range(7):  # past psycopg's prepare threshold: same answers
            assert corpus_for(store).articles(ArticleFilters(q="common"), limit=3) == first
