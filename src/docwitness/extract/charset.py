"""Bytes → text, with every opinion about the encoding recorded.

Order of trust: a byte-order mark; the declared charset (an HTTP
``Content-Type`` header, then an HTML ``<meta charset>`` / ``http-equiv``);
strict UTF-8; then statistical detection (charset-normalizer) over the whole
body, never only its first kilobytes. GB2312 and GBK labels decode as GB18030,
their superset. A declaration that does not decode cleanly loses to one that
does. The opinions and the count of U+FFFD after decoding are returned so a
report can flag disagreement or damage.
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
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "utf-8",
    "us-ascii": "utf-8",
}

_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def canonical_encoding(label: str | None) -> str | None:
    """A codec name Python knows for ``label``, widened to its superset; None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, _SUPERSETS.get(label.strip().lower(), name))


def meta_charset(body: bytes) -> str | None:
    """The charset an HTML ``<meta>`` declares, read from the first 64 KiB."""
    m = _META.search(body[:65536])
    return m.group(1).decode("ascii", "replace") if m else None


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, with the encoding chosen and the evidence for it."""

    text: str
    encoding: str
    chosen_by: str  # "bom" | "header" | "meta" | "utf-8" | "detector"
    evidence: dict[str, str | None] = field(default_factory=dict)
    replacement_chars: int = 0

    @property
    def disagreement(self) -> bool:
        """True when the declared opinions name different encodings than the one used."""
        opinions = {canonical_encoding(v) for k, v in self.evidence.items() if v and k != "bom"}
        opinions.discard(None)
        return len(opinions) > 1


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


def detect(body: bytes) -> str | None:
    """Statistical detection over the whole body (charset-normalizer)."""
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    return best.encoding if best is not None else None


def decode(body: bytes, header: str | None = None, html: bool = False) -> Decoded:
    """Decode ``body``; ``header`` is the charset an HTTP header declared, if any."""
    evidence: dict[str, str | None] = {"header": header}
    if html:
        evidence["meta"] = meta_charset(body)
    stripped, bom = _strip_bom(body)
    if bom:
        evidence["bom"] = bom
        text = stripped.decode(bom, errors="replace")
        return Decoded(text, bom, "bom", evidence, text.count("\ufffd"))

    detected: str | None = None
    # Declarations first, in order of authority; the first that decodes cleanly wins.
    for source in ("header", "meta"):
        enc = canonical_encoding(evidence.get(source))
        if enc is None:
            continue
        text_or_none = _clean(body, enc)
        if text_or_none is not None:
            evidence["detector"] = None
            return Decoded(text_or_none, enc, source, evidence, 0)

    utf8 = _clean(body, "utf-8")
    if utf8 is not None:
        return Decoded(utf8, "utf-8", "utf-8", evidence, 0)

    detected = detect(body)
    evidence["detector"] = detected
    enc = canonical_encoding(detected)
    if enc is None:
        # Nothing decodes cleanly: fall back to the strongest declaration, else GB18030,
        # and count what could not be decoded rather than hide it.
        enc = (
            canonical_encoding(evidence.get("header"))
            or canonical_encoding(evidence.get("meta"))
            or "gb18030"
        )
        chosen = "fallback"
    else:
        chosen = "detector"
    text = body.decode(enc, errors="replace")
    return Decoded(text, enc, chosen, evidence, text.count("\ufffd"))


def looks_binary(body: bytes) -> bool:
    """True for bytes that are not text in any encoding we read (NUL bytes, no BOM)."""
    head = body[:8192]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return False
    return b"\x00" in head
