"""Extraction evidence reaches the reports: unreliable text layers and charset doubts."""

from __future__ import annotations

from pathlib import Path

import pytest

import made
import made_fixtures
from docwitness import pipeline
from docwitness.capture import FetchOptions
from docwitness.cli import main
from docwitness.errors import ExitCode
from httpserver import serving, static

PARAS = made.made_statement()


def test_unreliable_pdf_is_a_finding_not_a_diff_of_garbage(tmp_path: Path) -> None:
    reference = made.write_made(tmp_path, "made-statement.txt", PARAS)
    (pdf,) = made_fixtures.pdf_unmapped_cids(tmp_path)
    report = pipeline.diff(str(reference), str(pdf))
    (w,) = report.witnesses
    assert w.verdict == "unreliable" and w.degraded
    assert [f.kind for f in w.findings] == ["unreliable-text"]
    assert "(cid" in w.findings[0].evidence[0] or "glyphs" in w.findings[0].evidence[0]
    assert w.rows == ()  # nothing was diffed


def test_inspect_of_unreliable_pdf_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (pdf,) = made_fixtures.pdf_unmapped_cids(tmp_path)
    assert main(["inspect", str(pdf), "--format", "json"]) == ExitCode.FINDINGS
    assert '"unreliable-text"' in capsys.readouterr().out


def test_wrong_header_charset_is_flagged_in_collation(tmp_path: Path) -> None:
    body = ("\n\n".join(PARAS) + "\n").encode("gb18030")
    page = (
        b'<html><head><meta charset="gb2312"><title>made</title></head><body>'
        + b"".join(b"<p>" + p.encode("gb18030") + b"</p>" for p in PARAS)
        + b"</body></html>"
    )
    with serving() as server:
        good = server.route(
            "/made-plain.txt", static(body, headers={"Content-Type": "text/plain; charset=gb18030"})
        )
        lying = server.route(
            "/made-page.html",
            static(page, headers={"Content-Type": "text/html; charset=iso-8859-1"}),
        )
        cat = tmp_path / "made-catalogue.toml"
        cat.write_text(
            f"""
[document]
id = "made-doc"
title = "made"
language = "zh"
reference = "made-plain"

[[witness]]
id = "made-plain"
role = "official"
url = "{good}"
format = "text"

[[witness]]
id = "made-page"
role = "mirror"
url = "{lying}"
""",
            encoding="utf-8",
        )
        opts = FetchOptions(retries=0, read_timeout=2, connect_timeout=2)
        pipeline.fetch([cat], tmp_path / "s", options=opts)
    (report,) = pipeline.collate([cat], tmp_path / "s")
    page_report = next(w for w in report.witnesses if w.id == "made-page")
    assert page_report.verdict in ("identical", "equivalent")  # decoded by the evidence
    (flag,) = [f for f in page_report.findings if f.kind == "encoding"]
    assert flag.rule == "charset-disagreement" and flag.severity == "formal"
    assert "header=iso-8859-1" in flag.evidence[0]


def test_a_reference_most_copies_are_unrelated_to_is_set_aside(tmp_path: Path) -> None:
    """The most complete copy is an SEO page that only mixes two of the statement's
    paragraphs among other news: the two real copies, both cut off, are unrelated to
    it, so it is set aside and the longer real copy is the reference."""
    import shutil

    import made_classes

    mixer = made_classes.mixer(tmp_path)
    shutil.copy(made.SEED, tmp_path / "seed.md")
    shutil.copy(made_classes.real_wikisource(), tmp_path / "wikisource-excerpt.txt")
    catalogue = made.write_catalogue(
        tmp_path,
        [
            ("made-seo-mixer", "aggregator", mixer.wit.name),
            ("seed", "aggregator", "seed.md"),
            ("wikisource-excerpt", "community", "wikisource-excerpt.txt"),
        ],
    )
    store = tmp_path / "snapshots"
    pipeline.fetch([catalogue], store)
    (report,) = pipeline.collate([catalogue], store)
    assert report.reference is not None and report.reference.id == "seed"
    assert "set aside as the reference" in report.reference.chosen_because
    assert "made-seo-mixer" in report.reference.chosen_because
    verdicts = {w.id: w.verdict for w in report.witnesses}
    assert verdicts == {
        "made-seo-mixer": "unrelated",
        "seed": "truncated",
        "wikisource-excerpt": "truncated",
    }
