"""What a single copy reveals about itself, with no reference at hand.

:func:`inspect_document` turns a :class:`~docwitness.model.Document` into a
:class:`~docwitness.model.WitnessReport` with no reference: findings point at
the copy's own paragraphs (``witness``; ``ref`` is None), ``coverage`` is None,
and ``metadata`` holds the copy's claims about itself (title, date, dateline).
The verdict is ``truncated`` when the copy is judged truncated, else
``variant`` when another finding is substantive, else ``complete``.

:func:`single_copy_findings` gives the findings alone, for ``fetch`` and
``collate`` to run on every witness. They are:

* ``truncation`` (substantive): one finding listing every piece of evidence,
  each under the name of the rule that produced it (``detail["rules"]``); it
  names where the text stops (outline point, paragraph, last words). A copy cut
  exactly at a sentence end leaves no trace in itself: with no evidence, no
  truncation is claimed, and a note says what evidence remains.
* ``split`` (formal): a paragraph that ends without closing punctuation and
  whose next paragraph reads on (a page break); ``detail["mended"]`` is the
  mended text.
* ``numbering`` (formal): the outline skips, repeats, goes back or changes style,
  with what was expected.
* ``extra`` with ``boilerplate=True`` (formal): the page's or aggregator's
  headers and footers, judged by :func:`docwitness.rules.boilerplate_rule`.

Rules come from the tables in :mod:`docwitness.rules`. The outline is read here
rather than taken from ``Paragraph.point``, because a single copy has to infer
what a misnumbered point stands for ("1." after "九、" stands where 十 belongs).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from docwitness import rules as R
from docwitness.compare.verdict import decide
from docwitness.errors import ExtractionError
from docwitness.model import AlignedRow, Document, Finding, Paragraph, WitnessReport
from docwitness.outline import (
    Marker,
    Outline,
    Point,
    label_in_style,
    parse_marker,
    point_of,
    read_points,
)


@dataclass(frozen=True, slots=True)
class Inspection:
    """Everything the single-copy checks worked out, for reuse by collation."""

    language: str
    language_guessed: bool
    boilerplate: dict[int, str]  # paragraph index → boilerplate rule name
    body: range  # from the first to the last paragraph that is not boilerplate
    outline: Outline
    findings: tuple[Finding, ...]
    notes: tuple[str, ...]
    metadata: dict[str, str] = field(default_factory=dict)
    frames: tuple[R.Frame, ...] = ()  # each paragraph's framing (:func:`docwitness.rules.frames`)

    @property
    def truncated(self) -> bool:
        return any(f.kind == "truncation" for f in self.findings)


def boilerplate_paragraphs(
    doc: Document, framed: Sequence[R.Frame] | None = None
) -> dict[int, str]:
    """Paragraph index → the boilerplate rule it matches, for every such paragraph."""
    if framed is None:
        framed = R.frames([p.text for p in doc.paragraphs])
    return {i: f.rule for i, f in enumerate(framed) if f.rule is not None}


def body_range(doc: Document, boilerplate: dict[int, str] | None = None) -> range:
    """The paragraphs that are the document's body: first to last non-boilerplate one.

    Boilerplate inside the range (a page footer between two pages) stays
    boilerplate; the range is empty when every paragraph is boilerplate.
    """
    marks = boilerplate_paragraphs(doc) if boilerplate is None else boilerplate
    kept = [p.index for p in doc.paragraphs if p.index not in marks]
    return range(kept[0], kept[-1] + 1) if kept else range(0)


# Inside :func:`shared_checks`, the checks of each copy already run (its witness, its
# three digests, its profile and the language asked for), and what they found.
_SHARED: ContextVar[dict[tuple[Any, ...], Inspection] | None] = ContextVar(
    "docwitness_shared_checks", default=None
)


@contextmanager
def shared_checks() -> Iterator[None]:
    """Within the block (in this thread), a copy's single-copy checks run once.

    ``check`` judges each fresh capture on its own for its one-line summary, then
    collates the same copies read back from the store; their text is the same (the
    history names the same digests), so the second judgement is the first. A copy
    is known by its witness, its raw, extracted and canonical digests, its profile
    and the language asked for: what :func:`analyse` reads of it follows from those.
    A block inside another shares the outer one's."""
    if _SHARED.get() is not None:
        yield
        return
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def analyse(doc: Document, language: str | None = None) -> Inspection:
    """Run every single-copy check over ``doc``; ``language`` picks the rule set
    (once for each copy inside :func:`shared_checks`)."""
    memo = _SHARED.get()
    if memo is None:
        return _analyse(doc, language)
    key = (doc.witness_id, doc.digests, doc.profile, len(doc.paragraphs), language)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _analyse(doc, language)
    return found


