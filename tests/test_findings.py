"""Findings: each made witness gets exactly the findings it should, and no others."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import made
import made_variants
from docwitness.compare.chardiff import char_diff, differ, spans
from docwitness.compare.engine import compare
from docwitness.compare.verdict import exceeds
from docwitness.model import Block, Document, Extraction, Report, WitnessReport
from docwitness.normalise import PROFILE, build_document
from docwitness.pipeline import load_copy
from docwitness.rules import title_like as is_title


def doc(paragraphs: list[str], name: str = "made-doc") -> Document:
    extraction = Extraction(tuple(Block(p) for p in paragraphs), "text", "test")
    return build_document(name, name, "sha256:" + "0" * 64, extraction)


def found(report: WitnessReport) -> list[tuple[object, ...]]:
    return [(f.kind, f.severity, f.ref, f.witness) for f in report.findings]


@pytest.mark.parametrize("case", made_variants.CASES, ids=lambda c: c.name)
def test_made_witness_gets_exactly_its_findings(
    case: made_variants.Case, statement: Document, workdir: Path
) -> None:
    report = compare(statement, case.load(workdir))
    assert found(report) == list(case.expected)
    assert report.verdict == case.verdict
    assert not report.degraded


@pytest.mark.parametrize(
    ("name", "ref_reading", "witness_reading", "offset"),
    [
        ("word", "坚决", "强烈", 4),
        ("number", "6", "7", 8),
        ("clause", "", made_variants.CLAUSE.replace("，", ","), 17),
    ],
)
def test_variant_spans_are_the_smallest_readings(
    name: str,
    ref_reading: str,
    witness_reading: str,
    offset: int,
    statement: Document,
    workdir: Path,
) -> None:
    (f,) = compare(statement, made_variants.case(name).load(workdir)).findings
    assert (f.ref_text, f.witness_text, f.offset) == (ref_reading, witness_reading, offset)
    assert f.outline == statement.paragraphs[f.ref or 0].point
    assert f.ref_excerpt == statement.paragraphs[f.ref or 0].text[:30]
    assert f.detail["before"] and f.detail["after"]


def test_cut_copy_reports_where_it_stops_and_the_coverage(
    statement: Document, workdir: Path
) -> None:
    report = compare(statement, made_variants.case("cut").load(workdir))
    (f,) = report.findings
    assert (f.ref, f.offset, f.outline) == (22, 50, "九")
    present = sum(len(p.text) for p in statement.paragraphs[:22]) + 50
    assert report.coverage == pytest.approx(present / statement.length, abs=1e-6)
    assert f.detail["missing"] == [23, 24]


def test_traditional_and_half_width_copies_are_formal_differences_with_reasons(
    statement: Document, workdir: Path
) -> None:
    trad = compare(statement, made_variants.case("traditional").load(workdir))
    assert trad.formal and {d.reason for d in trad.formal} == {"script"}
    d = trad.formal[0]
    assert d.ref_reading == statement.paragraphs[d.ref or 0].raw != d.witness_reading
    half = compare(statement, made_variants.case("half-width").load(workdir))
    assert {d.reason for d in half.formal} <= {"width", "width+quotes"}
    assert any(d.reason == "width+quotes" for d in half.formal)


def test_crlf_bom_indent_copy_differs_in_bytes_only(statement: Document, workdir: Path) -> None:
    witness = made_variants.case("crlf-bom-indent").load(workdir)
    assert witness.digests.raw != statement.digests.raw
    assert witness.digests.canonical == statement.digests.canonical
    assert compare(statement, witness).findings == ()


@pytest.mark.parametrize(
    ("a", "b", "reason"),
    [
        ("國際社會", "国际社会", "script"),
        ("双方，认为", "双方,认为", "width"),
        ("“双方”", '"双方"', "quotes"),
        ("\u3000\u3000双方", "双方", "whitespace"),
    ],
)
def test_formal_reason_names_the_fold_needed(a: str, b: str, reason: str) -> None:
    assert PROFILE.reasons(a, b) == reason


def test_made_statement_against_the_seed_shows_framing_split_and_the_cut_point(
    statement: Document,
) -> None:
    seed = load_copy(str(made.SEED))
    report = compare(statement, seed)
    assert [
        (f.kind, f.severity, f.ref, f.witness, f.boilerplate, f.rule) for f in report.findings
    ] == [
        ("extra", "formal", None, 0, True, "heading-echo"),
        ("extra", "formal", None, 1, True, "date-line"),
        ("split", "formal", 17, (19, 20), False, "joined-text"),
        ("extra", "substantive", 24, 28, False, "unaligned"),
        ("extra", "formal", 24, 29, True, "cut-off-marker"),
        ("extra", "formal", 24, 30, True, "link-back"),
    ]
    assert report.verdict == "variant"
    assert report.coverage == 1.0
    split = report.findings[2]
    assert split.witness_text and split.witness_text.split("\n")[0].endswith("发挥关键作")


def test_the_seed_as_reference_finds_the_made_statement_truncated(statement: Document) -> None:
    seed = load_copy(str(made.SEED))
    report = compare(seed, statement)
    assert found(report) == [
        ("missing", "formal", 0, None),
        ("missing", "formal", 1, None),
        ("merge", "formal", 19, 17),
        ("truncation", "substantive", 28, 24),
    ]
    assert report.verdict == "truncated"
    assert report.findings[-1].detail["missing"] == [28, 29, 30]
    assert 0.9 < (report.coverage or 0) < 1


def test_rows_cover_every_paragraph_in_reference_order_with_consistent_ops(
    statement: Document,
) -> None:
    seed = load_copy(str(made.SEED))
    report = compare(statement, seed)
    refs = [i for row in report.rows for i in row.ref]
    assert refs == list(range(len(statement.paragraphs)))
    assert sorted(j for row in report.rows for j in row.witness) == list(
        range(len(seed.paragraphs))
    )
    for row in report.rows:
        assert "".join(t for op, t in row.ops if op <= 0) == row.ref_text
        assert "".join(t for op, t in row.ops if op >= 0) == row.witness_text
    assert {row.kind for row in report.rows} == {"equal", "split", "extra"}
    assert sum(row.boilerplate for row in report.rows) == 4


def test_diff_match_patch_never_times_out() -> None:
    assert differ().Diff_Timeout == 0


def test_spans_are_runs_between_equalities() -> None:
    ops = char_diff("双方坚决谴责一切恐怖主义", "双方强烈谴责一切形式恐怖主义")
    got = [("双方坚决谴责一切恐怖主义"[s.a_start : s.a_end], s.b_start) for s in spans(ops)]
    assert got == [("坚决", 2), ("", 8)]


def _report(*witnesses: WitnessReport) -> Report:
    return Report("made", "made", None, witnesses, "canonical/1")


def test_exceeds_levels(statement: Document, workdir: Path) -> None:
    variant = compare(statement, made_variants.case("word").load(workdir))
    split = compare(statement, made_variants.case("split").load(workdir))
    trad = compare(statement, made_variants.case("traditional").load(workdir))
    same = compare(statement, statement)
    table = {
        "substantive": (True, False, False, False),
        "formal": (True, True, False, False),
        "any": (True, True, True, False),
    }
    for level, expected in table.items():
        got = tuple(exceeds(_report(w), level) for w in (variant, split, trad, same))
        assert got == expected, level
    with pytest.raises(ValueError, match="fail_on"):
        exceeds(_report(same), "everything")


han = st.text(
    alphabet=st.sampled_from("双方认为国际社会应当加强合作共同应对挑战一二三、，。"), min_size=1
)


@settings(max_examples=60, deadline=None)
@given(st.lists(han, min_size=0, max_size=20))
def test_a_copy_against_itself_has_no_findings(paragraphs: list[str]) -> None:
    d = doc(paragraphs)
    report = compare(d, d)
    assert report.findings == ()
    assert report.formal == ()
    assert report.verdict == "identical"
    assert report.coverage == 1.0


@settings(max_examples=150, deadline=None)
@given(st.lists(han, min_size=3, max_size=15, unique=True), st.data())
def test_dropping_one_paragraph_gives_one_finding(
    paragraphs: list[str], data: st.DataObject
) -> None:
    ref = doc(paragraphs)
    if len({p.text for p in ref.paragraphs}) != len(ref.paragraphs) or len(ref.paragraphs) < 3:
        return  # canonical forms collided: not the case under test
    k = data.draw(st.integers(0, len(ref.paragraphs) - 1))
    wit = doc([p for n, p in enumerate(paragraphs) if n != k])
    report = compare(ref, wit)
    last = k == len(ref.paragraphs) - 1
    titles = next(
        (n for n, p in enumerate(ref.paragraphs) if not is_title(p.text)), len(ref.paragraphs)
    )
    if k == titles and not last:
        # The body's first paragraph gone: the copy begins late, at the one after it.
        assert [(f.kind, f.ref, f.at) for f in report.findings] == [("truncation", k + 1, "start")]
        return
    expected = ("truncation", k, "end") if last else ("missing", k, None)
    assert [(f.kind, f.ref, f.at) for f in report.findings] == [expected]


def test_a_split_with_page_numbers_between_its_pieces_is_still_one_split(
    statement: Document,
) -> None:
    """A copy of a printed text keeps the page numbers between the pieces of a paragraph
    broken by two page breaks: the split is found across them, and they are site text."""
    paras = [p.raw for p in statement.paragraphs]
    k = 6
    long = paras[k]
    third = len(long) // 3
    pieces = [long[:third], "- 2 -", long[third : 2 * third], "第3页", long[2 * third :]]
    wit = doc([*paras[:k], *pieces, *paras[k + 1 :]], "made-split-across-page-numbers")
    report = compare(statement, wit)
    substantive = [f for f in report.findings if f.severity == "substantive"]
    assert substantive == []
    (split,) = [f for f in report.findings if f.kind == "split"]
    assert split.ref == k and split.witness == (k, k + 2, k + 4)
    assert split.detail["mended"] == statement.paragraphs[k].text
    numbers = [f.rule for f in report.findings if f.kind == "extra"]
    assert numbers == ["page-number", "page-number"]


@pytest.mark.parametrize("mark", ["", "…", " …", "..", "——", "等"])
def test_a_cut_that_leaves_a_mark_is_one_truncation_inside_the_paragraph(
    mark: str, statement: Document
) -> None:
    """A made copy cut 60 characters into a paragraph, with or without a mark where its
    text stops: one truncation at the end, placed in that paragraph, and no variant."""
    paras = [p.raw for p in statement.paragraphs]
    k = 10
    cut = statement.paragraphs[k].text[:60]
    report = compare(statement, doc([*paras[:k], cut + mark], f"made-cut-mark-{len(mark)}"))
    assert [(f.kind, f.ref, f.offset, f.at) for f in report.findings] == [
        ("truncation", k, 60, "end")
    ]
    if mark.strip():
        assert mark.strip() in report.findings[0].evidence


def test_a_witness_that_ends_on_another_word_is_a_variant_not_a_cut(statement: Document) -> None:
    paras = [p.raw for p in statement.paragraphs]
    last = statement.paragraphs[-1].text
    changed = last[:-6] + "新的结尾。"
    report = compare(statement, doc([*paras[:-1], changed], "made-other-ending"))
    kinds = [f.kind for f in report.findings]
    assert "variant" in kinds and "truncation" not in kinds


@pytest.mark.parametrize("mark", ["", "……"])
def test_a_copy_that_begins_inside_a_paragraph_is_one_truncation_at_the_start(
    mark: str, statement: Document
) -> None:
    """A made second page that begins 37 characters into a paragraph, under a
    date-and-source line: one truncation at the start, placed in that paragraph with
    the offset, and neither a variant for its lost beginning nor a numbering finding."""
    paras = [p.raw for p in statement.paragraphs]
    k = 10
    begun = statement.paragraphs[k].text[37:]
    wit = doc(["2017-07-05 05:42:41 新华网 参与评论()人", mark + begun, *paras[k + 1 :]], "made-p2")
    report = compare(statement, wit)
    substantive = [
        (f.kind, f.ref, f.offset, f.at) for f in report.findings if f.severity == "substantive"
    ]
    assert substantive == [("truncation", k, 37, "start")]
    assert not [f for f in report.findings if f.kind in ("variant", "numbering", "missing")]
    (cut,) = [f for f in report.findings if f.kind == "truncation"]
    assert "37 characters into" in cut.evidence[0]
    assert "points 一–三" in cut.evidence[0]


@pytest.mark.parametrize(
    ("config", "verdict"),
    [("s2t", "identical"), ("s2tw", "equivalent"), ("s2hk", "equivalent"), ("s2twp", "equivalent")],
)
def test_a_traditional_copy_has_no_substantive_finding(
    config: str, verdict: str, statement: Document
) -> None:
    """Made Traditional copies of the statement, converted with OpenCC's plain, Taiwan,
    Hong Kong and Taiwan-phrase tables: every difference is one reading in two scripts.
    A copy whose canonical text still differs (著 for 着, 宣告 for 声明) is equivalent,
    one whose canonical text is the reference's is identical."""
    import opencc

    convert = opencc.OpenCC(config).convert
    wit = doc([convert(p.raw) for p in statement.paragraphs], f"made-{config}")
    report = compare(statement, wit)
    assert report.findings == ()
    assert report.verdict == verdict
    assert len(report.formal) == len(statement.paragraphs)
    assert all("script" in d.reason for d in report.formal)


