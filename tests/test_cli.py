"""The command line in-process: every command's exit code, and the README's commands."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from docwitness.cli import main
from docwitness.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "sources" / "cn-ru-joint-statement-2017.toml"


def test_help_for_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    commands = re.findall(r"^    (\w+)\s", out, flags=re.M)
    assert {"fetch", "log", "verify"} <= set(commands)
    for command in commands:
        assert main([command, "--help"]) == 0
        assert "usage: docwitness" in capsys.readouterr().out


def test_unknown_command_is_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == ExitCode.USAGE
    assert "invalid choice" in capsys.readouterr().err


def test_fetch_bundled_catalogue_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "snapshots"
    code = main(["fetch", str(CATALOGUE), "--store", str(store), "--json", "--offline"])
    results = {r["witness"]: r for r in json.loads(capsys.readouterr().out)}
    # Offline, the mirror pages are unavailable, the run goes on, the local copy is
    # captured, and the exit code says "incomplete".
    assert code == ExitCode.INCOMPLETE
    assert results["yunbaogao-preview"]["status"] == "captured"
    for wid in ("china-com", "crntt", "wikisource"):
        assert results[wid]["status"] == "unavailable"
        assert results[wid]["reason"] == "offline: not fetched"
    assert main(["verify", "--store", str(store)]) == ExitCode.OK


def test_log_shows_history(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "snapshots"
    main(["fetch", str(CATALOGUE), "--store", str(store), "--offline"])
    main(["fetch", str(CATALOGUE), "--store", str(store), "--offline"])
    capsys.readouterr()
    assert main(["log", "yunbaogao-preview", "--store", str(store)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "cn-ru-joint-statement-2017/yunbaogao-preview: 2 captures" in out
    assert "first capture" in out and "no change" in out
    assert main(["log", "nobody", "--store", str(store)]) == ExitCode.USAGE
    assert "no history for witness 'nobody'" in capsys.readouterr().err


def test_internal_error_is_one_line_without_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import docwitness.pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("made failure")

    monkeypatch.setattr(docwitness.pipeline, "verify", boom)
    assert main(["verify", "--store", str(tmp_path)]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert err.strip() == (
        "docwitness: internal error: RuntimeError: made failure "
        "(run with --debug for the traceback)"
    )
    assert main(["verify", "--store", str(tmp_path), "--debug"]) == ExitCode.INTERNAL
    assert "Traceback" in capsys.readouterr().err


def test_python_dash_m_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "docwitness", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0 and proc.stdout.startswith("docwitness ")
