"""Fixtures for the ingestion tests: default ingest settings and the fixtures folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.config.settings import IngestSettings, load_settings

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture()
def settings() -> IngestSettings:
    return load_settings(env={}).ingest


@pytest.fixture()
def fixtures() -> Path:
    return FIXTURES
