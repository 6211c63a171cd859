"""Which copy derives from which, from the readings they share that chance would not give.

Two copies made independently from one text each add their own errors; copies
that share an error got it from one another or from a common source. So the
evidence is the *unlikely shared reading*, read off the variant table
(:mod:`docwitness.multi.table`):

- a reading unlikely by its nature, whatever the count: site text inside the
  text, a paragraph broken mid-sentence (a page-break split), a replacement
  character (encoding damage), the text stopping or resuming at the same place
  (the same cut). Each weighs :data:`STRONG`.
- a substantive variant held by a minority of the copies that read the place,
  when one reading has a strict majority of at least three copies (presumed the
  original). Each weighs 1. Formal differences (numbering, spacing, a merge of
  paragraphs at a sentence's end) arise independently all the time: not evidence.

A reading most copies share says nothing of their kinship. Two copies are
linked only when they share unlikely readings weighing at least
:data:`THRESHOLD`; then

- ``derives``: one has every unlikely reading of the other (where both have
  text) and more of its own: it was copied from the other, or from a copy of it.
  Of several such sources the closest (the one sharing most) is named.
- ``same-text``: they agree at every place both read, unlikely readings
  included: one was copied from the other, or both from one source; their dates,
  when they have them, say which came first.
- ``common-source``: they share unlikely readings and each has its own, and no
  held copy explains what they share.

Anything less is said to be too thin to decide. With two copies nothing can be
decided at all: a difference between two copies cannot be told from an error
without a third.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from docwitness.lazy_re import lazy
from docwitness.variants import Lineage, LineageEdge, VariantPlace, VariantReading, VariantTable

STRONG = 2.0  # the weight of a reading unlikely by its nature
THRESHOLD = 2.0  # the shared weight below which no edge is drawn
NATURE = ("site-text", "page-break", "encoding", "lacuna")
MARK_NAMES = {
    "site-text": "site text",
    "page-break": "a page-break split",
    "encoding": "encoding damage",
    "lacuna": "the same cut",
}


@dataclass(frozen=True, slots=True)
class Unlikely:
    """One witness's unlikely reading at one place."""

    place: int
    reading: int
    weight: float
    why: str  # a mark of NATURE, or "variant"


@dataclass
class Evidence:
    """What the table says of every witness: where it reads, and its unlikely readings."""

    present: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    unlikely: dict[str, dict[int, Unlikely]] = field(default_factory=lambda: defaultdict(dict))
    undirected: int = 0  # places where no reading has a majority to presume original


def evidence(table: VariantTable) -> Evidence:
    """Every witness's unlikely readings, place by place."""
    ev = Evidence()
    for place in table.places:
        readers = [(k, r, _readers(place, r)) for k, r in enumerate(place.readings)]
        readers = [(k, r, ws) for k, r, ws in readers if ws]
        present = [w for _, _, ws in readers for w in ws]
        for w in present:
            ev.present[w].add(place.number)
        if len(present) < 2:
            continue
        plain = []
        for k, r, ws in readers:
            nature = [m for m in r.marks if m in NATURE]
            if nature:
                for w in ws:
                    ev.unlikely[w][place.number] = Unlikely(place.number, k, STRONG, nature[0])
            else:
                plain.append((k, r, ws))
        if not plain:
            continue
        top = max(plain, key=lambda x: len(x[2]))
        if len(present) < 3 or 2 * len(top[2]) <= len(present):
            if len(plain) > 1 and place.substantive:
                ev.undirected += 1
            continue
        for k, r, ws in plain:
            # The reference's own reading differs substantively where the others' do.
            substantive = r.substantive or (k == 0 and place.substantive)
            if k != top[0] and substantive:
                for w in ws:
                    ev.unlikely[w][place.number] = Unlikely(place.number, k, 1.0, "variant")
    return ev


def _readers(place: VariantPlace, r: VariantReading) -> list[str]:
    return [w for w in r.witnesses if w not in place.echo]


@dataclass(frozen=True, slots=True)
class Pair:
    """Two witnesses' unlikely readings compared where both have text."""

    shared: tuple[Unlikely, ...]
    only_a: int
    only_b: int
    common: int

    @property
    def weight(self) -> float:
        return sum(u.weight for u in self.shared)


def compare_pair(ev: Evidence, a: str, b: str) -> Pair:
    common = ev.present[a] & ev.present[b]
    ua = {p: u for p, u in ev.unlikely[a].items() if p in common}
    ub = {p: u for p, u in ev.unlikely[b].items() if p in common}
    shared = tuple(u for p, u in sorted(ua.items()) if p in ub and ub[p].reading == u.reading)
    keys = {u.place for u in shared}
    return Pair(shared, len(set(ua) - keys), len(set(ub) - keys), len(common))


_DIGITS = lazy(r"\d+")


