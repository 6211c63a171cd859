"""Catalogue validation: strict keys, every problem collected, file and key named."""

from __future__ import annotations

from pathlib import Path

import pytest

from docwitness.catalogue import default_catalogues, load_catalogues
from docwitness.cli import main
from docwitness.errors import CatalogueError, ExitCode, UsageError

ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str, name: str = "made-catalogue.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """
[document]
id = "made-doc"
title = "A made document"
language = "zh"
reference = "local"

[[witness]]
id = "local"
role = "official"
path = "made-copy.txt"
url = "https://example.org/made-copy.html"

[[witness]]
id = "paged"
role = "mirror"
urls = ["https://example.org/a_1.html", "https://example.org/a_2.html"]
format = "html"
select = "#content"
script = "traditional"
"""


def test_bundled_catalogue_loads() -> None:
    docs = load_catalogues(default_catalogues(ROOT))
    assert [d.id for d in docs] == ["cn-ru-joint-statement-2017"]
    doc = docs[0]
    seed = doc.witness("yunbaogao-preview")
    assert seed.path is not None and seed.path.is_file()
    assert seed.origin == "https://www.yunbaogao.cn/report/index/report?reportId=11_1036"
    # Every network witness names a real http(s) URL.
    assert all(w.path is not None or (w.origin or "").startswith("http") for w in doc.witnesses)


def test_good_catalogue(tmp_path: Path) -> None:
    (doc,) = load_catalogues([write(tmp_path, GOOD)])
    assert doc.reference == "local"
    local, paged = doc.witnesses
    assert local.path == (tmp_path / "made-copy.txt").resolve()
    assert local.origin == "https://example.org/made-copy.html"
    assert paged.urls == ("https://example.org/a_1.html", "https://example.org/a_2.html")
    assert paged.script == "traditional" and paged.select == "#content"


BAD = """
colour = "blue"
[document]
id = "made-doc"
title = "A made document"
language = "zh"
reference = "nobody"
owner = "x"

[[witness]]
id = "a"
role = "publisher"
path = "../outside.txt"

[[witness]]
id = "a"
role = "mirror"
url = "ftp://example.org/x"
format = "docx"

[[witness]]
id = "b"
role = "mirror"
"""


def test_every_problem_collected(tmp_path: Path) -> None:
    path = write(tmp_path, BAD)
    with pytest.raises(CatalogueError) as info:
        load_catalogues([path])
    text = "\n".join(str(p) for p in info.value.problems)
    for expected in [
        "(top level).colour: unknown key",
        "document.owner: unknown key",
        "document.reference: 'nobody' is not the id of a witness",
        "witness[0] (a).role: 'publisher' is not a role",
        "witness[0] (a).path: '../outside.txt' escapes the catalogue's folder",
        "witness[1].id: duplicate witness id 'a'",
        "witness[1] (a).url: must be an http:// or https:// URL",
        "witness[1] (a).format: 'docx' is not a format",
        "witness[2] (b): has no location",
    ]:
        assert expected in text, expected
    assert all(p.file == str(path) for p in info.value.problems)
    assert info.value.exit_code == ExitCode.USAGE


def test_absolute_path_escapes(tmp_path: Path) -> None:
    text = GOOD.replace('path = "made-copy.txt"', 'path = "/etc/passwd"')
    with pytest.raises(CatalogueError, match="escapes the catalogue's folder"):
        load_catalogues([write(tmp_path, text)])


def test_symlink_escaping_folder_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "cat"
    inner.mkdir()
    (inner / "link.txt").symlink_to(tmp_path / "elsewhere.txt")
    text = GOOD.replace('path = "made-copy.txt"', 'path = "link.txt"')
    with pytest.raises(CatalogueError, match="escapes"):
        load_catalogues([write(inner, text)])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[document\nid=", "not valid TOML"),
        ("", r"a \[document\] table is required"),
        ('[document]\nid="x"\ntitle="t"\nlanguage="zh"\n', r"at least one \[\[witness\]\]"),
        (GOOD.replace('id = "made-doc"', 'id = "Made Doc"'), "document.id: use lower-case"),
        (GOOD.replace("urls = [", "url = 'https://example.org/'\nurls = ["), "not both"),
        (GOOD.replace('role = "official"', "role = 3"), "must be a non-empty string"),
    ],
)
def test_malformed(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        load_catalogues([write(tmp_path, text)])


def test_problems_from_several_files_together(tmp_path: Path) -> None:
    a = write(tmp_path, "[document\n", "made-a.toml")
    b = write(tmp_path, BAD, "made-b.toml")
    with pytest.raises(CatalogueError) as info:
        load_catalogues([a, b])
    files = {p.file for p in info.value.problems}
    assert files == {str(a), str(b)}


def test_missing_catalogue_file(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="no such file"):
        load_catalogues([tmp_path / "absent.toml"])


def test_no_default_catalogue(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="none found"):
        default_catalogues(tmp_path)


def test_cli_catalogue_error_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, BAD)
    store = tmp_path / "snapshots"
    code = main(["fetch", str(path), "--store", str(store)])
    err = capsys.readouterr().err
    assert code == ExitCode.USAGE
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("docwitness: error: catalogue error:") and "more problems" in err
    assert "Traceback" not in err
    assert not store.exists()
