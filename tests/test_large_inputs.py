"""Large and repetitive copies: grouped findings, the first N in the terminal, and an
alignment of repeated text that finds each edit where it is.

Every copy here is made from the seed or the made statement (tests/made.py); the
sizes are modest (a few hundred repetitions): the tests assert structure, and
benchmarks/bench_huge.py measures time and size at full scale.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

import made
from docwitness.cli import build_parser, main
from docwitness.compare.align import align
from docwitness.compare.engine import compare
from docwitness.model import Document
from docwitness.pipeline import load_copy
from docwitness.report import MAX_FINDINGS, render

ADDED = [f"另外插入的第{n}段话，与声明无关，只为测试而造。" for n in range(1, 5)]


def diff_json(ref: Path, wit: Path, out: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    rc = main(["diff", str(ref), str(wit), "--format", "json", "-o", str(out), *extra])
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return rc, data


def findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    got: list[dict[str, Any]] = data["witnesses"][0]["findings"]
    return got


# --------------------------------------------------------------------------- grouping


def test_a_run_of_missing_paragraphs_is_one_finding_with_its_count_and_range(
    tmp_path: Path, statement: Document
) -> None:
    paras = made.made_statement()
    # Paragraphs 5–7 dropped together, paragraph 14 on its own.
    wit = made.write_made(tmp_path, "made-dropped.txt", [*paras[:5], *paras[8:14], *paras[15:]])
    ref = made.write_made(tmp_path, "made-statement.txt", paras)
    rc, data = diff_json(ref, wit, tmp_path / "out.json")
    missing = [f for f in findings(data) if f["kind"] == "missing"]
    assert len(missing) == 2, missing
    run, single = missing
    assert run["count"] == 3 and run["ref"] == 5
    points = list(dict.fromkeys(p.point for p in statement.paragraphs[5:8] if p.point))
    assert run["range"] == {"ref": [5, 7], "witness": None, "points": points}
    assert run["detail"]["paragraphs"] == [5, 6, 7]
    assert run["ref_text"] == statement.paragraphs[5].text
    assert run["evidence"][-1] == statement.paragraphs[7].text[:30]
    # A paragraph missing on its own looks as it always has: no count, no range.
    assert single["ref"] == 14 and "count" not in single and "range" not in single
    assert data["witnesses"][0]["verdict"] == "variant" and rc == 1
    assert data["witnesses"][0]["counts"]["substantive"] == 2


def test_extra_paragraphs_group_apart_from_the_site_text_among_them(tmp_path: Path) -> None:
    paras = made.made_statement()
    inserted = [ADDED[0], ADDED[1], "责任编辑：王某", ADDED[2]]
    wit = made.write_made(tmp_path, "made-added.txt", [*paras[:10], *inserted, *paras[10:]])
    ref = made.write_made(tmp_path, "made-statement.txt", paras)
    rc, data = diff_json(ref, wit, tmp_path / "out.json")
    extra = [f for f in findings(data) if f["kind"] == "extra"]
    text = [f for f in extra if not f["boilerplate"]]
    site = [f for f in extra if f["boilerplate"]]
    assert len(text) == 1 and text[0]["count"] == 3, extra
    assert text[0]["range"]["witness"] == [10, 13] and text[0]["range"]["ref"] is None
    assert text[0]["detail"]["paragraphs"] == [10, 11, 13]
    assert text[0]["ref"] == 9  # the reference paragraph they follow
    assert len(site) == 1 and "count" not in site[0] and site[0]["severity"] == "formal"
    assert rc == 1


def test_paragraphs_apart_in_the_witness_are_not_one_run(tmp_path: Path) -> None:
    paras = made.made_statement()
    wit = made.write_made(
        tmp_path, "made-added-apart.txt", [*paras[:6], ADDED[0], paras[6], ADDED[1], *paras[7:]]
    )
    ref = made.write_made(tmp_path, "made-statement.txt", paras)
    _, data = diff_json(ref, wit, tmp_path / "out.json")
    extra = [f for f in findings(data) if f["kind"] == "extra"]
    assert [f.get("count", 1) for f in extra] == [1, 1]


def test_a_run_of_site_text_alone_keeps_the_verdict_and_the_fail_on_levels(
    tmp_path: Path,
) -> None:
    paras = made.made_statement()
    wit = made.write_made(tmp_path, "made-site.txt", [*paras, "责任编辑：王某", "（完）"])
    ref = made.write_made(tmp_path, "made-statement.txt", paras)
    rc, data = diff_json(ref, wit, tmp_path / "out.json")
    assert data["witnesses"][0]["verdict"] == "equivalent"
    assert [f["severity"] for f in findings(data)] and all(
        f["severity"] == "formal" for f in findings(data)
    )
    assert rc == 0
    rc, _ = diff_json(ref, wit, tmp_path / "out2.json", "--fail-on", "formal")
    assert rc == 1


def test_a_cut_end_is_one_truncation_beside_a_run_dropped_in_the_middle(
    tmp_path: Path,
) -> None:
    paras = made.made_statement()
    wit = made.write_made(tmp_path, "made-cut-and-dropped.txt", [*paras[:4], *paras[7:15]])
    ref = made.write_made(tmp_path, "made-statement.txt", paras)
    _, data = diff_json(ref, wit, tmp_path / "out.json")
    found = findings(data)
    assert [f["kind"] for f in found if f["severity"] == "substantive"] == [
        "missing",
        "truncation",
    ]
    (missing,) = [f for f in found if f["kind"] == "missing"]
    assert missing["range"]["ref"] == [4, 6]
    (cut,) = [f for f in found if f["kind"] == "truncation"]
    assert cut["at"] == "end" and cut["detail"]["missing"] == list(range(15, len(paras)))
    assert data["witnesses"][0]["verdict"] == "truncated"


# --------------------------------------------------------------------------- the first N


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A made copy with 75 variants: three words changed in each of 25 paragraphs."""
    d = tmp_path_factory.mktemp("many")
    paras = made.made_statement()
    changed = []
    for p in paras:
        third = len(p) // 3
        if third < 6:
            changed.append(p)
            continue
        cut = [p[:2], p[4:third], p[third + 2 : 2 * third], p[2 * third + 2 :]]
        changed.append("甲乙".join(cut[:2]) + "丙丁" + cut[2] + "戊己" + cut[3])
    return (
        made.write_made(d, "made-statement.txt", paras),
        made.write_made(d, "made-many-variants.txt", changed),
    )


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    rc = main(list(args))
    return rc, capsys.readouterr().out


