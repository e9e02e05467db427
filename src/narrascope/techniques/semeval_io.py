"""Official SemEval-2023 Task 3 subtask 3 files: paragraph templates and label files.

Template: ``article_id<TAB>paragraph_id<TAB>text`` per line.  Label file:
``article_id<TAB>paragraph_id<TAB>Technique1,Technique2`` (empty third field: none).
Some released templates have rows glued onto the end of the previous line (a newline
missing at article boundaries); :func:`read_template` splits them back, using the gold
keys when they are given and a numbering rule otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from narrascope.errors import Codes, InputError

__all__ = [
    "Paragraph",
    "LabelFile",
    "read_template",
    "read_labels",
    "write_labels",
    "load_split",
    "Key",
]

Key = tuple[str, str]
_GLUE = re.compile(r"(\d+)\t(\d+)\t")
_MAX_BYTES = 200_000_000


@dataclass
class Paragraph:
    article_id: str
    paragraph_id: str
    text: str
    line: int  # 1-based line in the template file
    labels: list[str] = field(default_factory=list)

    @property
    def key(self) -> Key:
        return (self.article_id, self.paragraph_id)


@dataclass
class LabelFile:
    labels: dict[Key, list[str]]
    #: "file:line: message" for every unknown technique that was dropped
    dropped: list[str] = field(default_factory=list)


def _read_text(path: Path) -> str:
    source = str(path)
    if not path.exists():
        raise InputError("file does not exist", code=Codes.MISSING_PATH, source=source)
    if path.is_dir():
        raise InputError("is a directory, expected a TAB-separated file", code=Codes.UNSUPPORTED_FORMAT, source=source)
    data = path.read_bytes()
    if len(data) > _MAX_BYTES:
        raise InputError(f"file is {len(data)} bytes, over the {_MAX_BYTES}-byte limit", code=Codes.TOO_LARGE, source=source)
    if not data.strip():
        raise InputError("file is empty", code=Codes.EMPTY_INPUT, source=source)
    if b"\x00" in data[:8192]:
        raise InputError("looks like a binary file (NUL bytes)", code=Codes.BINARY_INPUT, source=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason in ("unexpected end of data",):
            raise InputError(f"truncated UTF-8 sequence at byte {exc.start}", code=Codes.TRUNCATED, source=source) from exc
        raise InputError(f"not UTF-8 (byte {exc.start})", code=Codes.UNDECODABLE, source=source) from exc
    return text.lstrip("\ufeff")


def _split_glued(article_id: str, rest: str, known: Collection[Key] | None) -> list[tuple[str, str, str]]:
    """Split ``text[<id>\\t<pid>\\t<text>]...`` into rows; ``rest`` is everything after the first two fields."""
    pid, _, text = rest.partition("\t")
    rows: list[tuple[str, str, str]] = []
    current = (article_id, pid)
    while True:
        cut = _find_glue(current[0], text, known)
        if cut is None:
            rows.append((current[0], current[1], text))
            return rows
        pos, new_id, new_pid, after = cut
        rows.append((current[0], current[1], text[:pos]))
        current = (new_id, new_pid)
        text = text[after:]


def _find_glue(article_id: str, text: str, known: Collection[Key] | None) -> tuple[int, str, str, int] | None:
    for m in _GLUE.finditer(text):
        digits, pid = m.group(1), m.group(2)
        # the glued id is a suffix of the digit run (the previous text may end with digits)
        candidates = [(m.start(1) + k, digits[k:]) for k in range(len(digits))]
        if known is not None:
            for pos, cand in candidates:  # longest first
                if (cand, pid) in known:
                    return pos, cand, pid, m.end()
            continue
        # no gold keys: the released files are sorted by article id as strings, so the glued id is the
        # whole digit run when that sorts after the current id, else its shortest suffix that does
        for pos, cand in [candidates[0], *sorted(candidates[1:], key=lambda c: len(c[1]))]:
            if cand > article_id:
                return pos, cand, pid, m.end()
    return None


def read_template(path: str | Path, *, known_keys: Collection[Key] | None = None) -> list[Paragraph]:
    """Read an official paragraph template; glued rows are split, empty paragraphs kept (text ``""``)."""
    path = Path(path)
    text = _read_text(path)
    out: list[Paragraph] = []
    seen: dict[Key, int] = {}
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t", 2)
        if len(parts) < 2 or not parts[0].strip().isdigit() or not parts[1].strip().isdigit():
            raise InputError(
                f"expected 'article_id<TAB>paragraph_id<TAB>text', got {line[:60]!r}",
                code=Codes.BAD_RECORD,
                source=f"{path}:{lineno}",
            )
        rest = parts[1] + "\t" + (parts[2] if len(parts) > 2 else "")
        for art, pid, ptext in _split_glued(parts[0].strip(), rest, known_keys):
            key = (art, pid.strip())
            if key in seen:
                raise InputError(
                    f"paragraph {key[0]}/{key[1]} appears twice (first on line {seen[key]})",
                    code=Codes.BAD_RECORD,
                    source=f"{path}:{lineno}",
                )
            seen[key] = lineno
            out.append(Paragraph(article_id=art, paragraph_id=key[1], text=ptext.rstrip("\r"), line=lineno))
    return out


def read_labels(
    path: str | Path,
    *,
    techniques: Collection[str],
    on_unknown: Literal["error", "drop"] = "error",
) -> LabelFile:
    """Read an official label file.  Technique names not in ``techniques`` raise :class:`InputError`
    (code N011, naming file:line) or, with ``on_unknown="drop"``, are dropped and listed in ``dropped``."""
    path = Path(path)
    text = _read_text(path)
    allowed = set(techniques)
    labels: dict[Key, list[str]] = {}
    dropped: list[str] = []
    for lineno, raw in enumerate(text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        parts = line.split("\t")
        where = f"{path}:{lineno}"
        if len(parts) < 2 or len(parts) > 3 or not parts[0].strip().isdigit() or not parts[1].strip().isdigit():
            raise InputError(
                f"expected 'article_id<TAB>paragraph_id<TAB>techniques', got {line[:60]!r}", code=Codes.BAD_RECORD, source=where
            )
        key = (parts[0].strip(), parts[1].strip())
        if key in labels:
            raise InputError(f"paragraph {key[0]}/{key[1]} appears twice", code=Codes.BAD_RECORD, source=where)
        names: list[str] = []
        for name in (parts[2].split(",") if len(parts) == 3 else []):
            name = name.strip()
            if not name:
                continue
            if name not in allowed:
                if on_unknown == "drop":
                    dropped.append(f"{where}: unknown technique {name!r}")
                    continue
                raise InputError(f"unknown technique {name!r} (not in the taxonomy)", code=Codes.BAD_LABEL, source=where)
            if name not in names:
                names.append(name)
        labels[key] = names
    return LabelFile(labels=labels, dropped=dropped)


def write_labels(path: str | Path, predictions: Iterable[tuple[str, str, Iterable[str]]]) -> Path:
    """Write an official label file: one ``article_id<TAB>paragraph_id<TAB>T1,T2`` line per paragraph."""
    path = Path(path)
    lines = [f"{art}\t{pid}\t{','.join(names)}" for art, pid, names in predictions]
    path.write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    return path


def load_split(
    data_dir: str | Path,
    lang: str = "en",
    split: str = "train",
    *,
    techniques: Collection[str],
    on_unknown: Literal["error", "drop"] = "error",
) -> tuple[list[Paragraph], LabelFile]:
    """Read ``<data_dir>/<lang>/<split>-labels-subtask-3.{template,txt}`` into labelled paragraphs.

    Every gold key must have a template row (and vice versa)."""
    base = Path(data_dir) / lang
    label_path = base / f"{split}-labels-subtask-3.txt"
    template_path = base / f"{split}-labels-subtask-3.template"
    gold = read_labels(label_path, techniques=techniques, on_unknown=on_unknown)
    paragraphs = read_template(template_path, known_keys=set(gold.labels))
    keys = {p.key for p in paragraphs}
    missing = [k for k in gold.labels if k not in keys]
    extra = [k for k in keys if k not in gold.labels]
    if missing or extra:
        sample = (missing or extra)[0]
        raise InputError(
            f"template and labels disagree: {len(missing)} gold paragraphs have no text, {len(extra)} texts have no "
            f"gold (e.g. {sample[0]}/{sample[1]})",
            code=Codes.BAD_RECORD,
            source=str(template_path),
        )
    for p in paragraphs:
        p.labels = list(gold.labels[p.key])
    return paragraphs, gold
