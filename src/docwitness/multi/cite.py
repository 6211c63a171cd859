"""The text to cite: the official copy's, or the best attested by all the copies.

With an official copy as the reference, its text is the text, and every place
where another copy reads otherwise is listed against it.

Without one, at every variant place each *source* casts one vote: the copies
the lineage (:mod:`docwitness.multi.lineage`) joins into a family count once,
through the family's top copies (those no edge makes a copy of another; when a
family has several, they share its vote). The reading with the most votes is
taken; a tie is flagged (and the reading of more copies, then the reference's,
is taken), and so are places that one copy alone, or copies of one source
alone, read. A reading unlikely by its nature (site text, encoding damage, a cut,
a page-break split) casts no vote. Stretches of text outside the places that
only one copy, or one source, has are listed flagged too.

The closest copy is the held copy that reads otherwise at the fewest places:
the one to cite, with its citation block.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from docwitness.multi.lineage import NATURE, sources
from docwitness.multi.table import LACUNA_END, LACUNA_START
from docwitness.variants import (
    Citation,
    CitedPlace,
    Lineage,
    Stretch,
    VariantPlace,
    VariantReading,
    VariantTable,
)


def _families(lineage: Lineage) -> dict[str, int]:
    return {w: n for n, fam in enumerate(lineage.families) for w in fam}


def _mend(texts: dict[int, str], joins: tuple[tuple[int, ...], ...]) -> list[str]:
    """The text's paragraphs, in the reference's order, with each run of ``joins`` (the
    pieces of a paragraph broken at a page end) read as one paragraph."""
    follows = {j for run in joins for j in run[1:]}
    paragraphs: list[str] = []
    for i in sorted(texts):
        lines = [line for line in texts[i].split("\n") if line]
        if i in follows and (i - 1) in texts and paragraphs and lines:
            paragraphs[-1] += lines[0]
            lines = lines[1:]
        paragraphs.extend(lines)
    return paragraphs


def official_text(
    table: VariantTable, reference_text: list[str], joins: tuple[tuple[int, ...], ...] = ()
) -> Citation:
    """The official reference's text, and the places where others diverge from it."""
    places = [
        CitedPlace(
            place=p.number,
            paragraph=p.paragraph,
            start=p.start,
            end=p.end,
            point=p.point,
            text=p.readings[0].text,
            support=p.readings[0].witnesses,
            families=0,
            flags=() if p.substantive else ("formal",),
            others=tuple((r.text, r.witnesses) for r in p.readings[1:]),
        )
        for p in table.places
    ]
    return Citation(
        official=True,
        paragraphs=tuple(_mend(dict(enumerate(reference_text)), joins)),
        mended=joins,
        places=tuple(places),
        closest=table.reference,
        differences=0,
        basis=f"the official copy {table.reference} is the text; the other copies' "
        "divergences are listed against it",
    )


def _vote(
    place: VariantPlace, family_of: dict[str, int], tops: dict[str, tuple[str, ...]]
) -> tuple[int, dict[int, float], tuple[str, ...]]:
    """The reading chosen at a place, the votes, and flags."""
    reading_of = {w: k for k, r in enumerate(place.readings) for w in r.witnesses}
    present = list(reading_of)
    by_family: dict[int, list[str]] = defaultdict(list)
    for w in present:
        by_family[family_of[w]].append(w)
    votes: dict[int, float] = defaultdict(float)
    for ws in by_family.values():
        voters = [w for w in ws if w in tops[w]] or ws
        counted = [
            w for w in voters if not any(m in NATURE for m in place.readings[reading_of[w]].marks)
        ]
        for w in counted:
            votes[reading_of[w]] += 1 / len(counted)
    flags: list[str] = []
    if votes:
        best = max(votes.values())
        tied = [k for k, v in votes.items() if abs(v - best) < 1e-9]
        if len(tied) > 1:
            flags.append("tie")
        chosen = min(tied, key=lambda k: (-len(place.readings[k].witnesses), k))
    else:
        flags.append("no-vote")
        plain = [k for k, r in enumerate(place.readings) if not r.marks]
        chosen = plain[0] if plain else 0
    if len(present) == 1:
        flags.append("single-witness")
    elif len(by_family) == 1:
        flags.append("one-source")
    return chosen, votes, tuple(flags)


