"""Reading the package's own source, for the tests of its shape (layers, vocabulary)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "commissioning"


def modules() -> list[Path]:
    """Every module of the package."""
    return sorted(PACKAGE.rglob("*.py"))


def name(path: Path) -> str:
    """A module's path inside the package: 'cli/exits.py'."""
    return path.relative_to(PACKAGE).as_posix()


def assigned(tree: ast.Module) -> list[tuple[int, str]]:
    """(line, name) of each name a module assigns at its top level, tuples unpacked."""
    found = []
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AnnAssign):
            targets = [node.target]
        for t in targets:
            found += [
                (node.lineno, n.id)
                for n in (t.elts if isinstance(t, ast.Tuple) else [t])
                if isinstance(n, ast.Name)
            ]
    return found
