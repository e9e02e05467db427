"""Settings: ``defaults.toml`` (shipped) < user TOML file < environment < ``--set`` overrides."""

from __future__ import annotations

import copy
import json
import os
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from narrascope.errors import ConfigError

__all__ = ["Settings", "load_settings", "default_settings_dict", "parse_override"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PipelineSettings(_Section):
    components: list[str]
    batch_size: int = Field(gt=0)


class StoreSettings(_Section):
    path: str

    def resolved(self) -> str:
        if "://" in self.path:
            return self.path
        return str(Path(self.path).expanduser())


class IngestSettings(_Section):
    max_bytes: int = Field(gt=0)
    remove_boilerplate: bool
    fallback_encodings: list[str]


class Settings(_Section):
    pipeline: PipelineSettings
    store: StoreSettings
    ingest: IngestSettings
    #: component name -> keyword arguments for its factory (validated when the component is built)
    components: dict[str, dict[str, Any]] = Field(default_factory=dict)


def default_settings_dict() -> dict[str, Any]:
    text = resources.files("narrascope.config").joinpath("defaults.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def parse_override(item: str) -> dict[str, Any]:
    """``"components.entities.model=xx"`` -> nested dict; the value is parsed as JSON when it can be."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {item!r} is not KEY=VALUE", source="--set")
    try:
        value: Any = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    out: dict[str, Any] = {}
    node = out
    parts = key.strip().split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return out


def load_settings(
    path: str | Path | None = None,
    *,
    overrides: list[str] | None = None,
    env: dict[str, str] | None = None,
) -> Settings:
    """Build :class:`Settings` from the packaged defaults and the user's layers."""
    data = default_settings_dict()
    if path is not None:
        path = Path(path)
        try:
            user = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError("config file does not exist", source=str(path)) from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"not valid TOML: {exc}", source=str(path)) from exc
        data = _merge(data, user)
    env = os.environ if env is None else env
    if env.get("NARRASCOPE_DB"):
        data = _merge(data, {"store": {"path": env["NARRASCOPE_DB"]}})
    for item in overrides or []:
        data = _merge(data, parse_override(item))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: {first['msg']}", source=str(path) if path else "settings") from exc
