"""Plain-text files: one article per file, title on the first non-empty line."""

from __future__ import annotations

from pathlib import Path

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article, ArticleMeta
from narrascope.ingest.guards import decode_bytes, read_input_bytes
from narrascope.ingest.make import make_article

__all__ = ["read_text_file"]


def read_text_file(path: Path, settings: IngestSettings) -> Article:
    """Read one plain-text article (guards and encoding guessing from :mod:`narrascope.ingest.guards`)."""
    source = str(path)
    data = read_input_bytes(Path(path), max_bytes=settings.max_bytes)
    text = decode_bytes(data, source=source, fallback_encodings=settings.fallback_encodings)
    return make_article(
        text,
        meta=ArticleMeta(format="text", path=source),
        remove_boilerplate=settings.remove_boilerplate,
        source=source,
    )
