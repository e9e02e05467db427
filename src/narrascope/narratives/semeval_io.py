"""Official SemEval-2025 Task 10 file formats for subtasks 2 and 3 (read and write).

* documents: a directory of ``<ID>.txt`` files, read as UTF-8 *without* newline
  translation (CR characters kept, as the task's offsets count them);
* subtask 2 annotations / predictions: ``ID<TAB>narr1;narr2<TAB>sub1;sub2`` per line;
* subtask 3 input: ``ID<TAB>narrative<TAB>sub-narrative or "none"`` (gold files add a
  fourth column, the explanation); subtask 3 predictions: ``ID<TAB>explanation``.

Files may use CRLF line ends; blank lines are skipped.  Malformed lines raise
:class:`InputError` naming ``file:line``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from narrascope.errors import Codes, InputError

__all__ = [
    "Document",
    "St2Row",
    "St3Row",
    "read_documents",
    "read_document",
    "read_st2",
    "write_st2",
    "read_st3",
    "write_st3",
    "read_st3_predictions",
    "read_label_list",
]


@dataclass(frozen=True)
class Document:
    id: str  # the file name, e.g. "EN_UA_100012.txt" (SemEval uses the file name as the ID)
    text: str
    path: str


@dataclass(frozen=True)
class St2Row:
    id: str
    narratives: list[str]
    subnarratives: list[str]
    line: int = 0


@dataclass(frozen=True)
class St3Row:
    id: str
    narrative: str
    subnarrative: str | None  # None for "none"
    explanation: str | None = None
    line: int = 0


def _lines(path: Path) -> list[tuple[int, str]]:
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file does not exist", code=Codes.MISSING_PATH, source=source) from None
    except IsADirectoryError:
        raise InputError("is a directory, expected a file", code=Codes.MISSING_PATH, source=source) from None
    if b"\x00" in raw:
        raise InputError("looks like a binary file (NUL bytes)", code=Codes.BINARY_INPUT, source=source)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", code=Codes.UNDECODABLE, source=source) from None
    rows = [(i, line.rstrip("\r")) for i, line in enumerate(text.split("\n"), start=1)]
    rows = [(i, line) for i, line in rows if line.strip()]
    if not rows:
        raise InputError("file is empty", code=Codes.EMPTY_INPUT, source=source)
    return rows


def read_document(path: str | Path) -> Document:
    """One raw document (UTF-8, CRs kept). Empty, binary or undecodable files raise ``InputError``."""
    path = Path(path)
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("document does not exist", code=Codes.MISSING_PATH, source=source) from None
    if b"\x00" in raw[:8192]:
        raise InputError("looks like a binary file (NUL bytes)", code=Codes.BINARY_INPUT, source=source)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.end >= len(raw) and exc.reason.startswith("unexpected end"):
            raise InputError(
                f"truncated UTF-8 sequence at byte {exc.start}", code=Codes.TRUNCATED, source=source
            ) from None
        raise InputError(f"not UTF-8 (byte {exc.start})", code=Codes.UNDECODABLE, source=source) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError("document is empty", code=Codes.EMPTY_INPUT, source=source)
    return Document(id=path.name, text=text, path=source)


def read_documents(directory: str | Path) -> list[Document | InputError]:
    """Every ``*.txt`` file of ``directory`` sorted by name (the input order); unreadable files are
    returned as their ``InputError`` in place, so that callers can still write one row per input."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputError("documents directory does not exist", code=Codes.MISSING_PATH, source=str(directory))
    files = sorted(p for p in directory.iterdir() if p.is_file() and p.suffix == ".txt" and not p.name.startswith("."))
    if not files:
        raise InputError("no .txt documents in the directory", code=Codes.EMPTY_INPUT, source=str(directory))
    out: list[Document | InputError] = []
    for path in files:
        try:
            out.append(read_document(path))
        except InputError as exc:
            out.append(exc)
    return out


