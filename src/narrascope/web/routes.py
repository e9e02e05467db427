"""Dashboard pages.  Each page calls the same data function as its JSON route (``narrascope.api.data``)."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Path, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from narrascope.api.data import (
    article_data,
    clusters_data,
    facets_data,
    list_data,
    matrix_data,
    over_time_data,
    top_entities_data,
)
from narrascope.api.params import Filters
from narrascope.api.state import State
from narrascope.store.base import HIGHLIGHT_END, HIGHLIGHT_START
from narrascope.web.charts import PALETTE, ROLE_COLOURS, bar_chart, line_chart, role_bar
from narrascope.web.highlight import segments

__all__ = ["mount_dashboard", "render_error_page", "router"]

_WEB = resources.files("narrascope.web")
PAGE_SIZE = 25

router = APIRouter(include_in_schema=False)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(_WEB / "templates")),
        autoescape=True,  # titles, texts and labels are untrusted
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(role_colours=ROLE_COLOURS, palette=PALETTE)
    env.filters["snippet"] = _snippet
    return env


def _snippet(text: str | None) -> Any:
    """Escape a search snippet, then turn the [[ ]] match markers into <mark>."""
    from markupsafe import Markup, escape

    escaped = str(escape(text or ""))
    return Markup(escaped.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_END, "</mark>"))


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.narrascope_templates
    html = env.get_template(name).render(request=request, nav=name.split(".")[0], **context)
    return HTMLResponse(html, status_code=status)


def render_error_page(request: Request, status: int, errors: list[dict[str, Any]]) -> HTMLResponse:
    return _render(request, "error.html", status=status, status_code=status, errors=errors)


def _query(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "")})


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def articles_page(
    request: Request,
    state: State,
    filters: Filters,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> HTMLResponse:
    corpus = state.stores.corpus()
    page = list_data(corpus, filters, limit=PAGE_SIZE, offset=offset)
    active = filters.active()
    prev_link = "?" + _query({**active, "offset": max(0, offset - PAGE_SIZE)}) if offset > 0 else None
    next_link = "?" + _query({**active, "offset": page.next_offset}) if page.next_offset is not None else None
    return _render(request, "articles.html", page=page, filters=active, facets=facets_data(corpus),
                   prev_link=prev_link, next_link=next_link, roles=list(ROLE_COLOURS))


@router.api_route("/articles/{article_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def article_page(
    request: Request, state: State, article_id: Annotated[str, Path(min_length=1, max_length=200)]
) -> HTMLResponse:
    article = article_data(state.stores.store(), article_id)
    names = {e.id: e for e in article.entities}
    roles = sorted(article.entity_roles, key=lambda r: (-len(names[r.entity_id].mentions)
                                                        if r.entity_id in names else 0, r.entity_id))
    techniques: dict[str, int] = {}
    for t in article.techniques:
        techniques[t.technique] = techniques.get(t.technique, 0) + 1
    return _render(request, "article.html", article=article, segments=segments(article), names=names,
                   entity_roles=roles, techniques=sorted(techniques.items(), key=lambda kv: -kv[1]))


@router.api_route("/corpus", methods=["GET", "HEAD"], response_class=HTMLResponse)
def corpus_page(
    request: Request,
    state: State,
    bucket: Annotated[Literal["day", "week", "month"], Query()] = "month",
) -> HTMLResponse:
    corpus = state.stores.corpus()
    narratives = over_time_data(corpus, "narrative", bucket=bucket, top=8)
    techniques = over_time_data(corpus, "technique", bucket=bucket, top=8)
    matrix = matrix_data(corpus, top=15, sources=8)
    top = top_entities_data(corpus, limit=10)
    clusters = clusters_data(corpus, limit=20, offset=0)
    volume = _volume_series(corpus.counts_by_day(bucket=bucket))  # rows as they come (thousands per day)
    cells = {(c.entity, c.source): c.counts for c in matrix.cells}
    top_charts = {
        role: bar_chart([(e.entity, e.count) for e in items], colour=ROLE_COLOURS[role], title=f"Top {role}",
                        href=["/?" + _query({"entity": e.entity, "role": role}) for e in items])
        for role, items in top.roles.items()
    }
    return _render(
        request, "corpus.html", bucket=bucket,
        narratives_chart=line_chart(narratives.buckets, [(s.label, s.counts) for s in narratives.series],
                                    title="Narratives over time"),
        techniques_chart=line_chart(techniques.buckets, [(s.label, s.counts) for s in techniques.series],
                                    title="Techniques over time"),
        volume_chart=line_chart(volume[0], volume[1], title="Articles over time", width=1200, height=260),
        matrix=matrix, matrix_cells={k: role_bar(v) for k, v in cells.items()},
        top_charts=top_charts, clusters=clusters,
    )


def _volume_series(items: list[Any], outlets: int = 6) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Buckets and one line per outlet, the ``outlets`` largest ones."""
    buckets = sorted({c.day for c in items})
    index = {b: i for i, b in enumerate(buckets)}
    per_source: dict[str, list[int]] = {}
    for c in items:
        per_source.setdefault(c.source, [0] * len(buckets))[index[c.day]] += c.count
    largest = sorted(per_source, key=lambda src: (-sum(per_source[src]), src))[:outlets]
    return buckets, [(src or "(no outlet)", per_source[src]) for src in largest]


def mount_dashboard(app: FastAPI) -> None:
    """Add the pages and the packaged static files (``/static``) to ``app``."""
    app.state.narrascope_templates = _environment()
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=str(_WEB / "static")), name="static")
