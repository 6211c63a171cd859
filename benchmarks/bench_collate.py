"""Benchmark: docwitness's collation against the alternatives, on the same made documents.

Run: ``python benchmarks/bench_collate.py`` (``--help`` for the options).

Builds synthetic Chinese documents of growing size (every one made here, from a
fixed random seed; none is a real source) and, for each, a witness with 1 % of
its paragraphs changed (a word substituted, a clause inserted, a few characters
dropped) and one paragraph split in two. Then it times, in this one process:

* docwitness: :func:`docwitness.compare.engine.compare` on two already normalised
  documents (alignment, per-pair diff-match-patch, findings, rows);
* difflib: a paragraph-level ``SequenceMatcher``, then a character-level one
  inside every replaced block (difflib's usual two-level use);
* diff-match-patch over the whole text with ``Diff_Timeout = 0`` (the only
  setting that gives a complete answer); its time grows with the text times the
  number of edits, so it stops once the next size could take longer than
  ``--dmp-budget`` seconds, and the table says where it stopped;
* CollateX, if its Python package is importable (it is not a dependency), on
  sizes up to ``--collatex-cap-kb``.

Times are the best of ``--repeat`` runs; the other tools' columns are ratios to
docwitness's time on the same pair. The last column is docwitness's time growth
from the previous (half as large) size; near-linear means close to 2×.
Normalisation (building the documents) is timed separately, since ``diff``
pays it once per copy.
"""

from __future__ import annotations

import argparse
import difflib
import random
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from docwitness.compare.engine import compare, side
from docwitness.model import Block, Document, Extraction
from docwitness.normalise import build_document

# Words of the statement's register, one string per line of the table.
_WORDS = """
双方 国际 社会 合作 发展 安全 稳定 和平 主权 原则 联合国 宪章 组织 成员国
地区 全球 治理 经济 贸易 投资 开放 包容 互利 共赢 战略 伙伴 关系 协调
支持 反对 强调 认为 指出 重申 致力于 推动 维护 加强 深化 落实 共同 努力
恐怖主义 网络 空间 信息 技术 人权 多边 体制 机制 倡议 框架 进程 问题
"""
VOCAB = [w for line in _WORDS.splitlines() for w in line.split(" ") if w]
PUNCT = "，，，、。"
CLAUSE = "，并愿继续就此保持密切沟通"


def paragraph(rng: random.Random, target: int) -> str:
    out: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(VOCAB)
        out.append(word)
        size += len(word)
        if rng.random() < 0.18:
            out.append(rng.choice(PUNCT))
            size += 1
    return "".join(out) + "。"


def make_pair(
    n_paragraphs: int, seed: int = 2017, changed: float = 0.01
) -> tuple[list[str], list[str], int]:
    """Reference paragraphs, witness paragraphs (``changed`` of them, one split) and changes."""
    rng = random.Random(seed)
    ref = [paragraph(rng, rng.randint(60, 160)) for _ in range(n_paragraphs)]
    wit, changes = make_witness(ref, seed + 1, changed)
    return ref, wit, changes


