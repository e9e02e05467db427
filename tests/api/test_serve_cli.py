"""``narrascope serve``: refuses unsafe binds, ``--get`` runs one request; every API route is documented."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from narrascope.api import create_app
from narrascope.cli.main import cli
from narrascope.config.settings import load_settings

REPO = Path(__file__).resolve().parents[2]


def test_serve_get_runs_one_request(filled_db: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(filled_db), "--get", "/api/articles?limit=2"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["total"] == 7 and len(body["items"]) == 2


def test_serve_get_error_exits_1(filled_db: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(filled_db), "--get", "/api/articles/nope"])
    assert result.exit_code == 1 and '"status":404' in result.output


def test_serve_refuses_public_bind_without_token(filled_db: Path) -> None:
    args = ["serve", "--db", str(filled_db), "--host", "0.0.0.0"]
    result = CliRunner().invoke(cli, args, env={"NARRASCOPE_API_TOKEN": ""})
    assert result.exit_code != 0
    assert "API token" in str(result.exception) and "--host" in str(result.exception)


def test_every_api_route_is_in_the_readme(filled_db: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    groups = re.findall(r"`GET /api/aggregates/\{([^}]*)\}`", readme)
    documented_aggregates = {f"/api/aggregates/{name}" for group in groups for name in group.split(",")}
    app = create_app(load_settings(overrides=[f"store.path={filled_db}"], env={}))
    paths = set(app.openapi()["paths"])
    missing = [p for p in paths if p not in readme and p not in documented_aggregates
               and p.replace("{article_id}", "{id}") not in readme]
    assert not missing, f"API routes missing from README.md: {missing}"
