"""Fixtures of the entity-framing tests: the packaged taxonomy, model and encoder (loaded once)."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def taxonomy():
    from narrascope.taxonomy.roles import load_role_taxonomy

    return load_role_taxonomy()


@pytest.fixture(scope="session")
def encoder():
    from narrascope.models.encoder import SentenceEncoder

    return SentenceEncoder.load(threads=1)


@pytest.fixture(scope="session")
def role_model():
    from narrascope.roles.model import RoleModel

    return RoleModel.load()


@pytest.fixture()
def st1_dir() -> Path:
    return FIXTURES / "st1" / "EN"
