"""What docwitness must find on each class of copy, read from the CLI's JSON report.

One table: each case names a made copy (built by ``made_classes``) and the
expectations its ``diff`` report must meet; a few focused tests follow where the
table form does not fit. The copies are made from the seed's own text, except the
real Wikisource text under ``../shared/real/`` (the cases that need it are skipped,
with the reason, when it is absent).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import pytest

import made
import made_classes as mc
from docwitness.cli import main

TRUNCATION_AT = {"end", "start", "gap"}


@dataclass(frozen=True)
class Result:
    """One ``diff --format json --show-formal`` run: the exit code and the report."""

    rc: int
    data: dict[str, Any]

    def __repr__(self) -> str:
        return f"Result(rc={self.rc}, findings={self.summary()})"

    @property
    def witness(self) -> dict[str, Any]:
        w: dict[str, Any] = self.data["witnesses"][0]
        return w

    @property
    def findings(self) -> list[dict[str, Any]]:
        f: list[dict[str, Any]] = self.witness["findings"]
        return f

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["kind"] == kind]

    def one(self, kind: str) -> dict[str, Any]:
        found = self.of(kind)
        assert len(found) == 1, f"{len(found)} {kind} findings: {self.summary()}"
        return found[0]

    @property
    def substantive(self) -> list[dict[str, Any]]:
        return [f for f in self.findings if f["severity"] == "substantive"]

    def summary(self) -> list[tuple[Any, ...]]:
        return [(f["kind"], f["severity"], f["ref"], f["witness"]) for f in self.findings]


def diff(ref: Path, wit: Path, out: Path, *extra: str) -> Result:
    rc = main(["diff", str(ref), str(wit), "--format", "json", "-o", str(out), *extra])
    return Result(rc, json.loads(out.read_text(encoding="utf-8")))


def _value(v: Any) -> Any:
    """Expectations that need the real Wikisource text are computed when checked."""
    return v() if callable(v) else v


# --------------------------------------------------------------------------- expectations


class Check(NamedTuple):
    name: str
    test: Callable[[Result], None]

    def __call__(self, r: Result) -> None:
        self.test(r)


def exit_code(code: int) -> Check:
    def test(r: Result) -> None:
        assert r.rc == code, r.summary()

    return Check(f"exit {code}", test)


def verdict(expected: str) -> Check:
    def test(r: Result) -> None:
        assert r.witness["verdict"] == expected, r.summary()

    return Check(f"verdict {expected}", test)


def substantive(*kinds: str) -> Check:
    """The substantive findings are exactly these kinds (none, when empty)."""

    def test(r: Result) -> None:
        assert sorted(f["kind"] for f in r.substantive) == sorted(kinds), r.summary()

    return Check(f"substantive {kinds}", test)


def none_of(*kinds: str) -> Check:
    def test(r: Result) -> None:
        assert not [f for f in r.findings if f["kind"] in kinds], r.summary()

    return Check(f"no {kinds}", test)


def only(*kinds: str) -> Check:
    """Findings, at least one, of these kinds only, all formal."""

    def test(r: Result) -> None:
        assert r.findings, "no findings"
        assert {f["kind"] for f in r.findings} <= set(kinds), r.summary()
        assert {f["severity"] for f in r.findings} == {"formal"}, r.summary()

    return Check(f"only formal {kinds}", test)


def truncation(at: str, stops: Any = None, outline: str | None = None, evidence: str = "") -> Check:
    """Exactly one truncation, at ``at``; (ref, offset) one of ``stops``; its outline."""

    def test(r: Result) -> None:
        f = r.one("truncation")
        assert f["severity"] == "substantive"
        assert f.get("at") == at, f
        if stops is not None:
            assert (f["ref"], f["offset"]) in _value(stops), f
        if outline is not None:
            assert f["outline"] == outline, f
        if evidence:
            assert evidence in "".join(f["evidence"]), f["evidence"]

    return Check(f"truncation at {at}", test)


def boilerplate(*texts: str, present: bool = True) -> Check:
    """Findings that carry these site texts are formal boilerplate; with ``present``,
    each text is an ``extra`` finding of its own."""
    wanted = [mc.canonical(t) for t in texts]

    def test(r: Result) -> None:
        for text in wanted:
            carrying = [f for f in r.findings if text in mc.canonical(f["witness_text"] or "")]
            for f in carrying:
                assert (f["severity"], f["boilerplate"]) == ("formal", True), f
            if present:
                own = [f for f in carrying if f["kind"] == "extra"]
                assert [mc.canonical(f["witness_text"]) for f in own] == [text], r.summary()

    return Check(f"boilerplate {texts}", test)


def title_aligned() -> Check:
    title = mc.canonical(mc.TITLE)

    def test(r: Result) -> None:
        for f in r.of("missing"):
            assert mc.canonical(f["ref_text"] or "") != title, f

    return Check("title aligned", test)


def claims(date: str = "", source: str = "", mentions: str = "") -> Check:
    def test(r: Result) -> None:
        got = r.witness.get("claims")
        assert isinstance(got, dict), got
        if date:
            assert date in (got.get("date") or ""), got
        if source:
            assert source in (got.get("source") or ""), got
        if mentions:
            assert mentions in json.dumps(got, ensure_ascii=False), got

    return Check(f"claims {date} {source} {mentions}".strip(), test)


def script_only(changed: int) -> Check:
    """One formal difference per paragraph OpenCC changed, each for script."""

    def test(r: Result) -> None:
        formal = r.witness["formal"]
        diffs = formal["differences"]
        assert all("script" in d["reason"] for d in diffs), [d["reason"] for d in diffs]
        assert len(diffs) == changed == formal["count"], (len(diffs), formal["count"])
        assert len({d["ref"] for d in diffs}) == changed

    return Check(f"{changed} script differences", test)


def beyond_reference() -> Check:
    def test(r: Result) -> None:
        f = r.one("beyond-reference")
        assert f["severity"] == "formal"
        total = sum(len(mc.canonical(p)) for p in mc.statement())
        assert 0 < f["detail"]["length"] <= total, f["detail"]

    return Check("beyond-reference", test)


def notes(*words: str) -> Check:
    def test(r: Result) -> None:
        said = [n.lower() for n in r.witness["notes"]]
        assert any(all(w in n for w in words) for n in said), said

    return Check(f"notes {words}", test)


def moved(ref: int, readings: set[tuple[str, str]]) -> Check:
    """One paragraph moved (substantive), variants for its edits only, no missing/extra."""

    def test(r: Result) -> None:
        m = r.one("moved")
        assert (m["severity"], m["ref"]) == ("substantive", ref), m
        variants = r.of("variant")
        assert {f["ref"] for f in variants} == {ref}, r.summary()
        assert {(f["ref_text"], f["witness_text"]) for f in variants} == readings
        assert not r.of("missing") and not r.of("extra"), r.summary()
        assert sorted(f["kind"] for f in r.substantive) == ["moved"] + ["variant"] * len(variants)

    return Check(f"moved {ref}", test)


def split(ref: int, pieces: int) -> Check:
    mended = mc.canonical(mc.statement()[ref])

    def test(r: Result) -> None:
        f = r.one("split")
        assert (f["severity"], f["ref"]) == ("formal", ref), f
        assert len(f["witness"]) == pieces, f["witness"]
        assert f["detail"]["mended"] == mended

    return Check(f"split {ref} in {pieces}", test)


def merge(ref: int, count: int) -> Check:
    def test(r: Result) -> None:
        f = r.one("merge")
        assert f["severity"] == "formal" and f["witness"] == ref, f
        assert f["ref"] in (ref, list(range(ref, ref + count))), f

    return Check(f"merge {count} at {ref}", test)


def unrelated() -> Check:
    """A copy of another document: one finding says so, and nothing floods."""

    def test(r: Result) -> None:
        assert r.witness["verdict"] == "unrelated", r.summary()
        f = r.one("unrelated")
        assert f["severity"] == "substantive"
        share = f["detail"]["share"]
        assert isinstance(share, int | float) and 0 <= share < 0.2, f["detail"]
        assert r.substantive == [f], r.summary()
        lines = [f for f in r.findings if f["kind"] in ("extra", "missing")]
        assert all(f["boilerplate"] for f in lines) and len(r.findings) <= 3, r.summary()

    return Check("unrelated", test)


def no_markup_variants() -> Check:
    def test(r: Result) -> None:
        for f in r.of("variant"):
            text = (f["ref_text"] or "") + (f["witness_text"] or "")
            assert "#" not in text and "**" not in text, f

    return Check("no Markdown markup in variants", test)


def markdown_sniffed() -> Check:
    def test(r: Result) -> None:
        assert "markdown" in json.dumps(r.witness, ensure_ascii=False).lower(), r.witness

    return Check("sniffed as Markdown", test)


# --------------------------------------------------------------------------- the table


class Case(NamedTuple):
    name: str
    builder: mc.Builder
    expect: tuple[Check, ...]


def case(name: str, *expect: Check) -> Case:
    return Case(name, mc.BUILDERS[name], expect)


def cut_case(name: str) -> Case:
    index, chars, _, _ = mc.CUTS[name]
    return case(
        name,
        exit_code(1),
        verdict("truncated"),
        substantive("truncation"),
        truncation("end", stops={(index, chars)}),
        none_of("variant", "missing"),
    )


def seed_stop() -> set[tuple[int, int]]:
    """Where the Wikisource text stops, in the seed's paragraphs."""
    return {(mc.seed_paragraph_starting("双方认为，要维护安理会"), mc.wikisource_stop())}


