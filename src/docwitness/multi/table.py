"""One variant table of every witness, on the reference's paragraphs.

Each witness's pairwise comparison with the reference gives its alignment rows
(:class:`~docwitness.model.AlignedRow`: which of its paragraphs stand for which
of the reference's) and, per aligned pair, the character diff
(:func:`docwitness.compare.chardiff.char_diff`, the comparison's own) says where
they differ: that witness's *edits*. Where several witnesses' edits overlap or
touch, they are one place (a variation unit), the same for every witness; at
each place, the witnesses are grouped by what they read. The cost is the
pairwise comparisons' plus a pass over the edits: linear in text × witnesses.

A witness's reading is tokens: text, and the marks :data:`PARA` (a paragraph
break), :data:`LACUNA_START` and :data:`LACUNA_END` (where its text stops and
resumes: a copy cut off, or a run of paragraphs it lacks). Between a lacuna's
start and end a witness reads nothing and is ``absent`` from the places there.

The TEI export (:mod:`docwitness.export.tei`) writes this table as its
apparatus, so there is one collation of all witnesses, not two.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from docwitness.compare.chardiff import char_diff, spans
from docwitness.model import Document, Report, Verdict, WitnessReport
from docwitness.rules import (
    TITLE_MAX,
    LanguageRules,
    ends_sentence,
    guess_language,
    language_rules,
    title_like,
)
from docwitness.variants import Stretch, VariantPlace, VariantReading, VariantTable

# The tokens of a reading: text, or one of these marks.
PARA, LACUNA_START, LACUNA_END = "\x00para", "\x00lacunaStart", "\x00lacunaEnd"
MARKS = (PARA, LACUNA_START, LACUNA_END)

# Row kinds the comparison judges formal: a reading there is orthographic.
_FORMAL_ROWS = ("equal", "formal", "numbering", "split", "merge")

# Verdicts of a witness that is in no reading of the table.
LEFT_OUT = (Verdict.UNAVAILABLE, Verdict.UNRELIABLE, Verdict.UNRELATED)


@dataclass
class Edit:
    """What one witness reads in place of ``ref[start:end]`` of one reference paragraph.

    ``site`` when the comparison judged the witness's text there site text;
    ``echo`` for the empty reading of a paragraph merged into the one before (its
    text is read there already)."""

    start: int
    end: int
    content: list[str]
    substantive: bool
    site: bool = False
    echo: bool = False


@dataclass
class Reading:
    """One witness's place in the table: its edits by reference paragraph."""

    id: str
    edits: dict[int, list[Edit]] = field(default_factory=dict)
    site_paragraphs: set[int] = field(default_factory=set)  # the reference's, by its rows

    def add(self, paragraph: int, edit: Edit) -> None:
        self.edits.setdefault(paragraph, []).append(edit)


def _tokens(text: str) -> list[str]:
    """A witness's text as reading tokens: each line break is a paragraph break."""
    out: list[str] = []
    for n, line in enumerate(text.split("\n")):
        if n:
            out.append(PARA)
        if line:
            out.append(line)
    return out


@dataclass
class _Slots:
    inside: dict[int, list[int]]
    after: dict[int, list[int]]
    covered: dict[int, bool]
    substantive: dict[int, bool]
    site: set[int]
    site_missing: set[int]


