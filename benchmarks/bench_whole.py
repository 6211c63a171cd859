"""Benchmark: what users wait for, as whole processes, beside the alternatives.

Run: ``python benchmarks/bench_whole.py`` (``--help`` for the options; ``--quick``
for a short run).

Every document here is made by this script from a fixed random seed, out of
words of the statement's register: none is a real source. A made pair is a
reference of unique paragraphs and a witness with 1 % of them changed (a word
substituted, a clause inserted, a few characters dropped), two moved elsewhere
and one split in two. Before any time is printed, the benchmark checks that
``docwitness diff`` found every injected change and nothing else, at every size.

It then times, as whole processes (``python -c pass`` included, so start-up
counts), interleaved and repeated, the median of user + system CPU time:

* ``docwitness diff A B --format json -o out.json``;
* the floor: read, NFC, split, sha256 each paragraph, difflib on the hash lists;
* difflib two-level (paragraphs, then characters in every replaced block);
* diff-match-patch over the whole text, with its default 1 s time-out and
  without one (the only complete answer; run while it stays under ``--dmp-budget``);
* ``git diff --no-index --word-diff-regex=.`` (character-level word diff);
* CollateX, when its Python package is installed, on the statement only.

Ratios are to docwitness's time in the same run: "floor 0.33×" means the floor
took a third of docwitness's CPU time. "per doubling" is docwitness's growth
from the previous (half as large) size. Peak memory is the process's maximum
resident set, against the input (both files), whole and less the start-up's (the
peak of a diff of two files of a few paragraphs: interpreter, modules, tables).

Further sections: a statement-sized ``diff`` against ``python -c pass``; one
reference and 20 witnesses of ``--collate-kb`` each, ``fetch`` then ``collate``,
against one ``diff`` of that size (CPU, wall and the store's size against the
input; every witness's collation checked to hold its injected changes and
nothing else; ``--baseline SRC`` runs another version's ``src`` folder beside,
interleaved); the HTML report's size against its input; and the in-process
stage split (load and normalise, compare, single-copy checks, render).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from bench_collate import CLAUSE, paragraph

HERE = Path(__file__).parent
ALTERNATIVES = HERE / "alternatives.py"
SEED_TEXT = HERE.parent.parent / "shared" / "seeds" / "000_34e1f9dcdff7bff3.txt"
PY = sys.executable
DOCWITNESS = [PY, "-m", "docwitness.cli"]


# --------------------------------------------------------------------------- made pairs


@dataclass
class MadePair:
    ref: list[str]
    wit: list[str]
    changed: set[int] = field(default_factory=set)
    moved: set[int] = field(default_factory=set)
    split: int = -1


def make_reference(size_bytes: int, seed: int = 2017) -> list[str]:
    """Unique paragraphs up to ``size_bytes`` of UTF-8."""
    rng = random.Random(seed)
    ref: list[str] = []
    seen: set[str] = set()
    total = 0
    while total < size_bytes:
        p = paragraph(rng, rng.randint(60, 160))
        if p in seen:
            continue
        seen.add(p)
        ref.append(p)
        total += len(p.encode()) + 2
    return ref


def make_witness(ref: list[str], seed: int) -> MadePair:
    """A witness of ``ref`` whose changes are known by reference paragraph: 1 % of
    the paragraphs changed, two moved far away side by side, one split in two."""
    rng = random.Random(seed)
    n = len(ref)
    picks = rng.sample(range(1, n - 1), max(1, n // 100) + 3)
    changed, (m1, m2, split) = set(picks[:-3]), picks[-3:]
    wit = list(ref)
    for k in changed:
        text = wit[k]
        at = rng.randrange(2, len(text) - 6)
        how = rng.randrange(3)
        if how == 0:
            wit[k] = text[:at] + "坚决" + text[at + 2 :]
        elif how == 1:
            wit[k] = text[:at] + CLAUSE + text[at:]
        else:
            wit[k] = text[:at] + text[at + 3 :]
    half = len(wit[split]) // 2
    pieces = {split: [wit[split][:half], wit[split][half:]]}
    order = [i for i in range(n) if i not in (m1, m2)]
    target = (min(m1, m2) + n // 2) % len(order)
    order[target:target] = [m1, m2]
    out: list[str] = []
    for i in order:
        out.extend(pieces.get(i, [wit[i]]))
    return MadePair(ref, out, changed, {m1, m2}, split)


def make_pair(size_bytes: int, seed: int = 2017) -> MadePair:
    return make_witness(make_reference(size_bytes, seed), seed + 1)


def write_pair(pair: MadePair, folder: Path, label: str) -> tuple[Path, Path]:
    a = folder / f"made-ref-{label}.txt"
    b = folder / f"made-wit-{label}.txt"
    a.write_text("\n\n".join(pair.ref) + "\n", encoding="utf-8")
    b.write_text("\n\n".join(pair.wit) + "\n", encoding="utf-8")
    return a, b


def check_findings(report_path: Path, pair: MadePair) -> str | None:
    """None when the report holds every injected change and nothing else; else why not."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    return check_witness(report["witnesses"][0], pair)


