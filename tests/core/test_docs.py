"""The README documents every command and the settings file documents every setting."""

from __future__ import annotations

from pathlib import Path

import click

from narrascope.cli.main import cli
from narrascope.config.settings import default_settings_dict

REPO = Path(__file__).resolve().parents[2]


def _commands(group: click.Group, prefix: str = "narrascope") -> list[str]:
    names = []
    for name, command in group.commands.items():
        names.append(f"{prefix} {name}")
        if isinstance(command, click.Group):
            names.extend(_commands(command, f"{prefix} {name}"))
    return names


def test_every_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [name for name in _commands(cli) if f"`{name}" not in readme]
    assert not missing, f"undocumented commands: {missing}"


def test_every_default_setting_has_a_comment() -> None:
    lines = (REPO / "src/narrascope/config/defaults.toml").read_text(encoding="utf-8").splitlines()
    for section in ("pipeline", "store", "ingest"):
        for key in default_settings_dict()[section]:
            i = next(n for n, line in enumerate(lines) if line.startswith(f"{key} ="))
            assert lines[i - 1].startswith("#"), f"setting {section}.{key} has no comment above it"
