"""``narrascope run`` as a user runs it: kill -9 mid-run then resume; summary and exit codes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from narrascope.cli.main import cli


def _narrascope(*args: str) -> list[str]:
    return [sys.executable, "-c", "from narrascope.cli.main import main; main()", *args]


def _count(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_kill_9_mid_run_then_the_same_command_resumes_without_loss_or_repeats(tmp_path: Path, make_jsonl) -> None:
    corpus = make_jsonl("c.jsonl", 0, 160)
    db = tmp_path / "s.db"
    args = _narrascope(
        "run", str(corpus), "--db", str(db), "--workers", "1", "--json",
        "--set", 'pipeline.components=["language","entities"]', "--set", "pipeline.batch_size=4",
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 120
    while _count(db) < 8 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be killed; make the corpus larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    killed_at = _count(db)
    assert 0 < killed_at < 160 and killed_at % 4 == 0  # whole batches only
    resumed = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["skipped"] == killed_at
    assert summary["analysed"] == summary["inserted"] == 160 - killed_at  # nothing analysed twice
    assert _count(db) == 160
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM articles")]
    # the only rewrite allowed is the duplicates step setting Article.duplicates
    created_twice = conn.execute(
        "SELECT count(*) FROM articles WHERE updated_at != created_at AND json_extract(record, '$.duplicates') IS NULL"
    ).fetchone()[0]
    conn.close()
    assert len(ids) == len(set(ids)) == 160 and created_twice == 0


def test_cli_run_lists_failed_inputs_and_exits_1(tmp_path: Path, make_jsonl) -> None:
    corpus = make_jsonl("c.jsonl", 0, 3)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json at all\n")
    db = tmp_path / "s.db"
    result = CliRunner().invoke(
        cli, ["run", str(corpus), str(bad), "--db", str(db), "--workers", "1", "--set", 'pipeline.components=["language"]']
    )
    assert result.exit_code == 1
    assert "Analysed 3 article(s)" in result.output
    assert f"failed input: [N007] {bad}:1: not valid JSON" in result.output
    again = CliRunner().invoke(
        cli, ["run", str(corpus), "--db", str(db), "--workers", "1", "--json", "--set", 'pipeline.components=["language"]']
    )
    assert again.exit_code == 0
    assert json.loads(again.output)["skipped"] == 3


def test_cli_run_ray_engine_needs_an_address(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", str(tmp_path), "--engine", "ray", "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and "--address" in result.output


def test_cli_run_missing_input_is_listed(tmp_path: Path) -> None:
    missing = tmp_path / "nope"
    result = CliRunner().invoke(cli, ["run", str(missing), "--db", str(tmp_path / "s.db"), "--workers", "1"])
    assert result.exit_code == 1 and f"[N001] {missing}: path does not exist" in result.output


@pytest.mark.slow
def test_ctrl_c_with_worker_processes_stops_cleanly_and_resumes(tmp_path: Path, make_jsonl) -> None:
    corpus = make_jsonl("c.jsonl", 0, 120)
    db = tmp_path / "s.db"
    args = _narrascope(
        "run", str(corpus), "--db", str(db), "--workers", "2", "--json",
        "--set", 'pipeline.components=["language","entities"]', "--set", "pipeline.batch_size=4",
    )
    # Ctrl-C's default action, whatever the test runner inherited: a runner started in the background from a
    # script (`bash .ci/run &`) passes SIGINT on ignored, and Python then installs no KeyboardInterrupt handler
    proc = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.time() + 180
    while _count(db) < 8 and time.time() < deadline and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before it could be interrupted"
    os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground group
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err[-2000:]
    assert "Interrupted." in err and "run the same command to resume" in err
    kept = _count(db)
    resumed = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert (summary["skipped"], summary["analysed"]) == (kept, 120 - kept) and _count(db) == 120
