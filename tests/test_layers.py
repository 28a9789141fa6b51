"""Imports go downward only: the layer order is declared once, in docs/architecture.md, and read here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "nianbao"

# Upward imports on their way out, each with what removes it. Keep this short, and empty in the end.
TRANSITIONAL: dict[tuple[str, str], str] = {}


def declared_layers() -> list[tuple[str, tuple[str, ...]]]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"```layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no ```layers block"
    layers = []
    for line in block.group(1).splitlines():
        name, _, modules = line.partition(":")
        layers.append((name.strip(), tuple(modules.split())))
    return layers


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, source: str | None = None) -> list[tuple[str, int]]:
    """Every nianbao module ``path`` imports, with the line: also inside functions, not under TYPE_CHECKING."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    typing_only = {
        id(n) for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for n in ast.walk(node)
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                target = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            targets = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            found += [(resolve(t), node.lineno) for t in targets if t.split(".")[0] == "nianbao"]
        elif isinstance(node, ast.Import):
            found += [(resolve(a.name), node.lineno) for a in node.names if a.name.split(".")[0] == "nianbao"]
    return found


def resolve(target: str) -> str:
    """The module a dotted import names: ``nianbao.report.Finding`` → ``nianbao.report``."""
    parts = target.split(".")
    while len(parts) > 1:
        where = PACKAGE.parent.joinpath(*parts)
        if where.is_dir() or where.with_suffix(".py").exists():
            break
        parts.pop()
    return ".".join(parts)


def layer_of(module: str, layers: list[tuple[str, tuple[str, ...]]]) -> int | None:
    """The layer of the longest declared name ``module`` is or is inside (``nianbao``: the package's own
    __init__)."""
    rest = module.removeprefix("nianbao").lstrip(".")
    best: tuple[int, int] | None = None
    for rank, (_, names) in enumerate(layers):
        for declared in names:
            if declared == "nianbao":
                hit, length = rest == "", 0
            else:
                hit, length = rest == declared or rest.startswith(declared + "."), len(declared)
            if hit and (best is None or length > best[1]):
                best = (rank, length)
    return best[0] if best else None


def modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


def test_every_module_is_placed_in_a_layer():
    layers = declared_layers()
    unplaced = [module_name(p) for p in modules() if layer_of(module_name(p), layers) is None]
    assert unplaced == [], f"place these in docs/architecture.md's layers: {unplaced}"


def test_no_module_imports_from_a_higher_layer():
    layers = declared_layers()
    upward = []
    for path in modules():
        here = layer_of(module_name(path), layers)
        for target, line in imports(path):
            there = layer_of(target, layers)
            if here is not None and there is not None and there > here:
                edge = (module_name(path), target)
                if edge not in TRANSITIONAL:
                    upward.append(f"{path.relative_to(ROOT)}:{line} {edge[0]} ({layers[here][0]}) imports "
                                  f"{target} ({layers[there][0]})")
    assert upward == [], "imports go downward only (docs/architecture.md):\n" + "\n".join(upward)


def test_the_walk_sees_an_upward_import():
    """The test can fail: a lazy import of check from narrative is found with its line, and is upward."""
    layers = declared_layers()
    lazy = "def draft():\n    from .check import check\n    return check\n"
    assert imports(PACKAGE / "narrative.py", lazy) == [("nianbao.check", 2)]
    assert layer_of("nianbao.check", layers) > layer_of("nianbao.narrative", layers)
    typing_only = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .check import check\n"
    assert imports(PACKAGE / "narrative.py", typing_only) == []


@pytest.mark.parametrize(("module", "layer"), [
    ("nianbao", "base"), ("nianbao.schema", "vocabulary"),
    ("nianbao.workbook.read", "readers"), ("nianbao.merge.write", "outputs"), ("nianbao.serve.views.clerk", "front ends"),
])
def test_layer_of_names(module, layer):
    layers = declared_layers()
    assert layers[layer_of(module, layers)][0] == layer
