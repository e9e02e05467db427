"""The technique taxonomy file (ours) and its loader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrascope.errors import Codes, InputError
from narrascope.techniques.taxonomy import load_techniques


def test_packaged_taxonomy_has_the_official_23(shared: Path) -> None:
    tax = load_techniques()
    official = (shared / "data" / "semeval2023-task3" / "scorers" / "techniques_subtask3.txt").read_text(encoding="utf-8").split()
    assert sorted(tax.names) == sorted(official)
    assert all(t.definition and t.category in tax.categories for t in tax.techniques)
    assert tax.get("Loaded_Language").span_localisable  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "content, match",
    [
        ("{", "not valid JSON"),
        (json.dumps({"techniques": []}), "non-empty"),
        (json.dumps({"techniques": [{"name": "A"}, {"name": "A"}]}), "twice"),
        (json.dumps({"categories": {"x": ""}, "techniques": [{"name": "A", "category": "y"}]}), "unknown category"),
    ],
)
def test_bad_taxonomy_files(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=match) as err:
        load_techniques(path)
    assert str(path) in str(err.value)


def test_missing_taxonomy(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        load_techniques(tmp_path / "none.json")
    assert err.value.code == Codes.MISSING_PATH


def test_user_taxonomy_can_replace(tmp_path: Path) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps({"techniques": [{"name": "Loaded_Language", "definition": "emotive words"}]}), encoding="utf-8")
    assert load_techniques(path).names == ["Loaded_Language"]
