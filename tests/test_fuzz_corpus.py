"""Every input in tests/fuzz_corpus/ still gets its documented outcome.

Each entry is a folder of made files and a ``case.json``: why it is kept (what
it once did, or what hostile input it stands for), where it came from, and the
commands to run in the folder, each with the exit code and the stderr line it
must give. The commands run through ``docwitness.cli.main`` as
fuzz/harness.py runs them (logging set up afresh, every warning shown), and
the harness's own rules apply as well: no exit 70, no traceback, one line on
stderr, within the time bound, nothing written outside the store, and a store
``fetch`` wrote passes ``verify``. ``python fuzz/corpus.py add`` adds an entry.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fuzz_corpus"
sys.path.insert(0, str(ROOT / "fuzz"))

import harness  # noqa: E402  (fuzz/harness.py)

ENTRIES = sorted(p.name for p in CORPUS.iterdir() if (p / "case.json").is_file())


def test_the_corpus_holds_found_and_representative_inputs() -> None:
    origins = [
        json.loads((CORPUS / n / "case.json").read_text(encoding="utf-8"))["origin"]
        for n in ENTRIES
    ]
    assert any(o.startswith("found by python fuzz/run.py") for o in origins)
    assert any(o.startswith("representative") for o in origins)
    assert all(n.startswith("made-") for n in ENTRIES)
    for n in ENTRIES:
        assert all(
            p.name.startswith("made-") or p.name == "case.json" for p in (CORPUS / n).iterdir()
        )


@pytest.mark.parametrize("name", ENTRIES)
def test_a_corpus_input_gets_its_documented_outcome(name: str, tmp_path: Path) -> None:
    entry = json.loads((CORPUS / name / "case.json").read_text(encoding="utf-8"))
    folder = tmp_path / "case"
    shutil.copytree(CORPUS / name, folder, ignore=shutil.ignore_patterns("case.json"))
    before = harness.listing(folder)
    size = sum(len(data) for data in before.values())
    limit = harness.Bound().seconds(size)
    for step in entry["steps"]:
        outcome = harness.run_in_process(step["argv"], folder, limit * 1.5 + 5)
        assert harness.judge(outcome, limit) == [], step["argv"]
        stderr = outcome.stderr.replace(str(folder.resolve()), "{dir}")
        assert (outcome.exit, stderr) == (step["exit"], step["stderr"]), step["argv"]
        assert len(stderr.splitlines()) == (1 if step["exit"] >= 2 and stderr else 0)
        if step["argv"][0] == "verify":
            assert outcome.stdout == "store made-store: all objects and records verified\n"
    assert harness.listing(folder) == before  # nothing written beside the store
    assert not list(folder.rglob(".tmp-*"))
