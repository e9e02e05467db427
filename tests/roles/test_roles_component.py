from __future__ import annotations

import pytest

from narrascope.doc import Article
from narrascope.errors import ConfigError
from narrascope.pipeline.pipeline import Pipeline
from narrascope.pipeline.registry import default_registry
from narrascope.roles.component import RoleLabeler


@pytest.fixture(scope="module")
def entities():
    return default_registry().create("entities", {})


@pytest.fixture(scope="module")
def labeler(role_model, encoder):
    return RoleLabeler(model=role_model, encoder=encoder)


def _article(text: str, id: str = "a1", language: str = "en") -> Article:
    return Article(id=id, raw_text=text, text=text, language=language)


@pytest.fixture(scope="module")
def example(example_text, entities, labeler):
    article = entities(_article(example_text, "example"))
    return labeler(article)


def test_every_mention_gets_a_consistent_role(example, taxonomy):
    example.validate_spans()
    n_mentions = sum(len(e.mentions) for e in example.entities)
    assert n_mentions > 10 and len(example.roles) == n_mentions
    assert {r.entity_id for r in example.roles} == {e.id for e in example.entities}
    for role in example.roles:
        assert role.fine_roles and all(taxonomy.main_of(f) == role.main_role for f in role.fine_roles)
        assert 0 <= role.confidence <= 1
        (evidence,) = role.evidence
        assert evidence.start <= role.mention.start and role.mention.end <= evidence.end
    assert len(example.entity_roles) == len(example.entities)
    for agg in example.entity_roles:
        assert agg.fine_roles and all(taxonomy.main_of(f) == agg.main_role for f in agg.fine_roles)
    assert example.components == ["entities", "roles"]


def test_example_roles_are_plausible(example):
    by_name = {e.name: e.id for e in example.entities}
    roles = {r.entity_id: r for r in example.entity_roles}
    assad = next(i for n, i in by_name.items() if "Assad" in n)
    assert roles[assad].main_role == "Antagonist"
    assert roles[by_name["Russia"]].main_role == "Antagonist"


def test_rerun_assigns_the_same_fields(example, labeler):
    before = example.model_dump_json()
    labeler(example)
    assert example.model_dump_json() == before


def test_batch_equals_single(example_text, entities, labeler):
    texts = [example_text, "Prosecutors say Ivan Petrov stole the pension fund.\nIvan Petrov denies it and blames Maria Lopez."]
    single = [labeler(entities(_article(t, f"s{i}"))) for i, t in enumerate(texts)]
    batch = list(labeler.pipe([entities(_article(t, f"s{i}")) for i, t in enumerate(texts)]))
    for a, b in zip(single, batch):
        assert a.roles == b.roles and a.entity_roles == b.entity_roles


def test_reuses_sentence_vectors(example_text, entities, labeler, encoder):
    article = entities(_article(example_text, "v"))
    vectors = encoder.encode([s.text for s in article.sentences])
    article.set_vectors("sentences", vectors)
    with_vectors = labeler(article)
    assert len(with_vectors.roles) == sum(len(e.mentions) for e in with_vectors.entities)


def test_no_entities_and_other_languages(labeler):
    empty = labeler(_article("nothing here", "e"))
    assert empty.roles == [] and empty.entity_roles == []
    german = labeler(_article("Olaf Scholz sprach in Berlin.", "de", language="de"))
    assert german.roles == [] and german.notes[0].status == "skipped" and german.notes[0].component == "roles"


def test_min_confidence_filters_assignments(example_text, entities, role_model, encoder):
    strict = RoleLabeler(model=role_model, encoder=encoder, min_confidence=0.99)
    article = strict(entities(_article(example_text, "m")))
    assert article.roles == [] and article.entity_roles  # aggregates still cover every entity


def test_bad_settings_and_pipeline_order():
    with pytest.raises(ConfigError, match="min_confidence"):
        RoleLabeler(min_confidence=2)
    with pytest.raises(ConfigError, match="threads"):
        RoleLabeler(threads=0)
    with pytest.raises(ConfigError, match="languages"):
        RoleLabeler(languages="en")
    with pytest.raises(ConfigError, match="requires"):
        Pipeline([RoleLabeler()])
    assert isinstance(default_registry().create("roles", {"min_confidence": 0.1}), RoleLabeler)


def test_blas_threads_are_one_inside_and_restored_after(example_text, entities, role_model, encoder):
    """predict() runs with one BLAS thread (its products are tiny; more threads only spin against the
    encoder's) and leaves the process's BLAS settings as they were, with the same roles."""
    from threadpoolctl import threadpool_info, threadpool_limits

    seen: list[int] = []

    class Spy(RoleLabeler):
        def _predict_one(self, article):
            seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
            return super()._predict_one(article)

    article = entities(_article(example_text, "blas"))
    before = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]
    with_limit = Spy(model=role_model, encoder=encoder)(article.model_copy(deep=True))
    assert seen and set(seen) == {1}
    assert [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"] == before
    with threadpool_limits(limits=2, user_api="blas"):  # the same work with the BLAS threads not limited
        reference = RoleLabeler(model=role_model, encoder=encoder)._predict_one(article.model_copy(deep=True))
    assert with_limit.roles == reference.roles and with_limit.entity_roles == reference.entity_roles


def test_a_model_reading_the_span_block(example_text, entities, taxonomy, encoder):
    """Heads over ("sent", "name", "span"): one encoder pass gives the vectors and token states, or the
    states are computed for the sentences that hold mentions when the article's vectors are reused."""
    import numpy as np

    from narrascope.roles.features import FeatureConfig, featurize_text
    from narrascope.roles.model import RoleModel
    from narrascope.roles.training import fit_heads

    cfg = FeatureConfig(blocks=("sent", "name", "span"))
    texts, fine, main = [], [], []
    for role in ("Guardian", "Tyrant", "Victim"):
        for ex in taxonomy.get(role).examples:
            texts.append((ex.text, ex.entity))
            fine.append(taxonomy.fine_roles.index(role))
            main.append(taxonomy.main_roles.index(taxonomy.main_of(role)))
    x = np.concatenate([featurize_text(t, [(t.index(e), t.index(e) + len(e))], encoder, cfg) for t, e in texts])
    y_fine = np.zeros((len(texts), len(taxonomy.fine_roles)), dtype=np.float32)
    y_fine[np.arange(len(texts)), fine] = 1
    heads = fit_heads(x, y_fine, np.array(main))
    fine_main = [taxonomy.main_of(r) for r in taxonomy.fine_roles]
    model = RoleModel(heads, list(taxonomy.fine_roles), list(taxonomy.main_roles), fine_main, cfg, meta={"encoder": "minilm-l6-v2-int8"})
    labeler = RoleLabeler(model=model, encoder=encoder)

    encoded_here = labeler(entities(_article(example_text, "span1")))
    assert len(encoded_here.roles) == sum(len(e.mentions) for e in encoded_here.entities)
    reused = entities(_article(example_text, "span2"))
    reused.set_vectors("sentences", encoder.encode([s.text for s in reused.sentences]))
    reused = labeler(reused)
    assert [(r.mention.start, r.main_role, r.fine_roles, r.confidence) for r in reused.roles] == [
        (r.mention.start, r.main_role, r.fine_roles, r.confidence) for r in encoded_here.roles
    ]
