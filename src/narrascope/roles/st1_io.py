"""Read and write the official subtask-1 files (entity framing).

Formats (TAB-separated, UTF-8, no header; CRLF tolerated):

* mentions input:  ``article  mention  start  end``
* annotations:     ``article  mention  start  end  main_role  fine_role [fine_role ...]``

``end`` is *inclusive* in the files; here every span is converted to ``[start, end)``.
Documents are read with ``newline=""`` because the offsets count CR characters.

Readers never stop at the first bad row: they return the valid rows and a list of
:class:`RowIssue` (file:line, code, message), so the official mode can still write
predictions for the valid rows and list the others.  :func:`raise_issues` turns the
issues into one :class:`~narrascope.errors.InputError` where strictness is wanted
(training data).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from narrascope.errors import Codes, InputError
from narrascope.taxonomy.roles import MAIN_ROLES, RoleTaxonomy

__all__ = [
    "St1Row",
    "RowIssue",
    "read_st1_file",
    "read_document",
    "DocumentCache",
    "locate_mention",
    "write_st1_file",
    "raise_issues",
    "MAX_DOCUMENT_BYTES",
]

MAX_DOCUMENT_BYTES = 5_000_000
_MAX_SHIFT = 3  # characters an off-by-a-few offset may be moved to find the mention


@dataclass(frozen=True)
class St1Row:
    """One row: the key (article, mention, start, inclusive end) and, for annotations, the roles."""

    article: str
    mention: str
    start: int
    end: int  # inclusive, as in the file
    main_role: str | None = None
    fine_roles: tuple[str, ...] = ()
    source: str = ""  # file:line

    @property
    def key(self) -> tuple[str, str, int, int]:
        return (self.article, self.mention, self.start, self.end)


@dataclass(frozen=True)
class RowIssue:
    source: str  # file:line
    code: str
    message: str

    def __str__(self) -> str:
        return f"[{self.code}] {self.source}: {self.message}"


def raise_issues(issues: list[RowIssue], what: str) -> None:
    """Raise one :class:`InputError` listing ``issues`` (at most 10 shown) if there are any."""
    if not issues:
        return
    shown = "; ".join(f"{i.source}: {i.message}" for i in issues[:10])
    more = f" (+{len(issues) - 10} more)" if len(issues) > 10 else ""
    raise InputError(f"{len(issues)} invalid row(s) in {what}: {shown}{more}", code=issues[0].code, source=issues[0].source)


def _read_lines(path: Path) -> list[str]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError("file does not exist", code=Codes.MISSING_PATH, source=str(path)) from None
    except IsADirectoryError:
        raise InputError("expected a file, got a directory", code=Codes.MISSING_PATH, source=str(path)) from None
    if b"\x00" in raw[:8192]:
        raise InputError("looks like a binary file (NUL bytes)", code=Codes.BINARY_INPUT, source=str(path))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", code=Codes.UNDECODABLE, source=str(path)) from None
    if not text.strip():
        raise InputError("file is empty", code=Codes.EMPTY_INPUT, source=str(path))
    return text.split("\n")


def read_st1_file(
    path: str | Path, *, with_roles: bool, taxonomy: RoleTaxonomy | None = None
) -> tuple[list[St1Row], list[RowIssue]]:
    """Read a mentions (``with_roles=False``) or annotations file; return (valid rows, issues).

    Whole-file problems (missing, empty, binary, not UTF-8) raise :class:`InputError`.
    With ``taxonomy``, role names are checked against it (unknown name: issue ``N011``).
    """
    path = Path(path)
    rows: list[St1Row] = []
    issues: list[RowIssue] = []
    seen: dict[tuple[str, str, int, int], str] = {}
    need = 6 if with_roles else 4
    for lineno, line in enumerate(_read_lines(path), start=1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        source = f"{path}:{lineno}"
        parts = line.split("\t")
        if lineno == 1 and parts[:2] == ["article_id", "entity_mention"]:
            continue  # header some tools write
        if len(parts) < need:
            issues.append(RowIssue(source, Codes.BAD_RECORD, f"expected at least {need} TAB-separated columns, got {len(parts)}"))
            continue
        article, mention = parts[0].strip(), parts[1]
        try:
            start, end = int(parts[2]), int(parts[3])
        except ValueError:
            issues.append(RowIssue(source, Codes.BAD_RECORD, f"offsets must be integers, got {parts[2]!r} and {parts[3]!r}"))
            continue
        if not article or not mention:
            issues.append(RowIssue(source, Codes.BAD_RECORD, "empty article id or mention"))
            continue
        if start < 0 or end < start:
            issues.append(RowIssue(source, Codes.BAD_OFFSETS, f"bad offsets {start}..{end} (need 0 <= start <= end)"))
            continue
        main: str | None = None
        fine: tuple[str, ...] = ()
        if with_roles:
            main = parts[4].strip()
            fine = tuple(dict.fromkeys(p.strip() for p in parts[5:] if p.strip()))
            problem = _check_roles(main, fine, taxonomy)
            if problem:
                issues.append(RowIssue(source, Codes.BAD_LABEL, problem))
                continue
        key = (article, mention, start, end)
        if key in seen:
            issues.append(RowIssue(source, Codes.BAD_RECORD, f"duplicate mention (first at {seen[key]})"))
            continue
        seen[key] = source
        rows.append(St1Row(article, mention, start, end, main, fine, source))
    return rows, issues


def _check_roles(main: str, fine: tuple[str, ...], taxonomy: RoleTaxonomy | None) -> str | None:
    if main not in MAIN_ROLES:
        return f"unknown main role {main!r} (expected one of {', '.join(MAIN_ROLES)})"
    if not fine:
        return "no fine role given"
    if taxonomy is not None:
        for role in fine:
            if not taxonomy.is_fine(role):
                return f"unknown fine role {role!r} (not in taxonomy {taxonomy.source})"
            if taxonomy.main_of(role) != main:
                return f"fine role {role!r} belongs to {taxonomy.main_of(role)}, not to {main}"
    return None


def read_document(path: str | Path, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """One raw document, exactly as stored: CR characters kept, and a leading byte-order mark kept
    as U+FEFF (the official offsets count both)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("document does not exist", code=Codes.MISSING_PATH, source=str(path)) from None
    if path.is_dir():
        raise InputError("expected a document file, got a directory", code=Codes.MISSING_PATH, source=str(path))
    if size > max_bytes:
        raise InputError(f"document is {size} bytes, over the limit of {max_bytes}", code=Codes.TOO_LARGE, source=str(path))
    raw = path.read_bytes()
    if b"\x00" in raw[:8192]:
        raise InputError("looks like a binary file (NUL bytes)", code=Codes.BINARY_INPUT, source=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        code = Codes.TRUNCATED if exc.end >= len(raw) and exc.reason == "unexpected end of data" else Codes.UNDECODABLE
        raise InputError(f"not valid UTF-8 at byte {exc.start}: {exc.reason}", code=code, source=str(path)) from None
    if not text.strip():
        raise InputError("document is empty", code=Codes.EMPTY_INPUT, source=str(path))
    return text


class DocumentCache:
    """Reads documents of a directory once each; remembers failures as :class:`InputError`."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise InputError("documents directory does not exist", code=Codes.MISSING_PATH, source=str(self.directory))
        self._texts: dict[str, str | InputError] = {}

    def get(self, article: str) -> str:
        if article not in self._texts:
            name = Path(article).name
            if name != article or name in {"", ".", ".."}:
                self._texts[article] = InputError(
                    f"article id {article!r} is not a plain file name", source=str(self.directory)
                )
            else:
                try:
                    self._texts[article] = read_document(self.directory / name)
                except InputError as exc:
                    self._texts[article] = exc
        value = self._texts[article]
        if isinstance(value, InputError):
            raise value
        return value


def locate_mention(text: str, row: St1Row, *, max_shift: int = _MAX_SHIFT) -> tuple[int, int, bool]:
    """``[start, end)`` of ``row``'s mention in ``text`` and whether it had to be moved.

    The official offsets are exact for almost every row; a few (11 of 686 EN train
    rows) are off by one or two characters.  If the mention string is found within
    ``max_shift`` characters of the given start it is used (``moved=True``);
    otherwise :class:`InputError` (``N010``) names the row.
    """
    start, end = row.start, row.end + 1
    if end > len(text):
        raise InputError(
            f"offsets {row.start}..{row.end} are beyond the end of {row.article} (length {len(text)})",
            code=Codes.BAD_OFFSETS,
            source=row.source,
        )
    if text[start:end] == row.mention:
        return start, end, False
    n = len(row.mention)
    for shift in sorted(range(-max_shift, max_shift + 1), key=abs):
        s = start + shift
        if 0 <= s and text[s : s + n] == row.mention:
            return s, s + n, True
    raise InputError(
        f"mention {row.mention!r} does not match the text at {row.start}..{row.end} of {row.article} "
        f"(text there: {text[start:end]!r})",
        code=Codes.BAD_OFFSETS,
        source=row.source,
    )


def write_st1_file(path: str | Path, rows: Iterable[St1Row]) -> int:
    """Write rows in the official annotation format (inclusive end, CRLF-free); returns the count."""
    path = Path(path)
    n = 0
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        for row in rows:
            if row.main_role is None or not row.fine_roles:
                raise InputError("a prediction row needs a main role and at least one fine role", source=row.source or str(path))
            fh.write("\t".join([row.article, row.mention, str(row.start), str(row.end), row.main_role, *row.fine_roles]) + "\n")
            n += 1
    return n
