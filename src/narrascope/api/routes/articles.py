"""``/api/articles``: submit, list/filter/search, get one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import JSONResponse

from narrascope.api.data import article_data, list_data, submit_data
from narrascope.api.params import Filters, Limit, Offset
from narrascope.api.schemas import ArticleIn, ArticleListOut, ArticleOut, SubmitOut
from narrascope.api.state import State

router = APIRouter(tags=["articles"])

ArticleId = Annotated[str, Path(min_length=1, max_length=200, description="Article id.")]


@router.get("/articles", operation_id="list_articles", response_model=ArticleListOut)
def list_articles(state: State, filters: Filters, limit: Limit = 20, offset: Offset = 0) -> ArticleListOut:
    """Articles matching every given filter, newest first (best match first with ``q``)."""
    return list_data(state.stores.corpus(), filters, limit=limit, offset=offset)


@router.get("/search", operation_id="search_articles", response_model=ArticleListOut)
def search_articles(
    state: State,
    filters: Filters,
    q: Annotated[str, Query(min_length=1, max_length=500, description="Words that must all occur.")],
    limit: Limit = 20,
    offset: Offset = 0,
) -> ArticleListOut:
    """Full-text search (title and text), best match first, with snippets; other filters apply too.

    Matches are ranked in blocks of 10,000, newest stored first: a query with up to 10,000 matches
    is ranked over all of them; a word found in more articles ranks the 10,000 most recently
    stored matches first, then the next 10,000, and so on.  Matches are counted up to 10,000 (or
    to the end of the rank block of the requested page): beyond that ``total`` is that bound and
    ``total_exact`` is false — there are more; ``next_offset`` still leads to the next page."""
    return list_data(state.stores.corpus(), filters, limit=limit, offset=offset)


@router.get("/articles/{article_id}", operation_id="get_article", response_model=ArticleOut)
def get_article(state: State, article_id: ArticleId) -> ArticleOut:
    """One article with every annotation."""
    return ArticleOut(article=article_data(state.stores.store(), article_id))


@router.post("/articles", operation_id="submit_article", response_model=SubmitOut, status_code=201)
def submit_article(state: State, body: ArticleIn) -> JSONResponse:
    """Analyse a text with the server's pipeline and store it; 200 when the same text was already stored."""
    out = submit_data(state.stores.store(), state.pipeline, state.settings, body)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if out.created else 200)
