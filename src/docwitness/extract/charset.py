"""Bytes → text, with every opinion about the encoding recorded and weighed.

Opinions are gathered in order of authority: a byte-order mark, the charset an
HTTP ``Content-Type`` header declared, an HTML ``<meta charset>`` /
``http-equiv``, then statistical detection (charset-normalizer) over every
line of the body that holds non-ASCII bytes, never only its first kilobytes.
GB2312 and GBK labels decode as GB18030, their superset.

UTF-16 without a byte-order mark is told by its NUL bytes before they are
taken for binary data (:func:`utf16_without_bom`): the NULs of UTF-16 text are
the high bytes of its line breaks, digits and Latin letters, mostly on one side
of each 2-byte unit, and the body must decode strictly into printable text.

A declaration is believed only as far as the bytes bear it out. An opinion
that does not decode the body strictly is out. Among the ones that do, a
clean decoding proves more the stricter the encoding: strict UTF-8 on
non-ASCII bytes is near-proof, a clean legacy multi-byte decoding (GB18030,
Big5, Shift_JIS…) is good evidence, and a single-byte codec (ISO-8859-1,
cp1252…) proves nothing, because it decodes any bytes at all, into mojibake if
they are GB18030. So a wrong ``iso-8859-1`` header loses to a ``<meta>`` or a
detector that agrees with the bytes; authority only breaks ties. Every opinion
whose strict decoding fails or yields a different text from the one chosen is
listed in :attr:`Decoded.disagreeing` (and in ``evidence["disagreement"]``, so
it flows into an extraction's ``encoding_evidence``), with the count of U+FFFD.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
    "utf-8-sig": "utf-8",
}

# Encodings whose clean decoding of high bytes is real evidence (strength 1);
# UTF-8 and friends are strength 2, everything else (single-byte) strength 0.
_MULTIBYTE = frozenset(
    {
        "gb18030",
        "big5hkscs",
        "cp950",
        "shift_jis",
        "cp932",
        "shift_jis_2004",
        "euc_jp",
        "euc_jis_2004",
        "euc_kr",
        "cp949",
        "johab",
        "iso2022_jp",
        "iso2022_kr",
        "hz",
    }
)
_UNICODE = frozenset({"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le"})

_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HIGH = re.compile(rb"[\x80-\xff]")
# Detection reads every line with non-ASCII bytes; beyond this many bytes of such
# lines it reads an even sample across the whole body rather than a prefix.
_DETECT_BUDGET = 4 * 1024 * 1024

# How much of a body the UTF-16 test weighs (its strict decoding is of the whole body),
# the least share of its 2-byte units with a NUL on the side that decides the byte
# order, and the share of characters that may be neither printable nor white space.
_UTF16_SAMPLE = 65536
_UTF16_MIN_NULS = 0.005
_UTF16_ODD_SHARE = 0.02

# Authority order, used to break ties between equally strong opinions.
_AUTHORITY = ("header", "meta", "utf-8", "detector")


def canonical_encoding(label: str | None) -> str | None:
    """A codec name Python knows for ``label``, widened to its superset; None if unknown."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'")
    try:
        name = codecs.lookup(cleaned).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, _SUPERSETS.get(cleaned.lower(), name))


def strength(encoding: str) -> int:
    """How much a clean decoding of non-ASCII bytes in ``encoding`` proves (0, 1 or 2)."""
    if encoding in _UNICODE:
        return 2
    return 1 if encoding in _MULTIBYTE else 0


