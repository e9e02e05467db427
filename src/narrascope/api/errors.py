"""One JSON error envelope for every error the API returns: ``{ok, error, errors, status}``.

``error`` is one readable line, ``errors`` lists every problem (``{code, message, source}``;
``source`` names the parameter or field), ``status`` equals the HTTP status code.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from narrascope.errors import Codes, ConfigError, InputError, NarrascopeError, StoreError

__all__ = ["ApiError", "envelope", "status_for", "error_response", "errors_from_exception"]


class ApiError(Exception):
    """An error raised by a route with its HTTP status and a code for the envelope."""

    def __init__(self, status: int, message: str, *, code: str = "E000", source: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.source = source


def envelope(status: int, error: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ok": False, "error": error, "errors": errors or [{"code": None, "message": error, "source": None}],
            "status": status}


def status_for(exc: NarrascopeError) -> int:
    """HTTP status of a library error, by its code."""
    if exc.code == Codes.NOT_FOUND:
        return 404
    if exc.code == Codes.TOO_LARGE:
        return 413
    if exc.code in (Codes.BAD_QUERY, Codes.OUTPUT_EXISTS) or isinstance(exc, ConfigError):
        return 400
    if isinstance(exc, InputError):
        return 422
    if isinstance(exc, StoreError):
        return 503 if exc.code == Codes.STORE_OPEN else 500
    return 500


def errors_from_exception(exc: BaseException) -> tuple[int, list[dict[str, Any]]]:
    """``(status, errors)`` for any exception the app can meet."""
    if isinstance(exc, ApiError):
        return exc.status, [{"code": exc.code, "message": exc.message, "source": exc.source}]
    if isinstance(exc, NarrascopeError):
        status = status_for(exc)
        # store errors name the store location (a server path): not for clients
        hide = status >= 500 or (isinstance(exc, StoreError) and exc.code != Codes.BAD_QUERY)
        source = None if hide else exc.source
        return status, [{"code": exc.code, "message": exc.message, "source": source}]
    if isinstance(exc, RequestValidationError):
        errors = []
        for item in exc.errors():
            loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
            errors.append({"code": "N007", "message": str(item.get("msg", "invalid value")),
                           "source": ".".join(loc) or None})
        return 400, errors
    if isinstance(exc, StarletteHTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "HTTP error"
        return exc.status_code, [{"code": None, "message": detail, "source": None}]
    return 500, [{"code": "E000", "message": "internal server error", "source": None}]


def error_response(exc: BaseException, request: Request | None = None) -> JSONResponse:
    status, errors = errors_from_exception(exc)
    first = errors[0]
    where = f"{first['source']}: " if first.get("source") else ""
    headers = getattr(exc, "headers", None) or None
    return JSONResponse(envelope(status, f"{where}{first['message']}", errors), status_code=status, headers=headers)
