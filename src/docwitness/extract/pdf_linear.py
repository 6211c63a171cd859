"""The parts of pdfminer and pdfplumber that take time quadratic in their input,
replaced by ones that give the same result in linear time, and the character
budget that bounds how much text a PDF's pages may draw.

Contract: :func:`install` puts :func:`parse_string` in place of pdfminer's
``PSBaseParser._parse_string`` (once per process; every pdfminer parser inherits
it). :func:`dedupe_chars` is pdfplumber's ``dedupe_chars``, and
:func:`lay_out` is pdfplumber's ``Page.layout``, counting the characters drawn
and raising :class:`TooManyChars` as soon as they pass a budget. Each is
checked against the library's own on many random inputs
(``tests/test_pdf_linear.py``).

- pdfminer builds a literal string ``(…)`` as ``bytes``, copying all of it so far
  at each backslash escape and each nested parenthesis: a damaged PDF with an
  unbalanced ``(`` followed by megabytes took a minute. Here the string grows in a
  ``bytearray`` and becomes ``bytes`` once, at its end.
- pdfplumber puts the de-duplicated characters back in drawing order by each
  one's ``list.index`` in the page's characters, a scan of the page for every
  character: a page drawing 40,000 took 87 s. Here the order is read from a
  table of positions made once.
- Even in linear time a drawn character costs about 50 µs and 2 KB while a page
  is read (pdfminer's object, then pdfplumber's dictionary), and a small file can
  draw millions (one content stream shared by many pages, or a compressed run of
  one glyph). :data:`PAGE_CHARS` and :data:`PDF_CHARS` bound it; past either the
  reading stops at once and the PDF is refused with the reason.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import itertools
from collections.abc import Callable, Iterator
from operator import itemgetter
from typing import Any

# No real page comes near: a dense A4 page in 6-point type draws about 20,000.
PAGE_CHARS = 100_000
# About 1,700 pages of dense text (a minute or so to read); a PDF that draws more is
# refused unless the run allows more (``--max-pdf-chars``, :func:`pdf_chars`).
PDF_CHARS = 5_000_000

_PDF_CHARS: contextvars.ContextVar[int] = contextvars.ContextVar("pdf_chars", default=PDF_CHARS)


def pdf_budget() -> int:
    """The characters a PDF may draw in this run (``--max-pdf-chars``)."""
    return _PDF_CHARS.get()


@contextlib.contextmanager
def pdf_chars(budget: int | None) -> Iterator[None]:
    """Within the block, a PDF may draw ``budget`` characters (None: the default)."""
    if budget is None:
        yield
        return
    token = _PDF_CHARS.set(budget)
    try:
        yield
    finally:
        _PDF_CHARS.reset(token)


class TooManyChars(Exception):
    """A page drew more characters than the budget it was laid out with."""


def parse_string(self: Any, s: bytes, i: int) -> int:
    """pdfminer's ``PSBaseParser._parse_string`` (PDF Reference 3.2.3: a literal
    string, balanced parentheses inside it kept, a backslash starting an escape),
    its token grown in place. pdfminer's ``_parse_string_1``, which reads an
    escape, appends to the same ``bytearray`` with ``+=``, also in place."""
    from pdfminer.psparser import END_STRING

    token = self._curtoken
    if not isinstance(token, bytearray):
        token = self._curtoken = bytearray(token)
    m = END_STRING.search(s, i)
    if not m:
        token += s[i:]
        return len(s)
    j = m.start(0)
    token += s[i:j]
    c = s[j : j + 1]
    if c == b"\\":
        self.oct = b""
        self._parse1 = self._parse_string_1
        return j + 1
    if c == b"(":
        self.paren += 1
        token += c
        return j + 1
    if c == b")":
        self.paren -= 1
        if self.paren:
            token += c
            return j + 1
    done = bytes(token)
    self._curtoken = done  # as pdfminer leaves it: the token just read
    self._add_token(done)
    self._parse1 = self._parse_main
    return j + 1


_installed: list[Callable[..., int]] = []  # pdfminer's own, once replaced


def install() -> None:
    """Put :func:`parse_string` in pdfminer's parser, once."""
    from pdfminer.psparser import PSBaseParser

    if not _installed:
        _installed.append(PSBaseParser.__dict__["_parse_string"])
        PSBaseParser._parse_string = parse_string  # type: ignore[method-assign]


def pdfminers_parse_string() -> Callable[..., int]:
    """pdfminer's own ``_parse_string``, for comparison."""
    from pdfminer.psparser import PSBaseParser

    return _installed[0] if _installed else PSBaseParser.__dict__["_parse_string"]


def dedupe_chars(
    chars: list[dict[str, Any]],
    tolerance: float = 1,
    extra_attrs: tuple[str, ...] = ("fontname", "size"),
) -> list[dict[str, Any]]:
    """pdfplumber's ``utils.dedupe_chars``: of the characters with the same text
    (and font and size) drawn within ``tolerance`` of each other, the first, in
    drawing order. pdfplumber sorts them back by ``chars.index``, the first equal
    character; the one kept is always the first of its equals (they share every
    key and cluster, and each sort is stable), so its own position is the same."""
    from pdfplumber.utils.clustering import cluster_objects

    key = itemgetter("upright", "text", *extra_attrs)
    pos_key = itemgetter("doctop", "x0")

    def unique() -> Any:
        for _, group in itertools.groupby(sorted(chars, key=key), key=key):
            for y_cluster in cluster_objects(list(group), itemgetter("doctop"), tolerance):
                for x_cluster in cluster_objects(y_cluster, itemgetter("x0"), tolerance):
                    yield sorted(x_cluster, key=pos_key)[0]

    where = {id(c): n for n, c in enumerate(chars)}
    return sorted(unique(), key=lambda c: where[id(c)])


def deduped(page: Any, tolerance: float = 1) -> Any:
    """pdfplumber's ``Page.dedupe_chars``, with :func:`dedupe_chars`."""
    from pdfplumber.page import FilteredPage

    p = FilteredPage(page, lambda _: True)
    p._objects = dict(page.objects.items())
    p._objects["char"] = dedupe_chars(page.chars, tolerance=tolerance)
    return p


@functools.cache
def _device_class() -> type:
    from pdfplumber.page import PDFPageAggregatorWithMarkedContent

    class CountingDevice(PDFPageAggregatorWithMarkedContent):
        """pdfplumber's device, stopping once more than ``budget`` characters are drawn."""

        budget = PAGE_CHARS
        drawn = 0

        def render_char(self, *args: Any, **kwargs: Any) -> float:
            self.drawn += 1
            if self.drawn > self.budget:
                raise TooManyChars(self.drawn)
            return float(super().render_char(*args, **kwargs))

    return CountingDevice


def lay_out(page: Any, budget: int) -> int:
    """Lay the page out as pdfplumber's ``Page.layout`` does (which then reuses it),
    drawing at most ``budget`` characters; how many it drew. Past the budget,
    :class:`TooManyChars` at once; whatever else pdfminer raises, wrapped as
    pdfplumber wraps it."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from pdfplumber.utils.exceptions import PdfminerException

    device = _device_class()(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    device.budget = budget
    interpreter = PDFPageInterpreter(page.pdf.rsrcmgr, device)
    try:
        interpreter.process_page(page.page_obj)
    except TooManyChars:
        raise
    except Exception as exc:
        raise PdfminerException(exc) from exc
    page._layout = device.get_result()
    return int(device.drawn)
