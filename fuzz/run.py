"""Fuzz docwitness's ``inspect``, ``diff`` and catalogue loading for as long as you like.

    python fuzz/run.py --minutes 10          # a user's run
    python fuzz/run.py --seconds 60 --seed 14  # CI's bounded pass

Hypothesis draws plans of hostile inputs (fuzz/inputs.py: seed-derived text,
Markdown, HTML and PDFs made with reportlab, then bit flips, truncation, deep
nesting, huge lines, invalid UTF-8, NULs, other encodings, and edits of a
catalogue's TOML); each is built into made files in a fresh folder and run
through the command line (fuzz/harness.py), most in this process and every
``--process-every``-th as a whole process. A case that breaks a promise is
shrunk for at most ``--shrink-seconds`` and written to ``--out`` (one folder
per distinct failure, with a ``case.json`` saying how to rerun it). Exit 0 when
nothing failed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import harness
import inputs
from hypothesis import HealthCheck, Phase, Verbosity, given, seed, settings

HERE = Path(__file__).resolve().parent


class Failed(Exception):
    """The case broke a promise (raised so that hypothesis shrinks it)."""


@dataclass
class Found:
    """The smallest failing case seen for one signature."""

    signature: str
    case: inputs.Case
    plan: dict[str, Any]
    verdict: harness.Verdict
    whole_process: bool
    hits: int = 1


@dataclass
class Run:
    args: argparse.Namespace
    end: float
    tried: int = 0
    as_process: int = 0
    found: dict[str, Found] = field(default_factory=dict)
    shrink_until: float = 0.0
    known: set[str] = field(default_factory=set)  # signatures found in earlier batches
    last_report: float = field(default_factory=time.monotonic)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--minutes", type=float, help="how long to run (default: 1 minute)")
    p.add_argument("--seconds", type=float, help="how long to run, in seconds")
    p.add_argument("--seed", type=int, help="the run's seed (default: a random one, printed)")
    p.add_argument(
        "--out",
        type=Path,
        default=HERE / "found",
        help="where failing inputs are written (default: fuzz/found/)",
    )
    p.add_argument(
        "--process-every",
        type=int,
        default=10,
        metavar="N",
        help="run every Nth input as a whole process (default: 10)",
    )
    p.add_argument(
        "--shrink-seconds",
        type=float,
        default=60.0,
        help="the most time spent shrinking one failure (default: 60)",
    )
    p.add_argument(
        "--bound",
        type=float,
        default=harness.Bound.base,
        help="seconds any command may take, plus --bound-per-mb for each MB of input "
        f"(default: {harness.Bound.base:g})",
    )
    p.add_argument(
        "--bound-per-mb",
        type=float,
        default=harness.Bound.per_mb,
        help=f"(default: {harness.Bound.per_mb:g})",
    )
    args = p.parse_args(argv)
    budget = args.seconds if args.seconds is not None else 60 * (args.minutes or 1.0)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(10**6)
    args.bound_of = harness.Bound(args.bound, args.bound_per_mb)
    started = time.monotonic()
    run = Run(args, end=started + budget)
    print(
        f"docwitness fuzz: seed {args.seed}, {budget:g} s, each command within "
        f"{args.bound:g} s + {args.bound_per_mb:g} s/MB, failures to {args.out}",
        flush=True,
    )
    work = Path(tempfile.mkdtemp(prefix="docwitness-fuzz-"))
    try:
        batch = 0
        while time.monotonic() < run.end:
            _batch(run, work, args.seed * 100_003 + batch)
            run.known |= set(run.found)
            batch += 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - started) / 60
    failures = sum(f.hits for f in run.found.values())
    print(
        f"done: {run.tried} inputs tried in {minutes:.1f} min "
        f"({run.tried - run.as_process} in-process, {run.as_process} as processes), "
        f"{failures} failure{'s' if failures != 1 else ''}"
        + (f" ({len(run.found)} distinct)" if run.found else ""),
        flush=True,
    )
    for f in run.found.values():
        print(f"  {f.signature}  ×{f.hits}  → {args.out / _folder_name(f.signature)}")
    return 1 if run.found else 0


def _batch(run: Run, work: Path, batch_seed: int) -> None:
    @seed(batch_seed)
    @settings(
        max_examples=25,
        deadline=None,
        database=None,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
        verbosity=Verbosity.quiet,
        print_blob=False,
    )
    @given(inputs.plans)
    def one(plan: dict[str, Any]) -> None:
        now = time.monotonic()
        if now > run.end or (run.shrink_until and now > run.shrink_until):
            return  # out of time: every further example passes, so hypothesis stops soon
        _try(run, work, plan)

    run.shrink_until = 0.0
    # Failed, or hypothesis's report of it: the case is recorded already.
    with contextlib.suppress(Exception):
        one()


def _try(run: Run, work: Path, plan: dict[str, Any]) -> None:
    case = inputs.build(plan)
    run.tried += 1
    whole = run.args.process_every > 0 and run.tried % run.args.process_every == 0
    run.as_process += whole
    folder = work / f"case-{run.tried}"
    try:
        verdict = harness.execute(case, folder, run.args.bound_of, whole_process=whole)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    now = time.monotonic()
    if now - run.last_report > 30:
        run.last_report = now
        n = sum(f.hits for f in run.found.values())
        print(f"  {run.tried} inputs, {n} failures", flush=True)
    if not verdict.problems:
        return
    sig = verdict.signature
    old = run.found.get(sig)
    if old is None:
        run.found[sig] = Found(sig, case, plan, verdict, whole)
        print(f"  FAIL {sig}: {verdict.problems[0][:200]}", flush=True)
        _save(run.args.out, run.found[sig], run.args.seed)
    else:
        old.hits += 1
        if case.size < old.case.size:  # shrinking: keep the smallest
            old.case, old.plan, old.verdict, old.whole_process = case, plan, verdict, whole
            _save(run.args.out, old, run.args.seed)
    if sig in run.known:
        return  # found in an earlier batch: counted, not shrunk again
    if not run.shrink_until:
        run.shrink_until = time.monotonic() + run.args.shrink_seconds
    raise Failed(sig)


def _folder_name(signature: str) -> str:
    import hashlib

    kind = signature.split(":", 1)[0]
    return f"{kind}-{hashlib.sha256(signature.encode()).hexdigest()[:10]}"


def _save(out: Path, found: Found, run_seed: int) -> None:
    """The failing case's files and a case.json: its commands, what each did, the plan."""
    folder = out / _folder_name(found.signature)
    shutil.rmtree(folder, ignore_errors=True)
    harness.write_case(found.case, folder)
    record = {
        "signature": found.signature,
        "problems": found.verdict.problems,
        "found": f"python fuzz/run.py --seed {run_seed}",
        "whole_process": found.whole_process,
        "notes": found.case.notes,
        "commands": found.case.steps,
        "steps": [
            {
                "argv": o.argv,
                "exit": o.exit,
                "stderr": o.stderr[:2000],
                "seconds": round(o.seconds, 2),
            }
            for o in found.verdict.outcomes
        ],
        "plan": repr(found.plan)[:20_000],
    }
    (folder / "case.json").write_text(
        json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
