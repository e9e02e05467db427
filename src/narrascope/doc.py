"""The article data model: one record that carries the text and every annotation.

Offsets
-------
``Article.raw_text`` is the text as read (for HTML: the extracted main text with
the title line in front).  ``Article.text`` is the *clean* text: the raw text with
the removed boilerplate spans (``Article.removed``, offsets into ``raw_text``)
cut out and nothing else changed, so CR characters and spacing survive and
offsets stay comparable with SemEval's.  Every annotation span has ``start`` /
``end`` character offsets into ``Article.text`` and the ``text`` it covers;
:meth:`Article.to_raw` maps a clean offset back into ``raw_text`` through
``Article.offset_map``.

Versioning
----------
``SCHEMA_VERSION`` is written into every record; :func:`article_json_schema`
gives the JSON schema.  ``Article.model_validate_json(a.model_dump_json())``
round-trips losslessly.
"""

from __future__ import annotations

import bisect
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from narrascope.errors import Codes, InputError

__all__ = [
    "SCHEMA_VERSION",
    "Span",
    "RemovedSpan",
    "OffsetSegment",
    "ArticleMeta",
    "Mention",
    "Entity",
    "EntityType",
    "RoleAssignment",
    "EntityRoles",
    "NarrativeLabel",
    "Claim",
    "Explanation",
    "TechniqueSpan",
    "Genre",
    "DuplicateInfo",
    "ComponentNote",
    "Article",
    "article_json_schema",
]

SCHEMA_VERSION = "1.0"

EntityType = Literal["person", "organisation", "place", "group"]
MainRole = Literal["Protagonist", "Antagonist", "Innocent"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)


class Span(_Model):
    """A half-open character range ``[start, end)`` of ``Article.text`` and the text it covers."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class RemovedSpan(_Model):
    """Boilerplate cut from ``raw_text`` (offsets into ``raw_text``) and why."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    reason: str  # e.g. "see-also", "watch", "share", "cookie", "trailing-whitespace"


class OffsetSegment(_Model):
    """``text[clean_start:clean_start+length] == raw_text[raw_start:raw_start+length]``."""

    clean_start: int
    raw_start: int
    length: int


class ArticleMeta(_Model):
    url: str | None = None
    source: str | None = None  # outlet / site name
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime as given
    format: str | None = None  # text, html, jsonl, csv, feed
    path: str | None = None  # where it was read from (file[:line])


class Mention(Span):
    """One occurrence of an entity in the clean text."""

    label: str  # the NER label it came from (PERSON, GPE, ORG, NORP, ...)
    sentence: int | None = None  # index into Article.sentences


class Entity(_Model):
    """A canonical entity with all of its mentions (aliases merged)."""

    id: str  # stable within the article: "e0", "e1", ...
    name: str  # canonical name (the longest full form seen)
    type: EntityType
    aliases: list[str] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)


class RoleAssignment(_Model):
    """The role of one mention (SemEval-2025 Task 10 subtask 1)."""

    entity_id: str
    mention: Span
    main_role: MainRole
    fine_roles: list[str]
    confidence: float
    fine_scores: dict[str, float] = Field(default_factory=dict)
    evidence: list[Span] = Field(default_factory=list)


class EntityRoles(_Model):
    """Roles of one canonical entity aggregated over its mentions."""

    entity_id: str
    main_role: MainRole
    fine_roles: dict[str, int]  # role -> number of mentions
    confidence: float


class NarrativeLabel(_Model):
    domain: str  # "URW", "CC", "Other"
    narrative: str
    subnarrative: str | None = None
    confidence: float
    evidence: list[Span] = Field(default_factory=list)


class Claim(_Model):
    text: str
    evidence: list[Span]


class Explanation(_Model):
    label: str
    text: str
    claims: list[Claim] = Field(default_factory=list)
    method: str = "extractive"


class TechniqueSpan(Span):
    technique: str
    confidence: float
    level: Literal["paragraph", "sentence", "span"] = "sentence"


class Genre(_Model):
    label: Literal["opinion", "reporting", "satire"]
    confidence: float


class DuplicateInfo(_Model):
    cluster_id: str
    earliest_id: str
    members: list[str] = Field(default_factory=list)


class ComponentNote(_Model):
    """What a component did not do and why (unsupported language, failure)."""

    component: str
    status: Literal["skipped", "failed"]
    code: str | None = None
    message: str