def make_witness(ref: list[str], seed: int, changed: float = 0.01) -> tuple[list[str], int]:
    """A witness of ``ref`` with a fraction ``changed`` of its paragraphs changed, one split."""
    rng = random.Random(seed)
    n_paragraphs = len(ref)
    wit = list(ref)
    count = max(1, round(n_paragraphs * changed))
    for k in rng.sample(range(n_paragraphs), count):
        text = wit[k]
        at = rng.randrange(1, len(text) - 4)
        how = rng.randrange(3)
        if how == 0:
            wit[k] = text[:at] + "坚决" + text[at + 2 :]
        elif how == 1:
            wit[k] = text[:at] + CLAUSE + text[at:]
        else:
            wit[k] = text[:at] + text[at + 3 :]
    k = rng.randrange(n_paragraphs)
    wit[k : k + 1] = [wit[k][: len(wit[k]) // 2], wit[k][len(wit[k]) // 2 :]]
    return wit, count + 1


def document(name: str, paragraphs: list[str]) -> Document:
    extraction = Extraction(tuple(Block(p) for p in paragraphs), "bench", "0")
    return build_document(name, name, "sha256:" + "0" * 64, extraction)


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run_difflib(ref: list[str], wit: list[str]) -> int:
    ops = 0
    outer = difflib.SequenceMatcher(None, ref, wit, autojunk=False)
    for tag, i1, i2, j1, j2 in outer.get_opcodes():
        if tag == "replace":
            inner = difflib.SequenceMatcher(None, "".join(ref[i1:i2]), "".join(wit[j1:j2]), False)
            ops += len(inner.get_opcodes())
        elif tag != "equal":
            ops += 1
    return ops


def run_dmp(ref: list[str], wit: list[str]) -> int:
    from diff_match_patch import diff_match_patch

    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return len(dmp.diff_main("\n".join(ref), "\n".join(wit), False))


def run_collatex(ref: list[str], wit: list[str]) -> int:
    import collatex  # type: ignore[import-not-found]

    collation = collatex.Collation()
    # CollateX tokenises on white space; Chinese has none, so one token per character.
    collation.add_plain_witness("A", " ".join("".join(ref)))
    collation.add_plain_witness("B", " ".join("".join(wit)))
    return len(str(collatex.collate(collation, output="table")))


def fmt_ratio(t: float | None, base: float, note: str) -> str:
    return note if t is None else f"{t / base:,.1f}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--max-kb", type=int, default=1024, help="largest reference (UTF-8 KB)")
    parser.add_argument(
        "--dmp-budget",
        type=float,
        default=5.0,
        help="seconds: whole-text dmp stops once the next size could take longer (4x the last)",
    )
    parser.add_argument("--difflib-cap-kb", type=int, default=1024, help="largest size for difflib")
    parser.add_argument("--collatex-cap-kb", type=int, default=8, help="largest size for CollateX")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best kept)")
    parser.add_argument("--changed", type=float, default=1.0, help="percent of paragraphs changed")
    parser.add_argument("--witnesses", type=int, default=20, help="witnesses in the 1 MB batch row")
    parser.add_argument(
        "--collatex-budget",
        type=float,
        default=120.0,
        help="seconds: CollateX stops once the next small pair could take longer (10x the last)",
    )
    parser.add_argument(
        "--no-process",
        dest="process",
        action="store_false",
        help="skip timing `docwitness diff` as a whole process on the 1 MB pair",
    )
    args = parser.parse_args(argv)

    try:
        import collatex  # noqa: F401

        have_collatex = True
    except ImportError:
        have_collatex = False

    sizes = [32]
    while sizes[-1] * 2 <= args.max_kb:
        sizes.append(sizes[-1] * 2)
    print(
        f"python {sys.version.split()[0]}; {args.changed:g}% of paragraphs changed; "
        f"times are best of {args.repeat}; other tools as ratios to docwitness"
    )
    header = (
        f"{'size':>8} {'paras':>6} {'chars':>9} {'normalise':>10} {'docwitness':>11} "
        f"{'growth':>7} {'difflib':>10} {'dmp whole':>10} {'collatex':>10}  findings"
    )
    print(header)
    print("-" * len(header))
    previous: float | None = None
    dmp_last: float | None = 0.0  # None once the budget is spent
    big: tuple[Document, list[str]] | None = None
    for kb in sizes:
        n = max(3, round(kb * 1024 / (113 * 3)))  # ~113 Han characters, 3 bytes each
        ref_p, wit_p, _changes = make_pair(n, changed=args.changed / 100)
        t0 = time.perf_counter()
        ref_d, wit_d = document("made-ref", ref_p), document("made-wit", wit_p)
        t_norm = (time.perf_counter() - t0) / 2
        report = compare(ref_d, wit_d)
        t_dw = best_of(args.repeat, partial(compare, ref_d, wit_d))
        t_dl = t_dmp = t_cx = None
        if kb <= args.difflib_cap_kb:
            t_dl = best_of(1, partial(run_difflib, ref_p, wit_p))
        if dmp_last is not None and dmp_last * 4 <= args.dmp_budget:
            t_dmp = dmp_last = best_of(1, partial(run_dmp, ref_p, wit_p))
        if have_collatex and kb <= args.collatex_cap_kb:
            t_cx = best_of(1, partial(run_collatex, ref_p, wit_p))
        if t_dmp is None:
            dmp_last = None
        growth = f"{t_dw / previous:.2f}×" if previous else "—"
        previous = t_dw
        chars = sum(len(p) for p in ref_p)
        print(
            f"{kb:>6}KB {n:>6} {chars:>9,} {t_norm * 1000:>8.1f}ms {t_dw * 1000:>9.2f}ms "
            f"{growth:>7} {fmt_ratio(t_dl, t_dw, 'capped'):>10} "
            f"{fmt_ratio(t_dmp, t_dw, 'budget'):>10} "
            f"{fmt_ratio(t_cx, t_dw, 'capped' if have_collatex else 'absent'):>10}"
            f"  {len(report.findings)} ({report.verdict}{', degraded' if report.degraded else ''})"
        )
        if kb == sizes[-1]:
            big = (ref_d, ref_p)

    statement_chars = 10_000
    ref_p, wit_p, _ = make_pair(round(statement_chars / 113), changed=args.changed / 100)
    ref_d, wit_d = document("made-ref", ref_p), document("made-wit", wit_p)
    t = best_of(max(args.repeat, 20), partial(compare, ref_d, wit_d))
    print(f"\nstatement-sized pair (~{statement_chars:,} chars): docwitness {t * 1000:.2f} ms")

    if big is not None and args.witnesses:
        ref_d, ref_p = big
        witnesses = [
            document(
                f"made-wit-{k}", make_witness(ref_p, seed=100 + k, changed=args.changed / 100)[0]
            )
            for k in range(args.witnesses)
        ]
        start = time.perf_counter()
        ref_side = side(ref_d)  # as a collation does: the reference's framing is read once
        for w in witnesses:
            compare(ref_d, w, ref_side=ref_side)
        elapsed = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"{sizes[-1]} KB reference against {args.witnesses} witnesses: {elapsed:.2f} s "
            f"in-process; peak RSS of this whole run {rss:.0f} MB"
        )
    small_pairs(args, have_collatex)
    if args.process:
        whole_process(args)
    if not have_collatex:
        print("CollateX: not importable here (pip install collatex to include it); skipped.")
    print(
        "dmp whole: diff-match-patch over the whole text, Diff_Timeout = 0; 'budget' where the "
        f"next size could exceed {args.dmp_budget:g} s (--dmp-budget), as its time grows with "
        "the text times the edits."
    )
    return 0