def date_key(text: str) -> str | None:
    """A date-time claim as digits YYYYMMDDhhmmss for comparing, or None if it is not one."""
    parts: list[str] = _DIGITS.findall(text)
    if not parts:
        return None
    if len(parts[0]) >= 8:  # 20170705 or 20170705054241
        digits = parts[0]
    elif len(parts[0]) == 4 and len(parts) >= 3:
        digits = parts[0] + "".join(p.zfill(2) for p in parts[1:6])
    else:
        return None
    return digits.ljust(14, "0")[:14]


def describe(table: VariantTable, u: Unlikely) -> str:
    """One unlikely reading in a few words: what it is and where."""
    place = table.places[u.place]
    where = (f"point {place.point}, " if place.point else "") + f"¶{place.paragraph}"
    if u.why != "variant":
        return f"{MARK_NAMES[u.why]} ({where})"
    reading = place.readings[u.reading].text
    return f"“{_clip(reading)}” for “{_clip(place.base)}” ({where})"


def _clip(text: str, n: int = 16) -> str:
    text = text.replace("\n", "¶")
    if not text:
        return "∅"
    return text if len(text) <= n else text[: n - 1] + "…"


def _summary(table: VariantTable, shared: tuple[Unlikely, ...], limit: int = 4) -> str:
    examples = "; ".join(describe(table, u) for u in shared[:limit])
    more = f"; and {len(shared) - limit} more" if len(shared) > limit else ""
    return examples + more


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def infer(table: VariantTable, dates: dict[str, str] | None = None) -> Lineage:
    """The lineage of the table's witnesses: the edges the evidence supports, and notes
    on what it cannot decide."""
    dates = {w: d for w, d in (dates or {}).items() if w in table.witnesses}
    keys = {w: date_key(d) for w, d in dates.items()}
    witnesses = table.witnesses
    notes: list[str] = []
    if len(witnesses) < 2:
        notes.append("Only one copy is available: there is nothing to compare it with.")
        return Lineage(witnesses, (), tuple(notes), tuple((w,) for w in witnesses), dates)
    if len(witnesses) == 2:
        a, b = witnesses
        places = table.places
        subst = sum(p.substantive for p in places)
        notes.append(
            f"Too thin to decide: two copies ({a}, {b}) can show only where they differ "
            f"({_plural(len(places), 'place')}, {subst} substantive), not which reading is "
            "the original nor whether one was copied from the other; that takes at least "
            "three copies, and readings two of them share against the third."
        )
        return Lineage(witnesses, (), tuple(notes), ((a,), (b,)), dates)

    ev = evidence(table)
    pairs = {
        (a, b): compare_pair(ev, a, b) for n, a in enumerate(witnesses) for b in witnesses[n + 1 :]
    }

    def pair(a: str, b: str) -> Pair:
        if (a, b) in pairs:
            return pairs[(a, b)]
        p = pairs[(b, a)]
        return Pair(p.shared, p.only_b, p.only_a, p.common)

    linked = [(a, b) for (a, b), p in pairs.items() if p.weight >= THRESHOLD]
    # Same text: clusters of copies that agree at every place, unlikely readings included.
    cluster = {w: w for w in witnesses}

    def find(w: str) -> str:
        while cluster[w] != w:
            w = cluster[w]
        return w

    for a, b in linked:
        p = pair(a, b)
        if p.only_a == 0 and p.only_b == 0:
            cluster[find(b)] = find(a)
    edges: list[LineageEdge] = []
    members: dict[str, list[str]] = defaultdict(list)
    for w in witnesses:
        members[find(w)].append(w)
    head: dict[str, str] = {}
    for ws in members.values():
        ordered = sorted(ws, key=lambda w: (keys.get(w) is None, keys.get(w) or "", ws.index(w)))
        first = ordered[0]
        for w in ws:
            head[w] = first
        for other in ordered[1:]:
            p = pair(first, other)
            ka, kb = keys.get(first), keys.get(other)
            if ka and kb and ka < kb:
                order = (
                    f"{first}'s date ({dates[first]}) is earlier than {other}'s "
                    f"({dates[other]}): {other} was probably copied from {first}, or both "
                    "from one source"
                )
                dated: str | None = order
            else:
                order = "nothing dates them apart: which was copied from which cannot be told"
                dated = None
            edges.append(
                LineageEdge(
                    source=first,
                    target=other,
                    relation="same-text",
                    shared=len(p.shared),
                    places=tuple(u.place for u in p.shared),
                    evidence=(
                        f"{first} and {other} agree at all {_plural(p.common, 'place')} both "
                        f"read, sharing {_plural(len(p.shared), 'unlikely reading')} ("
                        + _summary(table, p.shared)
                        + f"); {order}.",
                    ),
                    dated=dated,
                )
            )
    # Derivation between clusters: represented by their first members.
    heads = list(dict.fromkeys(head[w] for w in witnesses))
    parents: dict[str, list[tuple[str, Pair]]] = defaultdict(list)
    for a in heads:
        for b in heads:
            if a == b:
                continue
            p = pair(a, b)  # a as the source, b as the copy
            if p.weight >= THRESHOLD and p.only_a == 0 and p.only_b > 0:
                parents[b].append((a, p))
    ancestors: dict[str, set[str]] = {w: {a for a, _ in parents[w]} for w in heads}
    derived: dict[str, str] = {}
    for child in heads:
        cands = parents[child]
        if not cands:
            continue
        # The closest source: one no other candidate derives from.
        closest = [
            (a, p) for a, p in cands if not any(a in ancestors[b] for b, _ in cands if b != a)
        ]
        closest.sort(key=lambda ap: -ap[1].weight)
        a, p = closest[0]
        derived[child] = a
        alt = [x for x, _ in closest[1:]]
        text = (
            f"{child} has all {_plural(len(p.shared), 'unlikely reading')} of {a} where both "
            f"have text ({_summary(table, p.shared)}) and {p.only_b} of its own: probably "
            f"copied from {a}, or from a copy of it"
        )
        if alt:
            text += f" (or from {', '.join(alt)}, which it shares as much with)"
        dated = None
        ka, kc = keys.get(a), keys.get(child)
        if ka and kc:
            if kc < ka:
                dated = (
                    f"but {child}'s date ({dates[child]}) is earlier than {a}'s ({dates[a]}): "
                    f"{child} cannot have been copied from {a} as dated; both more likely "
                    "come from a common source"
                )
            else:
                dated = f"the dates agree: {a} {dates[a]}, {child} {dates[child]}"
            text += f"; {dated}"
        edges.append(
            LineageEdge(
                source=a,
                target=child,
                relation="derives",
                shared=len(p.shared),
                places=tuple(u.place for u in p.shared),
                evidence=(text + ".",),
                dated=dated,
            )
        )

    def lineage_of(w: str) -> set[str]:
        out = set()
        while w in derived and derived[w] not in out:
            w = derived[w]
            out.add(w)
        return out

    for n, a in enumerate(heads):
        for b in heads[n + 1 :]:
            p = pair(a, b)
            if p.weight < THRESHOLD or derived.get(a) == b or derived.get(b) == a:
                continue
            la, lb = lineage_of(a) | {a}, lineage_of(b) | {b}
            if la & lb:
                continue  # a held copy both derive from explains what they share
            if p.only_a == 0 or p.only_b == 0:
                continue  # one derives from the other, named above through a closer copy
            edges.append(
                LineageEdge(
                    source=a,
                    target=b,
                    relation="common-source",
                    shared=len(p.shared),
                    places=tuple(u.place for u in p.shared),
                    evidence=(
                        f"{a} and {b} share {_plural(len(p.shared), 'unlikely reading')} ("
                        f"{_summary(table, p.shared)}), and each has its own ({a}: "
                        f"{p.only_a}, {b}: {p.only_b}): probably copied from a common "
                        "source that is not held, or one from the other and corrected.",
                    ),
                )
            )
    # What is too thin to decide.
    for (a, b), p in pairs.items():
        if 0 < p.weight < THRESHOLD:
            notes.append(
                f"Too thin to decide: {a} and {b} share only "
                f"{_plural(len(p.shared), 'unlikely reading')} ({_summary(table, p.shared)})."
            )
    connected = {e.source for e in edges} | {e.target for e in edges}
    alone = [w for w in witnesses if w not in connected]
    if not edges:
        notes.append(
            f"Too thin to decide: none of the {len(witnesses)} copies shares enough unlikely "
            "readings with another (the same error, cut, page-break split, site text or "
            "encoding damage) to say that one derives from another; readings most copies "
            "share say nothing of their kinship."
        )
    elif alone:
        notes.append(
            "No unlikely reading shared with any other copy: "
            + ", ".join(alone)
            + " (independent of the others, as far as these copies tell)."
        )
    if ev.undirected:
        notes.append(
            f"At {_plural(ev.undirected, 'place')} no reading is held by a majority of the "
            "copies there, so which is the original cannot be presumed: those places are "
            "not counted."
        )
    # Families: copies joined by an edge count once as a source.
    family = {w: w for w in witnesses}

    def root(w: str) -> str:
        while family[w] != w:
            w = family[w]
        return w

    for e in edges:
        family[root(e.target)] = root(e.source)
    groups: dict[str, list[str]] = defaultdict(list)
    for w in witnesses:
        groups[root(w)].append(w)
    return Lineage(
        witnesses=witnesses,
        edges=tuple(edges),
        notes=tuple(notes),
        families=tuple(tuple(ws) for ws in groups.values()),
        dates=dates,
        decided=bool(edges),
    )


def sources(lineage: Lineage) -> dict[str, tuple[str, ...]]:
    """Each family's top copies: those no edge makes a copy of another (the ones whose
    readings the family's vote is)."""
    copies = {e.target for e in lineage.edges if e.relation in ("derives", "same-text")}
    out: dict[str, tuple[str, ...]] = {}
    for fam in lineage.families:
        tops = tuple(w for w in fam if w not in copies) or fam[:1]
        for w in fam:
            out[w] = tops
    return out