class Article(_Model):
    """One article and everything narrascope found in it."""

    schema_version: str = SCHEMA_VERSION
    id: str
    title: str = ""
    raw_text: str
    text: str = ""
    body_start: int = 0  # offset in ``text`` where the body (after the title line) starts
    offset_map: list[OffsetSegment] = Field(default_factory=list)
    removed: list[RemovedSpan] = Field(default_factory=list)
    meta: ArticleMeta = Field(default_factory=ArticleMeta)
    language: str | None = None
    language_score: float | None = None
    sentences: list[Span] = Field(default_factory=list)
    entities: list[Entity] = Field(default_factory=list)
    roles: list[RoleAssignment] = Field(default_factory=list)
    entity_roles: list[EntityRoles] = Field(default_factory=list)
    domain: str | None = None
    narratives: list[NarrativeLabel] = Field(default_factory=list)
    explanation: Explanation | None = None
    techniques: list[TechniqueSpan] = Field(default_factory=list)
    genre: Genre | None = None
    duplicates: DuplicateInfo | None = None
    notes: list[ComponentNote] = Field(default_factory=list)
    components: list[str] = Field(default_factory=list)  # components that ran, in order
    extras: dict[str, Any] = Field(default_factory=dict)
    #: In-memory arrays shared between components (e.g. sentence embeddings); never serialised.
    _vectors: dict[str, Any] = PrivateAttr(default_factory=dict)

    def set_vectors(self, key: str, value: Any) -> None:
        """Keep an array (e.g. ``"sentences"`` -> (n_sentences, dim) embeddings) for later components."""
        self._vectors[key] = value

    def vectors(self, key: str) -> Any | None:
        return self._vectors.get(key)

    def __eq__(self, other: object) -> bool:
        """Equal when every field is equal; the in-memory vectors are a cache and do not count."""
        if not isinstance(other, Article):
            return NotImplemented
        return self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # mutable model

    # -- offsets -----------------------------------------------------------
    def span(self, start: int, end: int) -> Span:
        """A checked :class:`Span` of the clean text."""
        if not 0 <= start <= end <= len(self.text):
            raise InputError(
                f"span [{start}, {end}) is outside the text (length {len(self.text)})",
                code=Codes.BAD_OFFSETS,
                source=f"article {self.id}",
            )
        return Span(start=start, end=end, text=self.text[start:end])

    def check_span(self, span: Span) -> None:
        """Raise :class:`InputError` unless ``span`` lies in the text and covers ``span.text``."""
        if not 0 <= span.start <= span.end <= len(self.text) or self.text[span.start : span.end] != span.text:
            raise InputError(
                f"span [{span.start}, {span.end}) {span.text!r} does not match the text",
                code=Codes.BAD_OFFSETS,
                source=f"article {self.id}",
            )

    def to_raw(self, offset: int) -> int:
        """Map an offset of the clean text to the same character in ``raw_text``."""
        if not 0 <= offset <= len(self.text):
            raise InputError(
                f"offset {offset} is outside the text (length {len(self.text)})",
                code=Codes.BAD_OFFSETS,
                source=f"article {self.id}",
            )
        if not self.offset_map:
            return offset
        starts = [seg.clean_start for seg in self.offset_map]
        i = max(bisect.bisect_right(starts, offset) - 1, 0)
        seg = self.offset_map[i]
        return seg.raw_start + min(offset - seg.clean_start, seg.length)

    def iter_spans(self) -> list[Span]:
        """Every span the article carries (for validation and highlighting)."""
        spans: list[Span] = list(self.sentences)
        for entity in self.entities:
            spans.extend(entity.mentions)
        for role in self.roles:
            spans.append(role.mention)
            spans.extend(role.evidence)
        for label in self.narratives:
            spans.extend(label.evidence)
        if self.explanation:
            for claim in self.explanation.claims:
                spans.extend(claim.evidence)
        spans.extend(self.techniques)
        return spans

    def validate_spans(self) -> None:
        """Raise :class:`InputError` if any annotation span does not match the text."""
        for span in self.iter_spans():
            self.check_span(span)

    @property
    def body(self) -> str:
        return self.text[self.body_start :]

    def note(self, component: str, status: Literal["skipped", "failed"], message: str, code: str | None = None) -> None:
        self.notes.append(ComponentNote(component=component, status=status, code=code, message=message))

    @property
    def failed_notes(self) -> list[ComponentNote]:
        """The notes of the components that failed on this article (empty: nothing failed)."""
        return [note for note in self.notes if note.status == "failed"]


def article_json_schema() -> dict[str, Any]:
    """The JSON schema of the article record (``narrascope schema``)."""
    return Article.model_json_schema()
