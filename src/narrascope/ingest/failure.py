"""One input that could not be read: where, which error code, and why."""

from __future__ import annotations

from dataclasses import dataclass

from narrascope.errors import NarrascopeError

__all__ = ["ReadFailure"]


@dataclass(frozen=True)
class ReadFailure:
    """``source`` names the input (``file``, ``file:LINE`` or ``file#entry N``); ``code`` is an
    :class:`~narrascope.errors.Codes` value."""

    source: str
    code: str
    message: str

    @classmethod
    def from_error(cls, exc: NarrascopeError, source: str) -> ReadFailure:
        return cls(source=exc.source or source, code=exc.code, message=exc.message)

    def __str__(self) -> str:
        return f"[{self.code}] {self.source}: {self.message}"
