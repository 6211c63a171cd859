"""Each list of names is kept once: the CLI's choices and the catalogue's checks read
the registries and tuples they come from, and every registered class has its help."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest

from docwitness.catalogue import load_catalogues
from docwitness.cli import build_parser
from docwitness.compare import verdict
from docwitness.errors import CatalogueError
from docwitness.extract import EXTRACTORS, MEDIA_TYPES, format_of_name, sniff_format
from docwitness.model import (
    FAIL_ON,
    ROLES,
    Capture,
    Extraction,
    FailOn,
    Report,
    Role,
    WitnessReport,
)


def choices(option: str) -> dict[str, list[str]]:
    """The choices of ``option`` in every command that takes it, by command."""
    parser = build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: dict[str, list[str]] = {}
    for name, command in sub.choices.items():
        for action in command._actions:
            if option in action.option_strings:
                assert action.choices is not None, (name, option)
                found[name] = list(action.choices)
    return found


def test_roles_are_the_role_literal() -> None:
    assert get_args(Role) == ROLES
    assert ROLES == ("official", "mirror", "aggregator", "archive", "community")


def test_fail_on_levels_are_named_once() -> None:
    assert FAIL_ON == get_args(FailOn) == ("substantive", "formal", "any")
    assert verdict.FAIL_ON is FAIL_ON  # the verdict policy checks the same tuple
    found = choices("--fail-on")
    assert set(found) == {"check", "collate", "diff"}
    for command, names in found.items():
        assert names == list(FAIL_ON), command
    parser = build_parser()
    assert parser.parse_args(["diff", "a", "b"]).fail_on == FAIL_ON[0]


def test_every_fail_on_level_is_understood_by_the_verdict_policy() -> None:
    report = Report("d", "t", None, (WitnessReport("w", "s", "identical"),), "canonical/1")
    for level in FAIL_ON:
        assert verdict.exceeds(report, level) is False
    with pytest.raises(ValueError, match="fail_on"):
        verdict.exceeds(report, "everything")


# --------------------------------------------------------------------------- formats


def test_every_extractor_documents_itself_and_names_its_media_types_and_suffixes() -> None:
    assert EXTRACTORS.names() == ["html", "markdown", "pdf", "text"]
    suffixes: list[str] = []
    for name, cls in EXTRACTORS.items():
        assert EXTRACTORS.help(name), name
        assert cls.media_types and all("/" in t for t in cls.media_types), name
        assert cls.suffixes and all(s.startswith(".") for s in cls.suffixes), name
        suffixes += cls.suffixes
        module, _, work = cls.work.partition(":")  # type: ignore[attr-defined]
        assert callable(getattr(importlib.import_module(module), work)().extract), name
    assert len(suffixes) == len(set(suffixes))  # a suffix names one format


def test_catalogue_and_sniffing_import_no_extraction_module() -> None:
    code = (
        "import sys, docwitness.catalogue, docwitness.extract as e\n"
        "from docwitness.model import Capture\n"
        "e.sniff_format(Capture('a.pdf', '', b'x', '', 1, None, '', 'file'))\n"
        "print(sorted(m for m in sys.modules if m.startswith('docwitness.extract.')\n"
        "    or m.split('.')[0] in ('bs4', 'lxml', 'pdfplumber', 'markdown_it')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


class MadeFormat:
    """Made: a format that exists only in this test."""

    media_types: tuple[str, ...] = ("application/x-made",)
    suffixes: tuple[str, ...] = (".made",)

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        raise NotImplementedError


@pytest.fixture
def made_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(EXTRACTORS._items, "made", MadeFormat)


def _catalogue(tmp_path: Path, fmt: str) -> Path:
    (tmp_path / "made-copy.txt").write_text("text", encoding="utf-8")
    path = tmp_path / "made.toml"
    path.write_text(
        '[document]\nid = "d"\ntitle = "t"\nlanguage = "en"\n\n'
        f'[[witness]]\nid = "w"\nrole = "official"\npath = "made-copy.txt"\nformat = "{fmt}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.usefixtures("made_format")
def test_the_catalogue_and_sniffing_read_the_registry(tmp_path: Path) -> None:
    [doc] = load_catalogues([_catalogue(tmp_path, "made")])
    assert doc.witnesses[0].format == "made"
    with pytest.raises(CatalogueError) as info:
        load_catalogues([_catalogue(tmp_path, "docx")])
    assert "'docx' is not a format (one of: html, made, markdown, pdf, text)" in str(info.value)

    def cap(source: str, media: str | None = None) -> Capture:
        return Capture(source, "", b"x", "", 1, media, "", "file")

    assert MEDIA_TYPES["made"] == ("application/x-made",)
    assert sniff_format(cap("copy.MADE")) == "made"
    assert sniff_format(cap("copy", "application/x-made; v=1")) == "made"
    assert format_of_name("/a/b.made") == "made"


def test_media_type_of_a_name_is_the_registry_s_for_its_suffixes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import mimetypes

    from docwitness.capture import guess_media_type

    # A suffix a format claims is answered from the registry alone: the same on every
    # machine, whatever its MIME tables say.
    monkeypatch.setattr(mimetypes, "guess_type", lambda name, strict=True: ("x/wrong", None))
    assert guess_media_type("a.xhtml") == "application/xhtml+xml"  # html's type for it
    assert guess_media_type("a.shtml") == "text/html"
    assert guess_media_type("a.text") == "text/plain"
    assert guess_media_type("a.MARKDOWN") == "text/markdown"
    assert guess_media_type("/path/b.PDF") == "application/pdf"
    # Any other suffix is the system's guess.
    assert guess_media_type("a.docx") == "x/wrong"
    monkeypatch.setattr(mimetypes, "guess_type", lambda name, strict=True: (None, None))
    assert guess_media_type("a.docx") is None


# --------------------------------------------------------------------------- transports


def test_every_transport_documents_itself() -> None:
    from docwitness.capture.transports import TRANSPORTS

    assert TRANSPORTS.names() == ["file", "http", "warc", "wayback"]
    for name, _ in TRANSPORTS.items():
        assert TRANSPORTS.help(name), name


@pytest.mark.parametrize(
    ("keys", "served_by"),
    [
        ({"path": Path("copy.txt")}, "file"),
        ({"path": Path("copy.txt"), "url": "https://example.org/a.html"}, "file"),
        ({"url": "https://example.org/a.html"}, "http"),
        ({"urls": ("https://example.org/a_1.html", "https://example.org/a_2.html")}, "http"),
        ({"url": "https://example.org/a.html", "wayback": "20170705"}, "wayback"),
        ({"wayback": "https://web.archive.org/web/2017/https://example.org/a.html"}, "wayback"),
        ({"warc": Path("crawl.warc.gz"), "url": "https://example.org/a.html"}, "warc"),
        (
            {"warc": Path("c.wacz"), "url": "https://example.org/a.html", "captured": "2017"},
            "warc",
        ),
    ],
)
def test_exactly_one_transport_serves_each_witness(keys: dict[str, object], served_by: str) -> None:
    from docwitness.capture.transports import TRANSPORTS, transport_for
    from docwitness.specs import WitnessSpec

    spec = WitnessSpec(id="w", role="mirror", **keys)  # type: ignore[arg-type]
    serving = [name for name, cls in TRANSPORTS.items() if cls().serves(spec)]
    assert serving == [served_by]
    assert isinstance(transport_for(spec), TRANSPORTS.get(served_by))


def test_a_witness_no_transport_serves_is_unavailable() -> None:
    from docwitness.capture import capture_witness
    from docwitness.errors import CaptureError
    from docwitness.specs import WitnessSpec

    with pytest.raises(CaptureError, match="no path, url, wayback or warc to capture from"):
        capture_witness(WitnessSpec(id="w", role="mirror"))


def test_a_url_goes_to_the_most_specific_transport_that_takes_it() -> None:
    from docwitness.capture import FetchOptions
    from docwitness.capture.transports import spec_for_url
    from docwitness.errors import CaptureError

    opts = FetchOptions()
    archived = "https://web.archive.org/web/20170705/https://example.org/a.html"
    spec = spec_for_url(archived, opts)
    assert (spec.role, spec.url, spec.wayback) == (
        "archive",
        "https://example.org/a.html",
        archived,
    )
    # The same URL form on another host than the configured archive is a plain web page.
    elsewhere = "https://mirror.example/web/20170705/https://example.org/a.html"
    spec = spec_for_url(elsewhere, opts)
    assert (spec.role, spec.url, spec.wayback) == ("mirror", elsewhere, None)
    with pytest.raises(CaptureError, match=r"no transport takes this URL \(known: file, http"):
        spec_for_url("ftp://example.org/a.txt", opts)


def test_capture_uses_whichever_registered_transport_serves(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from docwitness.capture import capture_witness, fetch_many
    from docwitness.capture.transports import TRANSPORTS
    from docwitness.model import sha256_bytes
    from docwitness.specs import WitnessSpec

    class MadeTransport:
        """Made: a transport that exists only in this test."""

        specificity = 0

        def serves(self, spec: WitnessSpec) -> bool:
            return spec.id == "made"

        def spec_for_url(self, url: str, options: object) -> WitnessSpec | None:
            return None

        def capture(self, spec: WitnessSpec, *args: object) -> list[Capture]:
            body = b"made"
            return [Capture("made:", "", body, sha256_bytes(body), 4, None, "", "made")]

    monkeypatch.setitem(TRANSPORTS._items, "made", MadeTransport)
    [capture] = capture_witness(WitnessSpec(id="made", role="mirror"))
    assert capture.transport == "made"
    local = tmp_path / "copy.txt"
    local.write_text("text", encoding="utf-8")
    results = fetch_many(
        [WitnessSpec(id="made", role="mirror"), WitnessSpec(id="w", role="official", path=local)]
    )
    assert [c.transport for c in results["made"]] == ["made"]  # type: ignore[union-attr]
    assert [c.transport for c in results["w"]] == ["file"]  # type: ignore[union-attr]


# --------------------------------------------------------------------------- report formats


def test_every_report_format_documents_itself_and_is_a_cli_choice() -> None:
    from docwitness.report import REPORTERS, formats

    assert formats() == ["github", "html", "json", "markdown", "text"]
    for name in formats():
        assert REPORTERS.help(name), name
    found = choices("--format")
    assert set(found) == {"check", "collate", "report", "diff", "inspect", "cite"}
    # cite prints a text with its evidence, or the JSON report: no page, no summary.
    assert found.pop("cite") == ["text", "json"]
    for command, names in found.items():
        assert names == formats(), command


def test_start_up_imports_no_report_format() -> None:
    code = (
        "import sys\n"
        "from docwitness.cli import build_parser\n"
        "build_parser().parse_args(['log', 'w'])\n"
        "build_parser().parse_args(['diff', 'a', 'b', '--fail-on', 'any'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('docwitness.report.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_report_module_added_to_the_package_is_a_format(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docwitness.report as report
    from docwitness.cli import main

    (tmp_path / "made_format.py").write_text(
        "from docwitness.report import REPORTERS\n\n\n"
        '@REPORTERS.register("made")\n'
        "class MadeReporter:\n"
        '    """Made: a report format that exists only in this test."""\n\n'
        "    def render(self, report, *, show_formal=False, color=False):\n"
        '        return "made report\\n"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(report.REPORTERS, "_items", dict(report.REPORTERS._items))
    monkeypatch.setattr(report, "__path__", [*report.__path__, str(tmp_path)])
    report._load_formats.cache_clear()
    try:
        assert "made" in report.formats()
        a = tmp_path / "a.txt"
        a.write_text("一、甲。\n\n二、乙。\n", encoding="utf-8")
        assert main(["diff", str(a), str(a), "--format", "made"]) == 0
        assert capsys.readouterr().out == "made report\n"
    finally:
        sys.modules.pop("docwitness.report.made_format", None)
        report._load_formats.cache_clear()
