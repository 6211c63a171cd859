"""JSON, text and Markdown reports, rendered from one Report; golden JSON for a few made cases.

Golden files live in tests/golden/ and are rewritten only when the environment
variable DOCWITNESS_UPDATE_GOLDEN=1 is set.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import made
import made_variants
from docwitness.compare.engine import compare
from docwitness.model import Document, Finding, ReferenceInfo, Report, WitnessReport
from docwitness.pipeline import load_copy
from docwitness.report import REPORTERS, render
from docwitness.report.json import SCHEMA, to_dict

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("DOCWITNESS_UPDATE_GOLDEN") == "1"


def report_of(reference: Document, *witnesses: Document) -> Report:
    info = ReferenceInfo(
        reference.witness_id,
        reference.source,
        reference.digests,
        len(reference.paragraphs),
        "named first on the command line",
    )
    return Report(
        "cn-ru-joint-statement-2017",
        made.TITLE,
        info,
        tuple(compare(reference, w) for w in witnesses),
        reference.profile,
        "diff",
    )


@pytest.fixture(scope="module")
def mixed(statement: Document, workdir: Path) -> Report:
    names = ("word", "cut", "traditional", "split")
    return report_of(statement, *(made_variants.case(n).load(workdir) for n in names))


def stable(text: str, workdir: Path) -> str:
    """Paths of this run made relative, so the golden file is the same on every machine."""
    return text.replace(str(workdir) + os.sep, "").replace(str(made.ROOT) + os.sep, "")


@pytest.mark.parametrize(
    "name", ["word", "cut", "seed"], ids=["made-word", "made-cut", "seed-vs-made-statement"]
)
def test_golden_json(name: str, statement: Document, workdir: Path) -> None:
    if name == "seed":
        witness = load_copy(str(made.SEED))
    else:
        witness = made_variants.case(name).load(workdir)
    data = to_dict(report_of(statement, witness))
    data["tool"]["version"] = "<version>"  # a release must not break the golden files
    got = stable(json.dumps(data, ensure_ascii=False, indent=2), workdir) + "\n"
    path = GOLDEN / f"diff-{name}.json"
    if UPDATE:
        path.write_text(got, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with DOCWITNESS_UPDATE_GOLDEN=1"
    assert got == path.read_text(encoding="utf-8")


def test_json_has_the_contract_shape(mixed: Report) -> None:
    data = json.loads(render(mixed, "json"))
    assert data["schema"] == SCHEMA == "docwitness.report/1"
    assert set(data) >= {"schema", "document", "reference", "witnesses", "tool"}
    assert set(data["reference"]["sha256"]) == {"raw", "text", "canonical"}
    w = data["witnesses"][0]
    assert {"id", "source", "verdict", "coverage", "degraded", "sha256", "findings"} <= set(w)
    f = w["findings"][0]
    assert set(f) >= {
        "kind", "severity", "ref", "ref_excerpt", "witness", "outline", "ref_text",
        "witness_text", "offset", "boilerplate", "rule", "evidence", "detail",
    }  # fmt: skip
    split = data["witnesses"][3]["findings"][0]
    assert split["kind"] == "split" and split["witness"] == [14, 15]


def test_formal_differences_are_counted_and_listed_only_on_request(mixed: Report) -> None:
    quiet = json.loads(render(mixed, "json"))["witnesses"][2]["formal"]
    assert quiet == {"count": 25}
    shown = json.loads(render(mixed, "json", show_formal=True))["witnesses"][2]["formal"]
    assert shown["count"] == len(shown["differences"]) == 25
    d = shown["differences"][0]
    assert d["reason"] == "script" and d["ref_reading"] != d["witness_reading"]


def test_text_leads_with_one_line_per_witness_then_findings(mixed: Report) -> None:
    out = render(mixed, "text")
    lines = out.splitlines()
    first = next(n for n, line in enumerate(lines) if line.startswith("made-word.txt:"))
    assert lines[first : first + 4] == [
        "made-word.txt: variant, coverage 99.9%, 1 substantive finding, 0 formal findings, "
        "0 normalised differences",
        "made-cut.txt: truncated, coverage 93.7%, 1 substantive finding, 0 formal findings, "
        "0 normalised differences",
        "made-traditional.txt: identical, coverage 100.0%, 0 substantive findings, "
        "0 formal findings, 25 normalised differences",
        "made-split.txt: equivalent, coverage 100.0%, 0 substantive findings, 1 formal finding, "
        "0 normalised differences",
    ]
    assert "point 四, ¶8 +4: 坚决 → 强烈" in out
    assert "point 九, ¶22 +50" in out
    assert "\x1b[" not in out


def test_text_is_coloured_only_when_asked(mixed: Report) -> None:
    coloured = render(mixed, "text", color=True)
    assert "\x1b[" in coloured
    assert "坚决" in coloured and "强烈" in coloured


def test_text_lists_formal_differences_on_request(mixed: Report) -> None:
    assert "script" not in render(mixed, "text")
    shown = render(mixed, "text", show_formal=True)
    assert shown.count("formal      script") == 25


def test_markdown_has_a_summary_table_and_findings(mixed: Report) -> None:
    out = render(mixed, "markdown")
    assert "| Witness | Verdict | Coverage |" in out
    assert "| made-cut.txt | **truncated** | 93.7% | 1 | 0 | 0 |  |" in out
    assert "| 1 | variant | substantive | point 四, ¶8 +4 | 坚决 | 强烈 |" in out
    assert "### made-traditional.txt" not in out  # no findings, nothing to list


def test_markdown_escapes_copy_text_that_would_break_a_table() -> None:
    finding = Finding("extra", "substantive", witness=0, witness_text="a|b *c*")
    w = WitnessReport("made|x", "made", "variant", findings=(finding,))
    out = render(Report("d", "t", None, (w,), "canonical/1", "inspect"), "markdown")
    assert "a\\|b \\*c\\*" in out and "made\\|x" in out


def test_single_copy_report_without_reference(workdir: Path) -> None:
    finding = Finding(
        "truncation", "substantive", witness=3, outline="十", witness_text="影响力持续提升。双方"
    )
    w = WitnessReport("made-copy", "made-copy.txt", "truncated", findings=(finding,))
    report = Report("d", "t", None, (w,), "canonical/1", "inspect")
    data = json.loads(render(report, "json"))
    assert data["reference"] is None
    assert data["witnesses"][0]["findings"][0]["witness"] == 3
    assert "witness ¶3" in render(report, "text")


def test_every_format_is_registered_with_help() -> None:
    for name in ("json", "text", "markdown"):
        render(Report("d", "t", None, (), "canonical/1"), name)
        assert REPORTERS.help(name)


def test_a_finding_without_readings_shows_its_evidence() -> None:
    flag = Finding(
        "encoding",
        "formal",
        rule="charset-disagreement",
        evidence=("decoded as gb18030; header said otherwise: header=iso-8859-1",),
    )
    w = WitnessReport(
        id="made-page", source="made-page.html", verdict="equivalent", findings=(flag,)
    )
    report = Report("d", "t", None, (w,), "canonical/1", "collation")
    for fmt in ("text", "markdown"):
        out = render(report, fmt)
        assert "header=iso-8859-1" in out, fmt
        assert "∅" not in out, fmt


def test_github_annotations_say_what_a_copy_as_a_whole_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unrelated copy's annotation carries the share that aligns; a late start says
    where the copy begins; a cut says after which words."""
    import made_classes
    from docwitness.cli import main

    (tmp_path / "mixer").mkdir()
    (tmp_path / "late").mkdir()
    mixer = made_classes.mixer(tmp_path / "mixer")
    late = made_classes.begins_late(tmp_path / "late")
    main(["diff", str(mixer.ref), str(mixer.wit), "--format", "github"])
    (line,) = capsys.readouterr().out.splitlines()
    # "%" is written %25 in a workflow command's message.
    assert line.startswith("::error ") and "unrelated: 13%25 of the copy's text" in line
    main(["diff", str(late.ref), str(late.wit), "--format", "github"])
    out = capsys.readouterr().out
    begins = "truncation point 四: begins at point 四; the title, the preamble and points 一–三"
    assert begins in out
