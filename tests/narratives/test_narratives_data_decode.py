"""Training-data loading (labels checked against the taxonomy) and hierarchy-consistent decoding."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from narrascope.errors import Codes, InputError
from narrascope.narratives.dataset import domain_from_id, load_dataset
from narrascope.narratives.decode import Decoder


def test_tiny_dataset(tiny_dir: Path, taxonomy) -> None:
    ds = load_dataset(tiny_dir, taxonomy)
    assert len(ds.docs) == 12
    first = ds.docs[0]
    assert first.coarse == ["CC: Criticism of climate policies"] and first.domain == "CC"
    assert "\r\n" in first.text  # read without newline translation
    other = ds.docs[-1]
    assert other.coarse == ["Other"] and other.fine == ["Other"] and other.domain == "URW"  # from the file name


def _copy(tiny_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(tiny_dir, target)
    return target


def test_label_not_in_taxonomy_names_line(tiny_dir: Path, tmp_path: Path, taxonomy) -> None:
    data = _copy(tiny_dir, tmp_path)
    ann = data / "subtask-2-annotations.txt"
    lines = ann.read_text(encoding="utf-8").splitlines()
    lines[2] = "EN_CC_900003.txt\tCC: Invented narrative\tCC: Invented narrative: Other"
    ann.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="'CC: Invented narrative' is not in the taxonomy") as err:
        load_dataset(data, taxonomy)
    assert err.value.code == Codes.BAD_LABEL and err.value.source == f"{ann}:3"


def test_hierarchy_repairs(tiny_dir: Path, tmp_path: Path, taxonomy) -> None:
    data = _copy(tiny_dir, tmp_path)
    ann = data / "subtask-2-annotations.txt"
    ann.write_text(
        "EN_CC_900001.txt\tOther;CC: Criticism of climate policies\t"
        "CC: Criticism of climate policies: Climate policies are ineffective\n"
        "EN_CC_900002.txt\tCC: Criticism of climate movement\tCC: Downplaying climate change: Ice is not melting\n",
        encoding="utf-8",
    )
    ds = load_dataset(data, taxonomy)
    assert ds.docs[0].coarse == ["CC: Criticism of climate policies"]  # "Other" next to a label is dropped
    assert ds.docs[1].coarse == ["CC: Criticism of climate movement", "CC: Downplaying climate change"]  # parent added
    assert ds.repairs == {"added_parent": 1, "dropped_other": 1}


def test_empty_document_is_an_error(tiny_dir: Path, tmp_path: Path, taxonomy) -> None:
    data = _copy(tiny_dir, tmp_path)
    (data / "raw-documents" / "EN_CC_900004.txt").write_bytes(b"  \r\n")
    with pytest.raises(InputError, match="document is empty \\(labelled at .*subtask-2-annotations.txt:4\\)") as err:
        load_dataset(data, taxonomy)
    assert err.value.code == Codes.EMPTY_INPUT


def test_missing_parts(tmp_path: Path, taxonomy) -> None:
    with pytest.raises(InputError, match="does not exist"):
        load_dataset(tmp_path / "nope", taxonomy)
    with pytest.raises(InputError, match="subtask-2-annotations.txt is missing"):
        load_dataset(tmp_path, taxonomy)


def test_domain_from_id() -> None:
    assert domain_from_id("EN_UA_300009.txt", ("URW", "CC")) == "URW"
    assert domain_from_id("EN_CC_100013.txt", ("URW", "CC")) == "CC"
    assert domain_from_id("article-17.txt", ("URW", "CC")) is None


@pytest.fixture()
def decoder(taxonomy) -> Decoder:
    coarse = [c for c in taxonomy.coarse_labels if c != "Other"]
    fine = [f for f in taxonomy.fine_labels if f != "Other"]
    return Decoder(taxonomy, coarse, fine, ["URW", "CC"])


def _probs(decoder: Decoder, coarse: dict[str, float], fine: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
    pc = np.zeros(len(decoder.coarse_labels))
    pf = np.zeros(len(decoder.fine_labels))
    for k, v in coarse.items():
        pc[decoder.coarse_labels.index(k)] = v
    for k, v in fine.items():
        pf[decoder.fine_labels.index(k)] = v
    return pc, pf


def test_decode_hierarchy(decoder: Decoder) -> None:
    dis = "URW: Discrediting Ukraine"
    west = "URW: Discrediting the West, Diplomacy"
    pc, pf = _probs(
        decoder,
        {dis: 0.9, west: 0.8, "CC: Amplifying Climate Fears": 0.95},
        {f"{dis}: Ukraine is associated with nazism": 0.7, f"{west}: The West is weak": 0.2,
         "CC: Amplifying Climate Fears: Doomsday scenarios for humans": 0.99,
         "URW: Praise of Russia: Praise of Russian military might": 0.99},
    )
    t_c, t_f = np.full(len(pc), 0.5), np.full(len(pf), 0.5)
    out = decoder.decode(np.array([0.9, 0.1]), pc, pf, t_c, t_f)
    assert out.domain == "URW"
    assert out.coarse == [dis, west]  # CC label gated out by the domain
    # a sub-narrative never without its narrative; a narrative without a chosen child gets "<narrative>: Other"
    assert out.fine == [f"{dis}: Ukraine is associated with nazism", f"{west}: Other"]
    for f in out.fine:
        assert decoder.taxonomy.parent(f) in out.coarse


def test_decode_other_excludes_the_rest(decoder: Decoder) -> None:
    pc, pf = _probs(decoder, {"URW: Discrediting Ukraine": 0.4}, {"URW: Discrediting Ukraine: Other": 0.9})
    out = decoder.decode(np.array([0.9, 0.1]), pc, pf, np.full(len(pc), 0.5), np.full(len(pf), 0.5))
    assert out.coarse == ["Other"] and out.fine == ["Other"] and out.is_other
    assert out.scores["Other"] == pytest.approx(0.6)


def test_decode_other_child_next_to_specific(decoder: Decoder) -> None:
    west = "URW: Discrediting the West, Diplomacy"
    pc, pf = _probs(decoder, {west: 0.9}, {f"{west}: Other": 0.6, f"{west}: The EU is divided": 0.8})
    out = decoder.decode(np.array([0.9, 0.1]), pc, pf, np.full(len(pc), 0.5), np.full(len(pf), 0.5))
    assert out.fine == [f"{west}: The EU is divided", f"{west}: Other"]


def test_training_release_loads(shared: Path, taxonomy) -> None:
    """Every label of the EN training release is in the packaged taxonomy; label sets are consistent."""
    ds = load_dataset(shared / "data" / "semeval2025-task10" / "target_4_December_release" / "EN", taxonomy)
    assert len(ds.docs) == 399
    assert sum(d.coarse == ["Other"] for d in ds.docs) == 169
    for d in ds.docs:
        assert all(taxonomy.parent(f) in d.coarse for f in d.fine)
        assert d.domain in ("URW", "CC")
