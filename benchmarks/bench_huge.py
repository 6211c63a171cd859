"""Benchmark: huge and repetitive copies, whole process, and the size of what they report.

Run: ``python benchmarks/bench_huge.py`` (``--help`` for the options).

Every copy is made here; none is a real source:

* ``made-repeat-N.txt``: the seed (the aggregator preview under sources/)
  repeated N times (``--repeat-copies``, default 3,000: about 30 MB), compared
  with the seed by ``docwitness diff`` and by ``docwitness collate`` of a
  catalogue holding both;
* ``made-statement-xN`` against ``made-statement-xN-edited``: the made statement
  (tests/made.py) repeated N times, and the same with 1 % of its paragraphs
  dropped, 2 % edited and 1 % followed by an inserted one: text in which no
  paragraph is unique, so alignment rests on repeated paragraphs alone;
* ``made-page-MB``: a made document of ``--page-mb`` MB (default 20) of the
  statement's words against the same with ``--changed`` percent (default 10) of
  its paragraphs changed: many differences;
* a 1 MB made pair with 1 % changed, for the HTML report's size over its input.

For each it prints the whole process's wall time and peak memory (the child's
own maximum resident set), the sizes of the text, JSON and HTML reports, and
their ratios to the witness's size in bytes.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_collate import make_pair, paragraph

import made


def run(args: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """(seconds, peak RSS in MB, exit code) of ``python -m docwitness ARGS``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "docwitness", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    if proc.stderr is not None:
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        if err and "written to" not in err:
            print(f"    stderr: {err[:200]}")
    return seconds, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)


def sizes(a: Path, b: Path, tmp: Path, label: str) -> None:
    """Time ``diff`` in three formats and print each report's size over the witness's."""
    size = b.stat().st_size
    print(f"\n{label}: reference {a.stat().st_size / 1e6:.2f} MB, witness {size / 1e6:.2f} MB")
    for fmt in ("text", "json", "html"):
        out = tmp / f"out.{fmt}"
        seconds, rss, rc = run(["diff", str(a), str(b), "--format", fmt, "-o", str(out)])
        got = out.stat().st_size
        print(
            f"  diff --format {fmt:<5} {seconds:6.2f} s  peak {rss:5d} MB  exit {rc}  "
            f"report {got / 1e6:8.3f} MB  = {got / size:6.3f}× the witness"
        )


def repeated_seed(tmp: Path, copies: int) -> None:
    seed = made.seed_text().rstrip() + "\n\n"
    a, b = tmp / "made-seed.txt", tmp / f"made-repeat-{copies}.txt"
    a.write_text(seed, encoding="utf-8")
    b.write_text(seed * copies, encoding="utf-8")
    sizes(a, b, tmp, f"the seed against the seed repeated {copies} times")
    (tmp / "made.toml").write_text(
        '[document]\nid = "made-repeat"\ntitle = "' + made.TITLE + '"\nlanguage = "zh"\n\n'
        '[[witness]]\nid = "seed"\nrole = "official"\npath = "made-seed.txt"\n\n'
        f'[[witness]]\nid = "made-repeat"\nrole = "mirror"\npath = "{b.name}"\n',
        encoding="utf-8",
    )
    store = tmp / "store"
    for command in ("fetch", "collate"):
        seconds, rss, rc = run([command, "made.toml", "--store", str(store)], cwd=tmp)
        print(f"  {command:<20} {seconds:6.2f} s  peak {rss:5d} MB  exit {rc}")


def repeated_statement(tmp: Path, copies: int) -> None:
    statement = made.made_statement()
    rng = random.Random(7)
    edited: list[str] = []
    for _ in range(copies):
        for p in statement:
            r = rng.random()
            if r < 0.01:
                continue  # dropped
            if r < 0.03 and len(p) > 20:
                k = rng.randrange(len(p) - 5)
                p = p[:k] + "某某" + p[k + 3 :]
            edited.append(p)
            if r > 0.99:
                edited.append(f"另外插入的一段话，编号{rng.randrange(10**6)}。")
    a = tmp / f"made-statement-x{copies}.txt"
    b = tmp / f"made-statement-x{copies}-edited.txt"
    a.write_text("\n\n".join(statement * copies) + "\n", encoding="utf-8")
    b.write_text("\n\n".join(edited) + "\n", encoding="utf-8")
    sizes(a, b, tmp, f"the made statement ×{copies} against an edited copy of it")


def big_page(tmp: Path, megabytes: float, changed: float) -> None:
    rng = random.Random(2017)
    n = round(megabytes * 1e6 / (113 * 3))
    ref = [paragraph(rng, rng.randint(60, 160)) for _ in range(n)]
    wit: list[str] = []
    for p in ref:
        r = rng.random()
        if r < changed / 3:
            continue
        if r < 2 * changed / 3:
            at = rng.randrange(1, len(p) - 4)
            p = p[:at] + "坚决" + p[at + 2 :]
        wit.append(p)
        if r > 1 - changed / 3:
            wit.append(paragraph(rng, 80))
    a, b = tmp / f"made-page-{megabytes:g}mb.txt", tmp / f"made-page-{megabytes:g}mb-changed.txt"
    a.write_text("\n\n".join(ref) + "\n", encoding="utf-8")
    b.write_text("\n\n".join(wit) + "\n", encoding="utf-8")
    sizes(a, b, tmp, f"a {megabytes:g} MB made page against a copy with {changed:.0%} changed")


def one_megabyte(tmp: Path) -> None:
    n = round(1024 * 1024 / (113 * 3))
    ref, wit, _ = make_pair(n, changed=0.01)
    a, b = tmp / "made-1mb.txt", tmp / "made-1mb-changed.txt"
    a.write_text("\n\n".join(ref) + "\n", encoding="utf-8")
    b.write_text("\n\n".join(wit) + "\n", encoding="utf-8")
    sizes(a, b, tmp, "a 1 MB made pair, 1% of paragraphs changed")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat-copies", type=int, default=3000, help="copies of the seed")
    parser.add_argument(
        "--statement-copies", type=int, default=3000, help="copies of the made statement"
    )
    parser.add_argument("--page-mb", type=float, default=20.0, help="size of the made page")
    parser.add_argument(
        "--changed", type=float, default=10.0, help="percent of the page's paragraphs changed"
    )
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}; whole process, one run each")
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        one_megabyte(tmp)
        repeated_seed(tmp, args.repeat_copies)
        repeated_statement(tmp, args.statement_copies)
        big_page(tmp, args.page_mb, args.changed / 100)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
