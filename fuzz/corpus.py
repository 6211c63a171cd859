"""Keep a hostile input for good: add it to tests/fuzz_corpus/, which every test run replays.

    python fuzz/corpus.py add fuzz/found/overtime-056d72edd6 made-ascii85-spaces \\
        --why "an ASCII85 stream holding 100,000 spaces took 90 s"

The case's made files are copied, its commands run with the installed
docwitness, and what each did (exit code, the one line on stderr) is written to
``case.json`` as what tests/test_fuzz_corpus.py expects from then on. A case
that still breaks a promise is refused: fix docwitness first.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import harness
import inputs

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fuzz_corpus"
DIR = "{dir}"  # stands for the folder a case runs in, in a recorded stderr line


def load(folder: Path) -> tuple[inputs.Case, dict[str, object]]:
    """The case in ``folder`` (its made files and case.json) and the case.json itself."""
    record = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    files = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "case.json"}
    steps = record.get("commands") or [step["argv"] for step in record["steps"]]
    target = {"inspect": "inspect", "diff": "diff"}.get(steps[0][0], "catalogue")
    return inputs.Case(target, files, steps), record


def expected_stderr(outcome: harness.Outcome, folder: Path) -> str:
    return outcome.stderr.replace(str(folder.resolve()), DIR).replace(str(folder), DIR)


def add(source: Path, name: str, why: str, origin: str) -> Path:
    case, record = load(source)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "case"
        verdict = harness.execute(case, folder, harness.Bound())
        if verdict.problems:
            raise SystemExit(f"still failing, not added: {verdict.problems[0]}")
        steps = [
            {"argv": o.argv, "exit": o.exit, "stderr": expected_stderr(o, folder)}
            for o in verdict.outcomes
        ]
    target = CORPUS / name
    shutil.rmtree(target, ignore_errors=True)
    harness.write_case(case, target)
    entry = {"why": why, "origin": origin or str(record.get("found", "")), "steps": steps}
    (target / "case.json").write_text(
        json.dumps(entry, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    sub = p.add_subparsers(dest="command", required=True)
    a = sub.add_parser("add", help="add a case folder (with case.json) to the corpus")
    a.add_argument("source", type=Path)
    a.add_argument("name", help="the corpus entry's name (made-…)")
    a.add_argument("--why", required=True, help="what the input once did, or what it stands for")
    a.add_argument("--origin", default="", help="where it came from (default: case.json's)")
    args = p.parse_args(argv)
    if not args.name.startswith("made-"):
        p.error("a corpus entry's name starts with made-")
    print(add(args.source, args.name, args.why, args.origin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
