"""``/api/aggregates/*`` and ``/api/facets``: the numbers behind the dashboard charts."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response

from narrascope.api.data import (
    clusters_data,
    counts_json,
    facets_data,
    matrix_data,
    over_time_data,
    top_entities_data,
)
from narrascope.api.params import Offset
from narrascope.api.schemas import ClustersOut, CountsOut, FacetsOut, MatrixOut, TimeSeriesOut, TopEntitiesOut
from narrascope.api.state import State

router = APIRouter(tags=["aggregates"])

BucketQ = Annotated[Literal["day", "week", "month"], Query(description="Time bucket.")]
TopQ = Annotated[int, Query(ge=1, le=50, description="Most frequent labels to return.")]
SourceQ = Annotated[str | None, Query(max_length=500, description="Only this outlet.")]


@router.get("/aggregates/narratives", operation_id="narratives_over_time", response_model=TimeSeriesOut)
def narratives_over_time(state: State, bucket: BucketQ = "month", top: TopQ = 8, source: SourceQ = None):
    """Articles per narrative and time bucket (the ``top`` most frequent narratives)."""
    return over_time_data(state.stores.corpus(), "narrative", bucket=bucket, top=top, source=source)


@router.get("/aggregates/techniques", operation_id="techniques_over_time", response_model=TimeSeriesOut)
def techniques_over_time(state: State, bucket: BucketQ = "month", top: TopQ = 8, source: SourceQ = None):
    """Articles per persuasion technique and time bucket."""
    return over_time_data(state.stores.corpus(), "technique", bucket=bucket, top=top, source=source)


@router.get("/aggregates/entity-roles", operation_id="entity_role_matrix", response_model=MatrixOut)
def entity_role_matrix(
    state: State,
    top: Annotated[int, Query(ge=1, le=100)] = 15,
    sources: Annotated[int, Query(ge=1, le=50)] = 8,
) -> MatrixOut:
    """Entity x outlet x main role: how often each outlet casts each frequent entity in each role."""
    return matrix_data(state.stores.corpus(), top=top, sources=sources)


@router.get("/aggregates/top-entities", operation_id="top_entities", response_model=TopEntitiesOut)
def top_entities(state: State, limit: Annotated[int, Query(ge=1, le=100)] = 10, source: SourceQ = None):
    """The entities most often cast as protagonist, antagonist and innocent (victim)."""
    return top_entities_data(state.stores.corpus(), limit=limit, source=source)


@router.get("/aggregates/clusters", operation_id="duplicate_clusters", response_model=ClustersOut)
def duplicate_clusters(
    state: State, limit: Annotated[int, Query(ge=1, le=200)] = 20, offset: Offset = 0
) -> ClustersOut:
    """Duplicate / republication clusters, largest first, with their members."""
    return clusters_data(state.stores.corpus(), limit=limit, offset=offset)


@router.get("/aggregates/counts", operation_id="counts_by_day", response_model=None,
            responses={200: {"model": CountsOut}})
def counts_by_day(
    state: State,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    bucket: BucketQ = "day",
) -> Response:
    """Articles per publication day (or week, month) and outlet."""
    out = counts_json(state.stores.corpus(), since=since, until=until, bucket=bucket)
    return Response(out, media_type="application/json")  # many rows: serialised without a model per row


@router.get("/facets", operation_id="facets", response_model=FacetsOut)
def facets(state: State) -> FacetsOut:
    """Values for filter menus: outlets, languages, narratives, techniques (most frequent first)."""
    return facets_data(state.stores.corpus())
