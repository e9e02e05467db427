"""list(): filters, newest-first order, pagination (both backends)."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from narrascope.errors import StoreError
from narrascope.store import Store
from narrascope.store.records import date_key


@pytest.fixture
def listed(store: Store, make_article) -> Store:
    store.put(
        [
            make_article("d1", published="2024-12-01", source="TASS", language="ru"),
            make_article("d2", published="2024-12-19T10:30:00+03:00", source="The Moscow Times"),
            make_article("d3", published="2024-12-19", source="The Moscow Times"),
            make_article("d4", published="Fri, 20 Dec 2024 08:00:00 GMT", source="BBC", failed=True),
            make_article("d5", published=None, source="BBC"),
            make_article("d6", published="sometime last week", source="BBC"),
            make_article("d0", published="2024-12-19", source="The Moscow Times"),
        ]
    )
    return store


def ids(rows) -> list[str]:
    return [r.id for r in rows]


def test_newest_first_then_id_undated_last(listed: Store) -> None:
    assert ids(listed.list()) == ["d4", "d2", "d0", "d3", "d1", "d5", "d6"]


def test_summary_fields(listed: Store) -> None:
    row = listed.list(source="BBC", status="failed")[0]
    assert (row.id, row.title, row.source, row.url, row.published, row.language, row.status, row.n_entities) == (
        "d4", "Assad flees to Moscow", "BBC", "https://example.org/d4", "Fri, 20 Dec 2024 08:00:00 GMT", "en",
        "failed", 3,
    )
    assert datetime.fromisoformat(row.updated_at).tzinfo is not None


def test_filters(listed: Store) -> None:
    assert ids(listed.list(language="ru")) == ["d1"]
    assert ids(listed.list(source="The Moscow Times")) == ["d2", "d0", "d3"]
    assert ids(listed.list(status="failed")) == ["d4"]
    assert ids(listed.list(status="ok", source="BBC")) == ["d5", "d6"]
    assert ids(listed.list(since="2024-12-19")) == ["d4", "d2", "d0", "d3"]
    assert ids(listed.list(until="2024-12-19")) == ["d2", "d0", "d3", "d1"]  # the whole day counts
    assert ids(listed.list(since="2024-12-02", until="2024-12-19")) == ["d2", "d0", "d3"]
    assert ids(listed.list(since=date(2024, 12, 20))) == ["d4"]
    # 10:30+03:00 is 07:30 UTC
    assert ids(listed.list(since=datetime(2024, 12, 19, 7, 0, tzinfo=timezone.utc), until="2024-12-19T08:00:00")) == [
        "d2"
    ]
    assert listed.list(language="fr") == []


def test_pagination(listed: Store) -> None:
    everything = ids(listed.list(limit=100))
    pages = [ids(listed.list(limit=3, offset=o)) for o in (0, 3, 6)]
    assert sum(pages, []) == everything
    assert listed.list(limit=0) == []
    assert listed.list(offset=50) == []


@pytest.mark.parametrize("kwargs", [{"since": "yesterday"}, {"until": "2024-13-45"}, {"status": "broken"},
                                    {"limit": -1}, {"offset": -3}])
def test_bad_filters_are_refused(listed: Store, kwargs: dict) -> None:
    with pytest.raises(StoreError) as info:
        listed.list(**kwargs)
    assert info.value.code == "S005"


def test_date_key() -> None:
    assert date_key("2024-12-19") == "2024-12-19"
    assert date_key("2024-12-19T10:30:00+03:00") == "2024-12-19T07:30:00"
    assert date_key("2024-12-19T10:30:00Z") == "2024-12-19T10:30:00"
    assert date_key("Thu, 19 Dec 2024 10:30:00 +0100") == "2024-12-19T09:30:00"
    assert date_key("  ") is None
    assert date_key("not a date") is None
    assert date_key("2024-02-30") is None
