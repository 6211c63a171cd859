"""The package's layout keeps data flowing one way: no stage imports a later one.

Every ``import`` in every module is read (those inside functions and under
``TYPE_CHECKING`` too), and each module's stage is looked up in :data:`STAGES`,
the pipeline in order. A module may import its own stage or an earlier one.
docs/architecture.md draws the same picture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "docwitness"

# The stages, in the order data flows through them. Shared data and tables that
# every stage reads come first.
STAGES: tuple[tuple[str, ...], ...] = (
    (
        "docwitness",
        "docwitness.errors",
        "docwitness.model",
        "docwitness.registry",
        "docwitness.fields",
        "docwitness.formats",
        "docwitness.outline",
        "docwitness.rules",
    ),
    ("docwitness.catalogue",),
    ("docwitness.capture",),
    ("docwitness.extract",),
    ("docwitness.normalise",),
    ("docwitness.store",),
    ("docwitness.compare",),
    ("docwitness.single_copy",),
    ("docwitness.collate",),
    ("docwitness.multi",),
    ("docwitness.report",),
    ("docwitness.export",),
    ("docwitness.pipeline",),
    ("docwitness.scale",),
    ("docwitness.cli", "docwitness.__main__"),
)


def stage_of(module: str) -> int:
    """The stage of a module: that of the longest prefix listed in :data:`STAGES`."""
    best: tuple[int, int] | None = None
    for n, names in enumerate(STAGES):
        for name in names:
            if (module == name or module.startswith(name + ".")) and (
                best is None or len(name) > best[1]
            ):
                best = (n, len(name))
    if best is None:
        raise AssertionError(f"{module} is in no stage of STAGES: add it")
    return best[0]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    where = PACKAGE.parent / name.replace(".", "/")
    return where.is_dir() or where.with_suffix(".py").is_file()


def imports(source: str, module: str, is_package: bool = False) -> list[str]:
    """Every docwitness module that ``source`` (the text of ``module``) imports, at
    any depth of the file."""
    package = module if is_package else module.rpartition(".")[0]
    out: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("docwitness")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0]
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            if target.startswith("docwitness"):
                # "from docwitness import pipeline" imports a module, not a name.
                for alias in node.names:
                    name = f"{target}.{alias.name}"
                    out.append(name if is_module(name) else target)
    return out


def imports_of(path: Path) -> list[str]:
    return imports(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
def test_no_module_imports_a_later_stage(path: Path) -> None:
    here = module_name(path)
    later = [m for m in imports_of(path) if stage_of(m) > stage_of(here)]
    assert later == [], f"{here} (stage {stage_of(here)}) reaches forward to {later}"


def test_every_module_has_a_stage() -> None:
    for path in MODULES:
        stage_of(module_name(path))


def test_the_check_sees_imports_inside_functions_and_relative_ones() -> None:
    """The check itself: a store module importing the comparison inside a function, or
    the pipeline by a relative import, is found reaching forward."""
    source = (
        "def f():\n    from docwitness.compare.engine import compare\nfrom .. import pipeline\n"
    )
    module = "docwitness.store.made_reaching_up"
    found = [m for m in imports(source, module) if stage_of(m) > stage_of(module)]
    assert sorted(found) == ["docwitness.compare.engine", "docwitness.pipeline"]
