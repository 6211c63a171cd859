"""Charset decisions on made copies of the statement (built from the seed, never real pages).

The trap these guard against: a wrong single-byte header (ISO-8859-1, cp1252)
decodes GB18030 bytes "cleanly" into mojibake, and a reader that trusts it
never notices. Evidence that agrees with the bytes must win, and the
disagreement must be recorded.
"""

from __future__ import annotations

import pytest

import made
from docwitness.extract.charset import canonical_encoding, decode, looks_binary, meta_charset

STATEMENT = "\n".join(made.made_statement())


def made_html(meta: str | None, text: str = STATEMENT, http_equiv: bool = False) -> str:
    """A made HTML page around ``text``, declaring ``meta`` as its charset (or nothing)."""
    if meta is None:
        head = ""
    elif http_equiv:
        head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">'
    else:
        head = f'<meta charset="{meta}">'
    paras = "".join(f"<p>{p}</p>\n" for p in text.split("\n"))
    return f"<html><head>{head}<title>made</title></head><body>\n{paras}</body></html>\n"


GB_META = made_html("gb2312").encode("gb18030")


@pytest.mark.parametrize(
    ("header", "meta", "http_equiv", "chosen_by", "disagreeing"),
    [
        # charset only in <meta>: no header at all
        (None, "gb2312", False, "meta", ()),
        (None, "gbk", True, "meta", ()),
        # a GBK header on GB bytes: the label widens to GB18030 and agrees
        ("gbk", "gb2312", False, "header", ()),
        # wrong header, right meta: the meta wins and the header is flagged
        ("iso-8859-1", "gb2312", False, "meta", ("header",)),
        ("windows-1252", "gb2312", True, "meta", ("header",)),
        ("utf-8", "gb2312", False, "meta", ("header",)),
        # wrong header and no meta: the detector, reading the bytes, wins
        ("iso-8859-1", None, False, "detector", ("header",)),
    ],
)
def test_gb18030_bytes_are_decoded_by_the_evidence(
    header: str | None,
    meta: str | None,
    http_equiv: bool,
    chosen_by: str,
    disagreeing: tuple[str, ...],
) -> None:
    body = made_html(meta, http_equiv=http_equiv).encode("gb18030")
    d = decode(body, header=header, html=True)
    assert d.encoding == "gb18030"
    assert d.chosen_by == chosen_by
    assert made.TITLE in d.text
    assert d.replacement_chars == 0
    assert d.disagreeing == disagreeing
    assert d.disagreement is bool(disagreeing)
    assert d.evidence["header"] == header
    assert d.evidence["meta"] == meta
    assert canonical_encoding(d.evidence["detector"]) == "gb18030"
    assert d.evidence["disagreement"] == (",".join(disagreeing) or None)


def test_a_single_byte_header_decodes_gb_bytes_cleanly_which_is_the_trap() -> None:
    # The premise of the rule above: cp1252 reads the whole made page without an
    # error, so "decodes cleanly" cannot be what makes a declaration believable.
    assert "中华" not in GB_META.decode("cp1252")
    d = decode(GB_META, header="iso-8859-1", html=True)
    assert d.encoding == "gb18030"


def test_utf8_with_a_bom_beats_a_wrong_header() -> None:
    body = b"\xef\xbb\xbf" + STATEMENT.encode("utf-8")
    d = decode(body, header="gbk")
    assert (d.encoding, d.chosen_by) == ("utf-8", "bom")
    assert d.text == STATEMENT  # the BOM is not part of the text
    assert d.evidence["bom"] == "utf-8"
    assert d.disagreeing == ("header",)


def test_utf8_with_a_bom_and_a_matching_header_agrees() -> None:
    d = decode(b"\xef\xbb\xbf" + STATEMENT.encode("utf-8"), header="utf-8")
    assert d.chosen_by == "bom"
    assert not d.disagreement


def test_strict_utf8_beats_a_gb_label_that_would_make_mojibake() -> None:
    # The longest start of the title whose UTF-8 bytes also decode "cleanly" as
    # GB18030 (into 涓崕浜…): a GB label alone would be believed.
    text = next(
        made.TITLE[:n]
        for n in range(len(made.TITLE), 1, -1)
        if _decodes(made.TITLE[:n].encode("utf-8"), "gb18030")
    )
    assert len(text) > 20
    body = text.encode("utf-8")
    d = decode(body, header="gb2312")
    assert (d.encoding, d.chosen_by) == ("utf-8", "utf-8")
    assert d.text == text
    assert d.disagreeing == ("header",)


def test_latin_text_keeps_its_single_byte_header() -> None:
    body = "Déclaration commune, café, résumé à Moscou.".encode("cp1252")
    d = decode(body, header="iso-8859-1")
    assert d.chosen_by == "header"
    assert d.text == "Déclaration commune, café, résumé à Moscou."


def test_detection_reads_the_whole_body_not_its_first_kilobytes() -> None:
    # 200 KB of ASCII markup before any Chinese text, and no declaration at all.
    filler = "<div class='nav'><a href='/x/y/z.html'>link</a></div>\n" * 4000
    body = (made_html(None).replace("<body>", "<body>" + filler)).encode("gb18030")
    assert body.find(made.TITLE.encode("gb18030")) > 150_000
    d = decode(body, html=True)
    assert (d.encoding, d.chosen_by) == ("gb18030", "detector")
    assert made.TITLE in d.text


def test_ascii_only_body_has_no_disagreement_between_labels() -> None:
    d = decode(b"<html><body>plain</body></html>", header="gbk", html=True)
    assert d.text == "<html><body>plain</body></html>"
    assert not d.disagreement
    assert d.evidence["detector"] is None


def test_undecodable_bytes_are_counted_not_hidden() -> None:
    body = STATEMENT.encode("utf-8")[:200] + b"\xff\xfe\xff" + STATEMENT.encode("utf-8")[200:400]
    d = decode(body, header="utf-8")
    assert d.chosen_by == "fallback"
    assert d.replacement_chars > 0
    assert d.text.count("\ufffd") == d.replacement_chars


def test_meta_charset_forms() -> None:
    assert meta_charset(b'<meta charset="GB2312">') == "GB2312"
    assert meta_charset(b"<META HTTP-EQUIV='content-type' CONTENT='text/html; charset=gbk'>") == (
        "gbk"
    )
    assert meta_charset(b"<p>no declaration</p>") is None


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("ISO-8859-1", "cp1252"),
        ("latin1", "cp1252"),
        ("us-ascii", "utf-8"),
        ("UTF8", "utf-8"),
        ("x-no-such", None),
        (None, None),
    ],
)
def test_canonical_encoding(label: str | None, expected: str | None) -> None:
    assert canonical_encoding(label) == expected


def test_looks_binary() -> None:
    assert looks_binary(b"%PDF\x00\x01")
    assert not looks_binary(STATEMENT.encode("utf-16"))  # has a BOM
    assert not looks_binary(GB_META)


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True
