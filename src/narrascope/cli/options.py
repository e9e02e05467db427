"""Options shared by every command, so flags mean the same everywhere."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from narrascope.config.settings import Settings, load_settings


def settings_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--config``, ``--set`` and ``--db`` and hand the command a ready :class:`Settings` as ``settings``."""

    @click.option("--config", "config_path", type=click.Path(dir_okay=False), help="TOML file with settings to override.")
    @click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE", help="Override one setting, e.g. pipeline.batch_size=8.")
    @click.option("--db", "db", metavar="PATH|URL", help="Store location (default: store.path, or $NARRASCOPE_DB).")
    @functools.wraps(func)
    def wrapper(*args: Any, config_path: str | None, overrides: tuple[str, ...], db: str | None, **kwargs: Any) -> Any:
        extra = list(overrides)
        if db:
            extra.append(f"store.path={db}")
        settings = load_settings(config_path, overrides=extra)
        return func(*args, settings=settings, **kwargs)

    return wrapper


def json_option(func: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a readable report.")(func)


__all__ = ["settings_options", "json_option", "Settings"]
