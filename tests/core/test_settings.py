from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.config.settings import Settings, default_settings_dict, load_settings, parse_override
from narrascope.errors import ConfigError


def test_packaged_defaults_validate() -> None:
    Settings.model_validate(default_settings_dict())


def test_layers_file_env_overrides(tmp_path: Path) -> None:
    cfg = tmp_path / "my.toml"
    cfg.write_text('[store]\npath = "/tmp/from-file.db"\n[pipeline]\nbatch_size = 4\n', encoding="utf-8")
    s = load_settings(cfg, env={})
    assert s.store.path == "/tmp/from-file.db" and s.pipeline.batch_size == 4
    assert s.pipeline.components == default_settings_dict()["pipeline"]["components"]
    s = load_settings(cfg, env={"NARRASCOPE_DB": "/tmp/env.db"}, overrides=["pipeline.batch_size=8"])
    assert s.store.path == "/tmp/env.db" and s.pipeline.batch_size == 8


def test_bad_settings_name_the_problem(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_bytes(b"\xff\xfe not toml [")
    with pytest.raises(ConfigError, match="bad.toml"):
        load_settings(bad)
    with pytest.raises(ConfigError, match="pipeline.batch_size"):
        load_settings(overrides=["pipeline.batch_size=0"], env={})
    with pytest.raises(ConfigError, match="Extra inputs"):
        load_settings(overrides=["store.colour=1"], env={})
    with pytest.raises(ConfigError, match="KEY=VALUE"):
        parse_override("no-equals-sign")


def test_override_values_parse_as_json_when_possible() -> None:
    assert parse_override("a.b=3") == {"a": {"b": 3}}
    assert parse_override('a=["x"]') == {"a": ["x"]}
    assert parse_override("a=plain text") == {"a": "plain text"}
