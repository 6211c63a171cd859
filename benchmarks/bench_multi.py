"""Benchmark: every witness at once (``collate --all``) against the pairwise collation.

Run: ``python benchmarks/bench_multi.py`` (``--help`` for the options).

Builds one synthetic Chinese document of about 1 MB (as bench_collate.py does,
from a fixed random seed; none of it is a real source) and ``--witnesses``
witnesses of it, each with 1 % of its paragraphs changed and one split. Then it
times, in this one process, best of ``--repeat``:

* pairwise: :func:`docwitness.collate.assess` of every witness against the
  reference (the comparisons, with the single-copy checks, that ``collate`` runs);
* all at once: the same, then the variant table of every witness
  (:func:`docwitness.multi.table.build_table`), the lineage and the text to cite,
  as ``collate --all`` and ``cite`` add them.

Both are quoted, with the ratio: the table's cost is a pass over each witness's
edits, so the whole stays near linear in text × witnesses.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_collate import document, make_pair, make_witness

from docwitness.collate import assess, reference_info
from docwitness.model import Report
from docwitness.multi.cite import best_text
from docwitness.multi.lineage import infer
from docwitness.multi.table import build_table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kb", type=int, default=1024, help="size of the reference in KB")
    parser.add_argument("--witnesses", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    n_paragraphs = round(3093 * args.kb / 1024)  # ~113 characters, ~340 bytes a paragraph
    ref, _, _ = make_pair(n_paragraphs)
    ref_doc = document("made-reference", ref)
    witnesses = [
        document(f"made-w{k}", make_witness(ref, 100 + k)[0]) for k in range(args.witnesses)
    ]
    size = len("\n".join(ref).encode("utf-8"))

    def pairwise() -> list:  # type: ignore[type-arg]
        return [assess(ref_doc, w, language="zh") for w in witnesses]

    def all_at_once() -> tuple[int, int]:
        reports = pairwise()
        report = Report(
            document_id="made",
            document_title="made",
            reference=reference_info(ref_doc, "the benchmark's reference"),
            witnesses=(ref_report, *reports),
            profile="canonical/1",
        )
        documents = {ref_doc.witness_id: ref_doc, **{w.witness_id: w for w in witnesses}}
        table = build_table(report, documents, "zh")
        assert table is not None
        lineage = infer(table)
        best_text(table, lineage, [p.text for p in ref_doc.paragraphs])
        return len(table.places), len(lineage.edges)

    from docwitness.collate import single_copy_report

    ref_report = single_copy_report(ref_doc, "zh")

    def best(fn: object) -> float:
        out = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()  # type: ignore[operator]
            out = min(out, time.perf_counter() - start)
        return out

    t_pair = best(pairwise)
    t_all = best(all_at_once)
    places, edges = all_at_once()
    print(
        f"reference {size / 1e6:.2f} MB ({n_paragraphs} paragraphs), "
        f"{args.witnesses} witnesses; best of {args.repeat}"
    )
    print(f"pairwise collate (each witness against the reference): {t_pair:.2f} s")
    print(
        f"all at once (the same, then table, lineage, text to cite): {t_all:.2f} s "
        f"({t_all / t_pair:.2f}× the pairwise), {places} places, {edges} lineage edges"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
