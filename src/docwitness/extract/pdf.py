"""PDF copies, read with pdfplumber (pdfminer.six underneath).

Contract: ``PdfExtractor().extract(capture)`` returns the paragraphs the pages
show, rebuilt from their lines (:mod:`docwitness.extract.pdf_layout`) read
column by column (:mod:`docwitness.extract.pdf_columns`), with running
headers, footers and page numbers detected across pages, removed, and
summarised in ``Extraction.removed``, footnotes listed there too, and the
layout found recorded in ``metadata["pdf_layout"]`` and, per page, in
``metadata["pdf_pages"]`` (JSON). Each block carries the page it starts on.
Characters drawn twice at (nearly) the same place, as fake bold is, are read
once (pdfplumber's ``dedupe_chars``).

A text layer that is mostly ``(cid:NNN)`` or U+FFFD (a CJK font without a map
to Unicode) is not silently turned into text: the extraction carries a warning
starting ``unreliable-text-layer:`` and the report must say the copy could not
be read, not diff it. An encrypted, damaged (truncated) or image-only PDF
raises :class:`~docwitness.errors.ExtractionError` with the reason, and so
does any failure inside the PDF libraries while the file is opened or its pages
read: all of them mean a damaged PDF. What pdfminer logs at WARNING while it
reads goes into the extraction's warnings (``pdfminer: …``), or into the
reason when the PDF cannot be read; it reaches the log's own handlers (stderr)
only when debug logging is on.

pdfminer's ASCII85 decoder is replaced by one that decodes the same bytes in
time linear in the stream (:func:`_ascii85decode`): its own takes time
quadratic in a run of white space. pdfminer's literal strings and pdfplumber's
de-duplication of characters are likewise replaced by linear ones
(:mod:`docwitness.extract.pdf_linear`), and a page drawing more than
``PAGE_CHARS`` characters (100,000), or pages drawing more than the run's budget
in all (5,000,000 unless ``--max-pdf-chars`` says otherwise), are not read: the
reading stops at the first character past the budget and raises
:class:`~docwitness.errors.ExtractionError` saying so.

Pages are read one at a time and released (pdfminer's object cache is off and
each page's layout is flushed), so memory stays bounded by one page's objects
plus the extracted text, whatever the number of pages.
"""

from __future__ import annotations

import gc
import io
import logging
import re
import threading
from dataclasses import replace
from typing import Any

from docwitness import __version__
from docwitness.errors import ExtractionError
from docwitness.extract.pdf_columns import page_lines
from docwitness.extract.pdf_layout import Line, describe, find_furniture, read_body
from docwitness.extract.pdf_linear import (
    PAGE_CHARS,
    TooManyChars,
    deduped,
    install,
    lay_out,
    pdf_budget,
)
from docwitness.model import Capture, Extraction

log = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:\d+\)")
# Above this share of unmapped glyphs the text layer does not carry the text.
_UNRELIABLE_SHARE = 0.05
_GC_EVERY = 4  # pages; pdfplumber's page objects are reference cycles, freed only by gc
_EOF_WINDOW = 2048  # "%%EOF" must be near the end; writers may add a little junk after it
_REASON_MAX = 200  # characters of a library's message in a damaged PDF's reason


def _cause(exc: BaseException) -> BaseException:
    """pdfplumber wraps what pdfminer raised in a PdfminerException: the original."""
    from pdfplumber.utils.exceptions import PdfminerException

    while isinstance(exc, PdfminerException) and exc.args and isinstance(exc.args[0], Exception):
        exc = exc.args[0]
    return exc


def _damage(exc: BaseException) -> str:
    """What the libraries raised, on one line and cut short: pdfminer puts whole
    dictionaries in its messages."""
    cause = _cause(exc)
    text = " ".join(str(cause).split())
    if len(text) > _REASON_MAX:
        text = text[:_REASON_MAX] + "…"
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


_WHITE = b" \t\n\r\f\v"


def _ascii85decode(data: bytes) -> bytes:
    """pdfminer's ``ascii85decode``, the same bytes in time linear in the stream.

    pdfminer strips the end marker (``~>`` with white space around it) with an
    unanchored pattern, ``\\s*~\\s*>?\\s*$``, which is tried at every position of
    a run of white space: a damaged stream holding 100,000 spaces took 90 s. The
    same strip is done here from the end, once.
    """
    from base64 import a85decode

    from pdfminer.ascii85 import start_re

    data = start_re.sub(b"", data)  # anchored at the start: linear already
    body = data.rstrip(_WHITE)
    if body.endswith(b">"):
        body = body[:-1].rstrip(_WHITE)
    if body.endswith(b"~"):
        data = body[:-1].rstrip(_WHITE)
    return a85decode(data)


