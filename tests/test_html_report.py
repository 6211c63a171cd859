"""The HTML report: markup checks, then the page as headless Chromium loads it.

The collated report is built from made copies of the statement (tests/made.py):
one with "坚决" replaced by "强烈", one cut off in the middle of a paragraph, one
carrying script payloads, and one with half-width punctuation (formal only).
The browser tests run wherever chromium is installed; they are skipped only
when it is missing and CI is unset, and fail when CI is set and it is missing.
"""

from __future__ import annotations

import dataclasses
import os
import struct
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

import browser
import made
from docwitness.model import (
    AlignedRow,
    Digests,
    Document,
    Finding,
    ReferenceInfo,
    Report,
    WitnessReport,
)
from docwitness.pipeline import load_copy
from docwitness.report import REPORTERS, formats, render
from docwitness.report.html import safe_href

PAYLOAD_SCRIPT = "<script>document.title='pwned'</script>"
PAYLOAD_IMG = "<img src=x onerror=\"document.title='pwned'\">"
PAYLOAD_LINK = "javascript:document.title='pwned'"
PAYLOAD_PARAGRAPH = f'{PAYLOAD_SCRIPT}{PAYLOAD_IMG}<a href="{PAYLOAD_LINK}">点此</a>'
DIGESTS = Digests("sha256:" + "a" * 64, "sha256:" + "b" * 64, "sha256:" + "c" * 64)


