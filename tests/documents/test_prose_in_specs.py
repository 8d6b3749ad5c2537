"""Issue 17: the documents' prose lives in `specs/`, where a partnership can change it.

The builders of `commissioning/documents/contexts/` and of the monitoring reports
(`documents/monitoring.py`) may hold short labels ("Provider",
"not recorded") but no sentence: a literal of more than 60 characters of text (not counting
the figures an f-string fills in) fails here, naming the file and line. Docstrings, error
messages for developers (raised, or given to `DocumentError`) and log messages are not
read by a commissioner and are left alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOCUMENTS = Path(__file__).resolve().parents[2] / "commissioning" / "documents"
CONTEXTS = DOCUMENTS / "contexts"
BUILDERS = (*sorted(CONTEXTS.glob("*.py")), DOCUMENTS / "monitoring.py")
"""Every module that builds a document's context: the plan's documents and the reports."""
LONGEST = 60
"""Characters of prose a literal may hold before it belongs in specs/*.yaml."""
ALLOWED: dict[tuple[str, str], str] = {}
"""(file, start of the literal) -> why it stays in code. Empty: nothing needs to."""
_DEVELOPER_CALLS = frozenset({"DocumentError", "debug", "info", "warning", "error", "exception"})


def _text(node: ast.AST) -> str | None:
    """The literal text of a string expression, figures left out; None if it is not one."""
    if isinstance(node, ast.Constant):
        return node.value if isinstance(node.value, str) else None
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _text(node.left), _text(node.right)
        if left is None and right is None:
            return None
        return (left or "") + (right or "")
    return None


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes not read by people who get the documents: docstrings, developers' messages."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skip.add(id(node.value))  # a docstring (of a module, class, function or field)
        elif isinstance(node, ast.Raise) and node.exc is not None:
            skip.update(id(n) for n in ast.walk(node.exc))
        elif isinstance(node, ast.Call):
            f = node.func
            name = getattr(f, "id", None) or getattr(f, "attr", "")
            if name in _DEVELOPER_CALLS:
                skip.update(id(n) for n in ast.walk(node))
    return skip


def long_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every literal with more than LONGEST characters of prose."""
    tree = ast.parse(source)
    skip = _skipped(tree)
    inner: set[int] = set()
    found = []
    for node in ast.walk(tree):  # outer expressions come first: their parts are not listed
        if id(node) in skip or id(node) in inner:
            continue
        text = _text(node)
        if text is None:
            continue
        inner.update(id(n) for n in ast.walk(node))
        if len(text) > LONGEST:
            found.append((getattr(node, "lineno", 0), text))
    return found


def test_the_check_finds_a_sentence_in_code():
    source = (
        '"""A docstring may be as long as it likes, it is for the engineer reading it."""\n'
        'x = f"The plan grows {name} to {final}, as it buys more outcomes per pound than others."\n'
        'y = "Short label"\n'
        'z = "part of a sentence built up " + "with plus signs, still one sentence in code"\n'
        'raise DocumentError("a message for the developer that is long enough to be caught")\n'
    )
    assert [line for line, _ in long_literals(source)] == [2, 4]


@pytest.mark.parametrize("path", BUILDERS, ids=lambda p: p.name)
def test_no_prose_in_the_document_builders(path: Path):
    found = [
        f"{path.name}:{line}: {text[:70]!r}"
        for line, text in long_literals(path.read_text(encoding="utf-8"))
        if not any(path.name == f and text.startswith(start) for f, start in ALLOWED)
    ]
    assert not found, "move these sentences to a wording: block in specs/*.yaml:\n" + "\n".join(
        found
    )