def _slots(w: WitnessReport, n_ref: int, n_wit: int) -> _Slots:
    """Where each of the witness's paragraphs stands, in its own order.

    ``inside``: the witness paragraphs that stand for each reference paragraph;
    ``after``: those that come after a reference paragraph as extra text (-1 is
    before the first); ``covered``: reference paragraphs whose text the witness has
    elsewhere (merged into the one before: False; moved: True, substantive);
    ``substantive``: whether each witness paragraph's difference is; ``site``: the
    witness paragraphs the comparison judged site text.
    """
    target: dict[int, int] = {}
    substantive: dict[int, bool] = {}
    covered: dict[int, bool] = {}
    site: set[int] = set()
    site_missing: set[int] = set()
    for row in w.rows:
        if row.kind == "missing" and row.boilerplate:
            site_missing.update(row.ref)  # site text of the reference's that it lacks
        formal = row.kind in _FORMAL_ROWS or row.boilerplate
        for j in row.witness:
            substantive[j] = not formal
            if row.boilerplate and row.kind != "equal":
                site.add(j)
            if row.ref:
                target.setdefault(j, row.ref[0])
        if row.kind == "merge":
            covered.update({i: False for i in row.ref[1:]})
    inside: dict[int, list[int]] = {}
    after: dict[int, list[int]] = {}
    pos = 0  # 2i+1: inside reference paragraph i; 2i+2: after it; 0: before the first
    for j in range(n_wit):
        t = target.get(j)
        if t is not None and 0 <= t < n_ref and 2 * t + 1 >= pos:
            pos = 2 * t + 1
            inside.setdefault(t, []).append(j)
            continue
        if pos % 2 == 1:
            pos += 1
        after.setdefault(pos // 2 - 1, []).append(j)
        substantive.setdefault(j, True)
        if t is not None and 0 <= t < n_ref:
            covered.setdefault(t, True)  # moved: its text is here, out of the reference's order
    for i in inside:
        covered.pop(i, None)
    return _Slots(inside, after, covered, substantive, site, site_missing)


def witness_edits(w: WitnessReport, ref: Document, wit: Document, truncated: set[str]) -> Reading:
    """The edits of one witness, paragraph by paragraph of the reference.

    A run of reference paragraphs the witness lacks is a lacuna: it starts at the
    run's first paragraph and ends where the witness resumes. A copy cut inside its
    first or last paragraph (a ``truncation`` at the start or end) has its lacuna
    begin or end at the cut.
    """
    n = len(ref.paragraphs)
    texts = [p.text for p in wit.paragraphs]
    sl = _slots(w, n, len(texts))
    inside, after, covered = sl.inside, sl.after, sl.covered
    reading = Reading(w.id)
    present = sorted(set(inside) | set(covered))
    if not present:
        return reading
    first, last = present[0], present[-1]
    # The reference's site text it lacks is a reading only between what it has: past
    # its end, or before its start, it is in the lacuna.
    sl.site_missing = {i for i in sl.site_missing if first < i < last}
    ends_early = last < n - 1 or "end" in truncated

    def subst(js: list[int]) -> bool:
        return any(sl.substantive.get(j, True) for j in js)

    def site(js: list[int]) -> bool:
        return any(j in sl.site for j in js)

    if after.get(-1):
        tokens: list[str] = []
        for j in after[-1]:
            tokens += [*_tokens(texts[j]), PARA]
        reading.add(0, Edit(0, 0, tokens, subst(after[-1]), site(after[-1])))
    if "start" in truncated and first == 0:
        reading.add(0, Edit(0, 0, [LACUNA_START, LACUNA_END], False))
    for i in range(n):
        size = len(ref.paragraphs[i].text)
        here = i in inside or i in covered or i in sl.site_missing
        before = i > 0 and (i - 1 in inside or i - 1 in covered or i - 1 in sl.site_missing)
        if not here and i < last and (i == 0 or before):
            reading.add(i, Edit(0, 0, [LACUNA_START], False))  # a run it lacks begins
        if here and i > 0 and not before and i >= first:
            reading.add(i, Edit(0, 0, [LACUNA_END], False))  # and ends: it resumes
        if i in inside:
            js = inside[i]
            a = ref.paragraphs[i].text
            b = "\n".join(texts[j] for j in js)
            if a != b:
                for sp in spans(char_diff(a, b)):
                    content = _tokens(b[sp.b_start : sp.b_end])
                    reading.add(i, Edit(sp.a_start, sp.a_end, content, subst(js), site(js)))
        elif i in covered:
            reading.add(i, Edit(0, size, [], covered[i], echo=not covered[i]))
        elif i in sl.site_missing:
            # The reference's site text, which this copy lacks: no lacuna, a reading.
            reading.add(i, Edit(0, size, [], False))
            reading.site_paragraphs.add(i)
        if after.get(i):
            tokens = []
            for j in after[i]:
                tokens += [PARA, *_tokens(texts[j])]
            reading.add(i, Edit(size, size, tokens, subst(after[i]), site(after[i])))
        if i == last and ends_early:
            reading.add(i, Edit(size, size, [LACUNA_START], False))  # after all it has here
    return reading


def _merged(edits: list[Edit]) -> list[Edit]:
    """One witness's edits in a paragraph, in order, those that overlap or touch joined."""
    out: list[Edit] = []
    for e in sorted(edits, key=lambda e: (e.start, e.end)):
        if out and e.start <= out[-1].end:
            last = out[-1]
            last.content = [*last.content, *e.content]
            last.end = max(last.end, e.end)
            last.substantive = last.substantive or e.substantive
            last.site = last.site or e.site
            last.echo = last.echo and e.echo
        else:
            out.append(Edit(e.start, e.end, list(e.content), e.substantive, e.site, e.echo))
    return out


def _units(per_witness: list[list[Edit]]) -> list[tuple[int, int]]:
    """The places of a paragraph: every witness's edits, overlapping or touching ones
    joined across witnesses."""
    spans_ = sorted((e.start, e.end) for edits in per_witness for e in edits)
    out: list[list[int]] = []
    for s, e in spans_:
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return [(s, e) for s, e in out]


def _content(ref_text: str, s: int, e: int, edits: list[Edit]) -> list[str]:
    """What a witness reads in ``ref_text[s:e]``, given its edits there."""
    out: list[str] = []
    at = s
    for ed in edits:
        if ed.start > at:
            out.append(ref_text[at : ed.start])
        out.extend(ed.content)
        at = max(at, ed.end)
    if e > at:
        out.append(ref_text[at:e])
    return out


def _settle(tokens: list[str], lacuna: bool) -> tuple[list[str], bool]:
    """``tokens`` without the text that falls inside a lacuna, adjacent text joined; and
    whether the witness is in a lacuna after them."""
    out: list[str] = []
    for t in tokens:
        if t == LACUNA_START:
            lacuna = True
        elif t == LACUNA_END:
            lacuna = False
        elif t != PARA and lacuna:
            continue
        if t not in MARKS and out and out[-1] not in MARKS:
            out[-1] += t
        elif t:
            out.append(t)
    return out, lacuna


def _page_break(tokens: tuple[str, ...], before: str, after: str, rules: LanguageRules) -> bool:
    """Whether a reading breaks a paragraph in the middle of a sentence: text before the
    break that does not end one, and text after it.

    One pass over the tokens: a reading that runs on over thousands of paragraphs (a
    block moved, or inserted) is not joined again at each of its breaks."""
    if PARA not in tokens:
        return False
    n = len(tokens)
    # Whether the text after each position has any text, and any that is not blank.
    any_after = [False] * (n + 1)
    solid_after = [False] * (n + 1)
    for k in range(n - 1, -1, -1):
        t = tokens[k]
        text = t not in MARKS
        any_after[k] = any_after[k + 1] or (text and t != "")
        solid_after[k] = solid_after[k + 1] or (text and not t.isspace() and t != "")
    after_solid = bool(after.strip())
    pieces: list[str] = []
    size = 0
    solid = False
    for k, t in enumerate(tokens):
        if t != PARA:
            if t not in MARKS and t:
                pieces.append(t)
                size += len(t)
                solid = solid or not t.isspace()
            continue
        if not (solid_after[k + 1] if any_after[k + 1] else after_solid):
            continue
        if size == 0:
            if k > 0 or not before.strip():
                continue
            head: str | None = before
            end = before
        else:
            if not solid:
                continue
            head = None  # joined only if short enough to be a title
            end = _tail_of(pieces, rules)
        # A title, a heading or a list's lead-in ends no sentence either: only prose
        # broken off counts.
        if ends_sentence(end, rules) or end.rstrip().endswith((":", "：")):
            continue
        if size > TITLE_MAX or not title_like("".join(pieces) if head is None else head):
            return True
    return False


def _tail_of(pieces: list[str], rules: LanguageRules) -> str:
    """The end of the text ``pieces`` make, long enough to say what the whole ends
    with: back to a character that is neither blank nor a closer (or the whole text)."""
    for j in range(len(pieces) - 1, -1, -1):
        if any(not c.isspace() and c not in rules.closers for c in reversed(pieces[j])):
            return "".join(pieces[j:])
    return "".join(pieces)


def _marks(
    tokens: tuple[str, ...], site: bool, before: str, after: str, rules: LanguageRules
) -> tuple[str, ...]:
    out = []
    if site:
        out.append("site-text")
    elif _page_break(tokens, before, after, rules):
        out.append("page-break")
    if any("\ufffd" in t for t in tokens):
        out.append("encoding")
    if LACUNA_START in tokens or LACUNA_END in tokens:
        out.append("lacuna")
    return tuple(out)


def compared(report: Report, documents: dict[str, Document]) -> list[WitnessReport]:
    """The witnesses of a collation that are in the table: compared with the reference."""
    ref = report.reference
    return [
        w
        for w in report.witnesses
        if ref is not None and w.id != ref.id and w.id in documents and w.verdict not in LEFT_OUT
    ]


def build_table(
    report: Report,
    documents: dict[str, Document],
    language: str | None = None,
    official: bool = False,
) -> VariantTable | None:
    """The variant table of a collation, or None when it has no reference text."""
    reference = report.reference
    if reference is None or reference.id not in documents:
        return None
    ref_doc = documents[reference.id]
    rules = language_rules(language) or language_rules(guess_language(ref_doc.canonical_text))
    assert rules is not None
    included = compared(report, documents)
    excluded: dict[str, str] = {}
    for w in report.witnesses:
        if w.id == reference.id or w in included:
            continue
        why = w.reason or (f"{w.verdict.value}: not compared" if w.verdict in LEFT_OUT else "")
        excluded[w.id] = why or "no stored text"
    readings = []
    for w in included:
        truncated = {f.at for f in w.findings if f.kind == "truncation" and f.at}
        readings.append(witness_edits(w, ref_doc, documents[w.id], truncated))
    lacuna = {r.id: False for r in readings}
    ref_site = {i for r in readings for i in r.site_paragraphs}
    places: list[VariantPlace] = []
    segments: list[Stretch | VariantPlace] = []
    paragraphs = ref_doc.paragraphs
    for i, para in enumerate(paragraphs):
        text = para.text
        mine = {r.id: _merged(r.edits.get(i, [])) for r in readings}
        merged_next = {r.id for r in readings if any(e.echo for e in r.edits.get(i + 1, ()))}
        at = 0

        def stretch(i: int, text: str, s: int, e: int) -> None:
            if e > s:
                readers = (reference.id, *(r.id for r in readings if not lacuna[r.id]))
                segments.append(Stretch(i, s, e, text[s:e], readers))

        for s, e in _units(list(mine.values())):
            stretch(i, text, at, s)
            lem = (text[s:e],) if e > s else ()
            groups: dict[tuple[str, ...], list[str]] = {lem: [reference.id]}
            substantive: dict[tuple[str, ...], bool] = {lem: False}
            site: dict[tuple[str, ...], bool] = {lem: False}
            absent: list[str] = []
            echo: list[str] = []
            for r in readings:
                inside = [ed for ed in mine[r.id] if s <= ed.start and ed.end <= e]
                if lacuna[r.id] and not inside:
                    absent.append(r.id)
                    continue
                tokens, lacuna[r.id] = _settle(_content(text, s, e, inside), lacuna[r.id])
                key = tuple(tokens)
                groups.setdefault(key, []).append(r.id)
                substantive[key] = substantive.get(key, False) or any(
                    ed.substantive for ed in inside
                )
                site[key] = site.get(key, False) or any(ed.site for ed in inside)
                if inside and all(ed.echo for ed in inside):
                    echo.append(r.id)
            before, after = text[:s], text[e:]
            out = []
            for key, ws in groups.items():
                whole_site = key == lem and s == 0 and e == len(text) and i in ref_site
                marks = _marks(key, site[key] or whole_site, before, after, rules)
                others = {w for k2, w2 in groups.items() if k2 != lem for w in w2}
                at_end = s == e == len(text) and i + 1 < len(paragraphs)
                if (
                    key == lem
                    and at_end
                    and others & merged_next
                    and not ends_sentence(text, rules)
                ):
                    # The reference breaks the paragraph mid-sentence where a witness
                    # runs on into the next one: the reference's is a page-break split.
                    marks = (*marks, "page-break")
                out.append(VariantReading(key, tuple(ws), substantive[key], marks))
            place = VariantPlace(
                number=len(places),
                paragraph=i,
                start=s,
                end=e,
                point=para.point,
                base=text[s:e],
                readings=tuple(out),
                absent=tuple(absent),
                echo=tuple(echo),
            )
            places.append(place)
            segments.append(place)
            at = e
        stretch(i, text, at, len(text))
    return VariantTable(
        reference=reference.id,
        witnesses=(reference.id, *(r.id for r in readings)),
        excluded=excluded,
        places=tuple(places),
        segments=tuple(segments),
        official=official,
    )