def shown(r: VariantReading) -> str:
    """A reading for a reader: its text, and where the copy's text stops or resumes."""
    text = r.text
    if LACUNA_START in r.tokens:
        text += " [its text stops here]"
    if LACUNA_END in r.tokens:
        text += " [its text resumes here]"
    return text


def best_text(
    table: VariantTable,
    lineage: Lineage,
    reference_text: list[str],
    site: frozenset[int] = frozenset(),
    joins: tuple[tuple[int, ...], ...] = (),
) -> Citation:
    """The best-attested text of the table's witnesses, with its evidence. ``site`` are
    the reference's paragraphs its own checks judged site text (a heading echo, a
    cut-off marker, a link back): they are left out of the text. ``joins`` are runs of
    its paragraphs that are one paragraph broken at a page end: read as one."""
    if table.official:
        return official_text(table, reference_text, joins)
    family_of = _families(lineage)
    tops = sources(lineage)
    text: dict[int, list[str]] = defaultdict(list)
    cited: list[CitedPlace] = []
    misses: dict[str, int] = defaultdict(int)
    last_support: tuple[str, ...] = ()
    flags: tuple[str, ...]
    for seg in table.segments:
        if seg.paragraph in site:
            continue
        if isinstance(seg, Stretch):
            text[seg.paragraph].append(seg.text)
            fams = {family_of[w] for w in seg.witnesses}
            for w in table.witnesses:
                if w not in seg.witnesses:
                    misses[w] += 1
            flags = (
                ("single-witness",)
                if len(seg.witnesses) == 1
                else ("one-source",)
                if len(fams) == 1 and len(table.witnesses) > 1
                else ()
            )
            last = cited[-1] if cited else None
            if (
                flags
                and last is not None
                and last.place is None
                and last.flags == flags
                and last.support == seg.witnesses
            ):
                cited[-1] = replace(last, last_paragraph=seg.paragraph, text=last.text + "…")
            elif flags:
                cited.append(
                    CitedPlace(
                        place=None,
                        paragraph=seg.paragraph,
                        start=seg.start,
                        end=seg.end,
                        point=None,
                        text=seg.text,
                        support=seg.witnesses,
                        families=len(fams),
                        flags=flags,
                        others=(),
                    )
                )
            continue
        chosen, votes, flags = _vote(seg, family_of, tops)
        if seg.echo:
            # The second half of a merge follows the first: the merged copies' reading
            # here if theirs was taken at the place before, else any other.
            mine = [k for k, r in enumerate(seg.readings) if set(r.witnesses) & set(seg.echo)]
            took = bool(set(seg.echo) & set(last_support))
            pick = [k for k in range(len(seg.readings)) if (k in mine) == took]
            if pick:
                chosen = min(pick, key=lambda k: (-votes.get(k, 0.0), k))
                flags = tuple(f for f in flags if f != "tie")
        reading = seg.readings[chosen]
        last_support = reading.witnesses
        text[seg.paragraph].append(reading.text)
        for w in table.witnesses:
            if w not in reading.witnesses:
                misses[w] += 1
        cited.append(
            CitedPlace(
                place=seg.number,
                paragraph=seg.paragraph,
                start=seg.start,
                end=seg.end,
                point=seg.point,
                text=reading.text,
                support=reading.witnesses,
                families=round(votes.get(chosen, 0.0), 2),
                flags=flags,
                others=tuple(
                    (shown(r), r.witnesses) for k, r in enumerate(seg.readings) if k != chosen
                ),
            )
        )
    paragraphs = _mend({i: "".join(parts) for i, parts in text.items()}, joins)
    closest = min(table.witnesses, key=lambda w: (misses[w], table.witnesses.index(w)))
    n_sources = len(lineage.families)
    basis = (
        f"no official copy: at each place the reading of the most of "
        f"{n_sources} independent source{'s' if n_sources != 1 else ''} "
        f"({len(table.witnesses)} copies; copies of one source count once)"
    )
    return Citation(
        official=False,
        paragraphs=tuple(paragraphs),
        places=tuple(cited),
        closest=closest,
        differences=misses[closest],
        basis=basis,
        left_out=tuple(sorted(site)),
        mended=joins,
    )