FRAGMENT_STOP = {
    (mc.FRAGMENT - 1, len(mc.canonical(mc.statement()[mc.FRAGMENT - 1]))),
    (mc.FRAGMENT, 0),
}
SITE = (mc.BREADCRUMB, mc.BYLINE, mc.EDITOR)
DATE = {"date": mc.BYLINE_DATE, "source": mc.BYLINE_SOURCE}
QUIET = (exit_code(0), substantive())
EQUIVALENT = (exit_code(0), verdict("equivalent"))
WIKISOURCE = (
    exit_code(1),
    substantive("truncation"),
    truncation("end", stops=seed_stop, outline="二"),
    title_aligned(),
)

CASES: list[Case] = [
    case("traditional-s2hk", *QUIET, none_of("variant"), script_only(mc.script_changed("s2hk"))),
    case("traditional-s2tw", *QUIET, none_of("variant"), script_only(mc.script_changed("s2tw"))),
    *(cut_case(name) for name in mc.CUTS),
    case(
        "begins-at-point-four",
        exit_code(1),
        substantive("truncation"),
        truncation("start", outline="四", evidence="四"),
        none_of("missing"),
        boilerplate(mc.BREADCRUMB, mc.BYLINE),
        claims(**DATE),
    ),
    case("label-fullwidth", *QUIET, title_aligned(), boilerplate(*SITE), claims(**DATE)),
    case("label-halfwidth", *QUIET, title_aligned(), boilerplate(*SITE), claims(**DATE)),
    case("label-brackets", *QUIET, title_aligned(), boilerplate(*SITE), claims(**DATE)),
    case("label-line", *QUIET, title_aligned(), boilerplate(*SITE, "全文如下："), claims(**DATE)),
    case("dateline-crntt-traditional", *QUIET, title_aligned(), claims(mentions="7月5日")),
    case("dateline-crntt-simplified", *QUIET, title_aligned(), claims(mentions="7月5日")),
    case("dateline-xinhua-first-paragraph", *QUIET, title_aligned(), claims(mentions="7月4日")),
    case("dateline-people-space", *QUIET, title_aligned(), claims(mentions="7月5日")),
    case("reference-cut-off", *QUIET, beyond_reference(), notes("reference", "truncat")),
    case("moved-far-edited", exit_code(1), moved(mc.MOVED_FAR, mc.MOVED_FAR_READINGS)),
    case("moved-near-edited", exit_code(1), moved(mc.MOVED_NEAR, mc.MOVED_NEAR_READINGS)),
    case("split-three", *EQUIVALENT, only("split"), split(mc.SPLIT_THREE[0], 3)),
    case("split-four", *EQUIVALENT, only("split"), split(mc.SPLIT_FOUR[0], 4)),
    case("merge-three", *EQUIVALENT, only("merge"), merge(*mc.MERGE_THREE)),
    case("merge-four", *EQUIVALENT, only("merge"), merge(*mc.MERGE_FOUR)),
    case("lookalike-full-title", exit_code(1), unrelated()),
    case("lookalike-short-title", exit_code(1), unrelated()),
    case("seo-mixer", exit_code(1), unrelated()),
    case(
        "fragment-first-four",
        exit_code(1),
        verdict("truncated"),
        substantive("truncation"),
        truncation("end", stops=FRAGMENT_STOP),
        none_of("unrelated"),
    ),
    case("seed-as-text", no_markup_variants(), markdown_sniffed()),
    case("wikisource-real", *WIKISOURCE, boilerplate(mc.JUMP, mc.TAGLINE)),
    case("wikisource-html", *WIKISOURCE, boilerplate(mc.JUMP, mc.TAGLINE, present=False)),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Case], Result]:
    """Each case's report, computed once for the module."""
    root = tmp_path_factory.mktemp("true-findings")
    done: dict[str, Result] = {}

    def run(c: Case) -> Result:
        if c.name not in done:
            folder = root / c.name
            folder.mkdir(exist_ok=True)
            pair = c.builder(folder)
            done[c.name] = diff(pair.ref, pair.wit, folder / "report.json", "--show-formal")
        return done[c.name]

    return run


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_case(c: Case, results: Callable[[Case], Result]) -> None:
    r = results(c)
    failed = []
    for check in c.expect:
        try:
            check(r)
        except (AssertionError, KeyError, TypeError) as e:
            failed.append(f"{check.name}: {e}")
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("c", CASES, ids=[c.name for c in CASES])
def test_every_finding_says_where_a_truncation_is(
    c: Case, results: Callable[[Case], Result]
) -> None:
    r = results(c)
    assert isinstance(r.witness.get("claims"), dict)
    for f in r.findings:
        assert "at" in f, f
        if f["kind"] == "truncation":
            assert f["at"] in TRUNCATION_AT, f
        else:
            assert f["at"] is None, f


