"""Request and response bodies of the JSON API (separate from the stored Article rows)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from narrascope.doc import Article

__all__ = [
    "ArticleIn",
    "ArticleItemOut",
    "ArticleListOut",
    "ArticleOut",
    "SubmitOut",
    "SeriesOut",
    "TimeSeriesOut",
    "RoleCellOut",
    "MatrixOut",
    "EntityCountOut",
    "TopEntitiesOut",
    "ClusterMemberOut",
    "ClusterOut",
    "ClustersOut",
    "DayCountOut",
    "CountsOut",
    "FacetsOut",
    "HealthOut",
    "ErrorItem",
    "ErrorOut",
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ArticleIn(BaseModel):
    """An article to analyse: its text (title on the first line unless ``title`` is given) and metadata."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, description="Article text; the first line is the title unless `title` is set.")
    title: str | None = Field(default=None, max_length=2000)
    url: str | None = Field(default=None, max_length=4000)
    source: str | None = Field(default=None, max_length=500, description="Outlet name.")
    author: str | None = Field(default=None, max_length=500)
    published: str | None = Field(default=None, max_length=64, description="ISO 8601 date or datetime.")


class ArticleItemOut(_Out):
    id: str
    title: str
    source: str | None
    url: str | None
    published: str | None
    language: str | None
    status: str
    n_entities: int
    snippet: str | None = Field(default=None, description="Search matches between [[ and ]].")


class ArticleListOut(_Out):
    ok: bool = True
    items: list[ArticleItemOut]
    total: int = Field(description="Matching articles; with total_exact false, a lower bound (there are more).")
    total_exact: bool = Field(
        default=True,
        description="False when a full-text search stopped counting at 10,000 matches (or at the end of the "
                    "rank block of the requested page): there are more than `total`.",
    )
    limit: int
    offset: int
    next_offset: int | None
    filters: dict[str, str]


class ArticleOut(_Out):
    ok: bool = True
    article: Article


class SubmitOut(_Out):
    ok: bool = True
    id: str
    created: bool = Field(description="False when an article with the same content was already stored.")
    article: Article


class SeriesOut(_Out):
    label: str
    counts: list[int]
    total: int


class TimeSeriesOut(_Out):
    ok: bool = True
    kind: Literal["narrative", "technique"]
    bucket: Literal["day", "week", "month"]
    buckets: list[str]
    series: list[SeriesOut]


class RoleCellOut(_Out):
    entity: str
    source: str
    counts: dict[str, int]


class MatrixOut(_Out):
    ok: bool = True
    entities: list[str]
    sources: list[str]
    cells: list[RoleCellOut]


class EntityCountOut(_Out):
    entity: str
    count: int


class TopEntitiesOut(_Out):
    ok: bool = True
    roles: dict[str, list[EntityCountOut]]


class ClusterMemberOut(_Out):
    id: str
    title: str
    source: str | None
    published: str | None


class ClusterOut(_Out):
    cluster_id: str
    size: int
    first_day: str | None
    members: list[ClusterMemberOut]


class ClustersOut(_Out):
    ok: bool = True
    items: list[ClusterOut]
    limit: int
    offset: int


class DayCountOut(_Out):
    day: str
    source: str
    count: int


class CountsOut(_Out):
    ok: bool = True
    bucket: Literal["day", "week", "month"] = "day"
    items: list[DayCountOut]


class FacetsOut(_Out):
    ok: bool = True
    sources: list[str]
    languages: list[str]
    narratives: list[str]
    techniques: list[str]
    total: int


class HealthOut(_Out):
    ok: bool = True
    articles: int
    version: str


class ErrorItem(BaseModel):
    code: str | None
    message: str
    source: str | None


class ErrorOut(BaseModel):
    """The one error envelope."""

    ok: Literal[False] = False
    error: str
    errors: list[ErrorItem]
    status: int