def test_a_headline_with_the_parties_short_names_is_the_title(statement: Document) -> None:
    """A made repost headed "中俄关于…（全文）" under a breadcrumb and a date-and-source
    line: the headline is the reference's title in the press's short form (formal), and
    nothing is substantive; a headline that says something else is still a variant."""
    paras = [p.raw for p in statement.paragraphs]
    short = "中俄" + statement.paragraphs[0].text.removeprefix("中华人民共和国和俄罗斯联邦")
    framing = ["当前位置：新闻 > 滚动 > 正文", short + "（全文）", "2017-07-05 05:42:41 新华网"]
    report = compare(statement, doc([*framing, *paras[1:]], "made-short-headline"))
    assert [f for f in report.findings if f.severity == "substantive"] == []
    assert [d.reason for d in report.formal if d.ref == 0] == ["short-form"]
    assert report.verdict == "equivalent"
    other = doc(["中俄关于加强全面战略协作伙伴关系的联合声明", *paras[1:]], "made-other-headline")
    assert [f.kind for f in compare(statement, other).findings if f.ref == 0] != []


def test_the_seed_against_itself_has_no_findings() -> None:
    """Site text and glued labels that both copies carry, at the same place, are the
    same on both sides: the real seed compared with itself has no finding at all."""
    seed = load_copy(str(made.SEED))
    report = compare(seed, seed)
    assert report.findings == ()
    assert report.formal == ()
    assert report.verdict == "identical"
    assert report.coverage == 1.0


def test_a_comparison_without_rows_finds_the_same(tmp_path: Path, seed_path: Path) -> None:
    # JSON, text and Markdown reports show no side-by-side rows, so diff and collate
    # make them only for HTML and the all-witnesses table; all else is the same.
    from dataclasses import replace

    from docwitness.compare.engine import without_rows

    paras = made.made_statement()
    made.write_made(tmp_path, "made-a.txt", paras)
    edited = [*paras[:3], paras[4], paras[3], paras[5].replace("。", "，并且。", 1), *paras[6:-2]]
    made.write_made(tmp_path, "made-b.txt", edited)
    a, b = load_copy(str(tmp_path / "made-a.txt")), load_copy(str(tmp_path / "made-b.txt"))
    full = compare(a, b)
    with without_rows():
        lean = compare(a, b)
    assert full.rows and not lean.rows
    assert lean == replace(full, rows=())
    assert [f.outline for f in lean.findings] == [f.outline for f in full.findings]
    assert compare(a, b).rows == full.rows  # outside the block, rows again