# --------------------------------------------------------------------------- focused tests


def test_case_table_covers_every_builder() -> None:
    assert sorted(c.name for c in CASES) == sorted(mc.BUILDERS)


def test_made_copies_are_what_they_say(tmp_path: Path) -> None:
    """The fixtures themselves: made names, 著 in s2tw, two shared paragraphs in the mixer."""
    statement = mc.statement()
    assert "着" in "".join(statement)
    s2tw = mc.traditional("s2tw", tmp_path).wit.read_text(encoding="utf-8")
    assert "著" in s2tw and "着" not in s2tw
    mixer = mc.mixer(tmp_path).wit.read_text(encoding="utf-8").split("\n\n")
    assert len(mixer) == 1 + len(mc.NEWS) + 2 and len(mc.NEWS) == 15
    assert sum(p in statement for p in mixer) == 2
    assert len(mc.KOREA) == 7 and mc.KOREA[-1] == "本声明于二〇一七年七月四日在莫斯科签署。"
    real = {mc.WIKISOURCE, made.SEED}
    for name, build in mc.BUILDERS.items():
        if "wikisource" in name or name == "reference-cut-off":
            continue  # these need the real text; the cases test them
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        pair = build(folder)
        assert pair.wit.name.startswith("made-"), name
        assert pair.ref in real or pair.ref.name.startswith("made-"), name


