"""Ingestion: read files into :class:`~narrascope.doc.Article` records.

Guards (size, binary, encoding) in :mod:`.guards`, boilerplate removal in
:mod:`.boilerplate`, article construction in :mod:`.make`, one reader per format
(:mod:`.text`, :mod:`.html`, :mod:`.records`, :mod:`.feeds`) and the dispatcher
:func:`read_paths` in :mod:`.readers`.
"""

from narrascope.ingest.boilerplate import CleanResult, remove_boilerplate
from narrascope.ingest.failure import ReadFailure
from narrascope.ingest.make import make_article
from narrascope.ingest.readers import read_paths

__all__ = ["make_article", "read_paths", "ReadFailure", "remove_boilerplate", "CleanResult"]
