"""The Markdown report (and so the CI job summary) shows the variant table of all
witnesses and their lineage, with each edge's evidence."""

from __future__ import annotations

import json
from pathlib import Path

import made_family
from docwitness import pipeline
from docwitness.report import render


def test_markdown_shows_the_table_and_the_lineage_with_its_evidence(tmp_path: Path) -> None:
    catalogue = made_family.write_family(tmp_path, made_family.family())
    pipeline.fetch([catalogue], tmp_path / "store")
    report = pipeline.cite("made-family", [catalogue], tmp_path / "store")
    assert report.table is not None and report.lineage is not None
    text = render(report, "markdown", max_findings=0)
    assert "### All witnesses" in text and "### Lineage\n" in text
    substantive = [p for p in report.table.places if p.substantive]
    section = text.split("### All witnesses", 1)[1].split("### Lineage", 1)[0]
    rows = [line for line in section.splitlines() if "| substantive |" in line]
    assert len(rows) == len(substantive) > 0
    for edge in report.lineage.edges:
        assert f"- **{edge.target}**" in text and f"**{edge.source}**" in text
        assert all(f"  - {line}" in text.replace("\\", "") for line in edge.evidence)
    # Formal places are folded unless asked for, as in the other views.
    formal = len(report.table.places) - len(substantive)
    if formal:
        assert "`--show-formal` lists them" in text
        shown = render(report, "markdown", show_formal=True, max_findings=0)
        shown_section = shown.split("### All witnesses", 1)[1].split("### Lineage", 1)[0]
        assert shown_section.count("| formal |") == formal


def test_markdown_says_when_the_lineage_is_undecided(tmp_path: Path) -> None:
    copies = dict(list(made_family.family().items())[:2])
    catalogue = made_family.write_family(tmp_path, copies)
    pipeline.fetch([catalogue], tmp_path / "store")
    report = pipeline.cite("made-family", [catalogue], tmp_path / "store")
    text = render(report, "markdown")
    assert "### Lineage: undecided" in text and "Too thin to decide" in text


def test_cite_reads_a_paragraph_broken_at_a_page_end_as_one(tmp_path: Path) -> None:
    # The bundled preview breaks point 六 at a page end ("…发挥关键作" / "用,推动…"):
    # the text to cite reads it as the one paragraph it is, and says so.
    import made

    catalogue = made.ROOT / "sources" / "cn-ru-joint-statement-2017.toml"
    pipeline.check([catalogue], tmp_path / "store", offline=True)
    report = pipeline.cite("cn-ru-joint-statement-2017", [catalogue], tmp_path / "store")
    c = report.citation
    assert c is not None and c.mended
    joined = [p for p in c.paragraphs if "发挥关键作用,推动在联合国框架下" in p]
    assert len(joined) == 1 and joined[0].startswith("六、")
    assert not any(p.startswith("用,推动") for p in c.paragraphs)
    text = render(report, "text", max_findings=0)
    first, last = c.mended[0][0], c.mended[0][-1]
    assert f"mended: ¶{first}–¶{last} read as one paragraph" in text
    assert json.loads(render(report, "json"))["citation"]["mended"] == [list(c.mended[0])]