def _analyse(doc: Document, language: str | None) -> Inspection:
    if not doc.paragraphs:
        raise ExtractionError(doc.source, "the copy has no text to inspect")
    notes: list[str] = []
    rules = R.language_rules(language)
    guessed = rules is None
    if rules is None:
        code = R.guess_language(doc.canonical_text)
        rules = R.LANGUAGES[code]
        if language:
            notes.append(f"no rules for language {language!r}; used {rules.name} rules by script")
    framed = R.frames([p.text for p in doc.paragraphs])
    marks = boilerplate_paragraphs(doc, framed)
    body = body_range(doc, marks)
    text_paras = [doc.paragraphs[i] for i in body if i not in marks]
    outline = read_outline(text_paras, rules)

    findings: list[Finding] = []
    truncation, truncation_notes = _truncation(doc, marks, body, text_paras, outline, rules)
    notes.extend(truncation_notes)
    if truncation is not None:
        findings.append(truncation)
    findings.extend(
        _splits([p for p in text_paras if p.index not in outline.contents], outline, rules)
    )
    findings.extend(outline.findings)
    findings.extend(
        Finding(
            kind="extra",
            severity="formal",
            witness=i,
            witness_text=doc.paragraphs[i].text,
            boilerplate=True,
            rule=rule,
            evidence=(doc.paragraphs[i].text,),
            detail={"position": _position(i, body)},
        )
        for i, rule in sorted(marks.items())
    )
    return Inspection(
        language=rules.code,
        language_guessed=guessed,
        boilerplate=marks,
        body=body,
        outline=outline,
        findings=tuple(findings),
        notes=tuple(notes),
        metadata=_claims(doc, marks, text_paras, framed),
        frames=tuple(framed),
    )


def single_copy_findings(doc: Document, language: str | None = None) -> list[Finding]:
    """The findings a copy reveals about itself (see the module docstring)."""
    return list(analyse(doc, language).findings)


def inspect_document(
    doc: Document, *, language: str | None = None, checks: Inspection | None = None
) -> WitnessReport:
    """A report on one copy with no reference: verdict, findings, claims, notes.

    A copy whose text layer is unreliable (a scan with no text layer, glyphs with no
    Unicode mapping) is not read further: its one finding says why. ``checks`` is
    the copy's :func:`analyse`, when the caller has run it already.
    """
    unreliable = unreliable_text(doc)
    if unreliable is not None:
        return WitnessReport(
            id=doc.witness_id,
            source=doc.source,
            verdict=decide((unreliable,), alone=True),
            degraded=True,
            digests=doc.digests,
            findings=(unreliable,),
            notes=("not read: the extracted text is unreliable",),
            metadata=dict(doc.extraction.metadata),
            paragraphs=len(doc.paragraphs),
        )
    result = checks if checks is not None else analyse(doc, language)
    return WitnessReport(
        id=doc.witness_id,
        source=doc.source,
        verdict=decide(result.findings, alone=True),
        digests=doc.digests,
        findings=result.findings,
        notes=result.notes,
        metadata=result.metadata,
        paragraphs=len(doc.paragraphs),
        rows=tuple(
            AlignedRow(
                "text",
                witness=(p.index,),
                witness_text=p.text,
                boilerplate=p.index in result.boilerplate,
                point=result.outline.point_of.get(p.index),
            )
            for p in doc.paragraphs
        ),
    )


# --------------------------------------------------------------------------- truncation


