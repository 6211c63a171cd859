"""Damaged PDFs: the made statement typeset with reportlab, then broken by editing bytes.

Each edit keeps the file's length, so the cross-reference table still points at
the right objects and only the edited object is damaged. Whatever the PDF
libraries raise while the file is opened or its pages read is a damaged PDF:
exit 3 with one line on stderr. pdfminer's own log lines stay off stderr unless
``--debug``; what it said is in the extraction's warnings. The command line runs
in a child process, so that its logging is set up as a user's is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import made
import made_fixtures as mf
from docwitness.capture.file import capture_file
from docwitness.errors import ExitCode, ExtractionError
from docwitness.extract import extract
from processes import docwitness

MEDIABOX = b"/MediaBox [ 0 0 419.5276 595.2756 ]"
# (name, bytes of the made PDF, what replaces them, what the one line says)
DAMAGE = [
    ("made-no-mediabox.pdf", MEDIABOX, b" " * len(MEDIABOX), "MediaBox missing from /Page"),
    (
        "made-mediabox-name.pdf",
        MEDIABOX,
        b"/MediaBox [ 0 0 /WideXYZ 595.2756 ]",
        "float() argument must be a string or a real number, not 'PSLiteral'",
    ),
    (
        "made-broken-page-dict.pdf",
        b"/Contents 12 0 R /MediaBox",
        b"/Contents >> 0 R /MediaBox",
        "Invalid dictionary construct",
    ),
    (  # pdfminer's message holds the whole dictionary: it is cut short
        "made-broken-long-dict.pdf",
        b"/Rotate 0 /Trans",
        b"/Rotate >> /Tran",
        "Invalid dictionary construct: [/'Contents', <PDFObjRef:12>, /'MediaBox'",
    ),
]
FONTBBOX = (b"/FontBBox [ -25 -254 1000 880 ]", b"/FontBBox [ -25 -254 /Wid 880 ]")


@pytest.fixture(scope="module")
def made_pdf_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return mf.pdf_statement(tmp_path_factory.mktemp("pdf"))[0].read_bytes()


def _damaged(folder: Path, good: bytes, name: str, old: bytes, new: bytes) -> Path:
    assert len(old) == len(new) and good.count(old) >= 1
    path = folder / name
    path.write_bytes(good.replace(old, new, 1))
    return path


@pytest.mark.parametrize(("name", "old", "new", "says"), DAMAGE, ids=[d[0] for d in DAMAGE])
def test_a_damaged_pdf_is_one_line_and_exit_3(
    tmp_path: Path, made_pdf_bytes: bytes, name: str, old: bytes, new: bytes, says: str
) -> None:
    path = _damaged(tmp_path, made_pdf_bytes, name, old, new)
    proc = docwitness("inspect", str(path))
    assert proc.returncode == ExitCode.INCOMPLETE, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and len(lines[0]) < 400, lines
    assert lines[0].startswith(f"docwitness: error: cannot extract text from {path}: damaged PDF")
    assert says in lines[0]
    assert "WARNING" not in proc.stderr
    with pytest.raises(ExtractionError, match="damaged PDF") as err:
        extract(capture_file(path))
    assert err.value.exit_code == ExitCode.INCOMPLETE


def test_what_pdfminer_warns_of_is_recorded_not_printed(
    tmp_path: Path, made_pdf_bytes: bytes
) -> None:
    path = _damaged(tmp_path, made_pdf_bytes, "made-fontbbox-name.pdf", *FONTBBOX)
    proc = docwitness("inspect", str(path))
    assert proc.returncode in (ExitCode.OK, ExitCode.FINDINGS), proc.stderr
    assert proc.stderr == ""
    ext = extract(capture_file(path))
    assert made.TITLE in ext.blocks[0].text
    assert [w for w in ext.warnings if w.startswith("pdfminer:")] == [
        "pdfminer: Could not get FontBBox from font descriptor because "
        "[-25, -254, /'Wid', 880] cannot be parsed as 4 floats"
    ]
    # With --debug the log is shown as it comes.
    debug = docwitness("--debug", "inspect", str(path))
    assert "WARNING: Could not get FontBBox" in debug.stderr


def test_an_undamaged_pdf_has_no_pdfminer_warning(made_pdf_bytes: bytes, tmp_path: Path) -> None:
    path = tmp_path / "made-statement.pdf"
    path.write_bytes(made_pdf_bytes)
    assert not [w for w in extract(capture_file(path)).warnings if w.startswith("pdfminer:")]


def test_the_ascii85_decoder_reads_what_pdfminers_reads_in_linear_time() -> None:
    import base64
    import random
    import time

    from pdfminer.ascii85 import ascii85decode as pdfminers

    from docwitness.extract.pdf import _ascii85decode

    rng = random.Random(14)
    ends = [b"", b"~", b"~>", b" ~ > ", b"\n~>\n", b">", b"~~", b" \t"]
    starts = [b"", b"<~", b" <~ ", b"~", b"\n"]
    for _ in range(2000):
        data = rng.choice(starts) + base64.a85encode(rng.randbytes(rng.randrange(40)))
        data += rng.choice(ends)
        try:
            theirs: object = pdfminers(data)
        except ValueError as exc:
            theirs = type(exc)
        try:
            ours: object = _ascii85decode(data)
        except ValueError as exc:
            ours = type(exc)
        assert ours == theirs, data
    # A run of 200,000 spaces before the end marker: pdfminer's pattern is tried at
    # each of them (minutes); one strip from the end is not.
    stream = base64.a85encode(b"made" * 100) + b" " * 200_000 + b"~>"
    started = time.monotonic()
    assert _ascii85decode(stream) == b"made" * 100
    assert time.monotonic() - started < 1
