"""Plain text copies.

Paragraphs are separated by blank lines; lines inside a paragraph are joined
(with no space between CJK characters). A text with no blank line at all is
read one paragraph per line, the common layout of Chinese plain-text copies.
"""

from __future__ import annotations

import re

from docwitness import __version__
from docwitness.errors import ExtractionError
from docwitness.extract.charset import Decoded, decode, looks_binary
from docwitness.model import Capture, Extraction, plain_blocks

_BLANK = re.compile(r"\n[ \t\u3000]*\n")


def _cjk(c: str) -> bool:
    """CJK punctuation, ideographs or full-width forms: lines wrapped after or before
    one are joined without a space. (Compared by hand: a class of these ranges takes
    milliseconds to compile at every start.)"""
    return "\u3000" <= c <= "\u303f" or "\u3400" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"


def decode_text(capture: Capture, html: bool = False) -> Decoded:
    """Decode a capture's bytes, refusing binary data."""
    if looks_binary(capture.body):
        raise ExtractionError(capture.source, "binary data, not text (NUL bytes)")
    header = None
    if capture.http is not None:
        header = capture.http.charset
    return decode(capture.body, header=header, html=html)


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines: no space between CJK characters, one space otherwise."""
    if len(lines) == 1:
        return lines[0].strip()  # most paragraphs: one line, nothing to join
    parts: list[str] = []
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        # The text so far ends as the line before it ends: its last character is
        # looked at, not the whole paragraph again (a paragraph of many lines).
        if parts and not (_cjk(parts[-1][-1]) or _cjk(line[0])):
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


def split_paragraphs(text: str) -> list[str]:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _BLANK.search(text):
        return [join_lines(chunk.split("\n")) for chunk in _BLANK.split(text)]
    return [line.strip() for line in text.split("\n")]


class TextExtractor:
    """The work of the ``text`` format, :class:`docwitness.extract.TextFormat`."""

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        decoded = decode_text(capture)
        blocks = plain_blocks([p for p in split_paragraphs(decoded.text) if p.strip()])
        return Extraction(
            blocks=blocks,
            extractor="text",
            extractor_version=__version__,
            encoding=decoded.encoding,
            encoding_evidence={**decoded.evidence, "chosen_by": decoded.chosen_by},
            replacement_chars=decoded.replacement_chars,
        )
