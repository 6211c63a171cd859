"""Where a witness is cut, and what it is when it is another document.

A cut at the end or the start of a pair (:func:`cut_at_end`, :func:`cut_at_start`:
what the witness has there is at most a mark), the one truncation of a copy that
begins late (:func:`begins_late`), the note on a cut-off reference, and the one
finding of a copy of another document (:func:`unrelated`).
"""

from __future__ import annotations

from collections.abc import Sequence

from docwitness.compare.align import Link
from docwitness.compare.chardiff import Span
from docwitness.compare.side import Side
from docwitness.model import Finding
from docwitness.rules import title_like

EXCERPT = 30  # canonical characters of a reference paragraph quoted as ``ref_excerpt``
QUOTE = 40  # characters quoted from a paragraph in a truncation or split finding
# A copy is of another document when under UNRELATED_SHARE of its own text lies in
# stretches that align with the reference and under UNRELATED_COVERAGE of the
# reference is found in it: a fragment of the document aligns almost wholly, and
# a page that carries the whole document among other text covers the reference.
UNRELATED_SHARE = 0.2
UNRELATED_COVERAGE = 0.5
# A cut may leave a mark where the text stops: punctuation ("…", "——") or a word or
# two ("等"), never more than this, and the reference goes on for far longer.
CUT_MARK_MAX = 4
CUT_MARK_WORDS = 2


def cut_at_end(last: Span, a: str, b: str) -> bool:
    """Whether the last span of a pair at the witness's end is a cut: it reaches the end
    of both texts, and what the witness has there (if anything) is only a mark."""
    if last.a_end != len(a) or last.b_end != len(b) or last.a_start == last.a_end:
        return False
    mark = b[last.b_start : last.b_end]
    if not mark:
        return True
    dropped = last.a_end - last.a_start
    short = len(mark) <= CUT_MARK_WORDS or (
        len(mark) <= CUT_MARK_MAX and not any(ch.isalnum() for ch in mark)
    )
    return short and dropped >= max(20, 5 * len(mark))


def cut_at_start(head: Span, a: str, b: str) -> bool:
    """Whether the first span of a pair at the witness's beginning is a cut: the witness
    begins inside the reference's paragraph, with at most a mark before its text."""
    if head.a_start != 0 or head.b_start != 0 or head.b_end >= len(b):
        return False
    mark = b[: head.b_end]
    dropped = head.a_end
    short = not mark or len(mark) <= CUT_MARK_WORDS or (
        len(mark) <= CUT_MARK_MAX and not any(ch.isalnum() for ch in mark)
    )
    return short and dropped >= max(20, 5 * len(mark))


def begins_late(
    r: Side,
    links: Sequence[Link],
    first_body: int | None,
    absent: list[int],
    coverage: float,
    inside: tuple[int, int] | None = None,
) -> Finding:
    """One ``truncation`` at the start: the first point present, and what is absent;
    ``inside`` is (ref, offset) when the witness begins inside that paragraph."""
    link = links[first_body] if first_body is not None else links[0]
    i, offset = inside if inside is not None else (link.ref[0], 0)
    p = r.paragraphs[i]
    j = link.witness[0] if link.witness else None
    points = [
        pt for pt in dict.fromkeys(r.paragraphs[x].point for x in absent) if pt is not None
    ]
    parts: list[str] = []
    if any(r.paragraphs[x].point is None and title_like(r.core(x)) for x in absent):
        parts.append("the title")
    if any(r.paragraphs[x].point is None and not title_like(r.core(x)) for x in absent):
        parts.append("the preamble")
    whole = [pt for pt in points if pt != p.point]  # the point it begins in is there in part
    if whole:
        span = whole[0] if len(whole) == 1 else f"{whole[0]}–{whole[-1]}"
        parts.append(("point " if len(whole) == 1 else "points ") + span)
    if p.point and (offset or p.point in points):
        parts.append(f"the beginning of point {p.point}")
    what = " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)
    where = f"point {p.point}" if p.point else f"reference ¶{i}"
    if offset:
        where += f", {offset} characters into ¶{i}"
    gone = f"{what} {'is' if len(parts) == 1 and len(whole) <= 1 else 'are'} absent"
    said = f"begins at {where}; {gone}" if parts else f"begins at {where}"
    return Finding(
        kind="truncation",
        severity="substantive",
        ref=i,
        ref_excerpt=p.text[:EXCERPT],
        witness=j,
        outline=p.point,
        ref_text=r.core(absent[0] if absent else i)[:QUOTE],
        witness_text=r.core(i)[offset : offset + QUOTE],
        offset=offset,
        rule="witness-begins-late",
        evidence=(said,),
        detail={
            "coverage": coverage,
            "absent": absent,
            "absent_points": points,
            "first_present": {"ref": i, "witness": j, "point": p.point, "offset": offset},
            "description": said,
        },
        at="start",
    )


def where_cut(cut: Finding) -> str:
    stops = cut.detail.get("stops_at") or {}
    where = []
    if stops.get("point"):
        where.append(f"in point {stops['point']}")
    if stops.get("paragraph") is not None:
        where.append(f"at ¶{stops['paragraph']}")
    if stops.get("last_words"):
        where.append(f"after {stops['last_words']!r}")
    return " ".join(where) or "early"


def cut_reference_note(cut: Finding) -> str:
    return (
        f"the reference is itself truncated: it stops {where_cut(cut)}; "
        "nothing past that point could be checked"
    )


def unrelated(share: float, coverage: float, aligned: int, chars: int) -> Finding:
    return Finding(
        kind="unrelated",
        severity="substantive",
        rule="too-little-aligns",
        evidence=(
            f"{share:.0%} of the copy's text ({aligned} of {chars} characters) aligns with "
            f"the reference, and {coverage:.0%} of the reference is found in it: "
            "a copy of another document",
        ),
        detail={
            "share": round(share, 6),
            "coverage": coverage,
            "aligned_chars": aligned,
            "chars": chars,
            "share_min": UNRELATED_SHARE,
            "coverage_min": UNRELATED_COVERAGE,
        },
    )
