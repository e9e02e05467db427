"""narrascope: news narrative intelligence.

Public API::

    from narrascope import load_pipeline, analyze, open_store, read_articles, Article
"""

from __future__ import annotations

import logging

from narrascope.api_functions import analyze, load_pipeline, open_store, read_articles
from narrascope.doc import SCHEMA_VERSION, Article

__version__ = "0.1.0"
__all__ = ["Article", "SCHEMA_VERSION", "analyze", "load_pipeline", "open_store", "read_articles", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
