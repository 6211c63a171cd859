"""All witnesses at once, for every view: the variant table, the lineage, the text to cite.

The JSON pieces (:func:`table_json`, :func:`lineage_json`, :func:`citation_json`)
are the contract; :func:`text_lines` is the terminal's and Markdown's view and
:func:`html_section` the HTML page's, with the lineage drawn as inline SVG (no
script). Formal places are counted, and listed only with ``show_formal``.
"""

from __future__ import annotations

from collections import defaultdict
from html import escape
from typing import TYPE_CHECKING, Any

from docwitness.model import Report, WitnessReport

if TYPE_CHECKING:
    from docwitness.variants import Citation, Lineage, VariantPlace, VariantTable

EMPTY = "∅"
RELATIONS = {
    "derives": "copied from",
    "same-text": "same text as",
    "common-source": "common source with",
}


# --------------------------------------------------------------------------- JSON


def table_json(table: VariantTable) -> dict[str, Any]:
    return {
        "reference": table.reference,
        "official": table.official,
        "witnesses": list(table.witnesses),
        "excluded": dict(table.excluded),
        "count": len(table.places),
        "substantive": sum(p.substantive for p in table.places),
        "places": [
            {
                "number": p.number,
                "paragraph": p.paragraph,
                "start": p.start,
                "end": p.end,
                "point": p.point,
                "base": p.base,
                "substantive": p.substantive,
                "readings": [
                    {
                        "text": r.text,
                        "witnesses": list(r.witnesses),
                        "substantive": r.substantive,
                        "marks": list(r.marks),
                        "lacuna": [
                            t[len("\x00lacuna") :].lower()
                            for t in r.tokens
                            if t.startswith("\x00lacuna")
                        ],
                    }
                    for r in p.readings
                ],
                "absent": list(p.absent),
                "echo": list(p.echo),
            }
            for p in table.places
        ],
    }


def lineage_json(lineage: Lineage) -> dict[str, Any]:
    return {
        "decided": lineage.decided,
        "witnesses": list(lineage.witnesses),
        "edges": [
            {
                "source": e.source,
                "target": e.target,
                "relation": e.relation,
                "shared": e.shared,
                "places": list(e.places),
                "evidence": list(e.evidence),
                "dated": e.dated,
            }
            for e in lineage.edges
        ],
        "families": [list(f) for f in lineage.families],
        "notes": list(lineage.notes),
        "dates": dict(lineage.dates),
    }


def citation_json(c: Citation) -> dict[str, Any]:
    return {
        "official": c.official,
        "basis": c.basis,
        "closest": c.closest,
        "differences": c.differences,
        "left_out": list(c.left_out),
        "mended": [list(run) for run in c.mended],
        "text": list(c.paragraphs),
        "places": [
            {
                "place": p.place,
                "paragraph": p.paragraph,
                "start": p.start,
                "end": p.end,
                "point": p.point,
                "text": p.text,
                "support": list(p.support),
                "sources": p.families,
                "flags": list(p.flags),
                "others": [{"text": t, "witnesses": list(ws)} for t, ws in p.others],
                "last_paragraph": p.last_paragraph,
            }
            for p in c.places
        ],
    }


# --------------------------------------------------------------------------- text


def clip(text: str, limit: int = 30) -> str:
    if not text:
        return EMPTY
    one = text.replace("\n", "¶")
    return one if len(one) <= limit else one[: limit - 1] + "…"


def where(p: VariantPlace) -> str:
    at = f" +{p.start}" if p.start else ""
    return (f"point {p.point}, " if p.point else "") + f"¶{p.paragraph}{at}"


def _reading_label(r: Any) -> str:
    marks = f" [{', '.join(r.marks)}]" if r.marks else ""
    return f"{clip(r.text)}{marks} — {', '.join(r.witnesses)}"


