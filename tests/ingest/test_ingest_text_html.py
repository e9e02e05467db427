"""Plain-text and HTML readers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from narrascope.config.settings import IngestSettings
from narrascope.errors import Codes, InputError
from narrascope.ingest.html import article_from_html, html_fragment_to_text, read_html_file
from narrascope.ingest.text import read_text_file

BAD_PAGES = {
    "nav-only": "<html><head><title>Example News - Home</title></head><body><nav><ul><li><a href=/w>World</a></li>"
    "<li><a href=/b>Business</a></li><li><a href=/s>Sport</a></li></ul></nav><footer><p>© 2024 Example News. "
    "All rights reserved.</p></footer></body></html>",
    "login": "<html><head><title>Sign in</title></head><body><form><label>Email</label><input name=e>"
    "<label>Password</label><input type=password name=p><button>Sign in</button></form></body></html>",
    "empty": "<html><head></head><body></body></html>",
    "not-found": "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1>"
    "<p>The requested URL was not found on this server.</p></body></html>",
    "script-only": "<html><body><script>" + "var a = 1;" * 200 + "</script></body></html>",
}


def test_text_file(example_path: Path, settings: IngestSettings, tmp_path: Path) -> None:
    target = tmp_path / "example.txt"
    shutil.copy(example_path, target)
    art = read_text_file(target, settings)
    assert art.title.startswith("From Assad’s Backer")
    assert art.meta.format == "text" and art.meta.path == str(target)
    assert [s.reason for s in art.removed if s.reason in {"see-also", "watch"}] == ["see-also", "watch"]


def test_text_file_keep_boilerplate(example_path: Path, settings: IngestSettings) -> None:
    art = read_text_file(example_path, settings.model_copy(update={"remove_boilerplate": False}))
    assert art.text == example_path.read_text(encoding="utf-8") and art.removed == []


def test_text_file_cp1251(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes("Заявление МИД\r\n\r\nМосква заявила, что переговоры продолжатся.\r\n".encode("cp1251"))
    art = read_text_file(path, settings)
    assert art.title == "Заявление МИД"
    assert art.body == "Москва заявила, что переговоры продолжатся."
    assert "\r" in art.text


def test_text_file_latin1(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "fr.txt"
    text = "Réforme des retraites\n\nLe gouvernement a annoncé une réforme très attendue.\n"
    path.write_bytes(text.encode("latin-1"))
    art = read_text_file(path, settings)
    assert art.title == "Réforme des retraites" and "très attendue" in art.body


def test_html_article_and_metadata(fixtures: Path, settings: IngestSettings) -> None:
    art = read_html_file(fixtures / "article.html", settings)
    # the escaped <script> in the title is data: kept as text, not dropped
    assert art.title == "<script>alert(1)</script> Ceasefire talks stall"
    assert art.text.startswith(art.title + "\n\n")
    assert art.body.startswith("Officials met on Thursday")
    assert "A spokesman for the foreign ministry" in art.body
    assert art.text.count("Ceasefire talks stall") == 1  # the <h1> is not repeated
    assert "evil.example" not in art.text and "hijacked" not in art.text  # page scripts are not text
    assert "Privacy" not in art.text and "Sport" not in art.text
    meta = art.meta
    assert (meta.format, meta.path) == ("html", str(fixtures / "article.html"))
    assert meta.url == "https://news.example.org/world/ceasefire-talks-stall"
    assert (meta.source, meta.author, meta.published) == ("Example News", "Jane Doe", "2024-12-19")


def test_html_no_article_file(fixtures: Path, settings: IngestSettings) -> None:
    with pytest.raises(InputError) as ei:
        read_html_file(fixtures / "no-article.html", settings)
    assert ei.value.code == Codes.NO_ARTICLE and ei.value.source.endswith("no-article.html")


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_html_pages_without_article(name: str, settings: IngestSettings) -> None:
    with pytest.raises(InputError) as ei:
        article_from_html(BAD_PAGES[name], source=name, settings=settings)
    assert ei.value.code == Codes.NO_ARTICLE and ei.value.source == name


def test_html_too_large_checked_by_size(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "huge.html"
    with open(path, "wb") as fh:
        fh.truncate(50_000_000)
    with pytest.raises(InputError) as ei:
        read_html_file(path, settings)
    assert ei.value.code == Codes.TOO_LARGE


def test_html_binary(tmp_path: Path, settings: IngestSettings) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(InputError) as ei:
        read_html_file(path, settings)
    assert ei.value.code == Codes.BINARY_INPUT


def test_html_latin1_with_meta_charset(tmp_path: Path, settings: IngestSettings) -> None:
    body = "<p>Le gouvernement français a annoncé mercredi une réforme très attendue à Paris, où élèves et " \
           "enseignants manifestaient déjà depuis plusieurs semaines contre le projet.</p>"
    page = (
        '<html><head><meta charset="iso-8859-1"><title>Réforme</title></head>'
        f"<body><article>{body}</article></body></html>"
    )
    path = tmp_path / "fr.html"
    path.write_bytes(page.encode("latin-1"))
    art = read_html_file(path, settings)
    assert "réforme très attendue" in art.body and art.title == "Réforme"


def test_fragment_to_text() -> None:
    html = "<p>One <b>bold</b> claim.</p><script>alert(1)</script><ul><li>first</li><li>second</li></ul>x<br>y &amp; z"
    assert html_fragment_to_text(html) == "One bold claim.\n\nfirst\n\nsecond\n\nx\ny & z"
    assert html_fragment_to_text("plain text, no markup") == "plain text, no markup"
