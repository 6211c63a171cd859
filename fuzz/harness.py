"""Run a case as a user would, and say what docwitness did wrong, if anything.

A case runs in a fresh folder, either in this process through
``docwitness.cli.main`` (the command line's own error handling, stdout and
stderr captured, logging set up as on each start) or as a whole process
(``python -m docwitness``), which also sees what a library writes to file
descriptor 2 and what a real exit does. The rules (:func:`judge`) are the
promises of the README's "Guarantees" section:

- no exit 70 and no traceback, whatever the input;
- exit codes from the documented set for each command, the same on a rerun;
- an error is one line on stderr, starting ``docwitness: error:`` and short
  enough to read; a run that succeeds writes nothing on stderr;
- a JSON report parses;
- each command finishes within a bound linear in the input's size;
- nothing is written outside the store, nothing half-written inside it, and a
  store ``fetch`` wrote passes ``verify`` with nothing to report.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import resource
import signal
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from inputs import Case

ALLOWED = {
    "inspect": {0, 1, 3},
    "diff": {0, 1, 3},
    "fetch": {0, 2, 3},
    "verify": {0},
    "collate": {0, 1, 3},
}
MAX_ERROR_LINE = 1000  # characters: one line a reader can take in
STORE = "made-store"
MEMORY_LIMIT = 3 * 1024**3  # address space of a whole-process run


@dataclass(frozen=True)
class Bound:
    """How long one command may take: ``base`` seconds plus ``per_mb`` for each MB of input."""

    base: float = 20.0
    per_mb: float = 4.0

    def seconds(self, size: int) -> float:
        return self.base + self.per_mb * size / 2**20


@dataclass
class Outcome:
    argv: list[str]
    exit: int
    stdout: str
    stderr: str
    seconds: float
    overtime: bool = False


@dataclass
class Verdict:
    """What the case's steps did and what was wrong with it (``problems`` empty: all well)."""

    outcomes: list[Outcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def signature(self) -> str:
        """A short name of the first problem, the same for the same bug on other inputs."""
        if not self.problems:
            return ""
        first = self.problems[0]
        return first.split(":", 2)[0] + ":" + _shape(first)


def _shape(problem: str) -> str:
    """The problem with numbers and quoted values blurred, so inputs that differ only in
    sizes or positions give one signature."""
    import re

    text = problem.split(": ", 1)[-1]
    if "internal error:" in text:
        text = text.split("internal error:", 1)[1].split(":", 1)[0]
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "…", text)
    return re.sub(r"\d+(\.\d+)?", "N", text)[:120]


class _Overtime(BaseException):
    """Raised by the alarm in a run that went past its hard stop (not an Exception, so
    that no handler in docwitness swallows it)."""


def _alarm(signum: int, frame: FrameType | None) -> None:
    raise _Overtime


def run_in_process(argv: list[str], folder: Path, hard_stop: float) -> Outcome:
    """``docwitness ARGV`` through ``cli.main`` in ``folder``, stopped after ``hard_stop`` s."""
    from docwitness.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(folder)
    previous = signal.signal(signal.SIGALRM, _alarm)
    overtime = False
    code = -1
    started = time.monotonic()
    try:
        # As at a process's start: logging set up afresh by main, and every warning
        # shown again (entering catch_warnings forgets which were shown already).
        logging.root.handlers.clear()
        with (
            warnings.catch_warnings(),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            signal.setitimer(signal.ITIMER_REAL, hard_stop)
            try:
                code = main(argv)
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except _Overtime:
        overtime = True
    finally:
        signal.signal(signal.SIGALRM, previous)
        logging.root.handlers.clear()
        os.chdir(old)
    return Outcome(argv, code, out.getvalue(), err.getvalue(), time.monotonic() - started, overtime)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_process(argv: list[str], folder: Path, hard_stop: float) -> Outcome:
    """``python -m docwitness ARGV`` in ``folder``, killed after ``hard_stop`` s."""
    started = time.monotonic()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCWITNESS")}
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "docwitness", *argv],
            cwd=folder,
            capture_output=True,
            timeout=hard_stop,
            check=False,
            env=env,
            preexec_fn=_limit_memory,
        )
    except subprocess.TimeoutExpired as exc:
        return Outcome(
            argv, -1, _text(exc.stdout), _text(exc.stderr), time.monotonic() - started, True
        )
    return Outcome(
        argv, proc.returncode, _text(proc.stdout), _text(proc.stderr), time.monotonic() - started
    )


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")


