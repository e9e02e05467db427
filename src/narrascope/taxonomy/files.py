"""Reading a taxonomy file: the checks every taxonomy loader shares before it validates the content."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from narrascope.errors import Codes, InputError

__all__ = ["read_taxonomy_json"]


def read_taxonomy_json(path: Path, kind: str) -> Any:
    """The parsed JSON of ``path``; :class:`InputError` naming the file (and line) when it is missing,
    a directory, empty, not UTF-8 or not JSON.  ``kind`` names the taxonomy in messages."""
    source = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{kind} file does not exist", code=Codes.MISSING_PATH, source=source) from None
    except IsADirectoryError:
        raise InputError(f"{kind} path is a directory, not a file", code=Codes.MISSING_PATH, source=source) from None
    if not raw.strip():
        raise InputError(f"{kind} file is empty", code=Codes.EMPTY_INPUT, source=source)
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{kind} file is not UTF-8: {exc}", code=Codes.UNDECODABLE, source=source) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{kind} file is not valid JSON: {exc.msg}", code=Codes.BAD_RECORD, source=f"{source}:{exc.lineno}"
        ) from None