def _cut(paragraphs: list[str]) -> list[str]:
    """The statement cut off halfway through its second-to-last paragraph."""
    keep = paragraphs[:-2]
    last = paragraphs[-2]
    return [*keep, last[: len(last) // 2]]


def _collate(reference: Document, witnesses: list[Document]) -> Report:
    from docwitness.compare.engine import compare

    info = ReferenceInfo(
        id=reference.witness_id,
        source=reference.source,
        digests=reference.digests,
        paragraphs=len(reference.paragraphs),
        chosen_because="named in the test",
    )
    return Report(
        document_id="cn-ru-joint-statement-2017",
        document_title=made.TITLE,
        reference=info,
        witnesses=tuple(compare(reference, w) for w in witnesses),
        profile=reference.profile,
    )


@pytest.fixture(scope="module")
def made_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("made")
    statement = made.made_statement()
    made.write_made(d, "made-statement.txt", statement)
    made.write_made(d, "made-substituted.txt", [p.replace("坚决", "强烈") for p in statement])
    made.write_made(d, "made-truncated.txt", _cut(statement))
    with_payload = [*statement[:5], PAYLOAD_PARAGRAPH, *statement[5:]]
    made.write_made(d, "made-payload.txt", with_payload)
    made.write_made(d, "made-halfwidth.txt", [p.replace("，", ",") for p in statement])
    framed = [*statement, "责任编辑：王某"]
    framed[18], framed[19] = framed[19], framed[18]
    made.write_made(d, "made-framed.txt", framed)
    # Paragraphs 8–10 dropped, three made ones inserted after paragraph 15.
    added = [f"另外插入的第{n}段话，与声明无关，只为测试而造。" for n in (1, 2, 3)]
    runs = [*statement[:8], *statement[11:16], *added, *statement[16:]]
    made.write_made(d, "made-runs.txt", runs)
    return d


@pytest.fixture(scope="module")
def report(made_dir: Path) -> Report:
    reference = load_copy(str(made_dir / "made-statement.txt"))
    names = (
        "made-substituted",
        "made-truncated",
        "made-payload",
        "made-halfwidth",
        "made-framed",
        "made-runs",
    )
    collated = _collate(reference, [load_copy(str(made_dir / f"{n}.txt")) for n in names])
    # A catalogue can give a witness any URL; these must stay text, never links.
    hostile = dataclasses.replace(
        collated.witnesses[2],
        source=PAYLOAD_LINK,
        metadata={"archive_url": "JavaScript:document.title='pwned'"},
    )
    unavailable = WitnessReport(
        id="made-gone",
        source="https://example.invalid/gone",
        verdict="unavailable",
        role="official",
        reason="HTTP 404 from example.invalid",
    )
    witnesses = (*collated.witnesses[:2], hostile, *collated.witnesses[3:], unavailable)
    return dataclasses.replace(collated, witnesses=witnesses)


def _index(report: Report, witness_id: str) -> int:
    return next(i for i, w in enumerate(report.witnesses) if w.id == witness_id)


@pytest.fixture(scope="module")
def page_html(report: Report) -> str:
    return render(report, "html")


# ----------------------------------------------------------------- markup


def test_html_is_a_registered_format_with_help() -> None:
    assert "html" in formats()
    assert REPORTERS.help("html")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.fmprc.gov.cn/web/zyxw/t1475444.shtml", True),
        ("http://127.0.0.1:8000/a?b=c&d=e", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ('https://x.example/"onmouseover=alert(1)', False),
        ("https://x.example/ onmouseover=alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("file:///etc/passwd", False),
        ("//x.example/a", False),
        ("", False),
        (None, False),
    ],
)
def test_only_plain_http_urls_become_links(url: str | None, allowed: bool) -> None:
    assert (safe_href(url) is not None) is allowed


class _Tags(HTMLParser):
    """Every element and attribute of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        self._in_style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style += data

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False


def test_page_is_self_contained(page_html: str) -> None:
    parsed = _Tags()
    parsed.feed(page_html)
    # Nothing that could make a request or run code: no external resources, no script.
    fetching = {"script", "link", "img", "iframe", "object", "embed", "video", "audio", "base"}
    assert not [t for t, _ in parsed.tags if t in fetching]
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            assert name not in ("src", "srcset", "action") and not name.startswith("on"), tag
            if name == "href":
                assert value and (value.startswith("#") or safe_href(value)), value
            if name == "style":
                assert "url(" not in (value or ""), value
    assert "url(" not in parsed.style and "@import" not in parsed.style
    csp = [
        dict(a)
        for t, a in parsed.tags
        if t == "meta" and ("http-equiv", "Content-Security-Policy") in a
    ]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")


def test_witness_text_is_escaped_in_the_markup(page_html: str) -> None:
    assert PAYLOAD_SCRIPT not in page_html and "<img" not in page_html
    assert "&lt;script&gt;document.title=&#x27;pwned&#x27;&lt;/script&gt;" in page_html
    assert 'href="javascript' not in page_html.lower()


def test_summary_and_cite_block_carry_provenance(report: Report, page_html: str) -> None:
    w = report.witnesses[_index(report, "made-substituted.txt")]
    assert w.digests is not None
    for text in (
        w.digests.raw,
        w.digests.canonical,
        "Cite this copy",
        "HTTP 404 from example.invalid",
    ):
        assert text in page_html


def test_show_formal_opens_the_formal_differences(report: Report) -> None:
    assert '<details class="dw-formal" open>' in render(report, "html", show_formal=True)
    assert '<details class="dw-formal" open>' not in render(report, "html")


def test_a_single_copy_inspection_renders_without_a_reference() -> None:
    from docwitness.single_copy import inspect_document

    seed = inspect_document(load_copy(str(made.SEED)))
    report = Report("doc", made.TITLE, None, (seed,), "canonical/1", kind="inspect")
    page = render(report, "html")
    assert "No reference" in page and "truncation" in page
    # Every finding of the inspection is listed, each in its own row.
    assert page.count('<tr class="dw-f-') == len(seed.findings) > 0


def test_a_report_without_reference_renders_the_witness_alone() -> None:
    witness = WitnessReport(
        id="made-single",
        source="made-single.txt",
        verdict="truncated",
        coverage=None,
        digests=DIGESTS,
        findings=(Finding("truncation", "substantive", outline="十", offset=12),),
        rows=(AlignedRow("extra", (), (0,), "", "十、双方认为"),),
    )
    report = Report("doc", made.TITLE, None, (witness,), "canonical/1", kind="inspect")
    page = render(report, "html")
    assert "No reference" in page and "十、双方认为" in page
    assert "<th>Reference</th>" not in page


# ----------------------------------------------------------------- in the browser


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


@pytest.fixture(scope="module")
def page(
    chromium: browser.Browser, page_html: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[browser.Page, str]]:
    path = tmp_path_factory.mktemp("report") / "made-report.html"
    path.write_text(page_html, encoding="utf-8")
    loaded = chromium.open(path.as_uri())
    try:
        yield loaded, path.as_uri()
    finally:
        loaded.close()


def test_page_loads_without_errors_or_requests(page: tuple[browser.Page, str]) -> None:
    p, url = page
    assert p.evaluate("document.readyState") == "complete"
    assert p.errors() == []
    assert p.requests() == [url]


def test_variants_are_highlighted_in_the_rendered_page(
    page: tuple[browser.Page, str], report: Report
) -> None:
    p, _ = page
    i = _index(report, "made-substituted.txt")
    deleted = p.evaluate(
        f"[...document.querySelectorAll('#w{i} del.dw-del')].map(e => e.textContent)"
    )
    inserted = p.evaluate(
        f"[...document.querySelectorAll('#w{i} ins.dw-ins')].map(e => e.textContent)"
    )
    assert "坚决" in "".join(deleted) and "强烈" in "".join(inserted)
    assert p.evaluate(
        f"document.querySelector('#w{i} del.dw-del').closest('td')"
        ".nextElementSibling.querySelector('ins.dw-ins') !== null"
    )


def test_truncation_is_marked_once_where_the_copy_stops(
    page: tuple[browser.Page, str], report: Report
) -> None:
    p, _ = page
    i = _index(report, "made-truncated.txt")
    cut = next(f for f in report.witnesses[i].findings if f.kind == "truncation")
    assert p.evaluate(f"document.querySelectorAll('#w{i} .dw-cut-row').length") == 1
    after = f"document.querySelector('#w{i}-r{cut.ref}').nextElementSibling"
    assert p.evaluate(f"{after}.classList.contains('dw-cut-row')")
    assert f"point {cut.outline}" in p.evaluate(f"{after}.innerText")
    # The cut paragraph's lost tail is struck out on the reference side, beside the ✂.
    row = f"document.querySelector('#w{i}-r{cut.ref}')"
    assert p.evaluate(
        f"{row}.querySelector('del.dw-del') !== null && {row}.innerText.includes('✂')"
    )
    # The reference paragraph after the cut is a gap on the witness side.
    gap = f"document.querySelector('#w{i}-r{(cut.ref or 0) + 1} td.dw-gap').innerText"
    assert p.evaluate(gap) == "missing from this copy"


def test_outline_points_are_in_the_margin(page: tuple[browser.Page, str], report: Report) -> None:
    p, _ = page
    i = _index(report, "made-substituted.txt")
    # textContent, not innerText: the labels of folded paragraphs are there, not shown.
    labels = p.evaluate(
        f"[...document.querySelectorAll('#w{i} .dw-point')].map(e => e.textContent)"
    )
    assert labels == list("一二三四五六七八九")
    variant_row = f"document.querySelector('#w{i} del.dw-del').closest('tr')"
    assert p.evaluate(f"{variant_row}.dataset.point") == "四"


def test_boilerplate_is_greyed_and_moves_are_marked(
    page: tuple[browser.Page, str], report: Report
) -> None:
    p, _ = page
    i = _index(report, "made-framed.txt")
    boiler = f"document.querySelector('#w{i} tr.dw-boiler')"
    assert "责任编辑" in p.evaluate(f"{boiler}.innerText")
    plain = f"getComputedStyle(document.querySelector('#w{i} tr.dw-k-equal td.dw-text')).color"
    grey = f"getComputedStyle({boiler}.querySelector('td.dw-text')).color"
    assert p.evaluate(grey) != p.evaluate(plain)
    assert (
        p.evaluate(f"document.querySelector('#w{i} tr.dw-k-moved .dw-kind').innerText") == "moved"
    )


def test_script_payload_renders_as_text_and_runs_nothing(
    page: tuple[browser.Page, str], report: Report
) -> None:
    p, url = page
    assert p.evaluate("document.title") == f"docwitness: {made.TITLE}"
    assert p.evaluate("document.scripts.length") == 0
    assert p.evaluate("document.querySelectorAll('img, [onerror]').length") == 0
    assert (
        p.evaluate(
            "[...document.querySelectorAll('a')]"
            ".filter(a => !/^(https?:|file:.*#)/.test(a.href)).length"
        )
        == 0
    )
    i = _index(report, "made-payload.txt")
    text = p.evaluate(f"document.querySelector('#w{i}').innerText")
    for payload in (PAYLOAD_SCRIPT, PAYLOAD_IMG, PAYLOAD_LINK):
        assert payload in text
    assert p.requests() == [url]  # the <img src=x> would have been a request


def test_formal_differences_toggle(page: tuple[browser.Page, str], report: Report) -> None:
    p, _ = page
    i = _index(report, "made-halfwidth.txt")
    visible = f"document.querySelector('#w{i} details.dw-formal table').checkVisibility()"
    assert p.evaluate(visible) is False
    p.evaluate(f"document.querySelector('#w{i} details.dw-formal summary').click()")
    assert p.evaluate(visible) is True
    # Both readings, with the difference itself marked: "，" in the reference, "," here.
    marked = f"[...document.querySelectorAll('#w{i} details.dw-formal {{}}')].map(e => e.innerText)"
    assert set(p.evaluate(marked.format("del.dw-del"))) == {"，"}
    assert set(p.evaluate(marked.format("ins.dw-ins"))) == {","}


def test_the_command_line_screenshot_renders_the_page(
    chromium: browser.Browser, page: tuple[browser.Page, str], tmp_path: Path
) -> None:
    # The route a person takes to look at the page (chromium --screenshot); the
    # layout itself is judged by eye, this checks that the page paints.
    out = tmp_path / "made-report.png"
    browser.screenshot(chromium.executable, page[1], out, width=1200, height=900)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 900)


def test_paragraphs_the_same_in_both_are_folded_and_open_on_click(
    page: tuple[browser.Page, str], report: Report
) -> None:
    p, _ = page
    i = _index(report, "made-substituted.txt")
    folds = f"document.querySelectorAll('#w{i} details.dw-same')"
    assert p.evaluate(f"{folds}.length") >= 1
    inside = f"{folds}[0].querySelector('p')"
    assert p.evaluate(f"{inside}.checkVisibility()") is False
    p.evaluate(f"{folds}[0].querySelector('summary').click()")
    assert p.evaluate(f"{inside}.checkVisibility()") is True
    # Every difference stays in view, folds closed or not.
    for w_index in range(len(report.witnesses)):
        hidden = p.evaluate(
            f"[...document.querySelectorAll('#w{w_index} del.dw-del, #w{w_index} ins.dw-ins')]"
            ".filter(e => !e.closest('details.dw-formal') && !e.checkVisibility()).length"
        )
        assert hidden == 0, report.witnesses[w_index].id


def test_unchanged_text_is_shown_once(report: Report, page_html: str) -> None:
    from html import escape

    i = _index(report, "made-substituted.txt")
    section = page_html.split(f'id="w{i}"', 1)[1].split(f'id="w{i + 1}"', 1)[0]
    w = report.witnesses[i]
    changed = {f.ref for f in w.findings}
    # The title is cited again in the "cite this copy" block; every other paragraph the
    # same in both is in the page once, not once a side.
    same = [
        r
        for r in w.rows
        if r.kind == "equal" and r.ref[0] not in changed and r.ref_text != report.document_title
    ]
    assert same
    for row in same:
        assert section.count(escape(row.ref_text, quote=True)) == 1, row.ref


def test_a_run_of_missing_or_extra_paragraphs_is_one_finding_and_one_row(
    page: tuple[browser.Page, str], report: Report, made_dir: Path
) -> None:
    p, _ = page
    i = _index(report, "made-runs.txt")
    w = report.witnesses[i]
    runs = [f for f in w.findings if f.kind in ("missing", "extra")]
    assert [(f.kind, f.count) for f in runs] == [("missing", 3), ("extra", 3)]
    tags = p.evaluate(
        f"[...document.querySelectorAll('#w{i} tr.dw-k-missing, #w{i} tr.dw-k-extra')]"
        ".map(tr => tr.querySelector('.dw-kind').innerText)"
    )
    assert tags == ["missing ×3", "extra ×3"]
    row = f"document.querySelector('#w{i} tr.dw-k-extra')"
    shown = p.evaluate(f"[...{row}.querySelectorAll('p')].map(e => e.innerText)")
    assert shown == [f"另外插入的第{n}段话,与声明无关,只为测试而造。" for n in (1, 2, 3)]


def test_every_finding_of_every_witness_is_shown(
    page: tuple[browser.Page, str], report: Report
) -> None:
    p, _ = page
    for i, w in enumerate(report.witnesses):
        shown = p.evaluate(f"document.querySelectorAll('#w{i} table.dw-findings tbody tr').length")
        assert shown == len(w.findings), w.id
        kinds = p.evaluate(
            f"[...document.querySelectorAll('#w{i} table.dw-findings tbody tr td:first-child')]"
            ".map(td => td.firstChild.textContent.trim())"
        )
        assert kinds == [f.kind for f in w.findings], w.id


# ----------------------------------------------------------------- the seed, on its own


@pytest.fixture(scope="module")
def seed_page_html() -> str:
    from docwitness.pipeline import inspect_copy

    return render(inspect_copy(str(made.SEED)), "html")


def test_the_seed_alone_shows_its_text_in_one_column(seed_page_html: str) -> None:
    assert "<th>Reference</th>" not in seed_page_html
    assert seed_page_html.count('<tr class="dw-k-text') == 31  # every paragraph, in order
    # Where it stops, in its own terms: point 十 (the "1." after "九、"), paragraph 28.
    assert "The copy stops here: point 十, paragraph 28 (evidence: cut-off-marker" in (
        seed_page_html
    )


def test_the_seed_in_the_browser(
    chromium: browser.Browser, seed_page_html: str, tmp_path: Path
) -> None:
    path = tmp_path / "made-seed-report.html"
    path.write_text(seed_page_html, encoding="utf-8")
    p = chromium.open(path.as_uri())
    try:
        assert p.errors() == [] and p.requests() == [path.as_uri()]
        rows = "[...document.querySelectorAll('#w0 table.dw-sbs tbody tr')]"
        texts = p.evaluate(f"{rows}.map(r => r.innerText)")
        cut = next(k for k, t in enumerate(texts) if t.startswith("✂ The copy stops here"))
        assert "影响力持续提升。双方" in texts[cut - 1] and "✂" in texts[cut - 1]
        assert "预览已结束" in texts[cut + 1]  # the footer follows the cut, greyed
        assert p.evaluate(f"{rows}[{cut + 1}].classList.contains('dw-boiler')")
        margin = p.evaluate(f"{rows}.map(r => r.querySelector('.dw-point')?.innerText ?? '')")
        assert [m for m in margin if m] == list("一二三四五六七八九十")
        split = p.evaluate(
            f"{rows}.filter(r => r.innerText.includes('split')).map(r => r.innerText)"
        )
        assert len(split) == 2 and "发挥关键作" in split[0] and split[1].strip().startswith("用")
    finally:
        p.close()


def test_cite_block_names_the_origin_of_a_local_copy(tmp_path: Path) -> None:
    from docwitness import pipeline

    root = Path(made.ROOT)
    store = tmp_path / "snapshots"
    pipeline.fetch([root / "sources" / "cn-ru-joint-statement-2017.toml"], store, offline=True)
    (report,) = pipeline.collate([root / "sources" / "cn-ru-joint-statement-2017.toml"], store)
    page = render(report, "html")
    origin = "https://www.yunbaogao.cn/report/index/report?reportId=11_1036"
    assert f'<dt>URL</dt><dd><a class="dw-url" href="{origin}"' in page
    assert "<dt>Held as</dt><dd>" in page and "yunbaogao-11_1036-preview.md" in page


def test_the_page_says_where_a_copy_begins_and_what_its_framing_claims(tmp_path: Path) -> None:
    """A made repost that begins at point 四 under a date-and-source line: the page
    marks where it begins, and shows the time and source the line claims."""
    import made_classes
    from docwitness import pipeline

    pair = made_classes.begins_late(tmp_path)
    page = render(pipeline.diff(str(pair.ref), str(pair.wit)), "html")
    assert "✂ The copy begins here: begins at point 四" in page
    assert "claims: 2017-07-05 05:42:41, source 新华网" in page
    # The witness does not stop early: no "stops here" mark.
    assert "The copy stops here" not in page


def test_a_copy_of_another_document_is_listed_first(tmp_path: Path) -> None:
    """In a collation, an unrelated copy heads the list of witnesses."""
    import made_classes
    from docwitness import pipeline

    mixer = made_classes.mixer(tmp_path)
    catalogue = made.write_catalogue(
        tmp_path,
        [
            ("made-statement", "mirror", mixer.ref.name),
            ("made-copy", "mirror", mixer.ref.name),
            ("made-mixer", "aggregator", mixer.wit.name),
        ],
        reference="made-statement",
    )
    store = tmp_path / "snapshots"
    pipeline.fetch([catalogue], store)
    (report,) = pipeline.collate([catalogue], store)
    assert report.witnesses[0].id == "made-mixer"
    assert report.witnesses[0].verdict == "unrelated"
    page = render(report, "html")
    assert page.index("made-mixer") < page.index("made-copy")
