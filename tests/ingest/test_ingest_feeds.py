"""RSS/Atom reader: entries, broken entries, broken XML, non-feeds, external entities."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.config.settings import IngestSettings
from narrascope.doc import Article
from narrascope.errors import Codes, InputError
from narrascope.ingest import ReadFailure
from narrascope.ingest.feeds import read_feed_file


def test_rss_with_broken_entries(fixtures: Path, settings: IngestSettings) -> None:
    path = fixtures / "feed.rss"
    out = list(read_feed_file(path, settings))
    arts = [x for x in out if isinstance(x, Article)]
    fails = [x for x in out if isinstance(x, ReadFailure)]
    assert [a.title for a in arts] == ["Ceasefire talks stall", "Grain deal extended"]
    first = arts[0]
    assert first.text == (
        "Ceasefire talks stall\n\nOfficials met on Thursday to discuss the ceasefire proposal.\n\n"
        "The talks lasted six hours."
    )
    assert first.meta.format == "feed" and first.meta.path == f"{path}#entry 1"
    assert first.meta.url == "https://news.example.org/1" and first.meta.source == "Example News"
    assert first.meta.published == "2024-12-19T10:00:00Z"
    assert arts[1].meta.path == f"{path}#entry 4"
    assert [(f.source, f.code) for f in fails] == [
        (f"{path}#entry 2", Codes.BAD_FEED),
        (f"{path}#entry 3", Codes.BAD_FEED),
    ]
    assert "'Empty entry'" in fails[0].message


def test_atom(fixtures: Path, settings: IngestSettings) -> None:
    (art,) = list(read_feed_file(fixtures / "feed.atom", settings))
    assert isinstance(art, Article)
    assert art.title == "Summit opens in Brussels"
    assert art.body == "Leaders gathered in Brussels on Thursday for a two-day summit.\n\nEnergy prices top the agenda."
    assert art.meta.url == "https://atom.example.org/summit" and art.meta.published == "2024-12-19T09:00:00Z"


def test_truncated_feed_keeps_entries_and_reports(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "cut.xml"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>One</title><description>First story body text.</description></item>"
        "<item><title>Two</title><description>Second story body text.</description></item>"
        "<item><title>Three</title><descr",
        encoding="utf-8",
    )
    out = list(read_feed_file(path, settings))
    assert [x.title for x in out if isinstance(x, Article)] == ["One", "Two"]
    fails = [x for x in out if isinstance(x, ReadFailure)]
    assert fails[-1].source == str(path) and fails[-1].code == Codes.BAD_FEED and "malformed" in fails[-1].message


@pytest.mark.parametrize(
    "content",
    [
        "Just a plain text file that is not a feed at all.\n",
        "<html><head><title>x</title></head><body><p>An HTML page, not a feed.</p></body></html>",
        '<?xml version="1.0"?><catalog><book id="1"><title>Not a feed</title></book></catalog>',
    ],
)
def test_not_a_feed(tmp_path: Path, settings: IngestSettings, content: str) -> None:
    path = tmp_path / "x.xml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as ei:
        list(read_feed_file(path, settings))
    assert ei.value.code == Codes.BAD_FEED and ei.value.source == str(path)


def test_external_entities_are_not_resolved(tmp_path: Path, settings: IngestSettings) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.rss"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>Evil</title><item><title>Entry</title>'
        "<description>Body text &xxe; with more words.</description></item></channel></rss>",
        encoding="utf-8",
    )
    out = list(read_feed_file(path, settings))
    assert not any("TOP-SECRET" in (x.text if isinstance(x, Article) else x.message) for x in out)


def test_scripts_in_entry_html_are_not_text(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "s.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item>'
        "<title>&lt;script&gt;x&lt;/script&gt; Title</title>"
        "<description>&lt;p&gt;Body text.&lt;/p&gt;&lt;script&gt;steal()&lt;/script&gt;</description>"
        "</item></channel></rss>",
        encoding="utf-8",
    )
    (art,) = list(read_feed_file(path, settings))
    assert isinstance(art, Article) and "steal()" not in art.text and art.body == "Body text."
    assert art.title == "<script>x</script> Title"  # a plain-text title is data, kept as written
