"""Shared fixtures: the seed copy and made copies built from it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from docwitness.model import Document

sys.path.insert(0, str(Path(__file__).resolve().parent))

import made


@pytest.fixture
def seed_path() -> Path:
    return made.SEED


@pytest.fixture
def made_statement_path(tmp_path: Path) -> Path:
    """The made complete plain-text statement (see made.made_statement)."""
    return made.write_made(tmp_path, "made-statement.txt", made.made_statement())


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the made copies a test module shares."""
    return tmp_path_factory.mktemp("made")


@pytest.fixture(scope="module")
def statement(workdir: Path) -> Document:
    """The made reference statement as a Document (made_variants.reference)."""
    import made_variants

    return made_variants.reference(workdir)