def _open(capture: Capture) -> Any:
    import pdfminer.pdftypes
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    pdfminer.pdftypes.ascii85decode = _ascii85decode  # type: ignore[attr-defined]
    install()

    if b"%%EOF" not in capture.body[-_EOF_WINDOW:]:
        raise ExtractionError(
            capture.source, "damaged PDF: the file is truncated (no %%EOF at its end)"
        )
    _listen()
    try:
        pdf = pdfplumber.open(io.BytesIO(capture.body), raise_unicode_errors=False)
        # Without this pdfminer keeps every object it has parsed (page content
        # streams included) for the life of the document.
        pdf.doc.caching = False
    except Exception as exc:  # pdfminer raises many kinds on bad input; all mean "damaged"
        _stop()
        cause = _cause(exc)
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ExtractionError(
                capture.source,
                f"encrypted PDF: a password is needed to read it ({type(cause).__name__})",
            ) from None
        raise ExtractionError(capture.source, _with_said(f"damaged PDF: {_damage(exc)}")) from None
    return pdf


def _rule_top(page: Any) -> float | None:
    """The lowest horizontal rule drawn in the lower half of the page (a footnote rule)."""
    tops = [
        float(obj["top"])
        for obj in (*page.lines, *page.rects)
        if float(obj["bottom"]) - float(obj["top"]) < 2
        and float(obj["x1"]) - float(obj["x0"]) > 0.1 * float(page.width)
        and float(obj["top"]) > float(page.height) / 2
    ]
    return max(tops) if tops else None


def _close(pdf: Any) -> None:
    """Release the document and stop listening to pdfminer. Not pdfplumber's ``close``:
    that first builds every page object, reading the whole file again (and failing
    again, past the error being reported, on a damaged one)."""
    try:
        pdf.flush_cache()
        pdf.stream.close()
    finally:
        _stop()


# --------------------------------------------------------------------------- pdfminer's log
# From _open to _close, what pdfminer logs at WARNING in this thread is kept, and
# unless debug logging is on it stops there: the error is one line, without its
# echoes. What was heard stays readable (_heard) until the thread opens another PDF.

_SAID_MAX = 20  # distinct messages kept; a damaged file can say the same thing on every page


class _Said(logging.Handler):
    """What pdfminer logs at WARNING or above while this thread reads a PDF."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        if getattr(self.local, "listening", False):
            self.local.said.append(" ".join(record.getMessage().split()))


_SAID = _Said()
_quiet_lock = threading.Lock()
_reading = 0  # PDFs being read now, in all threads
_propagate = True  # pdfminer's logger's own setting, put back when none is read


def _listen() -> None:
    global _reading, _propagate
    logger = logging.getLogger("pdfminer")
    with _quiet_lock:
        if _reading == 0:
            _propagate = logger.propagate
            if _SAID not in logger.handlers:
                logger.addHandler(_SAID)
            logger.propagate = _propagate and logger.isEnabledFor(logging.DEBUG)
        _reading += 1
    _SAID.local.said = []
    _SAID.local.listening = True


def _stop() -> None:
    global _reading
    if not getattr(_SAID.local, "listening", False):
        return
    _SAID.local.listening = False
    with _quiet_lock:
        _reading -= 1
        if _reading == 0:
            logging.getLogger("pdfminer").propagate = _propagate


def _heard() -> list[str]:
    """What pdfminer said while this thread last read a PDF."""
    said: list[str] = getattr(_SAID.local, "said", [])
    return said


def _said_summary() -> list[str]:
    """pdfminer's messages once each, in order, with how often each came."""
    counts: dict[str, int] = {}
    for message in _heard():
        counts[message] = counts.get(message, 0) + 1
    out = [f"pdfminer: {m}" + (f" (×{n})" if n > 1 else "") for m, n in counts.items()]
    if len(out) > _SAID_MAX:
        out[_SAID_MAX:] = [f"pdfminer: and {len(out) - _SAID_MAX} other messages"]
    return out


def _with_said(reason: str) -> str:
    """A reason, with the first thing pdfminer said about the file, if it said anything."""
    said = _heard()
    return f"{reason} (pdfminer: {said[0]})" if said else reason


def _page_lines(page: Any, number: int) -> tuple[list[Line], int, int]:
    """The page's lines (fake bold de-duplicated) in reading order, column by column,
    its glyph count and image count."""
    once = deduped(page, tolerance=1)
    glyphs = len(once.chars)
    rows = [
        (raw["text"], raw["chars"])
        for raw in once.extract_text_lines(return_chars=True, strip=True)
    ]
    lines, _ = page_lines(rows, number, float(page.width), float(page.height))
    rule = _rule_top(page)
    if rule is not None:
        lines = [replace(ln, below_rule=True) if ln.top > rule else ln for ln in lines]
    return lines, glyphs, len(page.images)


