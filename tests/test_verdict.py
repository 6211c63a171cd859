"""The verdict policy: one function decides a witness's verdict, one gives the exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

import made
from docwitness.cli import main
from docwitness.compare.verdict import SEVERITY_ORDER, decide, exit_code
from docwitness.errors import ExitCode
from docwitness.model import Finding, Report, Verdict, WitnessReport


def f(kind: str, severity: str = "substantive") -> Finding:
    return Finding(kind=kind, severity=severity)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("findings", "alone", "available", "verdict"),
    [
        ((), False, True, Verdict.IDENTICAL),
        ((f("split", "formal"),), False, True, Verdict.EQUIVALENT),
        ((), True, True, Verdict.COMPLETE),
        ((f("split", "formal"),), True, True, Verdict.COMPLETE),
        ((f("variant"),), False, True, Verdict.VARIANT),
        ((f("variant"), f("truncation")), False, True, Verdict.TRUNCATED),
        ((f("truncation"), f("unrelated")), False, True, Verdict.UNRELATED),
        ((f("unreliable-text"), f("truncation")), False, True, Verdict.UNRELIABLE),
        ((f("changed"),), False, True, Verdict.CHANGED),
        ((f("changed"),), True, True, Verdict.CHANGED),
        # A change of the raw bytes alone is formal: not a text change.
        ((f("changed", "formal"),), False, True, Verdict.EQUIVALENT),
        # Something else substantive decides before a change does.
        ((f("changed"), f("variant")), False, True, Verdict.VARIANT),
        ((f("changed"), f("truncation")), True, True, Verdict.TRUNCATED),
        ((), False, False, Verdict.UNAVAILABLE),
    ],
)
def test_decide(
    findings: tuple[Finding, ...], alone: bool, available: bool, verdict: Verdict
) -> None:
    assert decide(findings, alone=alone, available=available) is verdict


def test_readings_that_differ_only_in_script_are_equivalent_not_identical() -> None:
    assert decide((), differs=True) is Verdict.EQUIVALENT
    assert decide((f("variant"),), differs=True) is Verdict.VARIANT


def test_every_verdict_has_a_place_in_the_order() -> None:
    assert set(SEVERITY_ORDER) == set(Verdict)
    assert {v for v in Verdict if v.ok} == {Verdict.IDENTICAL, Verdict.EQUIVALENT, Verdict.COMPLETE}


def _report(*verdicts: Verdict, findings: tuple[Finding, ...] = ()) -> Report:
    witnesses = tuple(
        WitnessReport(id=f"made-{n}", source="made", verdict=v, findings=findings)
        for n, v in enumerate(verdicts)
    )
    return Report("made", "made", None, witnesses, "canonical/1")


def test_exit_codes() -> None:
    assert exit_code([_report(Verdict.IDENTICAL)], "substantive") == ExitCode.OK
    # An unavailable copy is a gap in what could be checked: exit 3.
    assert exit_code([_report(Verdict.IDENTICAL, Verdict.UNAVAILABLE)], "substantive") == 3
    # A finding is a definite failure, and wins over a gap.
    variant = _report(Verdict.VARIANT, Verdict.UNAVAILABLE, findings=(f("variant"),))
    assert exit_code([variant], "substantive") == ExitCode.FINDINGS
    formal = _report(Verdict.EQUIVALENT, findings=(f("split", "formal"),))
    assert exit_code([formal], "substantive") == ExitCode.OK
    assert exit_code([formal], "formal") == ExitCode.FINDINGS
    # A source's change fails the run only when the change policy says so.
    changed = _report(Verdict.CHANGED, findings=(f("changed"),))
    assert exit_code([changed], "substantive") == ExitCode.OK
    assert exit_code([changed], "substantive", changed=True) == ExitCode.FINDINGS


def test_an_unavailable_witness_makes_collate_exit_3(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A complete local copy and a network witness never captured: nothing is found,
    but one copy could not be checked, so the run is incomplete (exit 3)."""
    made.write_made(tmp_path, "made-statement.txt", made.made_statement())
    catalogue = tmp_path / "made-catalogue.toml"
    catalogue.write_text(
        """
[document]
id = "made-statement"
title = "made"
language = "zh"

[[witness]]
id = "made-local"
role = "official"
path = "made-statement.txt"

[[witness]]
id = "made-remote"
role = "mirror"
url = "http://127.0.0.1:9/made-statement.txt"
""",
        encoding="utf-8",
    )
    store = tmp_path / "snapshots"
    assert main(["fetch", str(catalogue), "--store", str(store), "--offline"]) == 3
    capsys.readouterr()
    assert main(["collate", str(catalogue), "--store", str(store)]) == ExitCode.INCOMPLETE
    out = capsys.readouterr().out
    assert "made-remote: unavailable" in out
    assert "made-local: complete" in out
    code = main(["check", str(catalogue), "--store", str(store), "--offline", "--no-html"])
    assert code == ExitCode.INCOMPLETE