def place_line(p: VariantPlace) -> str:
    kind = "substantive" if p.substantive else "formal"
    readings = " | ".join(_reading_label(r) for r in p.readings)
    absent = f" (no text here: {', '.join(p.absent)})" if p.absent else ""
    return f"  #{p.number} {kind:<11} {where(p)}: {readings}{absent}"


def table_lines(table: VariantTable, show_formal: bool, limit: int) -> list[str]:
    subst = [p for p in table.places if p.substantive]
    formal = len(table.places) - len(subst)
    out = [
        f"all witnesses: {len(table.witnesses)} copies in one table on {table.reference}'s "
        f"paragraphs; {len(table.places)} places where they disagree ({len(subst)} "
        f"substantive, {formal} formal"
        + ("" if show_formal or not formal else ", folded: --show-formal lists them")
        + ")"
    ]
    for wid, why in table.excluded.items():
        out.append(f"  left out: {wid} ({why})")
    shown = table.places if show_formal else tuple(subst)
    listed = shown if limit <= 0 else shown[:limit]
    out += [place_line(p) for p in listed]
    if len(listed) < len(shown):
        out.append(f"  … and {len(shown) - len(listed)} more places (use --format json)")
    return out


def lineage_lines(lineage: Lineage) -> list[str]:
    out = ["lineage: " + ("" if lineage.decided else "undecided")]
    out[0] = out[0].rstrip(": ") if lineage.decided else out[0]
    for e in lineage.edges:
        out.append(f"  {e.target} {RELATIONS[e.relation]} {e.source}")
        out += [f"    {line}" for line in e.evidence]
    out += [f"  {note}" for note in lineage.notes]
    if lineage.dates:
        out.append("  dated claims: " + ", ".join(f"{w} {d}" for w, d in lineage.dates.items()))
    return out


def text_lines(report: Report, show_formal: bool = False, limit: int = 50) -> list[str]:
    """The table and the lineage, as lines for the terminal (empty without a table)."""
    out: list[str] = []
    if report.table is not None:
        out += ["", *table_lines(report.table, show_formal, limit)]
    if report.lineage is not None:
        out += ["", *lineage_lines(report.lineage)]
    return out


def citation_text(title: str, w: WitnessReport) -> str:
    """The citation block of one copy: the same words as the HTML report's."""
    url = w.metadata.get("url") or w.source
    parts = [f"{title}.", f"{url}."]
    if w.captured:
        parts.append(f"Captured {w.captured}.")
    if w.digests:
        parts.append(f"{w.digests.raw} (raw), {w.digests.canonical} (canonical text).")
    archive = w.metadata.get("archive_url")
    if archive:
        parts.append(f"Archived at {archive}.")
    return " ".join(parts)


FLAG_WORDS = {
    "tie": "tie between independent sources",
    "single-witness": "one copy alone reads this",
    "one-source": "only copies of one source read this",
    "no-vote": "every reading here is site text, damage or a cut",
    "formal": "formal",
}