def check_witness(witness: dict[str, Any], pair: MadePair) -> str | None:
    """None when a witness's report holds every change injected into it and nothing
    else; else why not."""
    findings = witness["findings"]
    variants = {f["ref"] for f in findings if f["kind"] == "variant"}
    moved = {f["ref"] for f in findings if f["kind"] == "moved"}
    splits = {f["ref"] for f in findings if f["kind"] == "split"}
    known = {"variant", "moved", "split"}
    other = [f["kind"] for f in findings if f["kind"] not in known]
    problems = []
    if variants != pair.changed:
        problems.append(
            f"variants: {len(pair.changed - variants)} missed, {len(variants - pair.changed)} false"
        )
    if moved != pair.moved:
        problems.append(f"moved: found {sorted(moved)}, made {sorted(pair.moved)}")
    if splits != {pair.split}:
        problems.append(f"split: found {sorted(splits)}, made {pair.split}")
    if other:
        problems.append(f"other findings: {sorted(set(other))}")
    return "; ".join(problems) or None


# --------------------------------------------------------------------------- processes


@dataclass
class Run:
    cpu: float
    wall: float
    rss_kb: int
    stdout: str


def run(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """One whole process: its CPU time (user + system), wall time and peak memory."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(map(str, cmd))} exited {proc.returncode}")
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss, out)


def medians(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.cpu for r in runs),
        statistics.median(r.wall for r in runs),
        max(r.rss_kb for r in runs),
        runs[-1].stdout,
    )


def interleaved(
    commands: dict[str, list[str]],
    repeat: int,
    cwd: Path | None = None,
    envs: dict[str, dict[str, str]] | None = None,
) -> dict[str, Run]:
    """Each command ``repeat`` times, one after another in turn; ``envs`` names the
    environment of a command that runs another version of docwitness."""
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, cmd in commands.items():
            results[name].append(run(cmd, cwd, (envs or {}).get(name)))
    return {name: medians(rs) for name, rs in results.items()}


def baseline_env(baseline: Path) -> dict[str, str]:
    """The environment that runs the docwitness of the ``src`` folder ``baseline``."""
    return {**os.environ, "PYTHONPATH": str(baseline)}


def ratio(x: float, base: float) -> str:
    return f"{x / base:.2f}×"


# --------------------------------------------------------------------------- sections


def bench_diff(
    folder: Path, sizes_kb: list[int], repeat: int, dmp_budget: float, baseline: Path | None = None
) -> None:
    print("## diff, whole process (median CPU s; ratios: the tool's time / docwitness's)")
    print()
    # The memory a diff needs before it reads anything (interpreter, modules, tables):
    # the peak of a diff of two made files of a few paragraphs, in the same format.
    tiny = make_pair(4 * 1024)
    ta, tb = write_pair(tiny, folder, "tiny")
    tiny_cmd = [*DOCWITNESS, "diff", str(ta), str(tb), "--format", "json"]
    startup_kb = max(run([*tiny_cmd, "-o", str(folder / "t.json")]).rss_kb for _ in range(3))
    head = "| size | docwitness | peak / input | (peak − start-up) / input | per doubling "
    head += "| floor | difflib two-level | dmp (1 s) | dmp exact | git word-diff |"
    head += " start-up / 3× floor |"
    head += " baseline |" if baseline is not None else ""
    print(head)
    print("|" + "---|" * (12 if baseline is not None else 11))
    previous: float | None = None
    dmp_exact_ok = True
    for kb in sizes_kb:
        pair = make_pair(kb * 1024)
        a, b = write_pair(pair, folder, f"{kb}kb")
        out = folder / f"out-{kb}.json"
        subprocess.run(
            [*DOCWITNESS, "diff", str(a), str(b), "--format", "json", "-o", str(out)],
            check=False,
            stdout=subprocess.DEVNULL,
        )
        problem = check_findings(out, pair)
        if problem:
            raise SystemExit(
                f"{kb} KB: docwitness's findings are not the injected changes: {problem}"
            )
        commands = {
            "docwitness": [*DOCWITNESS, "diff", str(a), str(b), "--format", "json", "-o", str(out)],
            "floor": [PY, str(ALTERNATIVES), "floor", str(a), str(b)],
            # Start-up: a diff of two 4 KB files, against the budget "3× the floor" leaves.
            "start-up": [*tiny_cmd, "-o", str(folder / "t.json")],
            "difflib": [PY, str(ALTERNATIVES), "difflib", str(a), str(b)],
            "dmp": [PY, str(ALTERNATIVES), "dmp", str(a), str(b)],
            "git": [
                "git",
                "diff",
                "--no-index",
                "--word-diff=porcelain",
                "--word-diff-regex=.",
                str(a),
                str(b),
            ],
        }
        if dmp_exact_ok:
            commands["dmp-exact"] = [PY, str(ALTERNATIVES), "dmp-exact", str(a), str(b)]
        if not shutil.which("git"):
            del commands["git"]
        envs = {}
        if baseline is not None:
            commands["baseline"] = commands["docwitness"]
            envs["baseline"] = baseline_env(baseline)
        r = interleaved(commands, repeat, envs=envs)
        base = r["docwitness"].cpu
        grow = f"{base / previous:.2f}×" if previous else "–"
        previous = base
        input_kb = (a.stat().st_size + b.stat().st_size) / 1024
        cells = [
            f"{kb:,} KB",
            f"{base:.3f}",
            f"{r['docwitness'].rss_kb / input_kb:.1f}×",
            f"{(r['docwitness'].rss_kb - startup_kb) / input_kb:.1f}×",
            grow,
            ratio(r["floor"].cpu, base),
            ratio(r["difflib"].cpu, base),
            f"{ratio(r['dmp'].cpu, base)} ({r['dmp'].stdout.strip()} ops)",
            f"{ratio(r['dmp-exact'].cpu, base)} ({r['dmp-exact'].stdout.strip()} ops)"
            if "dmp-exact" in r
            else "not run",
            ratio(r["git"].cpu, base) if "git" in r else "no git",
            f"{r['start-up'].cpu / (3 * r['floor'].cpu):.0%}",
            *([ratio(r["baseline"].cpu, base)] if "baseline" in r else []),
        ]
        print("| " + " | ".join(cells) + " |")
        if "dmp-exact" in r and r["dmp-exact"].cpu * 4 > dmp_budget:
            dmp_exact_ok = False
    print()
    print(f"Every injected change found and nothing else, at every size; {repeat} runs each.")
    print(f"Start-up: {startup_kb / 1024:.1f} MB, the peak of a diff of two 4 KB made files.")
    print(
        "Start-up / 3× floor: the CPU time of that 4 KB diff over three times the floor's "
        "at the size: how much of the time a diff within 3× the floor may take is spent "
        "before it reads anything."
    )
    print()


def bench_startup(folder: Path, repeat: int, baseline: Path | None = None) -> None:
    print("## A statement-sized diff, whole process, against `python -c pass`")
    print()
    seed = SEED_TEXT.read_text(encoding="utf-8")
    a = folder / "made-statement-a.txt"
    b = folder / "made-statement-b.txt"
    a.write_text(seed, encoding="utf-8")
    b.write_text(seed.replace("双方", "两国", 1), encoding="utf-8")
    args = [str(a), str(b), "--format", "json", "-o", str(folder / "statement.json")]
    diff = [*DOCWITNESS, "diff", *args]
    # The floor under any docwitness diff: the interpreter and every module the diff
    # loads that is not docwitness's own (the standard library, markdown-it, …),
    # imported in the order the diff loaded them, with none of docwitness's work.
    loaded = subprocess.run(
        [PY, "-c", _LOADED_BY_A_DIFF, *args], capture_output=True, text=True, check=True
    ).stdout.split()
    commands = {
        "python -c pass": [PY, "-c", "pass"],
        "the modules a diff loads, none of docwitness's": [PY, "-c", _IMPORT_ALL, *loaded],
        "docwitness diff": diff,
    }
    envs = {}
    if baseline is not None:
        commands["baseline diff"] = commands["docwitness diff"]
        envs["baseline diff"] = baseline_env(baseline)
    r = interleaved(commands, repeat, envs=envs)
    base = r["python -c pass"].cpu
    floor = r["the modules a diff loads, none of docwitness's"].cpu
    print("| process | CPU s | wall s | × python -c pass |")
    print("|---|---|---|---|")
    for name, x in r.items():
        print(f"| {name} | {x.cpu:.3f} | {x.wall:.3f} | {x.cpu / base:.1f}× |")
    print()
    print(
        f"The diff loads {len(loaded)} modules that are not docwitness's; importing them "
        f"alone is {floor / base:.1f}× `python -c pass`, docwitness's own modules and "
        f"work {(r['docwitness diff'].cpu - floor) * 1000:.0f} ms."
    )
    print()


# Prints the modules a `docwitness diff` (its arguments after the script's) loads
# that `python -c pass` has not and that are not docwitness's, in load order.
_LOADED_BY_A_DIFF = """
import sys
before = set(sys.modules)
from docwitness.cli import main
code = main(["diff", *sys.argv[1:]])
if code not in (0, 1):  # a diff that did not run loads less than one that does
    raise SystemExit(f"the diff exited {code}")
print(" ".join(m for m in sys.modules if m not in before and m != "__main__"
               and m.split(".")[0] != "docwitness"))
"""
_IMPORT_ALL = """
import importlib, sys
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ImportError:  # a name a module only sets in sys.modules (typing.io)
        pass
"""


def bench_collatex(folder: Path, chars: int) -> None:
    print(f"## CollateX and docwitness on the same {chars:,}-character pair, whole processes")
    print()
    if not _has_collatex():
        print("CollateX is not installed (`pip install collatex levenshtein`): not run.")
        print()
        return
    seed = SEED_TEXT.read_text(encoding="utf-8")
    cut = seed[: seed.rfind("\n", 0, chars) + 1]
    a = folder / "made-collatex-a.txt"
    b = folder / "made-collatex-b.txt"
    a.write_text(cut, encoding="utf-8")
    b.write_text(cut.replace("双方", "两国", 1), encoding="utf-8")
    commands = {
        "docwitness diff": [
            *DOCWITNESS,
            "diff",
            str(a),
            str(b),
            "--format",
            "json",
            "-o",
            str(folder / "collatex-pair.json"),
        ],
        "collatex": [PY, str(ALTERNATIVES), "collatex", str(a), str(b)],
    }
    r = interleaved(commands, 1)
    base = r["docwitness diff"].cpu
    print("| process | CPU s | × docwitness |")
    print("|---|---|---|")
    for name, x in r.items():
        print(f"| {name} | {x.cpu:.2f} | {x.cpu / base:,.0f}× |")
    print()


def _has_collatex() -> bool:
    try:
        import collatex  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return False
    return True


_COLLATE_CATALOGUE = """\
[document]
id = "made-bench"
title = "made benchmark document"
language = "zh"

[[witness]]
id = "made-reference"
path = "made-reference.txt"
role = "official"
"""


def bench_collate(
    folder: Path, kb: int, witnesses: int, repeat: int, baseline: Path | None = None
) -> None:
    """``fetch`` then ``collate`` of one reference and ``witnesses`` made witnesses,
    against one ``diff`` of that size; with ``baseline`` (the ``src`` folder of another
    version of docwitness), the same runs of that version, interleaved."""
    print(f"## One {kb:,} KB reference and {witnesses} witnesses: fetch, then collate")
    print()
    work = folder / "collate"
    if work.exists():
        shutil.rmtree(work)
    (work / "sources").mkdir(parents=True)
    pair = make_pair(kb * 1024)
    (work / "sources" / "made-reference.txt").write_text("\n\n".join(pair.ref) + "\n", "utf-8")
    lines = [_COLLATE_CATALOGUE]
    made: dict[str, MadePair] = {}
    for n in range(witnesses):
        w = make_witness(pair.ref, seed=3000 + n)  # the same reference, other changes
        made[f"made-witness-{n:02}"] = w
        (work / "sources" / f"made-witness-{n:02}.txt").write_text(
            "\n\n".join(w.wit) + "\n", "utf-8"
        )
        lines.append(
            f'[[witness]]\nid = "made-witness-{n:02}"\npath = "made-witness-{n:02}.txt"\n'
            'role = "mirror"\n'
        )
    (work / "sources" / "made-bench.toml").write_text("\n".join(lines), encoding="utf-8")
    ref_pair_a, ref_pair_b = write_pair(pair, work, "single")
    input_bytes = sum(p.stat().st_size for p in (work / "sources").glob("*.txt"))

    versions: dict[str, dict[str, str] | None] = {"docwitness": None}
    if baseline is not None:
        versions["baseline"] = baseline_env(baseline)
    runs: dict[tuple[str, str], list[Run]] = {}
    store_bytes: dict[str, int] = {}
    for _ in range(repeat):
        for version, env in versions.items():
            store = work / f"snapshots-{version}"
            if store.exists():
                shutil.rmtree(store)
            out = work / f"collate-{version}.json"
            steps = {
                "fetch": [*DOCWITNESS, "fetch", "sources/made-bench.toml", "--store", store.name],
                "collate": [
                    *DOCWITNESS,
                    "collate",
                    "sources/made-bench.toml",
                    "--store",
                    store.name,
                    "--format",
                    "json",
                    "-o",
                    out.name,
                ],
                # The same store read again, every witness in one variant table.
                "collate --all": [
                    *DOCWITNESS,
                    "collate",
                    "sources/made-bench.toml",
                    "--store",
                    store.name,
                    "--all",
                    "--format",
                    "json",
                    "-o",
                    f"collate-all-{version}.json",
                ],
                "one diff": [
                    *DOCWITNESS,
                    "diff",
                    str(ref_pair_a),
                    str(ref_pair_b),
                    "--format",
                    "json",
                    "-o",
                    str(work / "diff.json"),
                ],
            }
            # The main job: fetch, collate and the variant table in one process.
            checked = work / f"snapshots-check-{version}"
            if checked.exists():
                shutil.rmtree(checked)
            check_out = work / f"check-{version}.json"
            steps["check"] = [
                *DOCWITNESS, "check", "sources/made-bench.toml", "--store", checked.name,
                "--no-html", "--format", "json", "-o", check_out.name,
            ]  # fmt: skip
            for step, cmd in steps.items():
                # The diff is what the others are divided by, and a short process:
                # three of it a round, so one slow run does not move every ratio.
                for _ in range(3 if step == "one diff" else 1):
                    runs.setdefault((version, step), []).append(run(cmd, cwd=work, env=env))
            store_bytes[version] = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
            _check_collation(out, made, version)
            _check_collation(work / f"collate-all-{version}.json", made, f"{version} --all")
            _check_collation(check_out, made, f"{version} check")
    print(
        f"Every injected change found and nothing else, in each of the {witnesses} "
        f"witnesses; median of {repeat} run(s) ({3 * repeat} of the one diff)."
    )
    print()
    print("| version | step | CPU s | wall s | wall / CPU | × one diff (CPU) | peak MB |")
    print("|---|---|---|---|---|---|---|")
    for version in versions:
        f, c, d = (medians(runs[(version, step)]) for step in ("fetch", "collate", "one diff"))
        for name, x in (("fetch", f), ("collate", c), ("one diff", d)):
            print(
                f"| {version} | {name} | {x.cpu:.2f} | {x.wall:.2f} | {x.wall / x.cpu:.2f} | "
                f"{x.cpu / d.cpu:.1f}× | {x.rss_kb / 1024:.0f} |"
            )
        both = f.cpu + c.cpu
        print(
            f"| {version} | fetch + collate | {both:.2f} | {f.wall + c.wall:.2f} | "
            f"{(f.wall + c.wall) / both:.2f} | {both / d.cpu:.1f}× | |"
        )
        a = medians(runs[(version, "collate --all")])
        print(
            f"| {version} | collate --all (and the variant table) | {a.cpu:.2f} | "
            f"{a.wall:.2f} | {a.wall / a.cpu:.2f} | {a.cpu / d.cpu:.1f}× | {a.rss_kb / 1024:.0f} |"
        )
        k = medians(runs[(version, "check")])
        print(
            f"| {version} | check (fetch, collate, variant table) | {k.cpu:.2f} | "
            f"{k.wall:.2f} | {k.wall / k.cpu:.2f} | {k.cpu / d.cpu:.1f}× | {k.rss_kb / 1024:.0f} |"
        )
    print()
    for version in versions:
        json_bytes = (work / f"collate-{version}.json").stat().st_size
        held = store_bytes[version]
        print(
            f"{version}: input {input_bytes / 1e6:.1f} MB; store {held / 1e6:.1f} MB "
            f"({held / input_bytes:.2f}× the input); "
            f"collate's JSON {json_bytes / 1e6:.1f} MB."
        )
    print()


def _check_collation(report_path: Path, made: dict[str, MadePair], version: str) -> None:
    """Stop unless every witness of the collation holds its injected changes and nothing
    else."""
    report = json.loads(report_path.read_text(encoding="utf-8"))
    seen = {w["id"]: w for w in report["witnesses"]}
    for wid, pair in made.items():
        problem = check_witness(seen[wid], pair) if wid in seen else "not in the report"
        if problem:
            raise SystemExit(f"{version} collate, {wid}: not the injected changes: {problem}")


def bench_html(folder: Path, kb: int) -> None:
    print(f"## The HTML report of a {kb:,} KB pair")
    print()
    pair = make_pair(kb * 1024)
    a, b = write_pair(pair, folder, f"html-{kb}kb")
    out = folder / "report.html"
    subprocess.run(
        [*DOCWITNESS, "diff", str(a), str(b), "--format", "html", "-o", str(out)],
        check=False,
        stdout=subprocess.DEVNULL,
    )
    input_bytes = a.stat().st_size + b.stat().st_size
    size = out.stat().st_size
    print(
        f"Input {input_bytes / 1e6:.2f} MB (both copies); report.html {size / 1e6:.2f} MB "
        f"({size / a.stat().st_size:.2f}× the reference, {size / input_bytes:.2f}× both)."
    )
    print()


def bench_stages(folder: Path, kb: int) -> None:
    print(f"## In process, {kb:,} KB pair: where the time goes (CPU s)")
    print()
    from docwitness.collate import assess
    from docwitness.pipeline import load_copy

    pair = make_pair(kb * 1024)
    a, b = write_pair(pair, folder, f"stages-{kb}kb")
    t0 = time.process_time()
    ref = load_copy(str(a))
    wit = load_copy(str(b))
    t1 = time.process_time()
    from docwitness.compare.engine import compare, side
    from docwitness.single_copy import analyse

    checks_ref = analyse(ref, None)
    checks_wit = analyse(wit, None)
    t2 = time.process_time()
    compare(ref, wit, ref_side=side(ref, checks_ref.frames), wit_side=side(wit, checks_wit.frames))
    t3 = time.process_time()
    result = assess(ref, wit)
    t4 = time.process_time()
    del result
    total = t3 - t0
    print("| stage | CPU s | share |")
    print("|---|---|---|")
    for name, x in (
        ("load and normalise", t1 - t0),
        ("single-copy checks", t2 - t1),
        ("compare", t3 - t2),
    ):
        print(f"| {name} | {x:.3f} | {x / total:.0%} |")
    print(f"| (assess: checks + compare again) | {t4 - t3:.3f} | |")
    print()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes-kb",
        default="1024,2048,4096",
        help="pair sizes for the diff table (default 1024,2048,4096)",
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each process (median)")
    parser.add_argument(
        "--dmp-budget",
        type=float,
        default=60.0,
        help="stop exact diff-match-patch once it would pass this many seconds",
    )
    parser.add_argument("--collate-kb", type=int, default=1024)
    parser.add_argument(
        "--collatex-chars",
        type=int,
        default=3000,
        help="size of the pair CollateX is run on, when it is installed",
    )
    parser.add_argument("--witnesses", type=int, default=20)
    parser.add_argument(
        "--baseline",
        type=Path,
        help="the src folder of another docwitness version: startup, diff and collate "
        "time it too, in the same runs",
    )
    parser.add_argument(
        "--quick", action="store_true", help="small sizes and 3 runs: a check that everything runs"
    )
    parser.add_argument(
        "--only", help="comma-separated sections: diff,startup,collate,html,stages,collatex"
    )
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes_kb.split(",")]
    collate_kb, witnesses, repeat = args.collate_kb, args.witnesses, args.repeat
    if args.quick:
        sizes, collate_kb, witnesses, repeat = [64, 128], 64, 4, 3
    only = (
        set(args.only.split(","))
        if args.only
        else {"diff", "startup", "collate", "html", "stages", "collatex"}
    )
    print(
        f"# docwitness whole-process benchmark ({os.cpu_count()} CPUs, Python "
        f"{sys.version.split()[0]}, {time.strftime('%Y-%m-%d')})"
    )
    print()
    # Time docwitness as an installed copy runs: from its compiled bytecode (an
    # editable install with PYTHONDONTWRITEBYTECODE set would compile every module on
    # every run, a third of a small diff's time).
    import docwitness

    for tree in [Path(docwitness.__file__).parent, *([args.baseline] if args.baseline else [])]:
        subprocess.run(
            [PY, "-m", "compileall", "-q", str(tree)],
            check=False,
            env={k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        )
    with tempfile.TemporaryDirectory(prefix="docwitness-bench-") as tmp:
        folder = Path(tmp)
        if "startup" in only:
            bench_startup(folder, max(repeat, 9), args.baseline)
        if "diff" in only:
            bench_diff(folder, sizes, repeat, args.dmp_budget, args.baseline)
        if "collate" in only:
            bench_collate(folder, collate_kb, witnesses, max(1, repeat // 2), args.baseline)
        if "html" in only:
            bench_html(folder, sizes[0])
        if "stages" in only:
            bench_stages(folder, sizes[-1])
        if "collatex" in only:
            bench_collatex(folder, 300 if args.quick else args.collatex_chars)
    return 0


if __name__ == "__main__":
    sys.exit(main())
