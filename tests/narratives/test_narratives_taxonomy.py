"""The narrative taxonomy file: packaged content, validation of user files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from narrascope.errors import Codes, InputError
from narrascope.taxonomy.narratives import load_narrative_taxonomy, narrative_taxonomy_from_dict


def _small() -> dict:
    return {
        "name": "t",
        "version": "1",
        "other_label": "Other",
        "domains": [{"code": "A", "name": "Alpha", "definition": "d"}],
        "narratives": [{"label": "A: N1", "domain": "A", "definition": "first"}],
        "subnarratives": [
            {"label": "A: N1: S1", "narrative": "A: N1", "definition": "sub one"},
            {"label": "A: N1: Other", "narrative": "A: N1", "definition": "other"},
        ],
    }


def test_packaged_taxonomy_counts(taxonomy) -> None:
    coarse, fine = taxonomy.official_labels()
    assert len(coarse) == 22 and len(fine) == 94  # the December 2024 lists, "Other" included
    assert taxonomy.coarse_labels[-1] == "Other" and taxonomy.fine_labels[-1] == "Other"
    assert set(taxonomy.domain_codes) == {"URW", "CC"}
    for sub in taxonomy.subnarratives:
        assert taxonomy.parent(sub.label) == sub.narrative
        assert sub.definition.strip()
    assert taxonomy.domain_of("CC: Downplaying climate change: Ice is not melting") == "CC"
    assert taxonomy.other_child("URW: Discrediting Ukraine") == "URW: Discrediting Ukraine: Other"


def test_packaged_official_labels_equal_task_lists(taxonomy, shared: Path) -> None:
    base = shared / "data" / "semeval2025-task10" / "taxonomy"
    coarse = set((base / "subtask2_narratives.txt").read_text(encoding="utf-8").split("\n")) - {""}
    fine = set((base / "subtask2_subnarratives.txt").read_text(encoding="utf-8").split("\n")) - {""}
    c, f = taxonomy.official_labels()
    assert set(c) == coarse and set(f) == fine


def test_round_trip(taxonomy) -> None:
    again = narrative_taxonomy_from_dict(taxonomy.to_dict())
    assert again.coarse_labels == taxonomy.coarse_labels and again.fine_labels == taxonomy.fine_labels


def test_duplicate_label(tmp_path: Path) -> None:
    data = _small()
    data["subnarratives"].append(dict(data["subnarratives"][0]))
    path = tmp_path / "dup.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(InputError, match="duplicate sub-narrative label 'A: N1: S1'") as err:
        load_narrative_taxonomy(path)
    assert err.value.code == Codes.BAD_LABEL and err.value.source == str(path)


def test_duplicate_narrative_and_domain() -> None:
    data = _small()
    data["narratives"].append(dict(data["narratives"][0]))
    with pytest.raises(InputError, match="duplicate narrative label"):
        narrative_taxonomy_from_dict(data)
    data = _small()
    data["domains"].append(dict(data["domains"][0]))
    with pytest.raises(InputError, match="duplicate domain code 'A'"):
        narrative_taxonomy_from_dict(data)


def test_dangling_subnarrative() -> None:
    data = _small()
    data["subnarratives"].append({"label": "A: N2: S", "narrative": "A: N2", "definition": "x"})
    with pytest.raises(InputError, match="refers to narrative 'A: N2', which is not defined") as err:
        narrative_taxonomy_from_dict(data, source="mine.json")
    assert err.value.code == Codes.BAD_LABEL and "mine.json" in str(err.value)


def test_dangling_domain() -> None:
    data = _small()
    data["narratives"].append({"label": "B: N", "domain": "B", "definition": "x"})
    with pytest.raises(InputError, match="refers to domain 'B'"):
        narrative_taxonomy_from_dict(data)


def test_label_must_start_with_parent() -> None:
    data = _small()
    data["subnarratives"][0]["label"] = "A: Elsewhere: S1"
    with pytest.raises(InputError, match="must start with its narrative"):
        narrative_taxonomy_from_dict(data)


def test_missing_definition() -> None:
    data = _small()
    data["narratives"][0]["definition"] = ""
    with pytest.raises(InputError, match="'definition' must be a non-empty string"):
        narrative_taxonomy_from_dict(data)


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"", Codes.EMPTY_INPUT, "empty"),
        (b"  \n", Codes.EMPTY_INPUT, "empty"),
        (b'{"domains": [', Codes.BAD_RECORD, "not valid JSON"),
        (b"\xff\xfe{}", Codes.UNDECODABLE, "not UTF-8"),
        (b"[1, 2]", Codes.BAD_RECORD, "must be a JSON object"),
        (b'{"domains": "x"}', Codes.BAD_RECORD, "'domains' must be a list"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, code: str, message: str) -> None:
    path = tmp_path / "tax.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as err:
        load_narrative_taxonomy(path)
    assert err.value.code == code and str(path) in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist") as err:
        load_narrative_taxonomy(tmp_path / "nope.json")
    assert err.value.code == Codes.MISSING_PATH


def test_check_labels_names_source(taxonomy) -> None:
    with pytest.raises(InputError, match="'URW: Made up' is not in the taxonomy") as err:
        taxonomy.check_labels(["URW: Made up"], [], source="ann.txt:3")
    assert err.value.source == "ann.txt:3" and err.value.code == Codes.BAD_LABEL