class PdfExtractor:
    """The work of the ``pdf`` format, :class:`docwitness.extract.PdfFormat`.

    ``page_chars`` and ``pdf_chars`` are the character budgets of one page and of
    all pages (:data:`~docwitness.extract.pdf_linear.PAGE_CHARS`,
    :data:`~docwitness.extract.pdf_linear.PDF_CHARS`)."""

    def __init__(self, page_chars: int = PAGE_CHARS, pdf_chars: int | None = None) -> None:
        self.page_chars = page_chars
        self._pdf_chars = pdf_chars

    @property
    def pdf_chars(self) -> int:
        """The PDF's budget: the one given, else the run's (``--max-pdf-chars``)."""
        return self._pdf_chars if self._pdf_chars is not None else pdf_budget()

    def _draw(self, page: Any, number: int, left: int, source: str) -> int:
        """Lay the page out within the character budgets; how many characters it drew."""
        try:
            return lay_out(page, min(self.page_chars, left))
        except TooManyChars:
            if left < self.page_chars:
                pages = "page 1 draws" if number == 1 else f"pages 1 to {number} draw"
                what = f"{pages} more than {self.pdf_chars:,} characters"
                where = "in one PDF (--max-pdf-chars allows more)"
            else:
                what = f"page {number} draws more than {self.page_chars:,} characters"
                where = "on one page"
            raise ExtractionError(source, f"{what}: more than docwitness reads {where}") from None

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        from pdfminer.pdfpage import PDFPage
        from pdfplumber.page import Page

        pdf = _open(capture)
        pages: list[list[Line]] = []
        glyphs = images = 0
        left = self.pdf_chars  # characters the rest of the pages may draw
        try:
            doctop = 0.0
            # Pages one at a time rather than pdf.pages, which builds (and keeps)
            # every page object, content streams included, before the first is read.
            for index, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
                page = Page(pdf, page_obj, page_number=index + 1, initial_doctop=doctop)
                try:
                    left -= self._draw(page, index + 1, left, capture.source)
                    lines, n_glyphs, n_images = _page_lines(page, index + 1)
                finally:
                    doctop += float(page.height)
                    page.close()
                pages.append(lines)
                glyphs += n_glyphs
                images += n_images
                del page, page_obj
                if index % _GC_EVERY == _GC_EVERY - 1:
                    gc.collect()
        except ExtractionError:
            raise
        except Exception as exc:  # a broken object, stream or font mid-file
            where = f"page {len(pages) + 1}"
            raise ExtractionError(
                capture.source, _with_said(f"damaged PDF at {where}: {_damage(exc)}")
            ) from None
        finally:
            _close(pdf)

        if not pages:
            raise ExtractionError(capture.source, _with_said("damaged PDF: no pages found"))
        if glyphs == 0:
            # A scan is a copy held, not a damaged file: it is kept and reported as a copy
            # whose text cannot be read (``unreliable-text``), never diffed.
            what = (
                "the pages are images (a scan?)" if images else "the pages hold only drawn shapes"
            )
            log.info("%s: no text layer (%s)", capture.source, what)
            return Extraction(
                blocks=(),
                extractor="pdf",
                extractor_version=__version__,
                libraries={
                    "pdfplumber": _version("pdfplumber"),
                    "pdfminer.six": _version("pdfminer"),
                },
                metadata={"pages": str(len(pages))},
                warnings=(
                    *_said_summary(),
                    f"unreliable-text-layer: no text layer: {what}; OCR is not attempted",
                ),
            )

        drop, furniture = find_furniture(pages)
        body = [
            ln for p, lines in enumerate(pages) for i, ln in enumerate(lines) if (p, i) not in drop
        ]
        layout = read_body(body)
        blocks = layout.blocks

        warnings = _said_summary()
        text = "".join(ln.text for lines in pages for ln in lines)
        cids = len(_CID.findall(text))
        fffd = text.count("\ufffd")
        readable = max(1, len(_CID.sub("", text)) + cids)
        if (cids + fffd) / readable > _UNRELIABLE_SHARE:
            warnings.append(
                f"unreliable-text-layer: {cids + fffd} of {readable} glyphs have no Unicode "
                f"mapping ({cids} as (cid:NNN), {fffd} as U+FFFD); the text layer does not "
                "carry the document's text"
            )
            log.info("%s: unreliable text layer (%d unmapped glyphs)", capture.source, cids + fffd)
        return Extraction(
            blocks=tuple(blocks),
            extractor="pdf",
            extractor_version=__version__,
            libraries={
                "pdfplumber": _version("pdfplumber"),
                "pdfminer.six": _version("pdfminer"),
            },
            replacement_chars=fffd,
            removed=(*furniture, *(f"footnote (page {p}): {t}" for p, t in layout.notes)),
            metadata={"pages": str(len(pages)), **describe(pages, drop, layout)},
            warnings=tuple(warnings),
        )


def _version(module: str) -> str:
    """A library's version from its own ``__version__`` (importlib.metadata costs more
    start-up than most extractions)."""
    import importlib

    return str(importlib.import_module(module).__version__)
