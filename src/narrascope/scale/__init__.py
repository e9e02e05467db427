"""Corpus runs at scale: a backend-independent batch stage, thin executors, and the resumable run loop.

* :mod:`narrascope.scale.stage` — the stage contract (``setup`` / ``process_batch`` / ``teardown``)
  and :class:`PipelineStage`, which rebuilds the configured pipeline once per worker.
* :mod:`narrascope.scale.executors` — ``local`` (in process), ``multiprocess`` (worker processes,
  the parent writes) and ``ray`` (Ray Data on an existing cluster; optional extra ``ray``).
* :mod:`narrascope.scale.runner` — read → skip stored ids → analyse → store one transaction per
  batch → update duplicate clusters; :class:`RunSummary`.
"""

from narrascope.scale.runner import RunProgress, RunSummary, run_corpus
from narrascope.scale.stage import PipelineStage, Stage

__all__ = ["Stage", "PipelineStage", "run_corpus", "RunSummary", "RunProgress"]
