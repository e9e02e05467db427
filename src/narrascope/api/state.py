"""The ``AppState`` dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from narrascope.api.deps import AppState

__all__ = ["get_state", "State"]


def get_state(request: Request) -> AppState:
    return request.app.state.narrascope


State = Annotated[AppState, Depends(get_state)]
