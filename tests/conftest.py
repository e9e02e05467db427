"""Shared fixtures: the example article, the shared data folder, fresh stores, and a session-wide pipeline."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    return Path(os.environ.get("NARRASCOPE_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared data folder not found at {path} (set NARRASCOPE_SHARED)")
    return path


@pytest.fixture(scope="session")
def example_path(shared: Path) -> Path:
    return shared / "examples" / "moscow-times-2024-12-19-assad-russia.txt"


@pytest.fixture(scope="session")
def example_text(example_path: Path) -> str:
    with open(example_path, encoding="utf-8", newline="") as fh:
        return fh.read()