def write_case(case: Case, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in case.files.items():
        (folder / name).write_bytes(data)


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` but the store's, with its bytes."""
    found = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder)
        if rel.parts[0] == STORE or not p.is_file():
            continue
        found[str(rel)] = p.read_bytes()
    return found


def execute(case: Case, folder: Path, bound: Bound, whole_process: bool = False) -> Verdict:
    """Write ``case`` into the empty ``folder``, run its steps there, judge each."""
    write_case(case, folder)
    before = listing(folder)
    limit = bound.seconds(case.size)
    run = run_process if whole_process else run_in_process
    verdict = Verdict()
    fetch_exits: list[int] = []
    for argv in case.steps:
        command = argv[0]
        store = folder / STORE
        if command in ("verify", "collate") and fetch_exits and fetch_exits[-1] == 2:
            continue  # the catalogue was refused: there is nothing to verify or collate
        if command == "verify" and not store.exists():
            continue
        outcome = run(argv, folder, limit * 1.5 + 5)
        verdict.outcomes.append(outcome)
        verdict.problems += judge(outcome, limit)
        if command == "fetch":
            if fetch_exits and outcome.exit != fetch_exits[0]:
                verdict.problems.append(
                    f"unsteady: {command} exited {fetch_exits[0]} then {outcome.exit} "
                    "on the same input"
                )
            fetch_exits.append(outcome.exit)
            if outcome.exit == 2 and store.exists():
                verdict.problems.append("half-written: a refused catalogue left a store behind")
        if command == "verify" and outcome.exit == 0:
            expected = f"store {STORE}: all objects and records verified\n"
            if outcome.stdout != expected:
                verdict.problems.append(
                    f"store-rejected: verify after fetch says {outcome.stdout[:300]!r}"
                )
        if verdict.problems:
            break
    after = listing(folder)
    if after != before:
        changed = sorted(set(after) ^ set(before) | {k for k in after if after[k] != before.get(k)})
        verdict.problems.append(f"wrote-outside-store: {changed[:5]}")
    leftovers = (
        [str(p.relative_to(folder)) for p in (folder / STORE).rglob(".tmp-*")]
        if (folder / STORE).exists()
        else []
    )
    if leftovers:
        verdict.problems.append(f"half-written: temporary files left in the store: {leftovers[:5]}")
    return verdict


def judge(o: Outcome, limit: float) -> list[str]:
    """Every broken promise in one command's outcome."""
    command = o.argv[0]
    problems = []
    if o.overtime or o.seconds > limit:
        problems.append(f"overtime: {command} took {o.seconds:.1f} s (bound {limit:.1f} s)")
    if o.overtime:
        return problems
    if o.exit == 70:
        first = o.stderr.strip().splitlines()[0] if o.stderr.strip() else ""
        problems.append(f"exit-70: {command}: {first[:300]}")
    elif o.exit not in ALLOWED[command]:
        first = o.stderr.strip().splitlines()[0] if o.stderr.strip() else ""
        problems.append(f"exit-code: {command} exited {o.exit}: {first[:300]}")
    if "Traceback" in o.stderr:
        problems.append(f"traceback: {command}: {o.stderr.strip().splitlines()[-1][:300]}")
    lines = o.stderr.splitlines()
    if o.exit in (0, 1) and o.stderr:
        problems.append(f"stderr-noise: {command} exited {o.exit} but wrote {lines[0][:300]!r}")
    if o.exit >= 2 and not o.stderr:
        if not o.stdout.strip():  # fetch and collate say what was unavailable on stdout
            problems.append(f"silent: {command} exited {o.exit} and said nothing")
    elif o.exit >= 2:
        if len(lines) != 1:
            problems.append(f"stderr-lines: {command} wrote {len(lines)} lines: {o.stderr[:300]!r}")
        elif not lines[0].startswith("docwitness: error: "):
            problems.append(f"stderr-form: {command}: {lines[0][:300]!r}")
        elif len(lines[0]) > MAX_ERROR_LINE:
            problems.append(f"stderr-long: {command}: a line of {len(lines[0])} characters")
    if "--format" in o.argv and o.argv[o.argv.index("--format") + 1] == "json" and o.exit in (0, 1):
        try:
            json.loads(o.stdout)
        except ValueError as exc:
            problems.append(f"bad-json: {command}: {exc}")
    return problems
