"""The example article, analysed by the real pipeline, stored and read back (both backends)."""

from __future__ import annotations

import pytest

from narrascope.config.settings import load_settings
from narrascope.doc import Article, ArticleMeta
from narrascope.ingest.make import make_article
from narrascope.pipeline.pipeline import Pipeline
from store_backends import Backend


@pytest.fixture(scope="module")
def analysed(example_text: str) -> Article:
    settings = load_settings(env={})
    article = make_article(
        example_text,
        meta=ArticleMeta(source="The Moscow Times", published="2024-12-19", path="example.txt"),
        source="example.txt",
    )
    return Pipeline.from_settings(settings)(article)


@pytest.mark.slow
def test_analysed_example_round_trips(analysed: Article, store_factory: Backend) -> None:
    assert analysed.entities, "the pipeline should find entities in the example"
    with store_factory() as store:
        assert store.put([analysed]).inserted == 1
        assert store.put([analysed]).unchanged == 1
        back = store.get(analysed.id)
        assert back == analysed
        back.validate_spans()
        summary = store.list()[0]
        assert (summary.id, summary.n_entities, summary.language) == (
            analysed.id, len(analysed.entities), analysed.language
        )
        hits = store.search("Assad")
        assert [h.id for h in hits] == [analysed.id] and "[[Assad]]" in hits[0].snippet
