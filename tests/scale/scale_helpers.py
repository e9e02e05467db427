"""Helpers shared by the corpus-run tests."""

from __future__ import annotations

import json
from pathlib import Path

from narrascope.config.settings import Settings, load_settings


def write_jsonl(path: Path, docs: list[Path]) -> Path:
    """One JSONL record per document (title = first line, text = the rest)."""
    with open(path, "w", encoding="utf-8") as fh:
        for doc in docs:
            text = doc.read_text(encoding="utf-8")
            title, _, body = text.partition("\n")
            fh.write(json.dumps({"id": doc.stem, "title": title.strip(), "text": body.strip() or title}) + "\n")
    return path


def settings_for(db: Path, components: list[str], batch_size: int = 8) -> Settings:
    return load_settings(
        overrides=[
            f"store.path={db}",
            "pipeline.components=" + json.dumps(components),
            f"pipeline.batch_size={batch_size}",
        ],
        env={},
    )
