"""``narrascope train MODEL``: rebuild the shipped models from data."""

from __future__ import annotations

import click


@click.group()
def train() -> None:
    """Train (and cross-validate) narrascope's models."""
