"""Each list of names is kept once: the CLI's choices and the catalogue's checks read
the registries and tuples they come from, and every registered class has its help."""

from __future__ import annotations

import argparse
from typing import get_args

import pytest

from docwitness.cli import build_parser
from docwitness.compare import engine
from docwitness.model import FAIL_ON, ROLES, FailOn, Report, Role, WitnessReport


def choices(option: str) -> dict[str, list[str]]:
    """The choices of ``option`` in every command that takes it, by command."""
    parser = build_parser()
    (sub,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    found: dict[str, list[str]] = {}
    for name, command in sub.choices.items():
        for action in command._actions:
            if option in action.option_strings:
                assert action.choices is not None, (name, option)
                found[name] = list(action.choices)
    return found


def test_roles_are_the_role_literal() -> None:
    assert get_args(Role) == ROLES
    assert ROLES == ("official", "mirror", "aggregator", "archive", "community")


def test_fail_on_levels_are_named_once() -> None:
    assert FAIL_ON == get_args(FailOn) == ("substantive", "formal", "any")
    assert engine.FAIL_ON is FAIL_ON  # the engine checks the same tuple
    found = choices("--fail-on")
    assert set(found) == {"check", "collate", "diff"}
    for command, names in found.items():
        assert names == list(FAIL_ON), command
    parser = build_parser()
    assert parser.parse_args(["diff", "a", "b"]).fail_on == FAIL_ON[0]


def test_every_fail_on_level_is_understood_by_the_engine() -> None:
    report = Report("d", "t", None, (WitnessReport("w", "s", "identical"),), "canonical/1")
    for level in FAIL_ON:
        assert engine.exceeds(report, level) is False
    with pytest.raises(ValueError, match="fail_on"):
        engine.exceeds(report, "everything")
