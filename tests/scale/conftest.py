"""Fixtures for the corpus-run tests: small real corpora (training-release raw documents) as JSONL files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from scale_helpers import write_jsonl

RAW = Path("semeval2025-task10/target_4_December_release")


@pytest.fixture(scope="session")
def raw_docs(shared: Path) -> list[Path]:
    folder = shared / "data" / RAW / "EN" / "raw-documents"
    if not folder.is_dir():
        pytest.skip(f"training raw documents not found at {folder}")
    return sorted(folder.glob("*.txt"))


@pytest.fixture
def make_jsonl(tmp_path: Path, raw_docs: list[Path]) -> Callable[[str, int, int], Path]:
    def make(name: str, start: int, stop: int) -> Path:
        return write_jsonl(tmp_path / name, raw_docs[start:stop])

    return make


