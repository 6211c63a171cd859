"""UTF-16 without a byte-order mark is text, told by its NUL bytes, not binary data.

The made statement is written as UTF-16LE and UTF-16BE with no BOM; each must
read as the UTF-8 copy does, through ``inspect`` and ``diff``. Bytes that only
happen to hold NULs (a stray one in UTF-8 text, 16-bit numbers, noise) stay binary.
"""

from __future__ import annotations

import json
import random
import struct
from pathlib import Path

import pytest

import made
from docwitness.cli import main
from docwitness.errors import ExitCode, ExtractionError
from docwitness.extract.charset import decode, looks_binary, utf16_without_bom
from docwitness.pipeline import load_copy


@pytest.fixture
def utf8_copy(tmp_path: Path) -> Path:
    return made.write_made(tmp_path, "made-statement.txt", made.made_statement())


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_inspect_reads_utf16_without_a_bom_as_the_utf8_copy(
    tmp_path: Path, utf8_copy: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = made.write_made(
        tmp_path, f"made-statement-{encoding}.txt", made.made_statement(), encoding=encoding
    )
    assert not path.read_bytes().startswith((b"\xff\xfe", b"\xfe\xff"))
    expected = main(["inspect", str(utf8_copy)])
    capsys.readouterr()
    code = main(["inspect", str(path), "--format", "json"])
    out = capsys.readouterr().out
    assert code == expected and code != ExitCode.INCOMPLETE
    (witness,) = json.loads(out)["witnesses"]
    assert not [f for f in witness["findings"] if f["kind"] == "encoding"]

    doc, utf8 = load_copy(str(path)), load_copy(str(utf8_copy))
    assert [p.text for p in doc.paragraphs] == [p.text for p in utf8.paragraphs]
    assert doc.extraction.encoding == encoding
    assert doc.extraction.encoding_evidence["chosen_by"] == "nul_pattern"
    assert doc.extraction.replacement_chars == 0


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_diff_against_the_utf8_copy_finds_nothing_substantive(
    tmp_path: Path, utf8_copy: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = made.write_made(
        tmp_path, f"made-statement-{encoding}.txt", made.made_statement(), encoding=encoding
    )
    code = main(["diff", str(utf8_copy), str(path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == ExitCode.OK
    (witness,) = report["witnesses"]
    assert witness["verdict"] == "identical"
    assert not [f for f in witness["findings"] if f["severity"] == "substantive"]


def test_a_cut_final_byte_is_one_replacement_character() -> None:
    data = "\n\n".join(made.made_statement()).encode("utf-16-le")[:-1]
    decoded = decode(data)
    assert decoded.encoding == "utf-16-le" and decoded.replacement_chars == 1


def test_english_utf16_is_text_too() -> None:
    data = "The two sides agree.\nBoth welcome it.\n".encode("utf-16-be")
    assert utf16_without_bom(data) == "utf-16-be"
    assert decode(data).text == "The two sides agree.\nBoth welcome it.\n"


@pytest.mark.parametrize(
    "data",
    [
        b"an ordinary line of text\n" * 100 + b"\x00" + b"and more of it\n" * 100,
        struct.pack("<3000H", *range(3000)),  # 16-bit numbers
        random.Random(7).randbytes(20_000),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20,
    ],
    ids=["stray-nul-in-utf8", "16-bit-numbers", "noise", "png-like"],
)
def test_bytes_with_nuls_that_are_not_utf16_stay_binary(tmp_path: Path, data: bytes) -> None:
    assert utf16_without_bom(data) is None
    assert looks_binary(data)
    path = tmp_path / "made-binary.txt"
    path.write_bytes(data)
    with pytest.raises(ExtractionError, match="binary data"):
        load_copy(str(path))