def _truncation(
    doc: Document,
    marks: dict[int, str],
    body: range,
    text_paras: list[Paragraph],
    outline: Outline,
    rules: R.LanguageRules,
) -> tuple[Finding | None, list[str]]:
    """The truncation finding, if there is evidence; and notes on what evidence remains."""
    evidence: list[tuple[str, str, int | None]] = []  # (rule, what it fired on, paragraph)

    # Markers the site put after the body: the copy says itself that it stops early.
    for i in sorted(marks):
        if i >= body.stop and R.cut_off_marker(doc.paragraphs[i].text) is not None:
            evidence.append(("cut-off-marker", doc.paragraphs[i].text, i))

    if not text_paras:
        evidence.append(("no-body", "every paragraph of the copy is site chrome", None))
        return _truncation_finding(evidence, None, None, rules, None), []

    last = text_paras[-1]
    text = last.text
    glued = R.glued_cut_off_marker(text)
    if glued is not None:
        evidence.append(("cut-off-marker", f"{glued[1]} (glued to the text)", last.index))
        text = text[: glued[2]].rstrip()
    ending = f"the body ends {R.tail_words(text, rules)!r}"
    if R.TRAILING_ELLIPSIS.search(text):
        evidence.append(("trailing-ellipsis", ending, last.index))
    closed = R.ends_sentence(text, rules) or R.closing_line(text) is not None
    if not closed:
        evidence.append(("no-closing-punctuation", ending, last.index))
    point = outline.point_of.get(last.index)
    opener = outline.opener(point)
    if opener is not None:
        opened = f"point {point} (opened by {opener.marker.text!r} at paragraph {opener.index})"
        # A point whose only paragraph is its heading ("十、" or "十、金砖合作") was
        # opened and never written; otherwise a point is open when its text breaks off.
        if opener.index == last.index and R.title_like(last.text):
            evidence.append(("open-point", f"{opened} has a heading and no text", last.index))
        elif not closed:
            evidence.append(("open-point", f"the text stops mid-sentence in {opened}", last.index))
    promise = outline.promised
    if promise is not None and outline.points and outline.points[-1].value < promise[0]:
        reached = outline.points[-1].label
        promised = f"the contents list points up to {promise[1]}; the text stops at {reached}"
        evidence.append(("outline-promise", promised, outline.contents[0]))

    if evidence:
        return _truncation_finding(evidence, last, point, rules, text), []
    # The hard case: a cut exactly at a sentence end leaves nothing to see here.
    note = (
        f"the body ends at a sentence end ({R.tail_words(text, rules)!r}, paragraph {last.index}"
        + (f", point {point}" if point else "")
        + "); no cut-off marker, open point or promised outline shows a cut, so no"
        " truncation is claimed, though a copy cut exactly at a sentence end cannot be"
        " told from a complete one without a reference"
    )
    remains = [f for f in outline.findings if f.outline == point and point is not None]
    if remains:
        note += "; what remains: " + "; ".join(str(f.detail["description"]) for f in remains)
    return None, [note]


def _truncation_finding(
    evidence: list[tuple[str, str, int | None]],
    last: Paragraph | None,
    point: str | None,
    rules: R.LanguageRules,
    text: str | None,
) -> Finding:
    names = list(dict.fromkeys(name for name, _, _ in evidence))
    detail: dict[str, Any] = {
        "rules": names,
        "evidence": [{"rule": n, "text": t, "paragraph": i} for n, t, i in evidence],
    }
    if last is not None and text is not None:
        detail["stops_at"] = {
            "point": point,
            "paragraph": last.index,
            "last_words": R.tail_words(text, rules),
        }
        detail["ends_at_sentence_end"] = R.ends_sentence(text, rules)
    return Finding(
        kind="truncation",
        severity="substantive",
        witness=last.index if last is not None else None,
        outline=point,
        witness_text=R.tail_words(text, rules) if text is not None else None,
        offset=len(text) if text is not None else None,
        rule=names[0],
        evidence=tuple(f"{n}: {t}" for n, t, _ in evidence),
        detail=detail,
        at="end",
    )


# --------------------------------------------------------------------------- splits


