"""The data functions behind both the JSON API and the dashboard pages (one function per view)."""

from __future__ import annotations

import pydantic_core

from narrascope.api.schemas import (
    ArticleIn,
    ArticleItemOut,
    ArticleListOut,
    ClusterOut,
    ClustersOut,
    CountsOut,
    EntityCountOut,
    FacetsOut,
    MatrixOut,
    RoleCellOut,
    SeriesOut,
    SubmitOut,
    TimeSeriesOut,
    TopEntitiesOut,
)
from narrascope.api.deps import PipelineHolder
from narrascope.config.settings import Settings
from narrascope.doc import Article, ArticleMeta
from narrascope.errors import Codes, InputError
from narrascope.store.base import Store
from narrascope.store.queries import MAIN_ROLES, ArticleFilters, Bucket, Corpus, LabelKind

__all__ = [
    "list_data",
    "article_data",
    "submit_data",
    "over_time_data",
    "matrix_data",
    "top_entities_data",
    "clusters_data",
    "counts_data",
    "counts_json",
    "facets_data",
]


def list_data(corpus: Corpus, filters: ArticleFilters, *, limit: int, offset: int) -> ArticleListOut:
    page = corpus.articles(filters, limit=limit, offset=offset)
    end = offset + len(page.items)
    return ArticleListOut(
        items=[ArticleItemOut.model_validate(item) for item in page.items],
        total=page.total,
        total_exact=page.total_exact,
        limit=limit,
        offset=offset,
        next_offset=end if (end < page.total or not page.total_exact) and page.items else None,
        filters=filters.active(),
    )


def article_data(store: Store, article_id: str) -> Article:
    return store.get(article_id)


def submit_data(store: Store, pipeline: PipelineHolder, settings: Settings, body: ArticleIn) -> SubmitOut:
    """Analyse a submitted text with the app's pipeline and store it (same content -> same id)."""
    from narrascope.ingest.make import make_article

    size = len(body.text.encode("utf-8", "surrogatepass"))
    if size > settings.ingest.max_bytes:
        raise InputError(
            f"text is {size} bytes; the limit is {settings.ingest.max_bytes} (ingest.max_bytes)",
            code=Codes.TOO_LARGE,
            source="text",
        )
    if "\x00" in body.text:
        raise InputError("text contains NUL characters (binary data?)", code=Codes.BINARY_INPUT, source="text")
    meta = ArticleMeta(url=body.url, source=body.source, author=body.author, published=body.published, format="api")
    article = make_article(
        body.text, title=body.title, meta=meta, remove_boilerplate=settings.ingest.remove_boilerplate, source="text"
    )
    if store.has([article.id]):
        return SubmitOut(id=article.id, created=False, article=store.get(article.id))
    analysed = pipeline.analyze(article)
    result = store.put([analysed])  # two clients sending the same text: one insert, one unchanged
    return SubmitOut(id=analysed.id, created=result.inserted == 1, article=analysed)


def over_time_data(corpus: Corpus, kind: LabelKind, *, bucket: Bucket, top: int,
                   source: str | None = None) -> TimeSeriesOut:
    ts = corpus.labels_over_time(kind, bucket=bucket, top=top, source=source)
    return TimeSeriesOut(kind=kind, bucket=bucket, buckets=ts.buckets,
                         series=[SeriesOut.model_validate(s) for s in ts.series])


def matrix_data(corpus: Corpus, *, top: int, sources: int) -> MatrixOut:
    cells = corpus.entity_role_matrix(top=top, sources=sources)
    return MatrixOut(
        entities=list(dict.fromkeys(c.entity for c in cells)),
        sources=list(dict.fromkeys(c.source for c in cells)),
        cells=[RoleCellOut.model_validate(c) for c in cells],
    )


def top_entities_data(corpus: Corpus, *, limit: int, source: str | None = None) -> TopEntitiesOut:
    return TopEntitiesOut(roles={
        role: [EntityCountOut.model_validate(e) for e in corpus.top_entities(role, limit=limit, source=source)]
        for role in MAIN_ROLES
    })


def clusters_data(corpus: Corpus, *, limit: int, offset: int) -> ClustersOut:
    return ClustersOut(items=[ClusterOut.model_validate(c) for c in corpus.clusters(limit=limit, offset=offset)],
                       limit=limit, offset=offset)


def counts_data(corpus: Corpus, *, since: str | None, until: str | None, bucket: Bucket = "day") -> CountsOut:
    items = corpus.counts_by_day(since=since, until=until, bucket=bucket)  # up to days x outlets rows
    return CountsOut.model_validate({"bucket": bucket, "items": items}, from_attributes=True)


def counts_json(corpus: Corpus, *, since: str | None, until: str | None, bucket: Bucket = "day") -> bytes:
    """The JSON of :func:`counts_data` without a model per item: per day and outlet there are tens of
    thousands, and validating each into a model took longer than the query."""
    in_sql = getattr(corpus, "counts_json", None)
    if in_sql is not None:  # SQL stores build the JSON in the database
        return in_sql(since=since, until=until, bucket=bucket)
    items = corpus.counts_by_day(since=since, until=until, bucket=bucket)
    return pydantic_core.to_json({"ok": True, "bucket": bucket, "items": items})


def facets_data(corpus: Corpus) -> FacetsOut:
    return FacetsOut.model_validate(corpus.facets())
