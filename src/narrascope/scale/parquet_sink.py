"""Analysed batches as Parquet part files for bulk loading elsewhere (``narrascope run --parquet DIR``).

Each stored batch becomes ``part-NNNNNN.parquet`` with flat columns (``id``, ``title``, ``source``,
``published``, ``language``, ``status``) and the full article JSON in ``record``.  A part is written
to a temporary name and renamed, so a killed run never leaves a half-written part; numbering goes on
from the parts already there, so a resumed run adds parts.  Parts are written after the store's
commit and hold the analysis (run ``narrascope duplicates --json`` for the clusters); a kill between
the commit and the part leaves that one batch out of the parts — the store is the source of truth.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from narrascope.doc import Article
from narrascope.errors import Codes, StoreError
from narrascope.store.records import article_status

__all__ = ["ParquetSink"]

_PART = re.compile(r"^part-(\d{6})\.parquet$")


class ParquetSink:
    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"cannot create the Parquet output folder: {exc.strerror or exc}", code=Codes.STORE_OPEN,
                source=str(self.directory),
            ) from exc
        numbers = [int(m.group(1)) for p in self.directory.iterdir() if (m := _PART.match(p.name))]
        self._next = max(numbers, default=-1) + 1

    def write(self, articles: list[Article]) -> Path:
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.table({
            "id": [a.id for a in articles],
            "title": [a.title for a in articles],
            "source": [a.meta.source for a in articles],
            "published": [a.meta.published for a in articles],
            "language": [a.language for a in articles],
            "status": [article_status(a) for a in articles],
            "record": [a.model_dump_json() for a in articles],
        })
        final = self.directory / f"part-{self._next:06d}.parquet"
        tmp = final.with_name(f".{final.name}.tmp")
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, final)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StoreError(
                f"cannot write Parquet part {final.name}: {exc.strerror or exc}", code=Codes.STORE_WRITE,
                source=str(self.directory),
            ) from exc
        self._next += 1
        return final
