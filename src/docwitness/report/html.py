"""The HTML report: one self-contained page a researcher can open offline and archive.

Contract: ``HtmlReporter().render(report)`` returns a complete HTML document whose
styles are inline and which loads nothing: no fonts, no images, no scripts (the
page has no script at all; the formal-differences toggle is a ``<details>``
element), and a Content-Security-Policy that forbids any fetch, so a copy
opened from disk makes no network request. Every string taken from the report
is escaped with ``html.escape(quote=True)``; a witness-provided URL becomes a
link only when it is a plain ``http``/``https`` URL, otherwise it is shown as
text. The page holds a summary table, then per witness its findings, the
reference and the witness side by side row by row (from ``WitnessReport.rows``),
its formal differences behind a toggle, and a "cite this copy" block.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from docwitness import TOOL_NAME, __version__
from docwitness.lazy_re import lazy
from docwitness.model import AlignedRow, Digests, Finding, Report, WitnessReport
from docwitness.report import REPORTERS
from docwitness.report.text import claims_line

# Everything is refused except inline styles; an escaping bug then still runs
# nothing and fetches nothing, and shows up as a console error in the tests.
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)

# Strict on purpose: a browser strips tabs, newlines and leading controls from a
# URL before reading its scheme ("java\tscript:"), so anything unusual stays text.
_SAFE_URL = lazy(r"https?://[^\s\"'<>`\\\x00-\x1f\x7f]+", re.IGNORECASE)

# Styles live here so the page needs nothing else; system fonts only, since a
# web font would be a request (and a CJK one several megabytes).
CSS = """
:root{--fg:#1d1d1f;--muted:#6b6b70;--line:#d9d9de;--bg:#fff;--soft:#f5f5f7;
--del:#ffd7d5;--del-fg:#86181d;--ins:#d4f5dc;--ins-fg:#144620;--warn:#b35900;--bad:#b3261e;
--good:#1e7d32}
*{box-sizing:border-box}
body{margin:0;font:15px/1.6 system-ui,-apple-system,"Segoe UI","Noto Sans CJK SC",
"PingFang SC","Microsoft YaHei",sans-serif;color:var(--fg);background:var(--bg)}
header{padding:1.2rem 2rem;border-bottom:1px solid var(--line);background:var(--soft)}
main{padding:0 2rem 3rem;max-width:110rem}
h1{font-size:1.4rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.6rem 0 .6rem}
h3{font-size:1.05rem;margin:0 0 .3rem}h4{font-size:.95rem;margin:1.2rem 0 .4rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid var(--line);padding:.35rem .5rem;text-align:left;vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.4rem 0}
dt{color:var(--muted)}dd{margin:0;min-width:0;overflow-wrap:anywhere}
.dw-muted,.dw-meta{color:var(--muted)}.dw-meta{margin:.2rem 0}
.dw-url{overflow-wrap:anywhere}
.dw-num{text-align:right;font-variant-numeric:tabular-nums}.dw-hot{color:var(--bad);font-weight:600}
.dw-bar{display:inline-block;width:5rem;height:.6rem;background:var(--line);border-radius:3px;
vertical-align:middle;overflow:hidden}.dw-bar>span{display:block;height:100%;background:var(--good)}
.dw-verdict{display:inline-block;padding:0 .45rem;border-radius:3px;font-size:.8rem;
font-weight:600;color:#fff;background:var(--muted)}
.dw-v-identical,.dw-v-equivalent,.dw-v-complete{background:var(--good)}
.dw-v-variant{background:var(--warn)}.dw-v-truncated{background:var(--bad)}
.dw-reason{color:var(--bad);font-size:.85rem}.dw-note{color:var(--warn);margin:.2rem 0}
.dw-claims{margin:.2rem 0;font-size:.9rem}
.dw-reference,.dw-witness{border:1px solid var(--line);border-radius:6px;padding:1rem 1.2rem;
margin:1.2rem 0}
.dw-text{overflow-wrap:anywhere;white-space:normal}
.dw-sbs{table-layout:fixed;margin-top:1rem}.dw-sbs th{text-transform:none;letter-spacing:0}
.dw-summary td{white-space:nowrap}.dw-summary td:first-child,.dw-summary td:nth-child(8){
white-space:normal;overflow-wrap:anywhere}.dw-sbs .dw-margin{width:4.5rem}
.dw-sbs th:last-child,.dw-sbs td.dw-kind{width:6.5rem}
.dw-point{display:block;font-weight:700;font-size:1.05rem}
.dw-refno{display:block;color:var(--muted);font-size:.75rem}
del.dw-del{background:var(--del);color:var(--del-fg);text-decoration:line-through}
ins.dw-ins{background:var(--ins);color:var(--ins-fg);text-decoration:none;
border-bottom:2px solid var(--ins-fg)}
.dw-gap{background:repeating-linear-gradient(135deg,var(--soft) 0 6px,#ececf0 6px 12px);
color:var(--muted);font-style:italic;text-align:center;vertical-align:middle}
.dw-boiler td.dw-text{color:var(--muted);font-style:italic}
.dw-k-variant .dw-margin,.dw-k-missing .dw-margin,.dw-k-extra .dw-margin,
.dw-k-moved .dw-margin{border-left:3px solid var(--warn)}
.dw-boiler .dw-margin{border-left-color:var(--line)}
.dw-tag{display:inline-block;font-size:.72rem;padding:0 .35rem;border:1px solid var(--line);
border-radius:3px;color:var(--muted)}
.dw-cut{color:var(--bad);font-weight:700;margin-left:.3rem}
.dw-cut-row td{background:#fdecea;color:var(--bad);font-weight:600;border-top:2px dashed var(--bad)}
.dw-pilcrow{color:var(--muted);font-size:.8em}
.dw-findings td{font-size:.9rem}.dw-f-formal td{color:var(--muted)}
details.dw-formal{margin:.8rem 0}details.dw-formal summary{cursor:pointer;color:var(--warn)}
.dw-cite{background:var(--soft);border-radius:6px;padding:.6rem 1rem;margin-top:1rem}
.dw-cite h4{margin:.2rem 0}.dw-citation{font-size:.85rem;user-select:all;overflow-wrap:anywhere}
.dw-fold>td{padding:.2rem .5rem;background:var(--soft)}
details.dw-same summary{cursor:pointer;color:var(--muted);font-size:.85rem}
details.dw-same p,.dw-paras p{margin:.3rem 0;overflow-wrap:anywhere}
details.dw-same .dw-point{display:inline;margin-right:.4rem}
.dw-variants ul{list-style:none;margin:0;padding:0}.dw-variants td{vertical-align:top}
.dw-variants .dw-formal td{color:var(--muted)}.dw-wits{color:var(--muted);font-size:.85rem}
svg.dw-lineage{display:block;max-width:100%;height:auto;margin:.6rem 0}
@media print{details.dw-formal>*,details.dw-same>*{display:block}.dw-witness{break-inside:auto}}
"""

_ROW_LABELS = {
    "equal": "",
    "formal": "formal",
    "variant": "variant",
    "missing": "missing",
    "extra": "extra",
    "split": "split",
    "merge": "merge",
    "moved": "moved",
    "numbering": "numbering",
    "text": "",
}


def esc(value: object) -> str:
    """``value`` as text safe in element content and quoted attributes."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_href(url: str | None) -> str | None:
    """``url`` if it is a plain http(s) URL a link may point at, else None."""
    if url and _SAFE_URL.fullmatch(url):
        return url
    return None


def link(url: str | None) -> str:
    """A URL as a link when it is safe, as escaped text otherwise."""
    if not url:
        return '<span class="dw-muted">—</span>'
    href = safe_href(url)
    if href is None:
        return f'<span class="dw-url">{esc(url)}</span>'
    return f'<a class="dw-url" href="{esc(href)}" rel="noreferrer noopener">{esc(url)}</a>'


def _text(s: str) -> str:
    # Rows spanning several paragraphs (split, merge) join them with newlines.
    return esc(s).replace("\n", '<span class="dw-pilcrow">¶</span><br>')


def _short(s: str | None, limit: int = 160) -> str:
    if not s:
        return '<span class="dw-muted">—</span>'
    return _text(s if len(s) <= limit else s[:limit] + "…")


def _side(ops: Sequence[tuple[int, str]], side: int) -> str:
    """One side of a character diff: -1 the reference (deletions), 1 the witness (insertions)."""
    out: list[str] = []
    for op, chunk in ops:
        if op == 0:
            out.append(_text(chunk))
        elif op == side:
            tag = "del" if op < 0 else "ins"
            out.append(f'<{tag} class="dw-{tag}">{_text(chunk)}</{tag}>')
    return "".join(out)


def _counts(w: WitnessReport) -> tuple[int, int]:
    substantive = sum(1 for f in w.findings if f.severity == "substantive")
    return substantive, len(w.findings) - substantive


def _pct(coverage: float | None) -> str:
    return "—" if coverage is None else f"{coverage * 100:.1f} %"


def _bar(coverage: float | None) -> str:
    if coverage is None:
        return '<span class="dw-muted">—</span>'
    width = max(0.0, min(1.0, coverage)) * 100
    return (
        f'<span class="dw-bar" role="img" aria-label="coverage {_pct(coverage)}">'
        f'<span style="width:{width:.1f}%"></span></span> {_pct(coverage)}'
    )


def _verdict(v: str) -> str:
    return f'<span class="dw-verdict dw-v-{esc(re.sub(r"[^a-z]", "", v.lower()))}">{esc(v)}</span>'


def _digest(d: str | None) -> str:
    if not d:
        return '<span class="dw-muted">—</span>'
    short = d.split(":", 1)[-1][:12]
    return f'<code class="dw-digest" title="{esc(d)}">{esc(short)}</code>'


def _row_points(rows: Sequence[AlignedRow]) -> list[tuple[str | None, str | None]]:
    """For each row: the outline label to print in the margin (where a point opens) and
    the point the row stands in. Rows carry the point the comparison or the single-copy
    checks assigned (:func:`docwitness.outline.point_of`), so a "1." standing for point
    十 reads 十; nothing here reads markers again."""
    out: list[tuple[str | None, str | None]] = []
    previous: str | None = None
    for row in rows:
        out.append((row.point if row.point != previous else None, row.point))
        previous = row.point
    return out


def _summary(report: Report) -> str:
    head = (
        "<tr><th>Witness</th><th>Role</th><th>Verdict</th><th>Coverage</th>"
        '<th title="substantive findings">Subst.</th><th title="formal findings '
        '(+ differences the profile removes)">Formal</th><th>Captured</th>'
        "<th>Source</th><th>Raw digest</th></tr>"
    )
    body = []
    for i, w in enumerate(report.witnesses):
        subst, formal = _counts(w)
        extra = f' <span class="dw-muted">+{len(w.formal)}</span>' if w.formal else ""
        why = f'<div class="dw-reason">{esc(w.reason)}</div>' if w.reason else ""
        body.append(
            f'<tr><td><a href="#w{i}">{esc(w.id)}</a></td><td>{esc(w.role or "—")}</td>'
            f"<td>{_verdict(w.verdict)}{why}</td><td>{_bar(w.coverage)}</td>"
            f'<td class="dw-num{" dw-hot" if subst else ""}">{subst}</td>'
            f'<td class="dw-num">{formal}{extra}</td><td>{esc(w.captured or "—")}</td>'
            f"<td>{link(w.source)}</td>"
            f"<td>{_digest(w.digests.raw if w.digests else None)}</td></tr>"
        )
    return f'<table class="dw-summary"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'


def _digests_dl(d: Digests | None) -> str:
    if d is None:
        return ""
    return (
        f"<dt>sha256 of the raw bytes</dt><dd><code>{esc(d.raw)}</code></dd>"
        f"<dt>sha256 of the canonical text</dt><dd><code>{esc(d.canonical)}</code></dd>"
    )


def _cite(report: Report, w: WitnessReport) -> str:
    archive = w.metadata.get("archive_url")
    url = w.metadata.get("url") or w.source  # a local copy is cited by where it came from
    held = f"<dt>Held as</dt><dd>{esc(w.source)}</dd>" if url != w.source else ""
    parts = [f"{report.document_title}.", f"{url}."]
    if w.captured:
        parts.append(f"Captured {w.captured}.")
    if w.digests:
        parts.append(f"{w.digests.raw} (raw), {w.digests.canonical} (canonical text).")
    if archive:
        parts.append(f"Archived at {archive}.")
    warc = w.metadata.get("warc_file")
    held_in = ""
    if warc:
        # A copy read from a WARC or WACZ file: that file, its digest, and the record.
        member = w.metadata.get("warc_member")
        named = f"{warc} ({member})" if member else warc
        record = w.metadata.get("warc_record", "")
        file_digest = w.metadata.get("warc_file_sha256", "")
        parts.append(f"From the archive file {named}, {file_digest}, record {record}.")
        held = ""  # the archive file's row says where it is held
        held_in = (
            f"<dt>Archive file</dt><dd>{esc(named)}<br><code>{esc(file_digest)}</code></dd>"
            f"<dt>WARC record</dt><dd><code>{esc(record)}</code></dd>"
        )
    return (
        '<section class="dw-cite"><h4>Cite this copy</h4><dl>'
        f"<dt>URL</dt><dd>{link(url)}</dd>{held}{held_in}"
        f"<dt>Captured</dt><dd>{esc(w.captured or '—')}</dd>{_digests_dl(w.digests)}"
        f"<dt>Archive</dt><dd>{link(archive)}</dd></dl>"
        f'<p class="dw-citation">{esc(" ".join(parts))}</p></section>'
    )


def _findings(wi: int, findings: Iterable[Finding]) -> str:
    rows = []
    for f in findings:
        after = "after " if f.kind == "extra" else ""  # an extra's ref is what it follows
        where = "—" if f.ref is None else f'<a href="#w{wi}-r{f.ref}">{after}¶{f.ref}</a>'
        tags = ' <span class="dw-tag">boilerplate</span>' if f.boilerplate else ""
        rows.append(
            f'<tr class="dw-f-{esc(f.severity)}"><td>{esc(f.kind)}{tags}</td>'
            f"<td>{esc(f.severity)}</td><td>{esc(f.outline or '—')}</td><td>{where}</td>"
            f'<td class="dw-text">{_short(f.ref_text)}</td>'
            f'<td class="dw-text">{_short(f.witness_text)}</td></tr>'
        )
    if not rows:
        return '<p class="dw-muted">No findings.</p>'
    return (
        '<table class="dw-findings"><thead><tr><th>Finding</th><th>Severity</th>'
        "<th>Point</th><th>Ref.</th><th>Reference reads</th><th>Witness reads</th>"
        f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def _truncation(w: WitnessReport, at: str = "end") -> Finding | None:
    """The witness's first truncation that stops it (at its end, or at a missing page);
    with ``at="start"``, the one that says where it begins late."""
    places = ("start",) if at == "start" else ("end", "gap", None)
    return next((f for f in w.findings if f.kind == "truncation" and f.at in places), None)


def _begins_row(cut: Finding, cols: int) -> str:
    said = cut.detail.get("description") or (cut.evidence[0] if cut.evidence else "")
    return (
        f'<tr class="dw-cut-row"><td colspan="{cols}">✂ The copy begins here: '
        f"{esc(said)}.</td></tr>"
    )


def _cut_row(cut: Finding, cols: int, coverage: float | None) -> str:
    where = f"point {cut.outline}, " if cut.outline else ""
    if cut.ref is not None:
        at = f"reference paragraph {cut.ref}, character {cut.offset}; coverage {_pct(coverage)}"
    else:  # a copy judged on its own: where its own text stops, and on what evidence
        rules = cut.detail.get("rules") or ([cut.rule] if cut.rule else [])
        at = f"paragraph {cut.witness}" + (f" (evidence: {', '.join(rules)})" if rules else "")
    return (
        f'<tr class="dw-cut-row"><td colspan="{cols}">✂ The copy stops here: '
        f"{esc(where)}{esc(at)}.</td></tr>"
    )


def _cells(row: AlignedRow, stop: str) -> tuple[str, str]:
    """The reference and witness cells of a row; a side with no text is a gap."""
    # Highlight only where both sides have text: a whole paragraph struck through
    # is harder to read than the gap beside it.
    paired = bool(row.ops) and bool(row.ref) and bool(row.witness)
    if not row.ref:
        ref = '<td class="dw-gap">not in the reference</td>'
    else:
        ref = f'<td class="dw-text">{_side(row.ops, -1) if paired else _text(row.ref_text)}</td>'
    if not row.witness:
        wit = '<td class="dw-gap">missing from this copy</td>'
    else:
        body = _side(row.ops, 1) if paired else _text(row.witness_text)
        wit = f'<td class="dw-text">{body}{stop}</td>'
    return ref, wit


FOLD_CONTEXT = 1  # paragraphs the same in both kept in view either side of a difference
FOLD_MIN = 3  # the fewest paragraphs the same in both that are folded away


def _blocks(rows: Sequence[AlignedRow], cut_ref: int | None) -> list[tuple[str, list[int]]]:
    """The rows in display blocks, as (what, row indexes): "fold" for a run of
    paragraphs the same in both (beyond :data:`FOLD_CONTEXT` of a difference, at least
    :data:`FOLD_MIN`), "gap" for a run of missing (or extra) paragraphs of one kind,
    consecutive in their document, shown as one row, and "row" for any other row. A
    gap run never goes past the paragraph where the copy stops, which its cut row
    marks."""
    blocks: list[tuple[str, list[int]]] = []
    n, k = len(rows), 0
    while k < n:
        row = rows[k]
        if row.kind == "equal" and row.ref and row.witness:
            end = k
            while end < n and rows[end].kind == "equal" and rows[end].ref and rows[end].witness:
                end += 1
            lo = k + (FOLD_CONTEXT if k > 0 else 0)
            hi = end - (FOLD_CONTEXT if end < n else 0)
            if hi - lo >= FOLD_MIN:
                blocks += [("row", [x]) for x in range(k, lo)]
                blocks.append(("fold", list(range(lo, hi))))
                blocks += [("row", [x]) for x in range(hi, end)]
            else:
                blocks += [("row", [x]) for x in range(k, end)]
            k = end
        elif row.kind in ("missing", "extra"):
            end = k + 1
            while (
                end < n
                and (rows[end].kind, rows[end].boilerplate) == (row.kind, row.boilerplate)
                and _index(rows[end]) == _index(rows[end - 1]) + 1
                and not (cut_ref is not None and cut_ref in rows[end].ref)
            ):
                end += 1
            blocks.append(("gap" if end - k > 1 else "row", list(range(k, end))))
            k = end
        else:
            blocks.append(("row", [k]))
            k += 1
    return blocks


def _index(row: AlignedRow) -> int:
    """The paragraph a missing (reference) or extra (witness) row shows."""
    return row.ref[0] if row.ref else row.witness[0]


def _span(indexes: Sequence[int]) -> str:
    return f"¶{indexes[0]}" if len(indexes) == 1 else f"¶{indexes[0]}–¶{indexes[-1]}"


def _fold(wi: int, rows: Sequence[AlignedRow], opened: Sequence[str | None], cols: int) -> str:
    """Paragraphs the same in both copies, folded: their text once, behind a summary."""
    body = []
    for row, label in zip(rows, opened, strict=True):
        point = f'<span class="dw-point">{esc(label)}</span>' if label else ""
        body.append(f'<p id="w{wi}-r{row.ref[0]}">{point}{_text(row.ref_text)}</p>')
    refs = [row.ref[0] for row in rows]
    points = list(dict.fromkeys(row.point for row in rows if row.point))
    where = _span(refs)
    if len(points) == 1:
        where += f", point {points[0]}"
    elif points:
        where += f", points {points[0]}–{points[-1]}"
    return (
        f'<tr class="dw-fold"><td colspan="{cols}"><details class="dw-same"><summary>'
        f"{len(rows)} paragraphs the same in both copies ({esc(where)})</summary>"
        f"{''.join(body)}</details></td></tr>"
    )


def _gap_run(wi: int, rows: Sequence[AlignedRow], with_reference: bool) -> str:
    """A run of missing (or extra) paragraphs as one row: each paragraph in full."""
    first = rows[0]
    missing = first.kind == "missing"
    own = [row.ref[0] if missing else row.witness[0] for row in rows]
    ids = [f' id="w{wi}-r{row.ref[0]}"' if row.ref else "" for row in rows]
    text = "".join(
        f"<p{ids[n] if n else ''}>{_text(row.ref_text if missing else row.witness_text)}</p>"
        for n, row in enumerate(rows)
    )
    gap = "missing from this copy" if missing else "not in the reference"
    cells = (
        f'<td class="dw-text dw-paras">{text}</td><td class="dw-gap">{gap}</td>'
        if missing
        else f'<td class="dw-gap">{gap}</td><td class="dw-text dw-paras">{text}</td>'
    )
    if not with_reference:
        cells = f'<td class="dw-text dw-paras">{text}</td>'
    classes = f"dw-k-{esc(first.kind)}" + (" dw-boiler" if first.boilerplate else "")
    badge = f'<span class="dw-tag">{esc(first.kind)} ×{len(rows)}</span>'
    if first.boilerplate:
        badge += ' <span class="dw-tag">boilerplate</span>'
    where = ("" if missing else "witness ") + _span(own)
    return (
        f'<tr class="{classes}"{ids[0]} data-point="{esc(first.point or "")}">'
        f'<td class="dw-margin"><span class="dw-refno">{esc(where)}</span></td>'
        f'{cells}<td class="dw-kind">{badge}</td></tr>'
    )


def _side_by_side(wi: int, w: WitnessReport, with_reference: bool) -> str:
    """The reference and the witness row by row. A paragraph the same in both is shown
    once, across both columns; runs of them are folded into a ``<details>`` beyond a
    paragraph of context either side of each difference; a run of missing or extra
    paragraphs is one row. Every difference stays in view."""
    cut = _truncation(w)
    cols = 4 if with_reference else 3
    # The cut row, not yet placed: after the reference paragraph where the copy stops,
    # or, for a copy shown on its own, after its own last paragraph of text.
    pending = cut if cut is not None and (cut.ref, cut.witness) != (None, None) else None
    # On a copy shown on its own, the rows its own split and numbering findings name.
    own: dict[tuple[int, ...], str] = {
        (i,): f.kind
        for f in w.findings
        if f.ref is None and f.kind in ("split", "numbering")
        for i in (f.witness if isinstance(f.witness, tuple) else (f.witness,))
        if i is not None
    }
    out: list[str] = []
    begins = _truncation(w, "start")
    points = _row_points(w.rows)
    for what, indexes in _blocks(w.rows, pending.ref if pending is not None else None):
        rows = [w.rows[x] for x in indexes]
        if what == "fold":
            out.append(_fold(wi, rows, [points[x][0] for x in indexes], cols))
            continue
        row = rows[0]
        opened, point = points[indexes[0]]
        if begins is not None and row.witness and begins.witness in row.witness:
            out.append(_begins_row(begins, cols))
            begins = None
        stops_here = pending is not None and (
            pending.ref in row.ref if pending.ref is not None else pending.witness in row.witness
        )
        if pending is not None and stops_here and not row.witness:
            out.append(_cut_row(pending, cols, w.coverage))  # stopped at a paragraph boundary
            pending, stops_here = None, False
        if what == "gap":
            out.append(_gap_run(wi, rows, with_reference))
            continue
        stop = '<span class="dw-cut" title="the copy stops here">✂</span>' if stops_here else ""
        classes = [f"dw-k-{esc(row.kind)}"] + (["dw-boiler"] if row.boilerplate else [])
        rid = f' id="w{wi}-r{row.ref[0]}"' if row.ref else ""
        margin = f'<span class="dw-point">{esc(opened)}</span>' if opened else ""
        refno = "¶" + ",".join(str(i) for i in row.ref) if row.ref else ""
        label = _ROW_LABELS.get(row.kind, row.kind) or own.get(row.witness, "")
        badge = f'<span class="dw-tag">{esc(label)}</span>' if label else ""
        if row.boilerplate:
            badge += ' <span class="dw-tag">boilerplate</span>'
        if with_reference and row.kind == "equal" and row.ref and row.witness and not stop:
            # The same text in both: once, across both columns.
            cells = f'<td class="dw-text dw-both" colspan="2">{_text(row.ref_text)}</td>'
        else:
            ref_cell, wit_cell = _cells(row, stop)
            cells = f"{ref_cell if with_reference else ''}{wit_cell}"
        out.append(
            f'<tr class="{" ".join(classes)}"{rid} data-point="{esc(point or "")}">'
            f'<td class="dw-margin">{margin}<span class="dw-refno">{esc(refno)}</span></td>'
            f'{cells}<td class="dw-kind">{badge}</td></tr>'
        )
        if pending is not None and stops_here:
            out.append(_cut_row(pending, cols, w.coverage))
            pending = None
    if pending is not None:
        out.append(_cut_row(pending, cols, w.coverage))
    ref_head = "<th>Reference</th>" if with_reference else ""
    return (
        f'<table class="dw-sbs"><thead><tr><th class="dw-margin">Point</th>{ref_head}'
        f"<th>{esc(w.id)}</th><th></th></tr></thead><tbody>{''.join(out)}</tbody></table>"
    )


def _formal(w: WitnessReport, show: bool) -> str:
    if not w.formal:
        return ""
    # Imported here: only a report with formal differences needs the differ. The
    # efficiency-cleaned diff keeps spans as small as the difference ("，" → ",").
    from docwitness.compare.chardiff import char_diff

    rows = []
    for d in w.formal:
        ops = char_diff(d.ref_reading, d.witness_reading)
        rows.append(
            f"<tr><td>{esc('—' if d.ref is None else d.ref)}</td>"
            f"<td>{esc('—' if d.witness is None else d.witness)}</td><td>{esc(d.reason)}</td>"
            f'<td class="dw-text">{_side(ops, -1)}</td>'
            f'<td class="dw-text">{_side(ops, 1)}</td></tr>'
        )
    return (
        f'<details class="dw-formal"{" open" if show else ""}><summary>Formal differences '
        f"({len(w.formal)}): removed by the normalisation profile, both readings</summary>"
        "<table><thead><tr><th>Ref. ¶</th><th>Witness ¶</th><th>Kind</th>"
        f"<th>Reference reads</th><th>Witness reads</th></tr></thead><tbody>{''.join(rows)}"
        "</tbody></table></details>"
    )


def _witness(report: Report, wi: int, w: WitnessReport, show_formal: bool) -> str:
    subst, formal = _counts(w)
    said = claims_line(w)
    claims = f'<p class="dw-claims">{esc(said)}</p>' if said else ""
    notes = "".join(f'<p class="dw-note">{esc(n)}</p>' for n in w.notes)
    if w.degraded:
        notes += '<p class="dw-note">Degraded: a limit was applied to this comparison.</p>'
    head = (
        f'<section class="dw-witness" id="w{wi}"><h3>{esc(w.id)} {_verdict(w.verdict)}</h3>'
        f'<p class="dw-meta">{esc(w.role) + " · " if w.role else ""}{link(w.source)} · '
        f"coverage {_pct(w.coverage)} · {subst} substantive, {formal} formal, "
        f"{len(w.formal)} normalised</p>{claims}{notes}"
    )
    if w.verdict == "unavailable":
        body = f'<p class="dw-reason">Unavailable: {esc(w.reason or "no reason given")}</p>'
        return f"{head}{body}{_cite(report, w)}</section>"
    # A copy shown on its own (the reference itself, or an inspected copy) has one column.
    with_reference = report.reference is not None and any(row.ref for row in w.rows)
    sbs = _side_by_side(wi, w, with_reference) if w.rows else ""
    return (
        f"{head}<h4>Findings</h4>{_findings(wi, w.findings)}{_formal(w, show_formal)}"
        f"{sbs}{_cite(report, w)}</section>"
    )


def _reference(report: Report) -> str:
    ref = report.reference
    if ref is None:
        return '<p class="dw-meta">No reference: each copy is inspected on its own.</p>'
    return (
        f'<section class="dw-reference"><h2>Reference: {esc(ref.id)}</h2><dl>'
        f"<dt>Source</dt><dd>{link(ref.source)}</dd>"
        f"<dt>Chosen because</dt><dd>{esc(ref.chosen_because)}</dd>"
        f"<dt>Paragraphs</dt><dd>{esc(ref.paragraphs)}</dd>{_digests_dl(ref.digests)}</dl></section>"
    )


@REPORTERS.register("html")
class HtmlReporter:
    """A self-contained HTML page: summary, side-by-side collation, citations."""

    def render(
        self,
        report: Report,
        *,
        show_formal: bool = False,
        color: bool = False,
        max_findings: int = 0,
    ) -> str:
        # Every finding, whatever ``max_findings`` says: this view has room for all.
        # ``color`` is for terminals; the page is always in colour.
        from docwitness.report.witnesses import html_section

        title = f"docwitness: {report.document_title}"
        witnesses = "".join(
            _witness(report, i, w, show_formal) for i, w in enumerate(report.witnesses)
        )
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<meta name="generator" content="{TOOL_NAME} {__version__}">'
            f"<title>{esc(title)}</title><style>{CSS}</style></head><body>"
            f"<header><h1>{esc(report.document_title)}</h1>"
            f'<p class="dw-meta">{esc(report.kind)} of <code>{esc(report.document_id)}</code> · '
            f"profile {esc(report.profile)} · {TOOL_NAME} {__version__}</p></header><main>"
            f"{_reference(report)}<h2>Witnesses</h2>{_summary(report)}"
            f"{html_section(report, show_formal)}{witnesses}"
            "</main></body></html>\n"
        )


def render(report: Report, *, show_formal: bool = False, color: bool = False) -> str:
    """The report as one self-contained HTML page."""
    return HtmlReporter().render(report, show_formal=show_formal, color=color)
