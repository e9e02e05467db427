"""The ``roles`` pipeline component: a role for every entity mention, aggregated per entity.

Policy.  SemEval annotates only mentions with a clear role; this component predicts
for *every* mention of every entity and says how clear it is in ``confidence``
(main-role score x the top fine role's share; low values mean "no clear role").
Each mention gets one :class:`~narrascope.doc.RoleAssignment` whose evidence is the
sentence that contains it.  Per entity, the mentions' probabilities are averaged and
decoded with the same rules (fine roles always belong to the main role, at least
one), giving one :class:`~narrascope.doc.EntityRoles`; its ``fine_roles`` map each
role of that main role to the number of mentions predicted with it.

The default model (``roles-minilm-linear``) is linear heads over sentence embeddings;
``roles-mpnet-linear`` (``model_path="roles-mpnet-linear"``) is the same over all-mpnet-base-v2,
whose encoder is built by :mod:`narrascope.train.export_mpnet` and given as ``encoder_path``
(:func:`~narrascope.roles.loader.load_model_encoder` refuses any other encoder).
A model trained with ``narrascope train roles --kind marked`` (a fine-tuned MiniLM that
reads each sentence holding mentions once, all of its mentions marked, averaged with
linear heads; :mod:`.marked_model`) is used when its directory is configured.  For the
linear heads, sentence vectors
put by the ``embeddings`` component (``article.vectors("sentences")``) are reused when the
same encoder made them (``article.vectors("sentences.encoder")``);
otherwise the sentences are encoded here (with their token states, in the same pass, when
the model reads the ``span`` or ``entity_span`` block).  Mention texts are encoded when the linear
part uses them, once per distinct string (kept in a bounded cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from narrascope.components.embeddings import reusable_vectors
from narrascope.doc import Article, EntityRoles, RoleAssignment
from narrascope.errors import ConfigError
from narrascope.pipeline.component import Component, check_threads
from narrascope.roles.features import MentionInput, build_features, sentence_of, split_sentence_spans
from narrascope.roles.loader import AnyRoleModel, load_model_encoder, load_role_model, model_encoder_name
from narrascope.roles.marked_model import MarkedRoleModel
from narrascope.roles.model import RoleModel, decode_roles

__all__ = ["RoleLabeler", "ArticleRoles"]

_MAX_CACHED_NAMES = 20_000


@dataclass
class ArticleRoles:
    roles: list[RoleAssignment]
    entity_roles: list[EntityRoles]


class RoleLabeler(Component):
    name: ClassVar[str] = "roles"
    requires: ClassVar[tuple[str, ...]] = ("entities", "sentences")
    assigns: ClassVar[tuple[str, ...]] = ("roles", "entity_roles")
    languages: ClassVar[frozenset[str] | None] = frozenset({"en"})

    def __init__(
        self,
        *,
        model_path: str | None = None,
        encoder_path: str | None = None,
        threads: int | None = None,
        min_confidence: float = 0.0,
        languages: Sequence[str] | None = None,
        model: AnyRoleModel | None = None,
        encoder: Any = None,
    ) -> None:
        """``model_path``/``encoder_path``: artifact directories (default: the packaged ones), or pass
        loaded ``model``/``encoder`` objects (``model``: a linear :class:`RoleModel` or a
        :class:`MarkedRoleModel`); ``min_confidence``: mentions below it get no assignment
        (0 keeps every mention); ``threads``: onnxruntime threads of the models it loads."""
        if isinstance(min_confidence, bool) or not isinstance(min_confidence, (int, float)) or not 0 <= min_confidence <= 1:
            raise ConfigError(f"min_confidence must be a number in [0, 1], got {min_confidence!r}", source="components.roles.min_confidence")
        check_threads(threads, "roles")
        if languages is not None:
            if isinstance(languages, str) or not languages or not all(isinstance(x, str) and x for x in languages):
                raise ConfigError(f"languages must be a non-empty list of codes, got {languages!r}", source="components.roles.languages")
            self.languages = frozenset(languages)  # type: ignore[misc]
        self.model_path = model_path
        self.encoder_path = encoder_path
        self.threads = threads
        self.min_confidence = float(min_confidence)
        self._model: AnyRoleModel | None = model
        self._encoder: Any = encoder
        # mention text -> vector; the encoder embeds every text on its own, so a cached vector is
        # exactly what encoding it again would give (results never depend on what was seen before)
        self._names: dict[str, np.ndarray] = {}

    @property
    def model(self) -> AnyRoleModel:
        if self._model is None:
            self._model = load_role_model(Path(self.model_path) if self.model_path else None, threads=self.threads)
        return self._model

    @property
    def encoder(self) -> Any:
        """The encoder the model's linear heads were trained on (:func:`~narrascope.roles.loader.load_model_encoder`)."""
        if self._encoder is None:
            self._encoder = load_model_encoder(self.model, self.encoder_path, threads=self.threads)
        return self._encoder

    def clear_cache(self) -> None:
        """Forget the cached mention-text vectors (results do not change; only speed does)."""
        self._names.clear()

    def predict(self, articles: Sequence[Article]) -> list[ArticleRoles]:
        from threadpoolctl import threadpool_limits

        # Its matrix products are tiny; numpy's BLAS threads would only spin against the encoder's
        # threads (measured: the name encodings took 1.7x the CPU time; BENCHMARKS.md, "Corpus runs").
        with threadpool_limits(limits=1, user_api="blas"):
            return [self._predict_one(a) for a in articles]

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[ArticleRoles]) -> None:
        for article, pred in zip(articles, predictions):
            article.roles = pred.roles
            article.entity_roles = pred.entity_roles

    # -- internals ---------------------------------------------------------------
    def _sentences(self, article: Article, with_tokens: bool) -> tuple[list[tuple[int, int]], np.ndarray, list[Any] | None]:
        """Sentence spans, their vectors and (``with_tokens``, when encoded here) their token states."""
        spans = [(s.start, s.end) for s in article.sentences]
        # reused only when the same encoder made them (a model trained on MPNet cannot read MiniLM vectors)
        vectors = reusable_vectors(article, str(model_encoder_name(self.model)))
        if spans and vectors is not None:
            return spans, vectors, None
        if not spans:
            spans = split_sentence_spans(article.text) or [(0, len(article.text))]
        texts = [article.text[s:e] for s, e in spans]
        if with_tokens:  # one pass gives the vectors and the token states of the "span" block
            states = self.encoder.encode_tokens(texts)
            return spans, np.stack([t.vector for t in states]), states
        return spans, self.encoder.encode(texts), None

    def _predict_one(self, article: Article) -> ArticleRoles:
        mentions = [(entity.id, m) for entity in article.entities for m in entity.mentions]
        if not mentions or not article.text.strip():
            return ArticleRoles([], [])
        model = self.model
        inputs = [MentionInput(m.start, m.end, eid) for eid, m in mentions]
        if len(self._names) > _MAX_CACHED_NAMES:
            self._names.clear()
        linear = model.linear if isinstance(model, MarkedRoleModel) else model
        feats = None
        if linear is not None:
            spans, vectors, states = self._sentences(article, linear.features.reads_token_states)
            feats = build_features(
                article.text, spans, vectors, inputs, self.encoder, linear.features, name_cache=self._names, token_states=states
            )
        else:
            spans = [(s.start, s.end) for s in article.sentences] or split_sentence_spans(article.text) or [(0, len(article.text))]
        if isinstance(model, MarkedRoleModel):
            preds = model.predict(article.text, spans, [(m.start, m.end) for _eid, m in mentions], linear_x=feats)
        else:
            preds = model.predict_features(feats)
        roles: list[RoleAssignment] = []
        by_entity: dict[str, list[int]] = {}
        for k, ((eid, m), pred) in enumerate(zip(mentions, preds)):
            by_entity.setdefault(eid, []).append(k)
            if pred.confidence < self.min_confidence:
                continue
            s, e = spans[sentence_of(spans, m.start)]
            roles.append(
                RoleAssignment(
                    entity_id=eid,
                    mention=article.span(m.start, m.end),
                    main_role=pred.main_role,  # type: ignore[arg-type]
                    fine_roles=list(pred.fine_roles),
                    confidence=pred.confidence,
                    fine_scores={r: p for r, p in pred.fine_scores.items() if p >= 0.01},
                    evidence=[article.span(s, e)],
                )
            )
        entity_roles = [self._aggregate(eid, [preds[k] for k in idx]) for eid, idx in by_entity.items()]
        return ArticleRoles(roles, entity_roles)

    def _aggregate(self, entity_id: str, preds: list) -> EntityRoles:
        model = self.model
        p_fine = np.array([[p.fine_scores[r] for r in model.fine_roles] for p in preds]).mean(axis=0, keepdims=True)
        # main_scores already mix the main head and the fine head; w=1 decodes them as they are.
        p_main = np.array([[p.main_scores[r] for r in model.main_roles] for p in preds]).mean(axis=0, keepdims=True)
        fine_main = np.array([model.main_roles.index(m) for m in model.fine_main])
        main, fine, conf, _ = decode_roles(p_fine, p_main, fine_main, w=1.0, tau=model.tau)[0]
        main_role = model.main_roles[main]
        counts = {model.fine_roles[j]: 0 for j in fine}
        for p in preds:
            if p.main_role == main_role:
                for r in p.fine_roles:
                    counts[r] = counts.get(r, 0) + 1
        return EntityRoles(entity_id=entity_id, main_role=main_role, fine_roles=counts, confidence=round(conf, 4))  # type: ignore[arg-type]
