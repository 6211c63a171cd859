"""Reading a witness's text back from a TEI parallel-segmentation apparatus, with lxml.

The rule the export documents (docwitness.export.tei): walk the ``<p>``s of the
edition in order, each beginning a paragraph; take the text outside ``<app>`` and,
in each ``<app>``, the ``<lem>`` or ``<rdg>`` whose ``wit`` names the witness; between
its ``<lacunaStart/>`` and ``<lacunaEnd/>`` it reads nothing; a
``<milestone unit="paragraph"/>`` begins a paragraph; empty paragraphs are dropped.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

TEI = "{http://www.tei-c.org/ns/1.0}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def witness_ids(root: Any) -> dict[str, str]:
    """Each listed witness's docwitness id (``n``) → its ``xml:id``."""
    return {w.get("n"): w.get(XML_ID) for w in root.iter(f"{TEI}witness")}


def read_witness(root: Any, xml_id: str) -> str:
    """The canonical text of witness ``xml_id`` as the apparatus gives it."""
    paragraphs: list[str] = []
    lacuna = False
    me = f"#{xml_id}"

    def add(text: str | None) -> None:
        if text and not lacuna:
            paragraphs[-1] += text

    def reading(el: Any) -> None:
        nonlocal lacuna
        add(el.text)
        for child in el:
            if child.tag == f"{TEI}lacunaStart":
                lacuna = True
            elif child.tag == f"{TEI}lacunaEnd":
                lacuna = False
            elif child.tag == f"{TEI}milestone" and child.get("unit") == "paragraph":
                paragraphs.append("")
            else:
                raise AssertionError(f"unexpected {child.tag} in a reading")
            add(child.tail)

    for p in root.iter(f"{TEI}body"):
        for para in p.iter(f"{TEI}p"):
            paragraphs.append("")
            add(para.text)
            for app in para:
                assert app.tag == f"{TEI}app", app.tag
                mine = [r for r in app if me in (r.get("wit") or "").split()]
                assert len(mine) <= 1, f"{xml_id} in two readings of one app"
                if mine:
                    reading(mine[0])
                else:
                    assert lacuna, f"{xml_id} is in no reading of an app outside a lacuna"
                add(app.tail)
    return "\n".join(p for p in paragraphs if p)


def parse(data: bytes) -> Any:
    return etree.fromstring(data)
