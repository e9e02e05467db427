"""Exports of stored articles: JSONL (full records), CSV and Parquet (flat columns)."""

from __future__ import annotations

from narrascope.export.writers import FLAT_COLUMNS, ExportFormat, export_articles, flat_row

__all__ = ["export_articles", "FLAT_COLUMNS", "ExportFormat", "flat_row"]
