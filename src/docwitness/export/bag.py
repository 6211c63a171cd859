"""``docwitness export bag`` and ``docwitness verify --bag``: BagIt 1.0 with bagit-python.

The bag's ``data/`` holds::

    captures/<document>/<witness>/<sha256 hex>[.suffix]   every raw capture, as stored
    warc/<name>.warc.gz                                   the export's WARC (warc_file)
    texts/<document>/<witness>.extracted.txt              the latest capture's texts
    texts/<document>/<witness>.canonical.txt
    history/<document>/<witness>.jsonl                    the witness's history, as stored
    reports/<document>.json, reports/<document>.html      the collation of the stored snapshots

with ``manifest-sha256.txt`` and ``manifest-sha512.txt`` and a ``bag-info.txt``
giving the ``Bagging-Date``, the documents' ids (``External-Identifier``) and
titles (``External-Description``), the ``Source-Organization`` when one is
given, and docwitness's version, normalisation profile and the time range of
the captures. The bag is made in a temporary folder beside the destination and
renamed into place.

:func:`validate` lists every problem bagit-python finds (structure, the
Payload-Oxum, missing and unexpected files, each checksum that does not match),
not only the first.
"""

from __future__ import annotations

import logging
import mimetypes
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docwitness import __version__
from docwitness.errors import UsageError
from docwitness.export import need, warc_file
from docwitness.normalise import PROFILE
from docwitness.specs import DocumentSpec

if TYPE_CHECKING:
    from docwitness.model import Report
    from docwitness.store import Store


def _suffix(media_type: str | None) -> str:
    if not media_type:
        return ""
    return {"text/markdown": ".md", "text/plain": ".txt"}.get(
        media_type, mimetypes.guess_extension(media_type) or ""
    )


def _fill(
    root: Path, store: Store, documents: list[DocumentSpec], reports: list[Report]
) -> tuple[list[str], int]:
    """Write the payload under ``root``; return every capture time and the file count."""
    from docwitness.report import render

    times: list[str] = []
    files = 0

    def put(rel: str, data: bytes) -> None:
        nonlocal files
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        files += 1

    for doc in documents:
        for spec in doc.witnesses:
            entries = store.history(doc.id, spec.id)
            if not entries:
                continue
            seen: set[str] = set()
            for entry in entries:
                times.append(entry.time)
                for page in entry.pages:
                    if page.sha256 in seen:
                        continue
                    seen.add(page.sha256)
                    name = page.sha256.split(":", 1)[1] + _suffix(page.media_type)
                    put(f"captures/{doc.id}/{spec.id}/{name}", store.get(page.sha256))
            latest = entries[-1]
            put(f"texts/{doc.id}/{spec.id}.extracted.txt", store.extracted_bytes(latest))
            put(f"texts/{doc.id}/{spec.id}.canonical.txt", store.get(latest.canonical))
            put(
                f"history/{doc.id}/{spec.id}.jsonl",
                store.history_path(doc.id, spec.id).read_bytes(),
            )
    name = documents[0].id if len(documents) == 1 else "docwitness"
    data, _ = warc_file.build(store, documents, f"{name}.warc.gz")
    put(f"warc/{name}.warc.gz", data)
    for report in reports:
        put(f"reports/{report.document_id}.json", render(report, "json").encode("utf-8"))
        put(f"reports/{report.document_id}.html", render(report, "html").encode("utf-8"))
    return times, files


def write(
    store: Store,
    documents: list[DocumentSpec],
    reports: list[Report],
    out: Path,
    organization: str | None = None,
) -> int:
    """Write the bag of ``documents`` to the folder ``out`` (which must not exist, or be
    empty); return the number of payload files."""
    need("bagit")
    import bagit

    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out} exists and is not an empty folder: a bag needs a new one")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-bag-", dir=out.parent))
    except OSError as exc:
        raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
    try:
        times, files = _fill(tmp, store, documents, reports)
        info: dict[str, Any] = {
            "External-Identifier": [d.id for d in documents],
            "External-Description": [d.title for d in documents],
            "Docwitness-Version": __version__,
            "Docwitness-Profile": PROFILE.id,
        }
        if organization:
            info["Source-Organization"] = organization
        if times:
            info["Docwitness-Captures"] = f"{min(times)}/{max(times)}"
        bagit.make_bag(str(tmp), info, checksums=["sha256", "sha512"])
        # bagit-python declares 0.97; the bag is made to BagIt 1.0 (RFC 8493), so it
        # says so, and the tag manifests are made again over the new bagit.txt.
        (tmp / "bagit.txt").write_text(
            "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n", encoding="utf-8"
        )
        bagit.Bag(str(tmp)).save()
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    except BaseException as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        if isinstance(exc, OSError):
            raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
        raise
    return files


def validate(path: Path) -> list[str]:
    """Every problem bagit-python finds in the bag at ``path`` (empty when it is valid)."""
    need("bagit")
    import bagit

    if not path.is_dir():
        return [f"{path}: no such folder"]
    try:
        bag = bagit.Bag(str(path))
    except bagit.BagError as exc:
        return [f"{path}: not a bag: {exc}"]
    problems: list[str] = []
    missing: set[str] = set()

    def run(step: Any) -> None:
        try:
            step()
        except bagit.BagValidationError as exc:
            for detail in exc.details or ():
                if isinstance(detail, bagit.FileMissing):
                    missing.add(str(detail.path))
                elif isinstance(detail, bagit.ChecksumMismatch) and str(detail.path) in missing:
                    continue  # a missing file's checksum cannot match: said once
                problems.append(str(detail))
            if not exc.details:
                problems.append(str(exc))
        except (bagit.BagError, OSError, UnicodeError, ValueError) as exc:
            problems.append(str(exc) or type(exc).__name__)

    # bagit's validate() stops at the first failing step; its steps are run one by
    # one here so that a missing file does not hide a checksum that fails. Its
    # logger, which says each problem again, is quietened meanwhile.
    quiet = logging.getLogger("bagit")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        run(bag._validate_structure)
        run(bag._validate_bagittxt)
        run(bag._validate_oxum)
        run(bag._validate_completeness)
        run(lambda: bag._validate_entries(1))
    finally:
        quiet.setLevel(level)
    return problems
