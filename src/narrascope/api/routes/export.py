"""``/api/export``: the filtered articles as JSONL (full records) or CSV (flat columns), streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from narrascope.api.deps import StoreProvider
from narrascope.api.params import Filters
from narrascope.api.state import State
from narrascope.export.writers import FLAT_COLUMNS, flat_row
from narrascope.store.queries import MAX_LIMIT, ArticleFilters, Corpus

router = APIRouter(tags=["export"])

MAX_EXPORT = 1_000_000


def _ids(corpus: Corpus, filters: ArticleFilters, limit: int) -> list[str]:
    ids: list[str] = []
    while len(ids) < limit:
        page = corpus.articles(filters, limit=min(MAX_LIMIT, limit - len(ids)), offset=len(ids))
        ids.extend(item.id for item in page.items)
        if len(page.items) < MAX_LIMIT:
            break
    return ids


def _jsonl(stores: StoreProvider, ids: list[str]) -> Iterator[bytes]:
    for article_id in ids:
        yield (stores.store().get(article_id).model_dump_json() + "\n").encode("utf-8")


def _csv(stores: StoreProvider, ids: list[str]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(FLAT_COLUMNS))
    writer.writeheader()
    for article_id in ids:
        writer.writerow(flat_row(stores.store().get(article_id)))
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


@router.get(
    "/export",
    operation_id="export_articles",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def export_articles(
    state: State,
    filters: Filters,
    format: Annotated[Literal["jsonl", "csv"], Query(description="jsonl: full records; csv: flat columns.")] = "jsonl",
    limit: Annotated[int, Query(ge=1, le=MAX_EXPORT)] = 10_000,
) -> StreamingResponse:
    """The articles matching the filters (at most ``limit``), as a download."""
    ids = _ids(state.stores.corpus(), filters, limit)
    media = "application/x-ndjson" if format == "jsonl" else "text/csv; charset=utf-8"
    body = _jsonl(state.stores, ids) if format == "jsonl" else _csv(state.stores, ids)
    return StreamingResponse(
        body, media_type=media, headers={"content-disposition": f'attachment; filename="narrascope.{format}"'}
    )
