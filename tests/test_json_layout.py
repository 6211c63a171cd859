"""JSON written to a file is compact unless --indent is asked for; on standard output
it is indented. The content is the same either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import made
from docwitness.cli import main
from docwitness.errors import ExitCode


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    paras = made.made_statement()
    made.write_made(tmp_path, "made-ref.txt", paras)
    made.write_made(tmp_path, "made-cut.txt", paras[:12])
    return tmp_path / "made-ref.txt", tmp_path / "made-cut.txt"


def test_json_in_a_file_is_compact_and_on_stdout_indented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _pair(tmp_path)
    out = tmp_path / "made-report.json"
    assert main(["diff", str(a), str(b), "--format", "json", "-o", str(out)]) == ExitCode.FINDINGS
    compact = out.read_text(encoding="utf-8")
    assert compact.count("\n") == 1 and '"schema":"docwitness.report/1"' in compact
    assert main(["diff", str(a), str(b), "--format", "json"]) == ExitCode.FINDINGS
    shown = capsys.readouterr().out
    assert '\n  "schema": "docwitness.report/1"' in shown
    assert json.loads(compact) == json.loads(shown)
    assert len(compact) < len(shown) * 0.8


def test_indent_is_kept_in_a_file_when_asked_for(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    out = tmp_path / "made-report.json"
    args = ["diff", str(a), str(b), "--format", "json", "-o", str(out), "--indent", "4"]
    assert main(args) == ExitCode.FINDINGS
    assert '\n    "schema": "docwitness.report/1"' in out.read_text(encoding="utf-8")


def test_negative_indent_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = _pair(tmp_path)
    assert main(["diff", str(a), str(b), "--format", "json", "--indent", "-1"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert err.startswith("docwitness: error:") and "--indent" in err
