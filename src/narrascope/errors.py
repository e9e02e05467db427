"""Coded, actionable errors that name the input and the problem.

Every error raised to users is a :class:`NarrascopeError` subclass carrying a
stable code (``N0xx`` input, ``C0xx`` config/pipeline, ``S0xx`` store,
``M0xx`` models) so that batch runs can store failures by code and the CLI can
print one line per failure.  The library never prints.
"""

from __future__ import annotations

__all__ = [
    "NarrascopeError",
    "InputError",
    "ConfigError",
    "PipelineError",
    "StoreError",
    "ModelError",
    "MissingExtraError",
    "Codes",
]


class Codes:
    """The catalogue of error codes. Messages are formatted at the raise site."""

    # Input (N)
    MISSING_PATH = "N001"  # path does not exist
    EMPTY_INPUT = "N002"  # file or record has no text
    BINARY_INPUT = "N003"  # looks like a binary file
    TOO_LARGE = "N004"  # over the configured size limit
    UNDECODABLE = "N005"  # not UTF-8 and no encoding could be guessed
    NO_ARTICLE = "N006"  # HTML page without main text
    BAD_RECORD = "N007"  # malformed JSONL/CSV line or record
    BAD_FEED = "N008"  # unparseable feed or broken entry
    UNSUPPORTED_FORMAT = "N009"  # unknown file type
    BAD_OFFSETS = "N010"  # span offsets do not match the text
    BAD_LABEL = "N011"  # label not in the taxonomy
    TRUNCATED = "N012"  # truncated UTF-8 sequence at the end of a file
    # Config / pipeline (C)
    BAD_CONFIG = "C001"
    UNKNOWN_COMPONENT = "C002"
    MISSING_REQUIREMENT = "C003"
    CLUSTER = "C004"  # the compute cluster (Ray) cannot be reached or went away mid-run
    # Store (S)
    STORE_OPEN = "S001"
    STORE_WRITE = "S002"
    STORE_SCHEMA = "S003"
    NOT_FOUND = "S004"
    BAD_QUERY = "S005"  # search query or list filter the store cannot use
    OUTPUT_EXISTS = "S006"  # export target exists (pass force to overwrite)
    # Models (M)
    MODEL_LOAD = "M001"
    MISSING_EXTRA = "M002"


class NarrascopeError(Exception):
    """Base class: ``code`` is stable, ``source`` names the input (file, record, setting)."""

    default_code = "E000"

    def __init__(self, message: str, *, code: str | None = None, source: str | None = None) -> None:
        self.code = code or self.default_code
        self.source = source
        self.message = message
        super().__init__(self.__str__())

    def __str__(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"[{self.code}] {where}{self.message}"


class InputError(NarrascopeError, ValueError):
    """An input (file, record, text) is unusable; ``source`` names it."""

    default_code = Codes.BAD_RECORD


class ConfigError(NarrascopeError, ValueError):
    default_code = Codes.BAD_CONFIG


class PipelineError(ConfigError):
    default_code = Codes.MISSING_REQUIREMENT


class StoreError(NarrascopeError, RuntimeError):
    default_code = Codes.STORE_WRITE


class ModelError(NarrascopeError, RuntimeError):
    default_code = Codes.MODEL_LOAD


class MissingExtraError(ModelError, ImportError):
    """An optional dependency is missing; the message names the extra to install."""

    default_code = Codes.MISSING_EXTRA

    def __init__(self, module: str, extra: str) -> None:
        super().__init__(
            f"optional dependency '{module}' is not installed; "
            f"install it with: pip install 'narrascope[{extra}]'",
            source=module,
        )
