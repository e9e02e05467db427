"""``narrascope serve``: the REST API and the dashboard (FastAPI + uvicorn)."""

from __future__ import annotations

import os

import click

from narrascope.cli.options import settings_options
from narrascope.config.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback needs --token.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token", envvar="NARRASCOPE_API_TOKEN", default=None, metavar="TOKEN",
              help="API token required on every route (Bearer, or Basic-auth password); also $NARRASCOPE_API_TOKEN.")
@click.option("--get", "get_path", default=None, metavar="PATH",
              help="Run one GET request (e.g. /api/health) through the app, print the response and exit.")
@click.option("--no-cache", is_flag=True,
              help="Recompute chart aggregates on every request (default: reuse them until the store changes).")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["critical", "error", "warning", "info", "debug"]))
@settings_options
def serve(
    host: str, port: int, token: str | None, get_path: str | None, no_cache: bool, log_level: str, settings: Settings
) -> None:
    """Serve the JSON API (/api, OpenAPI at /api/openapi.json) and the dashboard (/)."""
    from narrascope.api import create_app
    from narrascope.api.security import check_bind, loopback_hosts

    token = token or None
    if get_path is not None:
        from fastapi.testclient import TestClient

        app = create_app(settings, token=token, aggregate_cache=not no_cache)
        with TestClient(app) as client:
            headers = {"authorization": f"Bearer {token}"} if token else {}
            response = client.get(get_path, headers=headers)
        click.echo(response.text)
        if response.status_code >= 400:
            raise SystemExit(1)
        return
    check_bind(host, token)
    import uvicorn

    app = create_app(settings, token=token, aggregate_cache=not no_cache,
                     allowed_hosts=None if token else loopback_hosts(host))
    click.echo(f"narrascope: dashboard on http://{host}:{port}/ (API: /api, OpenAPI: /api/openapi.json)", err=True)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=log_level == "debug")
