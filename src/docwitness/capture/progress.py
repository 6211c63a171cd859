"""What :func:`docwitness.capture.fetch_many` reports as each witness finishes.

A module of its own so that a command that fetches nothing never builds the class.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FetchProgress:
    """One witness finished: ``outcome`` is "captured", "not-modified", "incomplete" or
    "unavailable"; ``detail`` a one-line summary (pages, or the reason)."""

    witness: str
    done: int
    total: int
    outcome: str
    detail: str