def _splits(text_paras: list[Paragraph], outline: Outline, rules: R.LanguageRules) -> list[Finding]:
    """Paragraphs cut in two by a page break: prose that ends open, then plain text."""
    out: list[Finding] = []
    for prev, nxt in pairwise(text_paras):
        if prev.kind == "heading" or nxt.kind == "heading":
            continue
        # (Most paragraphs end their sentence: that is looked at first.)
        if R.ends_sentence(prev.text, rules) or prev.text.endswith((":", "：")):
            continue
        # A short unpunctuated line is a title, unless what follows plainly goes on
        # with the same sentence (a lower-case word, or a comma).
        if R.title_like(prev.text) and not (nxt.text[:1].islower() or nxt.text[:1] in ",、;)"):
            continue
        if R.closing_line(prev.text) or parse_marker(nxt.text) is not None:
            continue
        join = rules.join
        if join and (prev.text.endswith("-") or not nxt.text[:1].isalnum()):
            join = ""  # a hyphenated word, or the next half opens with punctuation
        mended = prev.text + join + nxt.text
        out.append(
            Finding(
                kind="split",
                severity="formal",
                witness=(prev.index, nxt.index),
                outline=outline.point_of.get(prev.index),
                witness_text=mended,
                rule="split-reads-on",
                evidence=(R.tail_words(prev.text, rules), R.head_words(nxt.text, rules)),
                detail={
                    "mended": mended,
                    "mended_raw": prev.raw.rstrip() + join + nxt.raw.lstrip(),
                    "join": join,
                },
            )
        )
    return out


# --------------------------------------------------------------------------- outline


def read_outline(paras: list[Paragraph], rules: R.LanguageRules) -> Outline:
    """The top-level outline of ``paras`` (the body's text paragraphs), with numbering findings.

    The top-level style is the first marker met whose style ``rules`` accepts as
    top-level. A marker in another style is a sub-item, unless it stands where
    the next point is expected: it carries that point's value with no sub-list of
    its style open in the point, or it is a lone "1." (no "2." follows it) and
    the outline then skips exactly that point, or ends with no sub-list of that
    style seen before. The seed's "1." after "九、" is such a marker.
    """
    contents, promised = _contents(paras)
    marked = [
        (p, m) for p in paras if p.index not in contents and (m := parse_marker(p.text)) is not None
    ]
    top, points = read_points([(p.index, m) for p, m in marked], rules.top_styles)
    return Outline(
        style=top,
        points=tuple(points),
        point_of=point_of([p.index for p in paras if p.index not in contents], points),
        findings=tuple(_numbering(points)),
        contents=tuple(sorted(contents)),
        promised=promised,
    )


def _numbering(points: list[Point]) -> list[Finding]:
    """Breaks in the outline's sequence: a change of style, a skip, a repeat, a step back."""
    out: list[Finding] = []
    prev: Point | None = None
    for pt in points:
        expected = 1 if prev is None else prev.value + 1
        # A run of points in the new style ("10.", "11." after "九、") is one change.
        same_run = prev is not None and prev.inferred and prev.marker.style == pt.marker.style
        if pt.inferred and same_run:
            prev = pt
            continue
        if pt.inferred:
            change = "style"
        elif pt.value == expected:
            prev = pt
            continue
        elif prev is None:
            change = "start"
        elif pt.value == prev.value:
            change = "repeat"
        else:
            change = "skip" if pt.value > expected else "back"
        model = prev or pt  # write the expected marker the way the copy writes its points
        expected_marker = model.marker.text.replace(
            model.marker.label, label_in_style(model.marker.style, expected), 1
        )
        after = prev.marker.text if prev is not None else None
        found = pt.marker.text
        what = {
            "style": f"{found!r} stands where point {pt.label} ({expected_marker!r}) is expected",
            "start": f"the outline starts at {found!r}, not {expected_marker!r}",
            "repeat": f"{found!r} repeats the point before",
            "skip": f"{found!r} follows {after!r}; {expected_marker!r} is skipped",
            "back": f"{found!r} follows {after!r}; {expected_marker!r} was expected",
        }[change]
        out.append(
            Finding(
                kind="numbering",
                severity="formal",
                witness=pt.index,
                outline=pt.label,
                witness_text=found,
                rule=f"numbering-{change}",
                evidence=(f"{after} … {found}" if after else found,),
                detail={
                    "change": change,
                    "expected": expected_marker,
                    "found": found,
                    "after": after,
                    "description": what,
                },
            )
        )
        prev = pt
    return out


