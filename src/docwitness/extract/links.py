"""Links to the next page of a paginated copy, read from a page's HTML.

:func:`next_links` takes a page's bytes and media type and returns the hrefs
that may lead to its next page, as written, best first: with a ``next``
selector, the link it picks; otherwise every link whose text says "next page"
in Chinese. Deciding which candidate to follow (same site, a sibling URL, an
archive's original URL) is the fetcher's business; finding them is reading
HTML, so it lives in the extract stage and the fetcher is handed this function.
"""

from __future__ import annotations

from docwitness.extract.charset import decode

# The link texts Chinese sites use for "next page" (Simplified and Traditional).
NEXT_TEXTS = ("下一页", "下一頁", "下页", "下頁")


def next_links(
    body: bytes,
    media_type: str | None,
    *,
    charset: str | None = None,
    selector: str | None = None,
) -> list[str]:
    """Candidate next-page hrefs of an HTML page, in document order; none for other media.

    ``charset`` is the one the transport declared. With ``selector`` (CSS), the
    href of the element it selects, or of the first link inside it; an invalid
    selector raises :class:`ValueError` saying so.
    """
    if "html" not in (media_type or ""):
        return []
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(decode(body, header=charset, html=True).text, "lxml")
    if selector:
        try:
            element = soup.select_one(selector)
        except Exception as exc:  # soupsieve raises its own SelectorSyntaxError
            raise ValueError(f"invalid next selector {selector!r}: {exc}") from None
        if element is not None and element.name != "a":
            element = element.find("a", href=True)
        href = str(element.get("href") or "") if element is not None else ""
        return [href] if href else []
    return [
        str(a.get("href"))
        for a in soup.find_all("a", href=True)
        if any(t in a.get_text(strip=True) for t in NEXT_TEXTS)
    ]