def small_pairs(args: argparse.Namespace, have_collatex: bool) -> None:
    """Statement-sized and smaller pairs, where CollateX can still finish."""
    print(f"\n{'chars':>8} {'docwitness':>11} {'difflib':>10} {'dmp whole':>10} {'collatex':>12}")
    cx_last: float | None = 0.0
    for chars in (300, 1_000, 3_000, 10_000):
        ref_p, wit_p, _ = make_pair(max(3, round(chars / 113)), changed=max(args.changed, 5) / 100)
        ref_d, wit_d = document("made-ref", ref_p), document("made-wit", wit_p)
        t_dw = best_of(max(args.repeat, 20), partial(compare, ref_d, wit_d))
        t_dl = best_of(args.repeat, partial(run_difflib, ref_p, wit_p))
        t_dmp = best_of(args.repeat, partial(run_dmp, ref_p, wit_p))
        cx = "absent"
        if have_collatex and cx_last is not None and cx_last * 10 <= args.collatex_budget:
            t_cx = cx_last = best_of(1, partial(run_collatex, ref_p, wit_p))
            cx = f"{t_cx / t_dw:,.0f}× ({t_cx:.1f}s)"
        elif have_collatex:
            cx_last, cx = None, "budget"
        print(
            f"{chars:>8,} {t_dw * 1000:>9.2f}ms {t_dl / t_dw:>9.1f}× {t_dmp / t_dw:>9.1f}× {cx:>12}"
        )


def whole_process(args: argparse.Namespace) -> None:
    """`docwitness diff` of the 1 MB pair as a user runs it: start-up included."""
    import statistics
    import subprocess
    import tempfile
    from pathlib import Path

    n = round(1024 * 1024 / (113 * 3))
    ref_p, wit_p, _ = make_pair(n, changed=args.changed / 100)
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp, "made-a.txt"), Path(tmp, "made-b.txt")
        a.write_text("\n\n".join(ref_p) + "\n", encoding="utf-8")
        b.write_text("\n\n".join(wit_p) + "\n", encoding="utf-8")
        cmd = [
            sys.executable,
            "-m",
            "docwitness",
            "diff",
            str(a),
            str(b),
            "--format",
            "json",
            "-o",
            str(Path(tmp, "out.json")),
        ]
        times = []
        for _ in range(max(args.repeat, 5)):
            start = time.perf_counter()
            subprocess.run(cmd, check=False, capture_output=True)
            times.append(time.perf_counter() - start)
        size = a.stat().st_size / 1e6
    start = time.perf_counter()
    for _ in range(1_000_000):
        pass
    loop = time.perf_counter() - start
    print(
        f"\n`docwitness diff` of a {size:.2f} MB pair, whole process: best {min(times):.2f} s, "
        f"median {statistics.median(times):.2f} s over {len(times)} runs "
        f"(this machine's speed: 10⁶ empty loop iterations in {loop * 1000:.0f} ms)"
    )


if __name__ == "__main__":
    raise SystemExit(main())