def test_the_terminal_lists_the_first_findings_and_counts_the_rest(
    many: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ref, wit = many
    _, data = diff_json(ref, wit, tmp_path / "out.json")
    total = len(findings(data))
    assert total > MAX_FINDINGS + 10
    rc, out = _run(capsys, "diff", str(ref), str(wit))
    listed = [line for line in out.splitlines() if line.startswith(("  substantive", "  formal"))]
    assert len(listed) == MAX_FINDINGS
    more = f"… and {total - MAX_FINDINGS} more findings (use --format json or --max-findings 0)"
    assert out.rstrip().endswith(more) and rc == 1
    _, out = _run(capsys, "diff", str(ref), str(wit), "--max-findings", "0")
    listed = [line for line in out.splitlines() if line.startswith(("  substantive", "  formal"))]
    assert len(listed) == total and "more finding" not in out
    _, out = _run(capsys, "diff", str(ref), str(wit), "--max-findings", "7")
    assert f"… and {total - 7} more findings" in out


def test_markdown_and_github_list_the_first_findings_too(
    many: tuple[Path, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    ref, wit = many
    _, data = diff_json(ref, wit, tmp_path / "out.json")
    total = len(findings(data))
    _, out = _run(capsys, "diff", str(ref), str(wit), "--format", "markdown", "--max-findings", "5")
    rows = [line for line in out.splitlines() if line[:3] in {f"| {n}" for n in range(1, 10)}]
    assert len(rows) == 5 and f"… and {total - 5} more findings" in out
    _, out = _run(capsys, "diff", str(ref), str(wit), "--format", "github", "--max-findings", "5")
    lines = out.splitlines()
    assert len(lines) == 6 and f"… and {total - 5} more findings" in lines[-1]
    assert lines[-1].startswith("::notice ")


def test_json_lists_every_finding_whatever_the_limit(
    many: tuple[Path, Path], tmp_path: Path
) -> None:
    ref, wit = many
    _, everything = diff_json(ref, wit, tmp_path / "all.json")
    _, limited = diff_json(ref, wit, tmp_path / "limited.json", "--max-findings", "3")
    assert findings(limited) == findings(everything) and len(findings(everything)) > 3


def test_the_limit_is_documented_and_a_negative_one_refused(
    many: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = build_parser().parse_args(["diff", "a", "b"])
    assert args.max_findings == MAX_FINDINGS
    ref, wit = many
    rc = main(["diff", str(ref), str(wit), "--max-findings", "-1"])
    err = capsys.readouterr().err
    assert rc == 2 and err.count("\n") == 1 and "--max-findings" in err


# --------------------------------------------------------------------------- repetitive text


def _repeated(copies: int) -> list[str]:
    return made.made_statement() * copies


def test_repeated_text_is_aligned_where_it_stands_with_no_limit_applied() -> None:
    ref = _repeated(300)  # 7,500 paragraphs, none unique
    wit = list(ref)
    edited = wit[3000][:10] + "某某" + wit[3000][12:]
    wit[3000] = edited
    wit.insert(5000, ADDED[0])
    del wit[1000]
    got = align(ref, wit)
    assert got.limits == ()
    changes = [(x.kind, x.ref, x.witness) for x in got.links if x.kind != "equal"]
    assert changes == [
        ("missing", (1000,), ()),
        ("pair", (3000,), (2999,)),
        ("extra", (), (4999,)),
    ]
    assert sum(x.kind == "equal" for x in got.links) == len(ref) - 2


def test_a_block_inserted_into_repeated_text_is_one_run() -> None:
    ref = _repeated(200)
    wit = [*ref[:2500], *[f"插入的第{n}段，与原文无关。" for n in range(60)], *ref[2500:]]
    wit[4000] = wit[4000] + "又加一句。"
    got = align(ref, wit)
    assert got.limits == ()
    extras = [x.witness[0] for x in got.links if x.kind == "extra"]
    assert extras == list(range(2500, 2560))
    assert [x.ref for x in got.links if x.kind == "pair"] == [(3940,)]


def test_repeated_text_with_random_edits_finds_each_edit(tmp_path: Path) -> None:
    paras = made.made_statement()
    rng = random.Random(14)
    ref_paras = paras * 300
    wit_paras = list(ref_paras)
    spots = sorted(rng.sample(range(len(ref_paras)), 40))
    for k in spots:
        p = wit_paras[k]
        if len(p) > 20:
            wit_paras[k] = p[:8] + "某某" + p[10:]
    edited = [k for k in spots if len(ref_paras[k]) > 20]
    ref = made.write_made(tmp_path, "made-statement-x300.txt", ref_paras)
    wit = made.write_made(tmp_path, "made-statement-x300-edited.txt", wit_paras)
    reference, witness = load_copy(str(ref)), load_copy(str(wit))
    report = compare(reference, witness)
    assert not report.degraded and report.notes == ()
    assert sorted({f.ref for f in report.findings if f.kind == "variant"}) == edited
    assert all(f.kind == "variant" for f in report.findings if f.severity == "substantive")


def test_the_seed_against_the_seed_repeated_gives_a_few_grouped_findings(tmp_path: Path) -> None:
    seed = made.seed_text().rstrip() + "\n\n"
    ref = tmp_path / "made-seed.txt"
    wit = tmp_path / "made-repeat-300.txt"
    ref.write_text(seed, encoding="utf-8")
    wit.write_text(seed * 300, encoding="utf-8")
    report = compare(load_copy(str(ref)), load_copy(str(wit)))
    extra = [f for f in report.findings if f.kind == "extra"]
    assert extra and len(extra) <= 10, [(f.rule, f.count) for f in extra]
    # Each copy past the first repeats the aggregator's heading echo, date line,
    # footer and link: 299 of each, one finding per rule.
    assert sorted(f.count for f in extra if f.rule == "date-line") == [299]
    text = render(
        _report(report, load_copy(str(ref))),
        "text",
    )
    assert len(text) < 20_000, len(text)


def _report(w: Any, reference: Document) -> Any:
    from docwitness.model import ReferenceInfo, Report

    info = ReferenceInfo(
        reference.witness_id, reference.source, reference.digests, len(reference.paragraphs), "test"
    )
    return Report("made-repeat", made.TITLE, info, (w,), reference.profile, "diff")
