"""PDF copies (placeholder until the PDF extractor lands: reports that it is not available)."""

from __future__ import annotations

from docwitness.errors import ExtractionError
from docwitness.extract import EXTRACTORS
from docwitness.model import Capture, Extraction


@EXTRACTORS.register("pdf")
class PdfExtractor:
    """PDF: not yet supported by this version of docwitness."""

    media_types: tuple[str, ...] = ("application/pdf",)

    def extract(self, capture: Capture, select: str | None = None) -> Extraction:
        raise ExtractionError(capture.source, "PDF extraction is not available in this version")
