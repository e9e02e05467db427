"""Browser tests: the app under uvicorn in a thread on 127.0.0.1, driven by Playwright + Debian's chromium."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import browser_corpus  # noqa: E402
from live_server import live_server  # noqa: E402  (tests/api/live_server.py, on the path via hostile)
from api_fixtures import client, db_path, filled_db, make_client  # noqa: E402,F401  (tests/api/api_fixtures.py)

from narrascope.api import create_app  # noqa: E402
from narrascope.config.settings import load_settings  # noqa: E402
from narrascope.store import SQLiteStore  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(os.environ.get("NARRASCOPE_SCREENSHOTS", "/tmp/narrascope-screenshots"))


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing but CI is set: install the Debian package 'chromium'")
        pytest.skip(f"{CHROMIUM} not found (apt-get install chromium); browser tests need it")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail("playwright is not installed but CI is set: pip install -e '.[test]'")
        pytest.skip("playwright (the test extra) is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: Path) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web") / "web.db"
    with SQLiteStore(db) as store:
        store.put(browser_corpus())
    settings = load_settings(overrides=[f"store.path={db}"], env={})
    with live_server(create_app(settings, store_factory=lambda: SQLiteStore(db))) as url:
        yield url


@pytest.fixture(scope="session")
def browser(chromium_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium_path), headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
