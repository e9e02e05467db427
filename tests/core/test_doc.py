from __future__ import annotations

import json

import pytest

from narrascope.doc import (
    Article,
    Entity,
    Mention,
    OffsetSegment,
    RemovedSpan,
    RoleAssignment,
    article_json_schema,
)
from narrascope.errors import InputError


def _article() -> Article:
    raw = "Title line\n\nBody about Assad.\nSee Also:\nLink one\n"
    text = raw[: raw.index("See Also:")]
    art = Article(
        id="a1",
        title="Title line",
        raw_text=raw,
        text=text,
        body_start=12,
        offset_map=[OffsetSegment(clean_start=0, raw_start=0, length=len(text))],
        removed=[RemovedSpan(start=len(text), end=len(raw), text=raw[len(text) :], reason="see-also")],
    )
    start = text.index("Assad")
    mention = Mention(start=start, end=start + 5, text="Assad", label="PERSON", sentence=0)
    art.entities = [Entity(id="e0", name="Bashar al-Assad", type="person", aliases=["Assad"], mentions=[mention])]
    art.roles = [
        RoleAssignment(
            entity_id="e0",
            mention=art.span(start, start + 5),
            main_role="Antagonist",
            fine_roles=["Tyrant"],
            confidence=0.8,
            evidence=[art.span(12, len(text) - 1)],
        )
    ]
    return art


def test_round_trip_is_lossless() -> None:
    art = _article()
    again = Article.model_validate_json(art.model_dump_json())
    assert again == art
    assert again.schema_version == "1.0"


def test_json_schema_describes_every_annotation_layer() -> None:
    schema = article_json_schema()
    props = schema["properties"]
    for field in ("raw_text", "text", "removed", "offset_map", "entities", "roles", "narratives", "techniques", "genre"):
        assert field in props
    json.dumps(schema)


def test_spans_are_checked() -> None:
    art = _article()
    art.validate_spans()
    with pytest.raises(InputError, match="outside the text"):
        art.span(0, len(art.text) + 1)
    bad = art.span(0, 5).model_copy(update={"text": "XXXXX"})
    with pytest.raises(InputError, match="does not match"):
        art.check_span(bad)


def test_offsets_map_back_to_raw_text() -> None:
    raw = "Head\n\nAdvertisement\nBody one. Body two.\nWatch:"
    cut_start = raw.index("Advertisement")
    cut_end = cut_start + len("Advertisement\n")
    tail = raw.index("\nWatch:")
    text = raw[:cut_start] + raw[cut_end:tail]
    art = Article(
        id="x",
        raw_text=raw,
        text=text,
        offset_map=[
            OffsetSegment(clean_start=0, raw_start=0, length=cut_start),
            OffsetSegment(clean_start=cut_start, raw_start=cut_end, length=tail - cut_end),
        ],
    )
    for i, ch in enumerate(text):
        assert raw[art.to_raw(i)] == ch
    assert art.to_raw(len(text)) == tail
    with pytest.raises(InputError):
        art.to_raw(len(text) + 1)


def test_unknown_fields_are_rejected() -> None:
    data = _article().model_dump()
    data["surprise"] = 1
    with pytest.raises(ValueError):
        Article.model_validate(data)


def test_vectors_are_kept_in_memory_only() -> None:
    art = _article()
    art.set_vectors("sentences", [[0.0, 1.0]])
    assert art.vectors("sentences") == [[0.0, 1.0]]
    assert "sentences" not in json.loads(art.model_dump_json())["extras"]
    assert "_vectors" not in art.model_dump_json()


def test_equality_ignores_the_in_memory_vectors() -> None:
    art = _article()
    again = Article.model_validate_json(art.model_dump_json())
    art.set_vectors("sentences", [[1.0]])
    assert again == art
    again.title = "changed"
    assert again != art