def meta_charset(body: bytes) -> str | None:
    """The charset an HTML ``<meta>`` declares, read from the first 64 KiB."""
    m = _META.search(body[:65536])
    return m.group(1).decode("ascii", "replace") if m else None


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding chosen and the evidence for it.

    ``evidence`` maps each source ("bom", "header", "meta", "detector") to the
    label it gave (None for no opinion), plus "disagreement": the sources that
    disagreed, comma-separated, or None, and "nul_pattern" for UTF-16 told by its
    NUL bytes. ``chosen_by`` is "bom", "nul_pattern", "header", "meta", "utf-8"
    (strict UTF-8 with no opinion naming it), "detector" or "fallback" (nothing
    decoded cleanly; see ``replacement_chars``).
    """

    text: str
    encoding: str
    chosen_by: str
    evidence: dict[str, str | None] = field(default_factory=dict)
    replacement_chars: int = 0
    disagreeing: tuple[str, ...] = ()

    @property
    def disagreement(self) -> bool:
        """True when some opinion about the encoding does not agree with the text chosen."""
        return bool(self.disagreeing)


def _strip_bom(body: bytes) -> tuple[bytes, str | None]:
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :], name
    return body, None


def _clean(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _detection_sample(body: bytes) -> bytes:
    """Every line holding non-ASCII bytes (markup-only lines would mislead the detector)."""
    lines = [line for line in body.split(b"\n") if _HIGH.search(line)]
    if not lines:
        return body
    total = sum(len(line) + 1 for line in lines)
    if total > _DETECT_BUDGET:
        step = total / _DETECT_BUDGET
        lines = lines[:: max(2, round(step))]
    return b"\n".join(lines)


def detect(body: bytes) -> str | None:
    """Statistical detection over the body's non-ASCII lines (charset-normalizer).

    ``preemptive_behaviour`` is off so the detector gives its own opinion rather
    than echoing the page's ``<meta>``.
    """
    from charset_normalizer import from_bytes

    sample = _detection_sample(body)
    if not sample:
        return None
    best = from_bytes(sample, steps=1, chunk_size=len(sample), preemptive_behaviour=False).best()
    return best.encoding if best is not None else None


def _disagreeing(body: bytes, text: str, evidence: dict[str, str | None]) -> tuple[str, ...]:
    """Sources whose label is known but decodes the body strictly to another text, or fails."""
    out: list[str] = []
    data = _strip_bom(body)[0]  # a BOM is not text under any opinion
    for source in ("bom", "header", "meta", "detector"):
        enc = canonical_encoding(evidence.get(source))
        if enc is None:
            continue
        if _clean(data, enc) != text:
            out.append(source)
    return tuple(out)


def _finish(
    body: bytes, text: str, enc: str, chosen_by: str, evidence: dict[str, str | None]
) -> Decoded:
    disagreeing = _disagreeing(body, text, evidence)
    evidence["disagreement"] = ",".join(disagreeing) or None
    return Decoded(text, enc, chosen_by, evidence, text.count("\ufffd"), disagreeing)


def utf16_without_bom(body: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` for UTF-16 text without a byte-order mark, else None.

    In UTF-16 text most NUL bytes are the high bytes of ASCII characters (line
    breaks, spaces, digits, Latin letters): at odd offsets in little-endian, even
    ones in big-endian. Characters such as 一 (U+4E00) put a few on the other side,
    so the side with more decides the byte order, and it must hold at least one
    NUL in 200 units (a stray NUL in a UTF-8 file is not UTF-16). Then the body
    must decode strictly (binary data soon holds a lone surrogate), the text must
    hold a line break or a space, and all but 2 % of it must be printable or
    white space (a wrong guess turns every ASCII character into an unassigned or
    control code point).
    """
    if len(body) < 2 or _strip_bom(body)[1] is not None:
        return None
    head = body[:_UTF16_SAMPLE]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if max(even, odd) < max(2, len(head) // 2 * _UTF16_MIN_NULS) or even == odd:
        return None
    enc = "utf-16-le" if odd > even else "utf-16-be"
    text = _clean(body[: len(body) - len(body) % 2], enc)  # a cut final byte is replaced later
    if not text:
        return None
    sample = text[: _UTF16_SAMPLE // 2]
    if "\n" not in sample and " " not in sample:
        return None
    odd_chars = sum(1 for c in sample if not (c.isprintable() or c.isspace()))
    return enc if odd_chars <= len(sample) * _UTF16_ODD_SHARE else None


def decode(body: bytes, header: str | None = None, html: bool = False) -> Decoded:
    """Decode ``body``; ``header`` is the charset an HTTP header declared, if any."""
    evidence: dict[str, str | None] = {"header": header}
    if html:
        evidence["meta"] = meta_charset(body)
    evidence["detector"] = None
    sixteen = utf16_without_bom(body) if b"\x00" in body[:_UTF16_SAMPLE] else None
    if sixteen is not None:
        # Its bytes say so as plainly as a BOM would; a detector reading the body by
        # lines of bytes could only be misled by the NULs.
        evidence["nul_pattern"] = sixteen
        evidence["detector_note"] = "not run: UTF-16 without a BOM, by its NUL bytes"
        text = body.decode(sixteen, errors="replace")
        return _finish(body, text, sixteen, "nul_pattern", evidence)
    as_utf8: str | None = None  # the body decoded strictly as UTF-8, once looked at
    if _HIGH.search(body):
        declared = {canonical_encoding(evidence.get(k)) for k in ("header", "meta")} - {None}
        if declared <= {"utf-8"} and (as_utf8 := _clean(body, "utf-8")) is not None:
            # Non-ASCII bytes that are valid UTF-8, and nothing declared otherwise: that is
            # the strongest evidence there is, and the detector (tens of ms a megabyte)
            # could only agree or be wrong.
            evidence["detector_note"] = "not run: valid UTF-8, no other declaration"
        else:
            evidence["detector"] = detect(body)
    stripped, bom = _strip_bom(body)
    if bom:
        # A BOM is the one opinion the bytes cannot fake by accident.
        evidence["bom"] = bom
        text = stripped.decode(bom, errors="replace")
        return _finish(body, text, bom, "bom", evidence)

    high = _HIGH.search(body) is not None
    opinions: dict[str, str] = {}
    for source in ("header", "meta"):
        enc = canonical_encoding(evidence.get(source))
        if enc is not None and enc not in opinions.values():
            opinions[source] = enc
    if "utf-8" not in opinions.values():
        opinions["utf-8"] = "utf-8"
    detected = canonical_encoding(evidence.get("detector"))
    if detected is not None and detected not in opinions.values():
        opinions["detector"] = detected

    # Strongest clean decoding wins; authority breaks ties. Without high bytes every
    # ASCII-compatible opinion reads the same text, so authority alone decides.
    best: tuple[int, int, str, str, str] | None = None
    for rank, source in enumerate(_AUTHORITY):
        enc = opinions.get(source)
        if enc is None:
            continue
        text_or_none = as_utf8 if enc == "utf-8" and as_utf8 is not None else _clean(body, enc)
        if text_or_none is None:
            continue
        score = strength(enc) if high else 0
        if best is None or score > best[0]:
            best = (score, rank, source, enc, text_or_none)
    if best is not None:
        _, _, source, enc, text = best
        return _finish(body, text, enc, source, evidence)

    # Nothing decodes cleanly: use the detector, else the strongest declaration, else
    # GB18030, and count what could not be decoded rather than hide it.
    enc = (
        detected
        or canonical_encoding(evidence.get("header"))
        or canonical_encoding(evidence.get("meta"))
        or "gb18030"
    )
    text = body.decode(enc, errors="replace")
    return _finish(body, text, enc, "fallback", evidence)


def looks_binary(body: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (NUL bytes, no BOM,
    and not UTF-16 by the pattern of its NULs)."""
    head = body[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in head and utf16_without_bom(body) is None