def _inspected_title(path: Path, out: Path) -> str:
    main(["inspect", str(path), "--format", "json", "-o", str(out)])
    title: str = json.loads(out.read_text(encoding="utf-8"))["document"]["title"]
    return title


@pytest.mark.parametrize("which", ["real-text", "made-html"])
def test_inspect_titles_wikisource_from_its_text_not_its_site(which: str, tmp_path: Path) -> None:
    path = mc.real_wikisource() if which == "real-text" else mc.wikisource_html(tmp_path).wit
    title = _inspected_title(path, tmp_path / "inspect.json")
    assert title != mc.JUMP
    assert mc.canonical(title) == mc.canonical(mc.TITLE)


def test_inspect_does_not_title_a_portal_copy_from_its_breadcrumb(tmp_path: Path) -> None:
    path = mc.portal(mc.TITLE + "（全文）", tmp_path).wit
    title = _inspected_title(path, tmp_path / "inspect.json")
    assert mc.canonical(title) != mc.canonical(mc.BREADCRUMB)
    assert mc.canonical(mc.TITLE) in mc.canonical(title)


def test_text_summary_names_findings_and_normalised_differences_apart(
    capsys: pytest.CaptureFixture[str],
) -> None:
    wiki = mc.real_wikisource()
    rc = main(["diff", str(made.SEED), str(wiki)])
    out = capsys.readouterr().out
    assert rc == 1
    line = next(s for s in out.splitlines() if s.startswith(f"{wiki.name}:"))
    for words in ("substantive finding", "formal finding", "normalised difference"):
        assert words in line, line
    assert not re.search(r"formal, \d+ formal differences", line), line
