"""All witnesses at once: the variant table, the lineage and the text to cite.

Every family here is made from the statement (tests/made_family.py) with a known
history, and the tests check that the graph and the best text come out as the
family was built, and that a family whose evidence cannot decide says so.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

import browser
import made
import made_family
from docwitness import pipeline
from docwitness.cli import main
from docwitness.errors import ExitCode
from docwitness.model import Report
from docwitness.normalise import normalise_text
from docwitness.report import render

FULL = made_family.family()
EXPECTED_EDGES = {
    ("made-source", "made-copy-a", "derives"),
    ("made-source", "made-copy-b", "derives"),
    ("made-copy-a", "made-copy-of-a", "derives"),
}


def _report(tmp: Path, copies: dict[str, list[str]], reference: str | None = None) -> Report:
    catalogue = made_family.write_family(tmp, copies, reference)
    pipeline.fetch([catalogue], tmp / "store")
    return pipeline.cite("made-family", [catalogue], tmp / "store")


def _edges(report: Report) -> set[tuple[str, str, str]]:
    assert report.lineage is not None
    return {(e.source, e.target, e.relation) for e in report.lineage.edges}


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return _report(tmp_path_factory.mktemp("family"), FULL)


# The graph must not depend on which copy the others happen to be aligned with.
@pytest.mark.parametrize("reference", [None, "made-independent", "made-copy-of-a", "made-copy-b"])
def test_the_graph_comes_out_as_the_family_was_built(tmp_path: Path, reference: str | None) -> None:
    report = _report(tmp_path, FULL, reference)
    assert _edges(report) == EXPECTED_EDGES
    assert report.lineage is not None and report.lineage.decided
    families = {frozenset(f) for f in report.lineage.families}
    assert frozenset({"made-independent"}) in families
    assert frozenset({"made-source", "made-copy-a", "made-copy-b", "made-copy-of-a"}) in families
    assert any("made-independent" in n and "independent" in n for n in report.lineage.notes)


def test_each_edge_names_the_readings_it_rests_on(full: Report) -> None:
    assert full.lineage is not None and full.table is not None
    by_target = {e.target: e for e in full.lineage.edges}
    of_a = by_target["made-copy-of-a"]
    text = " ".join(of_a.evidence)
    # made-copy-a's own variants, inherited, and the family's split and site text.
    assert "“继续”" in text and "“务必”" in text
    assert "page-break split" in text and "site text" in text
    marks = {m for n in of_a.places for r in full.table.places[n].readings for m in r.marks}
    assert {"page-break", "site-text"} <= marks
    # made-copy-b shares only the source's readings with it: no edge between them.
    assert ("made-copy-a", "made-copy-b") not in {(e.source, e.target) for e in full.lineage.edges}


def test_the_best_text_is_the_statement_where_the_sources_agree(full: Report) -> None:
    c = full.citation
    assert c is not None and not c.official
    statement = made.made_statement()
    # The one place the two independent sources cannot settle (made-source's own
    # variant against made-independent's reading) takes the larger family's reading.
    expected = made_family.apply(statement, made_family.SOURCE_OWN[1])
    assert list(c.paragraphs) == [normalise_text(p) for p in expected]
    assert made_family.SITE_TEXT not in "\n".join(c.paragraphs)
    assert c.closest == "made-source"


def test_ties_between_independent_sources_are_flagged_and_nothing_else(full: Report) -> None:
    c = full.citation
    assert c is not None and full.table is not None
    tied = [p for p in c.places if "tie" in p.flags]
    # made-independent's two variants, and made-source's own: the two sources disagree.
    assert len(tied) == 3
    for p in tied:
        place = full.table.places[p.place or 0]
        assert {w for r in place.readings for w in r.witnesses} >= {"made-independent"}
        assert any(ws == ("made-independent",) for _, ws in p.others) or p.support == (
            "made-independent",
        )
    # The copies' own errors are outvoted without a tie: both sources read otherwise.
    untied = [p for p in c.places if p.place is not None and not p.flags]
    assert all("made-independent" in p.support for p in untied)


def test_a_family_the_evidence_cannot_decide_says_so(tmp_path: Path) -> None:
    report = _report(tmp_path, made_family.thin_family())
    assert report.lineage is not None
    assert not report.lineage.decided and report.lineage.edges == ()
    assert any(n.startswith("Too thin to decide") for n in report.lineage.notes)
    # made-thin-1 and made-thin-4 share one variant, but two copies read otherwise:
    # no majority says which is the original, and it is not counted.
    assert any("no reading is held by a majority" in n for n in report.lineage.notes)


def test_two_copies_can_tell_nothing_of_lineage(tmp_path: Path) -> None:
    copies = {k: FULL[k] for k in ("made-source", "made-copy-of-a")}
    report = _report(tmp_path, copies)
    assert report.lineage is not None and report.lineage.edges == ()
    assert "two copies" in report.lineage.notes[0] and "at least three" in report.lineage.notes[0]


def test_the_same_cut_at_the_same_place_is_shared_evidence(tmp_path: Path) -> None:
    statement = made.made_statement()
    cut = [*statement[:20], statement[20][:30]]
    copies = {
        "made-whole": statement,
        "made-cut": made_family.apply(cut, made_family.substitute(5, 12, "全面")),
        "made-cut-copy": made_family.apply(
            cut, made_family.substitute(5, 12, "全面"), made_family.substitute(9, 16, "深入")
        ),
        "made-other": made_family.apply(statement, made_family.substitute(3, 30, "继续")),
    }
    report = _report(tmp_path, copies, "made-whole")
    assert _edges(report) == {("made-cut", "made-cut-copy", "derives")}
    edge = report.lineage.edges[0] if report.lineage else None
    assert edge is not None and "the same cut" in " ".join(edge.evidence)


def test_shared_encoding_damage_is_shared_evidence(tmp_path: Path) -> None:
    statement = made.made_statement()
    damaged = made_family.apply(statement, made_family.substitute(6, 20, "\ufffd\ufffd"))
    copies = {
        "made-clean": statement,
        "made-damaged": damaged,
        "made-damaged-copy": made_family.apply(damaged, made_family.substitute(12, 9, "深入")),
        "made-clean-2": made_family.apply(statement, made_family.substitute(3, 30, "继续")),
    }
    report = _report(tmp_path, copies, "made-clean")
    assert _edges(report) == {("made-damaged", "made-damaged-copy", "derives")}


def test_with_an_official_copy_its_text_is_the_text(tmp_path: Path) -> None:
    statement = made.made_statement()
    made.write_made(tmp_path, "made-official.txt", statement)
    catalogue = made_family.write_family(tmp_path, {k: FULL[k] for k in ("made-copy-a",)})
    text = catalogue.read_text(encoding="utf-8")
    text += '\n[[witness]]\nid = "made-official"\nrole = "official"\npath = "made-official.txt"\n'
    catalogue.write_text(text, encoding="utf-8")
    pipeline.fetch([catalogue], tmp_path / "store")
    report = pipeline.cite("made-family", [catalogue], tmp_path / "store")
    c = report.citation
    assert c is not None and c.official and c.closest == "made-official"
    assert list(c.paragraphs) == statement
    diverging = {t for p in c.places for t, ws in p.others if "made-copy-a" in ws}
    assert {"继续", "务必"} <= diverging


def test_the_table_merges_overlapping_places_of_different_witnesses(full: Report) -> None:
    assert full.table is not None
    places = full.table.places
    # Every witness has exactly one reading, or is absent, at every place.
    for p in places:
        seen = [w for r in p.readings for w in r.witnesses] + list(p.absent)
        assert sorted(seen) == sorted(full.table.witnesses)
        assert p.readings[0].witnesses[0] == full.table.reference
    spans = [(p.paragraph, p.start, p.end) for p in places]
    assert spans == sorted(spans)
    assert all(a[0] != b[0] or a[2] < b[1] for a, b in itertools.pairwise(spans))


def test_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    catalogue = made_family.write_family(tmp_path, FULL)
    store = str(tmp_path / "store")
    assert main(["fetch", str(catalogue), "--store", store]) == ExitCode.OK
    capsys.readouterr()
    assert main(["cite", "made-family", "--catalogue", str(catalogue), "--store", store]) == 0
    out = capsys.readouterr().out
    assert out.startswith("docwitness cite: made family\n")
    assert "the copy to cite: made-source" in out and "tie between independent sources" in out
    assert "made-copy-of-a copied from made-copy-a" in out
    argv = ["cite", "made-family", "--catalogue", str(catalogue), "--store", store]
    assert main([*argv, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["schema"] == "docwitness.report/1" and data["kind"] == "cite"
    assert data["citation"]["closest"] == "made-source"
    assert {(e["source"], e["target"]) for e in data["lineage"]["edges"]} == {
        (a, b) for a, b, _ in EXPECTED_EDGES
    }
    main(["collate", "--all", str(catalogue), "--store", store, "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert data["variants"]["witnesses"][0] == data["reference"]["id"]
    assert len(data["variants"]["places"]) == data["variants"]["count"] > 0
    main(["collate", str(catalogue), "--store", store, "--format", "json"])
    assert "variants" not in json.loads(capsys.readouterr().out)


def test_formal_places_are_folded_unless_asked(full: Report) -> None:
    collation = dataclasses.replace(full, kind="collation", citation=None)
    folded = render(collation, "text")
    shown = render(collation, "text", show_formal=True)
    assert "folded: --show-formal lists them" in folded
    assert " formal " not in "".join(x for x in folded.splitlines() if x.startswith("  #"))
    assert any(x.startswith("  #") and " formal " in x for x in shown.splitlines())


def test_cite_of_an_unknown_document_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    catalogue = made_family.write_family(tmp_path, {"made-source": FULL["made-source"]})
    code = main(["cite", "made-nothing", "--catalogue", str(catalogue), "--store", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE and len(err.strip().splitlines()) == 1
    assert "made-nothing" in err


def test_the_bundled_catalogue_offline_says_how_little_two_copies_tell(tmp_path: Path) -> None:
    catalogue = made.ROOT / "sources" / "cn-ru-joint-statement-2017.toml"
    result = pipeline.check([catalogue], tmp_path / "store", offline=True)
    report = result.reports[0]
    assert report.table is not None and report.lineage is not None
    assert set(report.table.witnesses) == {"yunbaogao-preview", "wikisource-excerpt"}
    assert report.table.excluded["china-com"] == "offline: not fetched"
    assert report.lineage.edges == () and not report.lineage.decided
    assert "two copies" in report.lineage.notes[0]
    html = render(report, "html")
    assert 'id="lineage"' in html and "<svg" in html and "two copies" in html


# --------------------------------------------------------------------------- the HTML


@pytest.fixture(scope="module")
def chromium() -> Iterator[browser.Browser]:
    exe = browser.find_chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI is set but chromium is missing: apt-get install -y chromium")
        pytest.skip("chromium is not installed (apt-get install chromium); CI runs this")
    b = browser.Browser(exe)
    try:
        yield b
    finally:
        b.close()


def test_the_lineage_is_an_inline_svg_in_the_page(
    chromium: browser.Browser, full: Report, tmp_path: Path
) -> None:
    html = render(full, "html")
    assert "<script" not in html.lower()
    path = tmp_path / "made-family.html"
    path.write_text(html, encoding="utf-8")
    page = chromium.open(path.as_uri())
    try:
        assert page.errors() == []
        assert page.requests() == [path.as_uri()]
        nodes = page.evaluate(
            "[...document.querySelectorAll('#lineage svg .dw-node text')].map(t => t.textContent)"
        )
        assert sorted(nodes) == sorted(FULL)
        arrows = page.evaluate("document.querySelectorAll('#lineage svg .dw-edge-derives').length")
        assert arrows == 3
        # Each arrow points down from the source's box to the copy's, as drawn.
        boxes = page.evaluate(
            "Object.fromEntries([...document.querySelectorAll('#lineage svg .dw-node')]"
            ".map(g => [g.querySelector('text').textContent,"
            " g.querySelector('rect').getBoundingClientRect().top]))"
        )
        assert boxes["made-source"] < boxes["made-copy-a"] < boxes["made-copy-of-a"]
        assert boxes["made-source"] < boxes["made-copy-b"]
        rows = page.evaluate("document.querySelectorAll('#all-witnesses tr.dw-place').length")
        assert full.table is not None and rows == len(full.table.places)
        visible = page.evaluate(
            "[...document.querySelectorAll('#all-witnesses tr.dw-formal')]"
            ".filter(r => r.checkVisibility()).length"
        )
        assert visible == 0  # formal places folded
        page.evaluate("document.querySelector('#all-witnesses details.dw-formal').open = true")
        shown = page.evaluate(
            "[...document.querySelectorAll('#all-witnesses tr.dw-formal')]"
            ".filter(r => r.checkVisibility()).length"
        )
        assert shown == sum(not p.substantive for p in full.table.places) > 0
    finally:
        page.close()
