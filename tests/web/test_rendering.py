"""Server-side rendering without a browser: highlight segments, SVG charts, escaping."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hostile import XSS_BODY, XSS_TITLE, annotated  # noqa: E402

from narrascope.web.charts import bar_chart, line_chart, nice_axis, role_bar  # noqa: E402
from narrascope.web.highlight import segments  # noqa: E402


def test_segments_cover_the_text_exactly_and_carry_layers() -> None:
    art = annotated("h1", title="Assad flees", body="Putin granted asylum to the brutal dictator Assad.",
                    roles={"Putin": "Protagonist", "Assad": "Antagonist"}, narratives=[("Praise of Russia", None)],
                    techniques=[("Name_Calling-Labeling", "brutal dictator")])
    segs = segments(art)
    assert "".join(s.text for s in segs) == art.text
    by_text = {s.text: s for s in segs}
    assert by_text["Putin"].classes == ["hl-evidence", "hl-role-protagonist"]
    assert "Putin: Protagonist" in by_text["Putin"].title and "narrative evidence" in by_text["Putin"].title
    assert by_text["brutal dictator"].classes == ["hl-evidence", "hl-technique"]
    assert by_text["Assad"].classes == ["hl-role-antagonist"]  # the title mention: no evidence there


def test_overlapping_spans_split_cleanly() -> None:
    art = annotated("h2", title="T", body="Loaded words here.", techniques=[("Loaded_Language", "Loaded words"),
                                                                          ("Repetition", "words here")])
    segs = segments(art)
    assert "".join(s.text for s in segs) == art.text
    middle = next(s for s in segs if s.text == "words")
    assert len(middle.labels) == 2


def test_out_of_range_spans_are_ignored() -> None:
    art = annotated("h3", title="T", body="Body.")
    from narrascope.doc import TechniqueSpan

    art.techniques.append(TechniqueSpan.model_construct(start=3, end=999, text="x", technique="Doubt",
                                                        confidence=0.5, level="span"))
    assert "".join(s.text for s in segments(art)) == art.text


@pytest.mark.parametrize(("value", "top", "step"), [(0, 1, 1), (3, 3, 1), (7, 8, 2), (13, 15, 5), (99, 100, 50)])
def test_axis_is_whole_numbers(value: int, top: int, step: int) -> None:
    assert nice_axis(value) == (top, step)


def test_charts_escape_labels() -> None:
    evil = XSS_TITLE
    line = str(line_chart(["2024-01", "2024-02"], [(evil, [1, 2])], title=evil))
    bars = str(bar_chart([(evil, 3)], href=["/?entity=" + evil]))
    for svg in (line, bars):
        assert "<script>" not in svg and "<img" not in svg and "&lt;script&gt;" in svg
    assert str(line_chart([], [])).startswith("<p")
    assert "<title>Protagonist: 2</title>" in str(role_bar({"Protagonist": 2, "Antagonist": 0, "Innocent": 1}))


def test_pages_escape_untrusted_text(make_client, db_path) -> None:
    from narrascope.store import SQLiteStore

    with SQLiteStore(db_path) as store:
        store.put([annotated("xss", title=XSS_TITLE, body=XSS_BODY, source="<i>Evil</i>",
                             roles={"Jones": "Antagonist"}, techniques=[("Loaded_Language", "laughed")])])
    client = make_client(path=db_path)
    for url in ("/", "/articles/xss", "/corpus", "/?q=mayor", "/?entity=<script>x</script>"):
        html = client.get(url).text
        assert "<script>" not in html and "<img" not in html and "onerror=\"" not in html, url
        assert "<i>Evil" not in html
