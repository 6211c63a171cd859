"""Hostile catalogues and names: exit 2 with the file and key, never an internal error.

A NUL byte in a path, arrays or inline tables nested thousands deep, control
characters in a witness id or a URL; and a copy whose file name holds control
characters, shown escaped in the text report.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import made
from docwitness import catalogue
from docwitness.catalogue import MAX_NESTING, load_catalogues
from docwitness.cli import main
from docwitness.errors import CatalogueError, ExitCode, escape_controls

HEAD = '[document]\nid = "made-doc"\ntitle = "made"\nlanguage = "zh"\n'


def _witness(**keys: str) -> str:
    lines = ["", "[[witness]]", 'id = "made-copy"', 'role = "official"']
    lines += [f"{k} = {v}" for k, v in keys.items()]
    return "\n".join(lines) + "\n"


def _write(folder: Path, text: str) -> Path:
    path = folder / "made-catalogue.toml"
    path.write_text(text, encoding="utf-8")
    (folder / "made-copy.txt").write_text("双方认为。\n", encoding="utf-8")
    return path


def _one_line_exit_2(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["fetch", str(path), "--store", str(path.parent / "store")])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith(f"docwitness: error: catalogue error: {path}: ")
    return err.strip()


def test_a_nul_byte_in_a_path_is_a_catalogue_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, HEAD + _witness(path='"made-\\u0000copy.txt"'))
    err = _one_line_exit_2(path, capsys)
    assert err.endswith(
        "witness[0] (made-copy).path: 'made-\\x00copy.txt' holds a NUL byte, which no file name can"
    )


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("[" * 5000 + "]" * 5000, "witness[0].note"),
        ("{a = " * 5000 + "1" + "}" * 5000, "witness[0].note"),
    ],
    ids=["arrays", "inline-tables"],
)
def test_deep_nesting_is_refused_with_its_key_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, key: str
) -> None:
    path = _write(tmp_path, HEAD + _witness(path='"made-copy.txt"', note=value))
    err = _one_line_exit_2(path, capsys)
    assert err.endswith(
        f"{key}: arrays or inline tables nest more than {MAX_NESTING} deep (line 10); "
        "the file is not read"
    )


def test_deep_nesting_at_the_top_level_and_in_the_document_table(tmp_path: Path) -> None:
    deep = "[" * 100 + "]" * 100
    with pytest.raises(CatalogueError) as err:
        load_catalogues([_write(tmp_path, f"top = {deep}\n" + HEAD)])
    assert [(p.key, "line 1" in p.message) for p in err.value.problems] == [("top", True)]
    with pytest.raises(CatalogueError) as err:
        load_catalogues([_write(tmp_path, HEAD + f"extra = {deep}\n")])
    assert [p.key for p in err.value.problems] == ["document.extra"]


def test_brackets_in_strings_and_comments_are_not_nesting(tmp_path: Path) -> None:
    many = "[" * 100 + "{" * 100
    text = (
        HEAD
        + f"# {many}\n"
        + _witness(path='"made-copy.txt"', note=f"'{many}'")
        + f'select = "{many}"  # {many}\n'
        + f"published = '''\n{many}\n'''\n"
        + 'next = "a \\" [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[ "\n'
        + "urls_note = [[1, 2], [3]]\n"
    )
    with pytest.raises(CatalogueError) as err:
        load_catalogues([_write(tmp_path, text)])
    # Read, and so checked: only the unknown key is a problem.
    assert [p.key for p in err.value.problems] == ["witness[0] (made-copy).urls_note"]


def test_what_the_scan_misses_is_still_a_catalogue_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogue, "MAX_NESTING", 10**9)
    path = _write(tmp_path, HEAD + _witness(path='"made-copy.txt"', note="[" * 5000 + "]" * 5000))
    with pytest.raises(CatalogueError, match="nested too deeply to read") as err:
        load_catalogues([path])
    assert err.value.exit_code == ExitCode.USAGE


def test_control_characters_in_an_id_are_shown_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEAD + _witness(path='"made-copy.txt"').replace(
        'id = "made-copy"', 'id = "made\\u001b[31m\\ncopy\\u202e"'
    )
    err = _one_line_exit_2(_write(tmp_path, text), capsys)
    assert "\x1b" not in err and "\u202e" not in err
    assert "witness[0] (made\\x1b[31m\\ncopy\\u202e).id: use lower-case letters" in err


def test_a_url_with_a_control_character_or_a_space_is_refused(tmp_path: Path) -> None:
    text = HEAD + _witness(url='"https://example.org/a\\u0000b c"')
    with pytest.raises(CatalogueError) as err:
        load_catalogues([_write(tmp_path, text)])
    (problem,) = err.value.problems
    assert problem.key == "witness[0] (made-copy).url"
    assert "holds '\\x00'" in str(problem)


def test_a_file_name_with_control_characters_is_escaped_in_the_text_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "made-\x1b[2J\nstatement.txt"
    made.write_made(tmp_path, name, made.made_statement())
    assert main(["inspect", str(tmp_path / name)]) in (ExitCode.OK, ExitCode.FINDINGS)
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "made-\\x1b[2J\\nstatement.txt: " in out
    assert all(line.isprintable() for line in out.splitlines())


def test_escape_controls() -> None:
    assert escape_controls("a\tb\r\n\x00\x7f\x85\u2028\u202e\u2066é中") == (
        "a\\tb\\r\\n\\x00\\x7f\\x85\\u2028\\u202e\\u2066é中"
    )


def test_a_huge_value_in_a_message_is_shortened_to_one_readable_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from docwitness.errors import MAX_LINE, shorten

    path = _write(
        tmp_path,
        HEAD + _witness(note='"made"').replace('"made-copy"', '"' + "双" * 100_000 + '"', 1),
    )
    err = _one_line_exit_2(path, capsys)
    assert len(err) < MAX_LINE + 100
    # The id's run of characters keeps its first 150 and last 40; the rest is counted.
    [cut] = re.findall(r"…\[(\d+) characters\]…", err)
    assert int(cut) > 99_000
    assert err.endswith(
        ").id: use lower-case letters, digits, '.', '_' and '-' (and 1 more problem)"
    )
    assert shorten("made " * 10) == "made " * 10  # short text is left alone
    long = shorten("made " * 1000)
    assert len(long) < MAX_LINE + 30 and long.startswith("made made") and "characters]…" in long
