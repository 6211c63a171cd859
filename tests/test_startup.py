"""What a command imports: the one report view it writes, and nothing it does not use."""

from __future__ import annotations

import json
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


_MODULES = """
import dataclasses, sys
from docwitness.cli import main
main(sys.argv[1:])
built = {
    value.__qualname__
    for name, module in list(sys.modules.items())
    if name.startswith("docwitness")
    for value in vars(module).values()
    if isinstance(value, type) and dataclasses.is_dataclass(value)
    and value.__module__ == name
}
print(" ".join(sorted(built)), file=sys.stderr)
print(" ".join(sorted(sys.modules)), file=sys.stderr)
"""


def test_the_seed_diff_builds_nothing_for_fetching_or_collating_all(
    tmp_path: Path, seed_path: Path
) -> None:
    # The seed is Simplified (its 坏 stands in 破坏, which t2s leaves alone): OpenCC is
    # not loaded; the provenance, catalogue-spec, fetch-progress and variant-table
    # classes and the catalogue reader are not imported.
    b = tmp_path / "made-seed-edited.txt"
    b.write_text(seed_path.read_text(encoding="utf-8").replace("双方", "两国", 1), "utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _MODULES,
            "diff",
            str(seed_path),
            str(b),
            "--format",
            "json",
            "-o",
            str(tmp_path / "made-report.json"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    report = json.loads((tmp_path / "made-report.json").read_text(encoding="utf-8"))
    assert report["witnesses"][0]["findings"]  # the edit is found
    built_line, modules_line = proc.stderr.strip().splitlines()[-2:]
    loaded, built = set(modules_line.split()), set(built_line.split())
    assert "docwitness.compare.engine" in loaded  # the probe sees what was imported
    assert {"Paragraph", "Finding", "Report"} <= built  # and which dataclasses were made
    # Neither the catalogue's specs nor what fetching reports is made for a diff.
    assert not built & {"WitnessSpec", "DocumentSpec", "PageGap", "FetchProgress"}
    unwanted = {"opencc", "docwitness.provenance", "docwitness.variants", "docwitness.catalogue"}
    unwanted |= {"docwitness.specs", "docwitness.capture.progress"}
    unwanted |= {"mimetypes"}  # a registered suffix's type is the registry's
    # The report file's temporary name is made without tempfile (and the random it loads).
    unwanted |= {"tempfile", "random"}
    assert not loaded & unwanted


def test_a_pattern_of_the_rule_tables_is_compiled_on_first_use() -> None:
    import pickle
    import re

    from docwitness.lazy_re import LazyPattern

    p = LazyPattern(r"^(?P<site>[\u4e00-\u9fff]{2,8})网$")
    assert "search" not in vars(p)
    assert p.match("新华网") is not None and p.groupindex == {"site": 1}
    # Compiled once; its methods are then the compiled pattern's own.
    assert isinstance(p.search.__self__, re.Pattern)
    assert p.search.__self__ is p.compiled()
    assert p.sub("x", "人民网") == "x" and p.findall("新华网") == ["新华"]
    assert [m.group("site") for m in p.finditer("人民网")] == ["人民"]
    # A compiled one travels to another process as its source.
    again = pickle.loads(pickle.dumps(p))
    assert "search" not in vars(again) and again.match("新华网") is not None


def test_every_command_parses_and_helps_alike_built_lazily_or_at_once() -> None:
    import argparse

    from docwitness.cli import build_parser

    def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        return dict(sub.choices)

    eager, lazy = commands(build_parser()), commands(build_parser(lazy=True))
    assert eager.keys() == lazy.keys()
    # Nothing but the shared options before a command is parsed …
    assert all(len(p._actions) <= 2 for p in lazy.values())
    for name, parser in eager.items():
        # … and the same help, usage and arguments once it is.
        assert lazy[name].format_help() == parser.format_help(), name
        assert [a.dest for a in lazy[name]._actions] == [a.dest for a in parser._actions]
    args = build_parser(lazy=True).parse_args(["diff", "a.txt", "b.txt", "--format", "json"])
    assert (args.command, args.a, args.b, args.format) == ("diff", "a.txt", "b.txt", "json")
