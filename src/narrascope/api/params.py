"""Query parameters shared by routes (filters, paging), declared once."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from narrascope.store.queries import MAX_LIMIT, ArticleFilters

__all__ = ["article_filters", "Filters", "Limit", "Offset"]

_TEXT = {"max_length": 500}


def article_filters(
    q: Annotated[str | None, Query(description="Full-text words (all must occur).", **_TEXT)] = None,
    source: Annotated[str | None, Query(description="Outlet.", **_TEXT)] = None,
    language: Annotated[str | None, Query(description="ISO 639-1 code.", max_length=16)] = None,
    since: Annotated[str | None, Query(description="Published on or after (YYYY-MM-DD).", max_length=40)] = None,
    until: Annotated[str | None, Query(description="Published on or before (YYYY-MM-DD).", max_length=40)] = None,
    entity: Annotated[str | None, Query(description="Canonical entity name.", **_TEXT)] = None,
    role: Annotated[str | None, Query(description="Protagonist, Antagonist or Innocent.", max_length=20)] = None,
    narrative: Annotated[str | None, Query(**_TEXT)] = None,
    technique: Annotated[str | None, Query(**_TEXT)] = None,
    cluster: Annotated[str | None, Query(description="Duplicate cluster id.", **_TEXT)] = None,
    status: Annotated[str | None, Query(description="ok or failed.", max_length=10)] = None,
) -> ArticleFilters:
    def clean(value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    return ArticleFilters(
        q=clean(q), source=clean(source), language=clean(language), since=clean(since), until=clean(until),
        entity=clean(entity), role=clean(role), narrative=clean(narrative), technique=clean(technique),
        cluster=clean(cluster), status=clean(status),
    )


Filters = Annotated[ArticleFilters, Depends(article_filters)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"Page size (1..{MAX_LIMIT}).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
