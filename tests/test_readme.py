"""The README tells the truth: its two quick-start commands, exit codes and commands."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from docwitness.cli import build_parser
from docwitness.errors import ExitCode
from processes import docwitness

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start() -> list[str]:
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, flags=re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands() -> None:
    install_and_run, install_and_test = quick_start()
    assert install_and_run == "pip install . && docwitness check"
    assert install_and_test == "pip install '.[test]' && python -m pytest"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert quick_start()[1] in ci.splitlines()


def test_main_job_runs_on_a_copy_of_the_repository(tmp_path: Path) -> None:
    """The first command's job, run as a user would, in a copy of the repository.

    --offline is added so that the test sends nothing off this machine; the
    command is otherwise the README's, and offline the network witnesses are
    reported unavailable just as they are when no site can be reached.
    """
    shutil.copytree(ROOT / "sources", tmp_path / "sources")
    if (ROOT / "snapshots").is_dir():
        shutil.copytree(ROOT / "snapshots", tmp_path / "snapshots")
    proc = docwitness("check", "--offline", cwd=tmp_path, timeout=120)
    assert proc.returncode == ExitCode.FINDINGS, proc.stderr
    assert "yunbaogao-preview: truncated" in proc.stdout
    assert "point 十, witness ¶28: cut after: …事务中的影响力持续提升。双方" in proc.stdout
    # The two real copies agree where they overlap: the excerpt's one substantive
    # finding is the cut inside point 二.
    assert "wikisource-excerpt: truncated, coverage 19.9%, 1 substantive finding," in proc.stdout
    excerpt = proc.stdout.split("\nwikisource-excerpt (", 1)[1].split("\n\n", 1)[0]
    substantive = [line for line in excerpt.splitlines() if "substantive " in line]
    assert len(substantive) == 1 and "truncation   point 二, ¶8 +55: cut after:" in substantive[0]
    assert (tmp_path / "snapshots" / "report.html").is_file()
    # The bundled snapshot is what this version records: the same record, not a new one.
    history = (
        (
            tmp_path
            / "snapshots"
            / "witnesses"
            / "cn-ru-joint-statement-2017"
            / "yunbaogao-preview.jsonl"
        )
        .read_text(encoding="utf-8")
        .splitlines()
    )
    records = [json.loads(line)["record"] for line in history]
    assert len(records) >= 2 and records[-1] == records[-2]
    verify = docwitness("verify", cwd=tmp_path, timeout=120)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_readme_shows_the_output_it_describes() -> None:
    assert "yunbaogao-preview: truncated, coverage 100.0%" in README
    assert "point 十, witness ¶28: cut after: …事务中的影响力持续提升。双方" in README
    assert "wikisource-excerpt: truncated, coverage 19.9%, 1 substantive finding" in README


def test_exit_code_table_matches_the_enum() -> None:
    table = README.split("### Exit codes", 1)[1].split("\n## ", 1)[0]
    codes = {int(m) for m in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert codes == {int(c) for c in ExitCode}


def test_every_command_is_in_the_readme() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in sub.choices:  # type: ignore[union-attr]
        assert f"`docwitness {name}" in README, name


def test_readme_quotes_the_leftover_line_verify_prints() -> None:
    from docwitness.report.results import LEFTOVER_WHY

    assert f"`LEFTOVER …: {LEFTOVER_WHY}; docwitness verify --repair removes it`" in " ".join(
        README.split()
    )
