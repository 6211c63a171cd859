"""The Markdown report (and so the CI job summary) shows the variant table of all
witnesses and their lineage, with each edge's evidence."""

from __future__ import annotations

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