def read_st2(path: str | Path) -> list[St2Row]:
    """Subtask-2 annotations or predictions, in file order. Duplicate IDs are an error."""
    path = Path(path)
    rows: list[St2Row] = []
    seen: set[str] = set()
    for lineno, line in _lines(path):
        parts = line.split("\t")
        where = f"{path}:{lineno}"
        if len(parts) != 3:
            raise InputError(
                f"expected 3 tab-separated columns (id, narratives, sub-narratives), found {len(parts)}",
                code=Codes.BAD_RECORD,
                source=where,
            )
        doc_id, narr, sub = parts
        if not doc_id.strip():
            raise InputError("empty document id", code=Codes.BAD_RECORD, source=where)
        if doc_id in seen:
            raise InputError(f"duplicate document id {doc_id!r}", code=Codes.BAD_RECORD, source=where)
        seen.add(doc_id)
        rows.append(St2Row(doc_id, narr.split(";"), sub.split(";"), lineno))
    return rows


def _clean_field(text: str) -> str:
    return " ".join(text.replace("\t", " ").split())


def write_st2(path: str | Path, rows: Iterable[St2Row]) -> int:
    """Write predictions in the official format (LF line ends, rows in the given order)."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            fh.write(f"{row.id}\t{';'.join(row.narratives)}\t{';'.join(row.subnarratives)}\n")
            n += 1
    return n


def read_st3(path: str | Path, *, with_explanation: bool = False) -> list[St3Row]:
    """Subtask-3 dominant-narrative input (3 columns) or gold (4 columns, ``with_explanation``)."""
    path = Path(path)
    rows: list[St3Row] = []
    seen: set[str] = set()
    want = 4 if with_explanation else 3
    for lineno, line in _lines(path):
        parts = line.split("\t")
        where = f"{path}:{lineno}"
        if len(parts) < want:
            raise InputError(
                f"expected {want} tab-separated columns, found {len(parts)}", code=Codes.BAD_RECORD, source=where
            )
        doc_id, narr, sub = parts[0], parts[1].strip(), parts[2].strip()
        if doc_id in seen:
            raise InputError(f"duplicate document id {doc_id!r}", code=Codes.BAD_RECORD, source=where)
        seen.add(doc_id)
        if not narr:
            raise InputError("empty dominant narrative", code=Codes.BAD_RECORD, source=where)
        explanation = "\t".join(parts[3:]).strip() if with_explanation else None
        rows.append(St3Row(doc_id, narr, None if sub.lower() in ("", "none") else sub, explanation, lineno))
    return rows


def write_st3(path: str | Path, rows: Iterable[tuple[str, str]]) -> int:
    """Write ``ID<TAB>explanation`` lines (tabs and newlines inside explanations become spaces)."""
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for doc_id, explanation in rows:
            fh.write(f"{doc_id}\t{_clean_field(explanation)}\n")
            n += 1
    return n


def read_st3_predictions(path: str | Path) -> list[tuple[str, str]]:
    """``ID<TAB>explanation`` rows in file order; duplicate IDs raise ``InputError`` naming ``file:line``."""
    path = Path(path)
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    for lineno, line in _lines(path):
        doc_id, sep, text = line.partition("\t")
        where = f"{path}:{lineno}"
        if not sep:
            raise InputError("expected 2 tab-separated columns (id, explanation)", code=Codes.BAD_RECORD, source=where)
        if doc_id in seen:
            raise InputError(f"duplicate document id {doc_id!r}", code=Codes.BAD_RECORD, source=where)
        seen.add(doc_id)
        rows.append((doc_id, text))
    return rows


def read_label_list(path: str | Path) -> list[str]:
    """A SemEval class list: one label per line (CRs and empty lines dropped)."""
    return [line for _, line in _lines(Path(path))]


def ids_in_order(rows: Sequence[St2Row]) -> list[str]:
    return [r.id for r in rows]
