"""Guards for input files: refuse what is missing, empty, too large or binary, and decode bytes.

:func:`read_input_bytes` checks a path before and while reading it;
:func:`decode_bytes` turns the bytes into text: strict UTF-8 first (a BOM is
dropped), a truncated multi-byte sequence at the very end is reported as such,
and only then one of the fallback encodings is chosen by how plausible the
decoded text looks.  Nothing else is normalised (CR characters are kept).
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from narrascope.errors import Codes, InputError

__all__ = [
    "read_input_bytes",
    "check_file",
    "check_not_binary",
    "decode_bytes",
    "guess_encoding",
    "looks_binary",
    "plausibility",
    "BINARY_MAGIC",
]

#: Leading bytes of common binary formats (checked before anything else).
BINARY_MAGIC: dict[bytes, str] = {
    b"%PDF-": "PDF",
    b"PK\x03\x04": "ZIP (or DOCX/XLSX/EPUB)",
    b"PK\x05\x06": "ZIP",
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"\x7fELF": "ELF executable",
    b"\x1f\x8b": "gzip",
    b"\xfd7zXZ\x00": "xz",
    b"7z\xbc\xaf\x27\x1c": "7-Zip",
    b"Rar!\x1a\x07": "RAR",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1": "MS Office (OLE2)",
    b"SQLite format 3\x00": "SQLite database",
    b"\x00asm": "WebAssembly",
    b"\xca\xfe\xba\xbe": "Java class / Mach-O",
    b"\xcf\xfa\xed\xfe": "Mach-O",
    b"\x93NUMPY": "NumPy array",
}
# (formats whose magic is plain letters, e.g. RIFF, OggS, ID3, PAR1, are caught by their NUL bytes)

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF8_BOM = codecs.BOM_UTF8
#: Bytes below 0x20 that plain text legitimately contains (tab, LF, VT, FF, CR, ESC).
_TEXT_CONTROLS = frozenset(b"\t\n\x0b\x0c\r\x1b")
_SNIFF_BYTES = 65_536
#: Share of control bytes above which a sample is called binary.
_MAX_CONTROL_RATIO = 0.05


def looks_binary(data: bytes) -> str | None:
    """Why ``data`` (or its first 64 KiB) looks binary, or ``None`` if it looks like text."""
    for magic, kind in BINARY_MAGIC.items():
        if data.startswith(magic):
            return f"looks like a binary file ({kind})"
    sample = data[:_SNIFF_BYTES]
    if sample.startswith(_UTF16_BOMS):
        return None  # UTF-16 text carries NUL bytes; decode_bytes handles it
    nul = sample.find(b"\x00")
    if nul >= 0:
        return f"looks like a binary file (NUL byte at offset {nul})"
    if sample:
        controls = sum(1 for b in sample if b < 0x20 and b not in _TEXT_CONTROLS) + sample.count(0x7F)
        if controls / len(sample) > _MAX_CONTROL_RATIO:
            return f"looks like a binary file ({controls} control bytes in the first {len(sample)} bytes)"
    return None


def check_not_binary(data: bytes, *, source: str) -> None:
    """Raise N003 if ``data`` looks binary."""
    why = looks_binary(data)
    if why:
        raise InputError(f"{why}; expected text", code=Codes.BINARY_INPUT, source=source)


def check_file(path: Path) -> os.stat_result:
    """``stat`` a path that must be an existing regular file (N001 missing or a directory, N009 a
    device, pipe or socket)."""
    source = str(path)
    try:
        st = Path(path).stat()
    except FileNotFoundError:
        raise InputError("path does not exist", code=Codes.MISSING_PATH, source=source) from None
    except OSError as exc:
        raise InputError(f"cannot access path: {exc.strerror or exc}", code=Codes.MISSING_PATH, source=source) from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory, expected a file", code=Codes.MISSING_PATH, source=source)
    if not stat.S_ISREG(st.st_mode):
        raise InputError("is not a regular file (device, pipe or socket)", code=Codes.UNSUPPORTED_FORMAT, source=source)
    return st


def read_input_bytes(path: Path, *, max_bytes: int) -> bytes:
    """Read a text-like input file after checking it exists, is a regular file, is not over
    ``max_bytes`` (by ``stat``, before reading), is not empty and does not look binary."""
    path = Path(path)
    source = str(path)
    st = check_file(path)
    if st.st_size > max_bytes:
        raise InputError(
            f"file is {st.st_size:,} bytes, over the limit of {max_bytes:,} (ingest.max_bytes)",
            code=Codes.TOO_LARGE,
            source=source,
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", code=Codes.MISSING_PATH, source=source) from exc
    if len(data) > max_bytes:  # grew after stat
        raise InputError(
            f"file is over the limit of {max_bytes:,} bytes (ingest.max_bytes)", code=Codes.TOO_LARGE, source=source
        )
    body = data[len(_UTF8_BOM) :] if data.startswith(_UTF8_BOM) else data
    if not body.strip():
        raise InputError(
            "file is empty" if not body else "file contains only whitespace", code=Codes.EMPTY_INPUT, source=source
        )
    check_not_binary(data, source=source)
    return data


# -- decoding -----------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+")
_PLAUSIBLE_MIN = 0.8
#: With at least this many non-ASCII bytes, charset_normalizer must also accept one candidate.
_CN_MIN_NON_ASCII = 64
_SCORE_SAMPLE = 200_000


def _script(ch: str) -> str:
    if ch.isascii():
        return "LATIN"
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "?"


def plausibility(text: str) -> float:
    """Share of letters that sit in plausible words (one script, no capital after a small letter,
    Latin words mostly ASCII),
    minus a penalty for control and unassigned characters.  1.0 is clean text."""
    sample = text[:_SCORE_SAMPLE]
    good = total = 0
    for match in _WORD.finditer(sample):
        word = match.group()
        total += len(word)
        scripts = {_script(c) for c in word}
        # a capital right after a small letter ("ЕллзнйкЬ": Greek read as cp1251) is rare in real words
        if len(scripts) != 1 or any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            continue
        script = scripts.pop()
        if script == "LATIN":
            non_ascii = sum(not c.isascii() for c in word)
            if len(word) >= 2 and non_ascii / len(word) > 0.5:
                continue
        elif script not in {"CYRILLIC", "GREEK"}:
            continue
        good += len(word)
    odd = sum(1 for c in sample if unicodedata.category(c) in {"Cc", "Co", "Cn"} and c not in "\t\n\r\x0b\x0c")
    if total == 0:
        return 0.0 if odd else 1.0
    return (good - 5 * odd) / total


def _charset_normalizer_accepts(data: bytes, encodings: Sequence[str]) -> bool:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - it is a dependency
        return True
    names = [codecs.lookup(e).name for e in encodings]
    return from_bytes(data[:_SCORE_SAMPLE], cp_isolation=names).best() is not None


def decode_bytes(data: bytes, *, source: str, fallback_encodings: Sequence[str]) -> str:
    """Decode ``data``: UTF-8 (BOM dropped) or UTF-16 with a BOM; a UTF-8 file cut inside its last
    character raises N012; otherwise the most plausible of ``fallback_encodings`` (N005 if none is)."""
    if data.startswith(_UTF16_BOMS):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"has a UTF-16 byte-order mark but is not valid UTF-16 (byte {exc.start})",
                code=Codes.UNDECODABLE,
                source=source,
            ) from exc
    bom = len(_UTF8_BOM) if data.startswith(_UTF8_BOM) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.end == len(data) - bom and "unexpected end" in exc.reason:
            raise InputError(
                f"truncated UTF-8: the file ends inside a multi-byte character at byte offset {exc.start + bom} "
                f"({len(data) - bom - exc.start} of its bytes present)",
                code=Codes.TRUNCATED,
                source=source,
            ) from exc
        first_bad = exc.start + bom
        if bom:  # a UTF-8 BOM with invalid UTF-8 after it: no legacy encoding to guess
            raise InputError(
                f"starts with a UTF-8 byte-order mark but is not valid UTF-8 (byte {first_bad})",
                code=Codes.UNDECODABLE,
                source=source,
            ) from exc
    encoding = guess_encoding(data, fallback_encodings)
    if encoding is None:
        tried = ", ".join(fallback_encodings) or "none configured"
        raise InputError(
            f"not UTF-8 (first invalid byte at offset {first_bad}) and no plausible text in any fallback encoding "
            f"({tried}; ingest.fallback_encodings)",
            code=Codes.UNDECODABLE,
            source=source,
        )
    return data.decode(encoding)


def guess_encoding(data: bytes, fallback_encodings: Sequence[str]) -> str | None:
    """The fallback encoding in which ``data`` reads most plausibly (ties: the first listed),
    or ``None`` if no decoding looks like text."""
    scored: list[tuple[float, int, str]] = []
    for order, encoding in enumerate(fallback_encodings):
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        scored.append((plausibility(text), -order, encoding))
    if not scored:
        return None
    score, _, encoding = max(scored)
    if score < _PLAUSIBLE_MIN:
        return None
    non_ascii = sum(1 for b in data[:_SCORE_SAMPLE] if b >= 0x80)
    if non_ascii >= _CN_MIN_NON_ASCII and not _charset_normalizer_accepts(data, [s[2] for s in scored]):
        return None
    return encoding