def _contents(paras: list[Paragraph]) -> tuple[set[int], tuple[int, str] | None]:
    """A table of contents near the start: its paragraphs, and the last point it lists."""
    for j, p in enumerate(paras[: max(10, len(paras) // 3)]):
        if not R.CONTENTS_HEADING.match(p.text):
            continue
        entries: list[tuple[Paragraph, Marker]] = []
        for q in paras[j + 1 :]:
            m = parse_marker(q.text)
            # The list ends at the first line that is not a short numbered entry, or
            # when the numbering starts again (the body's first point).
            if m is None or len(q.text) > 80:
                break
            if entries and m.style == entries[0][1].style and m.value <= entries[-1][1].value:
                break
            entries.append((q, m))
        if len(entries) >= 2:
            style = entries[0][1].style
            last = max((m for _, m in entries if m.style == style), key=lambda m: m.value)
            return {p.index, *(q.index for q, _ in entries)}, (last.value, last.label)
    return set(), None


# --------------------------------------------------------------------------- claims


def title_of(doc: Document, framed: Sequence[R.Frame] | None = None) -> str | None:
    """The copy's own title: its first heading, or its first short unpunctuated
    paragraph that is not site text, with any dateline or label taken off. Never
    site text ("跳转到内容" is a link, not a title)."""
    if framed is None:
        framed = R.frames([p.text for p in doc.paragraphs[:12]])
    candidates = [(p, f) for p, f in zip(doc.paragraphs, framed, strict=False)]
    for p, f in candidates:
        if p.kind == "heading" and f.rule is None:
            return f.core
    for _, f in candidates:
        if f.rule is None or f.rule == "heading-echo":
            if R.title_like(f.core) and parse_marker(f.core) is None:
                return f.core
            if f.rule is None:
                break  # the body has begun
    return None


def _claims(
    doc: Document, marks: dict[int, str], text_paras: list[Paragraph], framed: Sequence[R.Frame]
) -> dict[str, str]:
    """The copy's claims about itself: title, date, source, editor, dateline."""
    claims = dict(doc.extraction.metadata)
    if "title" not in claims:
        title = title_of(doc, framed)
        if title:
            claims["title"] = title
    for i, rule in sorted(marks.items()):
        text = doc.paragraphs[i].text
        if rule in ("date-line", "byline"):
            said = R.parse_byline(text) or ({"date": text} if rule == "date-line" else {})
            for key, value in said.items():
                if key != "pager":
                    claims.setdefault(key, value)
        elif rule == "dateline":
            claims.setdefault("dateline", text)
    if "dateline" not in claims:
        for p in text_paras[:6]:
            glued = next((t for rule, t in framed[p.index].pieces if rule == "dateline"), None)
            found = R.dateline(glued or p.text)
            if found is not None:
                claims["dateline"] = found[1]
                break
    return claims


def _position(index: int, body: range) -> str:
    if index < body.start:
        return "before the body"
    if index >= body.stop:
        return "after the body"
    return "inside the body"


def summary(document: Document, language: str | None = None) -> str:
    """What the single-copy checks say of a fresh capture, in a few words: the verdict
    :func:`inspect_document` gives, without building its side-by-side rows."""
    unreliable = unreliable_text(document)
    findings = (unreliable,) if unreliable is not None else analyse(document, language).findings
    verdict = decide(findings, alone=True)
    cut = next((f for f in findings if f.kind == "truncation"), None)
    if cut is not None and cut.outline:
        return f"{verdict} in point {cut.outline}"
    return verdict


def unreliable_text(doc: Document) -> Finding | None:
    """A finding when the extractor judged the copy's text layer unreliable, else None."""
    for warning in doc.extraction.warnings:
        _, _, what = warning.partition("unreliable-text-layer:")
        if what:
            return Finding(
                kind="unreliable-text",
                severity="substantive",
                rule="unreliable-text-layer",
                evidence=(what.strip(),),
                detail={"extractor": doc.extraction.extractor},
            )
    return None
