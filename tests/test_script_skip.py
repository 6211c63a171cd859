"""Normalisation skips OpenCC for text that t2s cannot change, and the table that says
which text that is matches the installed OpenCC's dictionaries."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import opencc
import pytest

import t2s_table
from docwitness import _t2s_starts, normalise
from docwitness.normalise import _t2s_triggers, to_simplified

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT.parent / "shared" / "seeds" / "000_34e1f9dcdff7bff3.txt"
REAL = ROOT.parent / "shared" / "real" / "wikisource-zh-hans.txt"
T2S = opencc.OpenCC("t2s")


def test_table_is_that_of_the_installed_dictionaries() -> None:
    # Fails after an OpenCC upgrade until `python tests/t2s_table.py` is run again
    # (normalisation stays right meanwhile: it converts every text).
    assert _t2s_triggers() is not None
    pytest.importorskip("marisa_trie")
    assert t2s_table.source() == Path(_t2s_starts.__file__).read_text(encoding="utf-8")


def test_text_without_a_trigger_is_what_t2s_makes_of_it() -> None:
    triggers = _t2s_triggers()
    assert triggers is not None
    rng = random.Random(2017)
    # Every character of the real copies, of the table and of the phrase keys' neighbours.
    pool = sorted(set(SEED.read_text(encoding="utf-8") + REAL.read_text(encoding="utf-8")))
    pool += [chr(c) for c in range(0x4E00, 0x9FFF, 7)]
    # Characters beyond the Basic Multilingual Plane, some of them triggers.
    pool += [*[c for c in _t2s_starts.ALONE if ord(c) >= 0x10000][:40], "𠀀", "𪚥", "😀"]
    # The changing phrases, whole and in pieces: their characters do not change alone.
    phrases = sorted({p for ps in _t2s_starts.PHRASES.values() for p in ps})
    pool += phrases + sorted(set("".join(phrases)))
    checked = converted = phrase_only = 0
    for _ in range(6000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        if not triggers.may_change(text):
            assert T2S.convert(text) == text
            checked += 1
        else:
            converted += 1
            phrase_only += set(text).isdisjoint(_t2s_starts.ALONE)
        assert to_simplified(text) == T2S.convert(text)
    assert checked > 100 and converted > 100 and phrase_only > 20


def test_a_long_text_is_read_through_the_compiled_class() -> None:
    # Past 100,000 characters the triggers are looked for by a compiled class; the
    # answers are the same.
    triggers = normalise._T2sTriggers(_t2s_starts.ALONE, _t2s_starts.PHRASES)
    seed = SEED.read_text(encoding="utf-8")
    simplified = seed.replace("坏", "好")
    assert triggers._bmp is None
    assert not triggers.may_change(simplified * (100_000 // len(simplified) + 1))
    assert triggers._bmp is not None
    assert not triggers.may_change(seed)  # 坏 in 破坏: no phrase of it stands here
    assert triggers.may_change(seed + "陶坏")
    assert triggers.may_change(seed + "聯")
    assert triggers.may_change(seed + next(c for c in _t2s_starts.ALONE if ord(c) >= 0x10000))
    assert not triggers.may_change(seed + "😀")


def test_traditional_text_is_still_converted() -> None:
    assert to_simplified("聯合聲明") == "联合声明"
    assert to_simplified("陶坏") == T2S.convert("陶坏") != "陶坏"
    assert to_simplified("反覆") == T2S.convert("反覆") != "反覆"
    assert to_simplified("沈澱") == T2S.convert("沈澱")
    assert to_simplified("乾隆") == T2S.convert("乾隆")


def test_a_simplified_copy_is_normalised_without_opencc(tmp_path: Path) -> None:
    # Neither real copy holds anything t2s could change: OpenCC is not even imported.
    # (The seed holds 坏, in 破坏; t2s changes it only in phrases such as 坏土, 坯土.)
    for copy in (REAL, SEED):
        code = (
            "import sys\n"
            "from docwitness.pipeline import load_copy\n"
            f"doc = load_copy({str(copy)!r})\n"
            "assert doc.paragraphs\n"
            "print('opencc' in sys.modules)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
        assert out.stdout.strip() == "False", copy.name


def test_changed_dictionaries_turn_the_shortcut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_t2s_starts, "DICTIONARIES", "0" * 64)
    _t2s_triggers.cache_clear()
    try:
        assert _t2s_triggers() is None
        assert to_simplified("联合声明") == "联合声明"
        assert to_simplified("聯合聲明") == "联合声明"
    finally:
        _t2s_triggers.cache_clear()
