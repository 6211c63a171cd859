"""The verdict policy: one place decides what a witness's findings amount to.

:func:`decide` turns a witness's findings (and whether it could be read at all)
into its :class:`Verdict`; :func:`exceeds` answers ``--fail-on``; and
:func:`exit_code` turns a command's reports into the process's exit code. No
other module writes or rewrites a verdict.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from docwitness.errors import ExitCode
from docwitness.model import FAIL_ON, Finding, Report, Verdict

__all__ = ["FAIL_ON", "SEVERITY_ORDER", "Verdict", "decide", "exceeds", "exit_code"]



# The order in which reports list witnesses: the ones a reader must see first on top.
SEVERITY_ORDER: tuple[Verdict, ...] = (
    Verdict.UNRELATED,
    Verdict.TRUNCATED,
    Verdict.VARIANT,
    Verdict.CHANGED,
    Verdict.UNRELIABLE,
    Verdict.UNAVAILABLE,
    Verdict.EQUIVALENT,
    Verdict.IDENTICAL,
    Verdict.COMPLETE,
)


def decide(
    findings: Iterable[Finding],
    *,
    alone: bool = False,
    available: bool = True,
    differs: bool = False,
) -> Verdict:
    """The verdict of a witness with these findings.

    ``alone`` for a copy judged with no reference (``inspect``, or the reference
    itself); ``available`` False for a witness that could not be read; ``differs``
    when its canonical text is not the reference's although every difference is
    formal (spellings of two scripts). A text change since the last snapshot
    (``changed``) decides only when nothing else substantive does.
    """
    if not available:
        return Verdict.UNAVAILABLE
    found: Sequence[Finding] = list(findings)
    kinds = {f.kind for f in found if f.severity == "substantive"}
    if "unreliable-text" in kinds or "evidence-digest-mismatch" in kinds:
        # A text layer that cannot be read, or evidence that is not what it claims.
        return Verdict.UNRELIABLE
    if "unrelated" in kinds:
        return Verdict.UNRELATED
    if "truncation" in kinds:
        return Verdict.TRUNCATED
    if kinds - {"changed"}:
        return Verdict.VARIANT
    if "changed" in kinds:
        return Verdict.CHANGED
    if alone:
        return Verdict.COMPLETE
    return Verdict.EQUIVALENT if found or differs else Verdict.IDENTICAL


def exceeds(report: Report, fail_on: str) -> bool:
    """Whether ``report`` holds anything at or above ``fail_on`` (substantive|formal|any).

    ``formal`` includes substantive findings; ``any`` includes every finding and
    every formal difference too. ``changed`` findings (``check``) are left to the
    caller's change policy.
    """
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {fail_on!r}")
    for w in report.witnesses:
        # A source's change since its last snapshot is governed by --fail-on-change alone.
        kept = [f for f in w.findings if f.kind != "changed"]
        if any(fail_on != "substantive" or f.severity == "substantive" for f in kept):
            return True
        if fail_on == "any" and w.formal:
            return True
    return False


def exit_code(reports: Sequence[Report], fail_on: str, *, changed: bool = False) -> ExitCode:
    """1 for findings at or above ``fail_on`` (or a source change that should fail),
    else 3 when a witness could not be read, else 0. A finding is a definite
    failure; an unavailable copy only a gap in what could be checked."""
    if changed or any(exceeds(r, fail_on) for r in reports):
        return ExitCode.FINDINGS
    if any(w.verdict == Verdict.UNAVAILABLE for r in reports for w in r.witnesses):
        return ExitCode.INCOMPLETE
    return ExitCode.OK
