"""Fixtures of the narrative tests: taxonomy, model, encoder and splitter (loaded once), small data sets."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def taxonomy():
    from narrascope.taxonomy.narratives import load_narrative_taxonomy

    return load_narrative_taxonomy()


@pytest.fixture(scope="session")
def encoder():
    from narrascope.models.encoder import SentenceEncoder

    return SentenceEncoder.load(threads=1)


@pytest.fixture(scope="session")
def splitter():
    from narrascope.narratives.segment import SentenceSplitter

    return SentenceSplitter()


@pytest.fixture(scope="session")
def narrative_model():
    from narrascope.narratives.model import NarrativeModel

    return NarrativeModel.load()


@pytest.fixture()
def tiny_dir() -> Path:
    """Twelve short articles written for these tests: 4 CC, 4 URW, 4 Other (SemEval layout)."""
    return FIXTURES / "tiny"


@pytest.fixture(scope="session")
def example_body(example_text: str) -> str:
    """The example article without its trailing "See Also:" link list."""
    return example_text[: example_text.index("See Also:")].rstrip()
