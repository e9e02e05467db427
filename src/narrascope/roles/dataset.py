"""Training data for the role model: official subtask-1 annotations + raw documents.

``load_role_dataset(DIR)`` accepts either a language folder (holding
``subtask-1-annotations.txt`` and ``raw-documents/``) or a release folder holding
language folders (``EN/`` by default).  Training data is read strictly: any invalid
row (unknown role name, offsets that do not match the document, ...) raises one
:class:`~narrascope.errors.InputError` naming the file and line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrascope.errors import Codes, InputError
from narrascope.roles.features import Encoder, FeatureConfig, featurize_text
from narrascope.roles.st1_io import DocumentCache, RowIssue, St1Row, locate_mention, raise_issues, read_st1_file
from narrascope.taxonomy.roles import RoleTaxonomy

__all__ = ["RoleDataset", "resolve_st1_dir", "load_role_dataset", "dataset_features", "label_matrix"]

ANNOTATIONS = "subtask-1-annotations.txt"


#: the licence note written into every artifact trained on the SemEval data
TRAINING_TERMS = "SemEval-2025 Task 10 data: research use only, do not redistribute (article texts are third-party news)"


@dataclass
class RoleDataset:
    rows: list[St1Row]
    spans: list[tuple[int, int]]  # [start, end) located in the document
    documents: dict[str, str]
    annotations_path: Path
    moved: int = 0  # rows whose offsets were off by a few characters and were re-located
    domains: list[str] = field(default_factory=list)  # "CC" / "UA" / "" from the article id

    @property
    def articles(self) -> list[str]:
        return [r.article for r in self.rows]

    def training_meta(self, language: str) -> dict[str, object]:
        """The ``training_data`` entry of a role artifact's meta.json (what it was trained on)."""
        return {
            "path": str(self.annotations_path),
            "language": language,
            "mentions": len(self.rows),
            "documents": len(self.documents),
            "offsets_relocated": self.moved,
            "terms": TRAINING_TERMS,
        }


def resolve_st1_dir(data_dir: str | Path, language: str = "EN") -> Path:
    """The folder that holds ``subtask-1-annotations.txt`` for ``language``."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError("training data directory does not exist", code=Codes.MISSING_PATH, source=str(data_dir))
    for candidate in (data_dir, data_dir / language, data_dir / language.upper()):
        if (candidate / ANNOTATIONS).is_file():
            return candidate
    raise InputError(
        f"no {ANNOTATIONS} here or in {language}/ (expected the SemEval-2025 Task 10 release layout)",
        code=Codes.MISSING_PATH,
        source=str(data_dir),
    )


def _domain(article: str) -> str:
    parts = article.split("_")
    return parts[1] if len(parts) > 2 else ""


def load_role_dataset(data_dir: str | Path, *, taxonomy: RoleTaxonomy, language: str = "EN") -> RoleDataset:
    folder = resolve_st1_dir(data_dir, language)
    path = folder / ANNOTATIONS
    rows, issues = read_st1_file(path, with_roles=True, taxonomy=taxonomy)
    docs = DocumentCache(folder / "raw-documents")
    kept: list[St1Row] = []
    spans: list[tuple[int, int]] = []
    moved = 0
    for row in rows:
        try:
            text = docs.get(row.article)
            start, end, was_moved = locate_mention(text, row)
        except InputError as exc:
            issues.append(RowIssue(row.source, exc.code, exc.message if exc.source == row.source else str(exc)))
            continue
        kept.append(row)
        spans.append((start, end))
        moved += was_moved
    raise_issues(issues, str(path))
    if not kept:
        raise InputError("no annotated mentions", code=Codes.EMPTY_INPUT, source=str(path))
    documents = {a: docs.get(a) for a in dict.fromkeys(r.article for r in kept)}
    return RoleDataset(kept, spans, documents, path, moved, [_domain(r.article) for r in kept])


def dataset_features(dataset: RoleDataset, encoder: Encoder, config: FeatureConfig) -> np.ndarray:
    """Feature matrix, one row per dataset row (in order)."""
    by_article: dict[str, list[int]] = {}
    for i, row in enumerate(dataset.rows):
        by_article.setdefault(row.article, []).append(i)
    out: np.ndarray | None = None
    name_cache: dict[str, np.ndarray] = {}
    for article, idx in by_article.items():
        feats = featurize_text(dataset.documents[article], [dataset.spans[i] for i in idx], encoder, config, name_cache=name_cache)
        if out is None:
            out = np.zeros((len(dataset.rows), feats.shape[1]), dtype=np.float32)
        out[idx] = feats
    assert out is not None
    return out


def label_matrix(rows: Sequence[St1Row], fine_roles: Sequence[str], main_roles: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(n, n_fine) 0/1 matrix of fine roles and (n,) main-role indices."""
    index = {r: i for i, r in enumerate(fine_roles)}
    y_fine = np.zeros((len(rows), len(fine_roles)), dtype=np.float32)
    for i, row in enumerate(rows):
        for role in row.fine_roles:
            y_fine[i, index[role]] = 1.0
    y_main = np.array([list(main_roles).index(r.main_role) for r in rows], dtype=np.int64)
    return y_fine, y_main
