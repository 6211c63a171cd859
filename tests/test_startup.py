"""What a command imports: the one report view it writes, and nothing it does not use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import made

_PROBE = """
import sys
from docwitness.cli import main
main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.startswith("docwitness.report.") or m in (
    "importlib.metadata", "requests", "bs4", "pdfplumber"))
print(" ".join(loaded), file=sys.stderr)
"""


def _loaded(tmp_path: Path, *args: str) -> set[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, cwd=tmp_path
    )
    return set(proc.stderr.strip().splitlines()[-1].split())


def _pair(tmp_path: Path) -> tuple[str, str]:
    paras = made.made_statement()
    made.write_made(tmp_path, "made-a.txt", paras)
    made.write_made(tmp_path, "made-b.txt", paras[:-3])
    return str(tmp_path / "made-a.txt"), str(tmp_path / "made-b.txt")


def test_a_json_diff_of_text_files_imports_only_what_it_uses(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    out = str(tmp_path / "made-report.json")
    loaded = _loaded(tmp_path, "diff", a, b, "--format", "json", "-o", out)
    views = {f"docwitness.report.{v}" for v in ("json", "text", "markdown", "html", "github")}
    assert loaded & views == {"docwitness.report.json"}
    assert not loaded & {"importlib.metadata", "requests", "bs4", "pdfplumber"}


def test_the_text_view_is_loaded_alone_too(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    loaded = _loaded(tmp_path, "diff", a, b)
    assert "docwitness.report.text" in loaded
    assert not loaded & {"docwitness.report.html", "docwitness.report.github", "importlib.metadata"}


def test_a_format_that_is_not_one_is_refused_after_all_are_looked_at(tmp_path: Path) -> None:
    a, b = _pair(tmp_path)
    for name in ("nope", "results", "__init__"):
        proc = subprocess.run(
            [sys.executable, "-m", "docwitness.cli", "diff", a, b, "--format", name],
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2
        assert "invalid choice" in proc.stderr and "json" in proc.stderr
