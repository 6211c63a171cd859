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
raises :class:`~docwitness.errors.ExtractionError` with the reason.

Pages are read one at a time and released (pdfminer's object cache is off and
each page's layout is flushed), so memory stays bounded by one page's objects
plus the extracted text, whatever the number of pages.
"""

from __future__ import annotations

import gc
import io
import logging
import re
from dataclasses import replace
from importlib.metadata import version
from typing import Any

from docwitness import __version__
from docwitness.errors import ExtractionError
from docwitness.extract.pdf_columns import page_lines
from docwitness.extract.pdf_layout import Line, describe, find_furniture, read_body
from docwitness.model import Capture, Extraction

log = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:\d+\)")
# Above this share of unmapped glyphs the text layer does not carry the text.
_UNRELIABLE_SHARE = 0.05
_GC_EVERY = 4  # pages; pdfplumber's page objects are reference cycles, freed only by gc
_EOF_WINDOW = 2048  # "%%EOF" must be near the end; writers may add a little junk after it


def _open(capture: Capture) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    if b"%%EOF" not in capture.body[-_EOF_WINDOW:]:
        raise ExtractionError(
            capture.source, "damaged PDF: the file is truncated (no %%EOF at its end)"
        )
    try:
        pdf = pdfplumber.open(io.BytesIO(capture.body), raise_unicode_errors=False)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ExtractionError(
                capture.source,
                f"encrypted PDF: a password is needed to read it ({type(cause).__name__})",
            ) from None
        raise ExtractionError(capture.source, f"damaged PDF: {cause}") from None
    except Exception as exc:  # pdfminer raises many kinds on bad input; all mean "damaged"
        raise ExtractionError(capture.source, f"damaged PDF: {type(exc).__name__}: {exc}") from None
    # Without this pdfminer keeps every object it has parsed (page content
    # streams included) for the life of the document.
    pdf.doc.caching = False
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


def _page_lines(page: Any, number: int) -> tuple[list[Line], int, int]:
    """The page's lines (fake bold de-duplicated) in reading order, column by column,
    its glyph count and image count."""
    deduped = page.dedupe_chars(tolerance=1)
    glyphs = len(deduped.chars)
    rows = [
        (raw["text"], raw["chars"])
        for raw in deduped.extract_text_lines(return_chars=True, strip=True)
    ]
    lines, _ = page_lines(rows, number, float(page.width), float(page.height))
    rule = _rule_top(page)
    if rule is not None:
        lines = [replace(ln, below_rule=True) if ln.top > rule else ln for ln in lines]
    return lines, glyphs, len(page.images)


class PdfExtractor:
    """The work of the ``pdf`` format, :class:`docwitness.extract.PdfFormat`."""

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        from pdfminer.pdfpage import PDFPage
        from pdfplumber.page import Page

        pdf = _open(capture)
        pages: list[list[Line]] = []
        glyphs = images = 0
        try:
            doctop = 0.0
            # Pages one at a time rather than pdf.pages, which builds (and keeps)
            # every page object, content streams included, before the first is read.
            for index, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
                page = Page(pdf, page_obj, page_number=index + 1, initial_doctop=doctop)
                try:
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
                capture.source, f"damaged PDF at {where}: {type(exc).__name__}: {exc}"
            ) from None
        finally:
            pdf.close()

        if not pages:
            raise ExtractionError(capture.source, "damaged PDF: no pages found")
        if glyphs == 0:
            what = (
                "the pages are images (a scan?)" if images else "the pages hold only drawn shapes"
            )
            raise ExtractionError(capture.source, f"no text layer: {what}; OCR is not attempted")

        drop, furniture = find_furniture(pages)
        body = [
            ln for p, lines in enumerate(pages) for i, ln in enumerate(lines) if (p, i) not in drop
        ]
        layout = read_body(body)
        blocks = layout.blocks

        warnings: list[str] = []
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
                "pdfplumber": version("pdfplumber"),
                "pdfminer.six": version("pdfminer.six"),
            },
            replacement_chars=fffd,
            removed=(*furniture, *(f"footnote (page {p}): {t}" for p, t in layout.notes)),
            metadata={"pages": str(len(pages)), **describe(pages, drop, layout)},
            warnings=tuple(warnings),
        )
