"""``narrascope semeval predict|score TASK``: the official SemEval input and output formats.

Each task's commands live in their own module and are added to the ``predict`` and
``score`` groups in :mod:`narrascope.cli.main`.
"""

from __future__ import annotations

import click


@click.group()
def semeval() -> None:
    """Read and write the official SemEval formats, and score with the official metrics."""


@semeval.group()
def predict() -> None:
    """Predict in the official output format."""


@semeval.group()
def score() -> None:
    """Score a prediction file against gold with the official metrics."""
