"""``/api/health``: is the app up and can it read the store."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from narrascope.api.schemas import HealthOut
from narrascope.api.state import State

router = APIRouter(tags=["meta"])


def _version() -> str:
    try:
        return version("narrascope")
    except PackageNotFoundError:  # running from a source tree
        return "unknown"


@router.get("/health", operation_id="health", response_model=HealthOut)
def health(state: State) -> HealthOut:
    """Liveness plus the number of stored articles."""
    return HealthOut(articles=state.stores.store().count(), version=_version())