def cite_lines(report: Report, limit: int = 0) -> list[str]:
    """``docwitness cite``: the text, then the evidence place by place, then what to cite."""
    c = report.citation
    assert c is not None
    title = report.document_title or report.document_id
    out = [f"docwitness cite: {title}", f"basis: {c.basis}", ""]
    out += list(c.paragraphs)
    out += ["", "evidence, place by place (the reading taken — the copies that read it):"]
    places = c.places if limit <= 0 else c.places[:limit]
    for p in places:
        at = f" +{p.start}" if p.start else ""
        loc = (f"point {p.point}, " if p.point else "") + f"¶{p.paragraph}{at}"
        if p.last_paragraph is not None:
            loc = f"¶{p.paragraph}–¶{p.last_paragraph}"
        name = f"#{p.place}" if p.place is not None else "text"
        flags = f" [{'; '.join(FLAG_WORDS.get(f, f) for f in p.flags)}]" if p.flags else ""
        n = p.families
        src = "" if c.official or p.place is None else f" ({n:g} source{'s' if n != 1 else ''})"
        out.append(f"  {name} {loc}: {clip(p.text)} — {', '.join(p.support)}{src}{flags}")
        for text, ws in p.others:
            out.append(f"      otherwise: {clip(text)} — {', '.join(ws)}")
    if len(places) < len(c.places):
        out.append(f"  … and {len(c.places) - len(places)} more (use --format json)")
    flagged = sum(bool(p.flags) for p in c.places)
    out.append(f"  {len(c.places)} listed, {flagged} flagged")
    if c.left_out:
        shown = ", ".join(f"¶{i}" for i in c.left_out)
        out.append(f"  left out of the text: {shown}, judged site text in {c.closest or 'it'}")
    for run in c.mended:
        out.append(
            f"  mended: ¶{run[0]}–¶{run[-1]} read as one paragraph, broken at a page end in "
            f"{c.closest if c.official else report.reference.id if report.reference else 'it'}"
        )
    if report.lineage is not None and not c.official:
        out += ["", *lineage_lines(report.lineage)]
    w = next((x for x in report.witnesses if x.id == c.closest), None)
    if w is not None:
        how = (
            "the official text itself"
            if c.official
            else f"reads otherwise at {c.differences} of the places and stretches above"
        )
        out += ["", f"the copy to cite: {w.id} ({how})", f"  {citation_text(title, w)}"]
        if w.verdict == "truncated":
            out.append(
                f"  note: {w.id} is itself truncated, and so is this text where no other copy "
                "goes on: no complete copy is held"
            )
    return out


# --------------------------------------------------------------------------- HTML


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _depths(lineage: Lineage) -> dict[str, int]:
    parent = {e.target: e.source for e in lineage.edges if e.relation != "common-source"}
    depth: dict[str, int] = {}
    for w in lineage.witnesses:
        seen, d, x = set(), 0, w
        while x in parent and x not in seen:
            seen.add(x)
            x = parent[x]
            d += 1
        depth[w] = d
    return depth


NODE_W, NODE_H, GAP_X, GAP_Y = 190, 34, 24, 64


