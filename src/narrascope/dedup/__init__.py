"""Republication and near-duplicate detection over the store (MinHash signatures + LSH banding).

:func:`update_duplicates` indexes the stored articles that have no signature yet, links each
to the stored articles whose estimated Jaccard similarity of body shingles reaches the
threshold, and writes :class:`~narrascope.doc.DuplicateInfo` onto every member of the
clusters it changed.  :func:`list_clusters` reads them back.
"""

from narrascope.dedup.index import DedupSettings, DedupSummary, list_clusters, update_duplicates
from narrascope.dedup.minhash import body_shingles, signature

__all__ = ["update_duplicates", "list_clusters", "DedupSettings", "DedupSummary", "body_shingles", "signature"]
