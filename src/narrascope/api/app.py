"""``create_app``: the FastAPI application (JSON API under ``/api``, dashboard at ``/``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrascope.api.deps import AppState, PipelineHolder, StoreProvider
from narrascope.api.errors import ApiError, envelope, error_response, errors_from_exception
from narrascope.api.routes import aggregates, articles, export, health
from narrascope.api.schemas import ErrorOut
from narrascope.api.security import SECURITY_HEADERS, HostCheck, TokenAuth
from narrascope.config.settings import Settings
from narrascope.errors import NarrascopeError
from narrascope.store.base import Store
from narrascope.store.queries import AggregateCache

if TYPE_CHECKING:
    from narrascope.pipeline.pipeline import Pipeline

__all__ = ["create_app", "API_PREFIX"]

API_PREFIX = "/api"
_ERRORS = {status: {"model": ErrorOut} for status in (400, 401, 404, 413, 422, 500)}


def create_app(
    settings: Settings,
    *,
    store_factory: Callable[[], Store] | None = None,
    pipeline: "Pipeline | None" = None,
    token: str | None = None,
    aggregate_cache: bool = True,
    allowed_hosts: list[str] | None = None,
) -> FastAPI:
    """The app.  ``store_factory`` opens a store (called once per worker thread; default: the
    configured ``store.path``); ``pipeline`` analyses submitted texts (default: the configured
    pipeline, loaded on the first submission); ``token``: when set, every route requires it;
    ``aggregate_cache``: reuse chart aggregates until the store changes (off: recompute every time);
    ``allowed_hosts``: refuse requests whose Host header is not one of these (DNS-rebinding guard)."""
    if store_factory is None:
        from narrascope.store import open_store

        location = settings.store.resolved()

        def store_factory() -> Store:
            return open_store(location)

    stores = StoreProvider(store_factory, cache=AggregateCache() if aggregate_cache else None)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        stores.close_all()

    app = FastAPI(
        lifespan=lifespan,
        title="narrascope",
        summary="Who is cast how, which narratives, which persuasion techniques, in news articles.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # the Swagger/Redoc pages load scripts from a CDN
        redoc_url=None,
        responses=_ERRORS,
    )
    app.state.narrascope = AppState(settings, stores, PipelineHolder(settings, pipeline))
    for module in (health, articles, aggregates, export):
        app.include_router(module.router, prefix=API_PREFIX)

    from narrascope.web.routes import mount_dashboard, render_error_page

    mount_dashboard(app)

    def handle(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith(API_PREFIX + "/") or request.url.path == API_PREFIX:
            return error_response(exc, request)
        status, errors = errors_from_exception(exc)
        return render_error_page(request, status, errors)

    for kind in (NarrascopeError, ApiError, RequestValidationError, StarletteHTTPException, Exception):
        app.add_exception_handler(kind, handle)

    app.add_middleware(_BodyLimit, max_bytes=2 * settings.ingest.max_bytes + 65536)
    if token:
        app.add_middleware(TokenAuth, token=token)
    if allowed_hosts:
        app.add_middleware(HostCheck, allowed=allowed_hosts)
    app.add_middleware(_SecurityHeaders)
    return app


class _SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode("latin-1") not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class _BodyLimit:
    """Refuses request bodies announced (Content-Length) larger than ``max_bytes`` with 413."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope.get("headers", []):
                if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                    from fastapi.responses import JSONResponse

                    message = f"request body is {int(value)} bytes; the limit is {self.max_bytes}"
                    await JSONResponse(envelope(413, message), status_code=413)(scope, receive, send)
                    return
        await self.app(scope, receive, send)