def lineage_svg(lineage: Lineage) -> str:
    """The lineage as an inline SVG: a box per copy, an arrow from source to copy, a
    dashed line for a common source; each edge's evidence in its ``<title>``."""
    depth = _depths(lineage)
    layers: dict[int, list[str]] = defaultdict(list)
    for w in lineage.witnesses:
        layers[depth[w]].append(w)
    cols = max(len(ws) for ws in layers.values())
    width = cols * (NODE_W + GAP_X) + GAP_X
    height = (max(layers) + 1) * (NODE_H + GAP_Y) + GAP_Y // 2
    pos: dict[str, tuple[float, float]] = {}
    for d, ws in layers.items():
        span = len(ws) * (NODE_W + GAP_X) - GAP_X
        x0 = (width - span) / 2
        for k, w in enumerate(ws):
            pos[w] = (x0 + k * (NODE_W + GAP_X), GAP_Y / 2 + d * (NODE_H + GAP_Y))
    parts = [
        f'<svg class="dw-lineage" xmlns="http://www.w3.org/2000/svg" role="img" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">'
        "<title>Which copy derives from which</title>"
        '<defs><marker id="dw-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        'markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" '
        'fill="#555"/></marker></defs>'
    ]
    for e in lineage.edges:
        (sx, sy), (tx, ty) = pos[e.source], pos[e.target]
        x1, x2 = sx + NODE_W / 2, tx + NODE_W / 2
        if e.relation == "common-source" and sy == ty:
            y1 = y2 = sy + NODE_H / 2
            x1, x2 = (sx + NODE_W, tx) if sx < tx else (sx, tx + NODE_W)
        else:
            y1, y2 = sy + NODE_H, ty
        dash = ' stroke-dasharray="5,4"' if e.relation != "derives" else ""
        arrow = ' marker-end="url(#dw-arrow)"' if e.relation == "derives" else ""
        parts.append(
            f'<g class="dw-edge dw-edge-{_e(e.relation)}"><title>{_e(" ".join(e.evidence))}'
            f'</title><line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
            f'stroke="#555" stroke-width="1.6"{dash}{arrow}/></g>'
        )
    for w in lineage.witnesses:
        x, y = pos[w]
        label = w if len(w) <= 24 else w[:23] + "…"
        date = lineage.dates.get(w)
        parts.append(
            f'<g class="dw-node"><title>{_e(w + (f" ({date})" if date else ""))}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="5" '
            f'fill="#f6f6f8" stroke="#888"/><text x="{x + NODE_W / 2:.0f}" '
            f'y="{y + NODE_H / 2 + 5:.0f}" text-anchor="middle" font-size="13" '
            f'font-family="sans-serif">{_e(label)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _place_row(p: VariantPlace) -> str:
    cells = "".join(
        f'<li><span class="dw-reading">{_e(clip(r.text, 80))}</span>'
        + (f' <span class="dw-tag">{_e(", ".join(r.marks))}</span>' if r.marks else "")
        + f' — <span class="dw-wits">{_e(", ".join(r.witnesses))}</span></li>'
        for r in p.readings
    )
    absent = f"<br><small>no text here: {_e(', '.join(p.absent))}</small>" if p.absent else ""
    kind = "substantive" if p.substantive else "formal"
    return (
        f'<tr class="dw-place dw-{kind}" id="place-{p.number}"><td>#{p.number}</td>'
        f"<td>{_e(where(p))}</td><td>{kind}</td><td><ul>{cells}</ul>{absent}</td></tr>"
    )


def html_section(report: Report, show_formal: bool = False) -> str:
    """The "All witnesses" section of the HTML page (empty without a table)."""
    table, lineage = report.table, report.lineage
    if table is None:
        return ""
    subst = [p for p in table.places if p.substantive]
    formal = [p for p in table.places if not p.substantive]
    head = "<thead><tr><th>#</th><th>Where</th><th>Kind</th><th>Readings</th></tr></thead>"
    rows = "".join(_place_row(p) for p in subst)
    folded = ""
    if formal:
        body = "".join(_place_row(p) for p in formal)
        inner = f'<table class="dw-variants">{head}<tbody>{body}</tbody></table>'
        opened = " open" if show_formal else ""
        folded = (
            f'<details class="dw-formal"{opened}><summary>{len(formal)} formal places'
            f"</summary>{inner}</details>"
        )
    left = "".join(f"<li>{_e(w)}: {_e(why)}</li>" for w, why in table.excluded.items())
    left_html = f"<p>Left out of the table:</p><ul>{left}</ul>" if left else ""
    out = [
        '<section class="dw-all" id="all-witnesses"><h2>All witnesses</h2>',
        f'<p class="dw-meta">{len(table.witnesses)} copies in one table on the paragraphs of '
        f"{_e(table.reference)}: {len(table.places)} places where they disagree, "
        f"{len(subst)} substantive.</p>{left_html}",
        f'<table class="dw-variants">{head}<tbody>{rows}</tbody></table>{folded}',
    ]
    if lineage is not None:
        edges = "".join(
            f"<li><strong>{_e(e.target)}</strong> {_e(RELATIONS[e.relation])} "
            f"<strong>{_e(e.source)}</strong>: {_e(' '.join(e.evidence))}</li>"
            for e in lineage.edges
        )
        notes = "".join(f"<li>{_e(n)}</li>" for n in lineage.notes)
        out.append(
            '<section class="dw-lineage-section" id="lineage"><h3>Lineage</h3>'
            f"{lineage_svg(lineage)}"
            + (f'<ul class="dw-edges">{edges}</ul>' if edges else "")
            + (f'<ul class="dw-lineage-notes">{notes}</ul>' if notes else "")
            + "</section>"
        )
    out.append("</section>")
    return "".join(out)
