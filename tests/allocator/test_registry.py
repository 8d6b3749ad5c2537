"""The rule registry is the one home of each rule.

Every family carries its builder, subject, wording and (for policy rules) its pricer;
`formulate` writes only what the registry's builders write; and no module but the registry
and its builders (families.py) spells a family name as a string literal where a family is
meant. Words that are also scenario keys or column names ('lock', 'district', 'demand')
are fine in those roles, so the check looks at how a literal is used, not at the word.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

from commissioning.allocator import registry
from commissioning.allocator.formulation import formulate
from commissioning.allocator.registry import FAMILIES, FAMILY_ORDER, POLICY_FAMILIES, PRICING_ORDER
from tests.allocator.fixtures import FIXTURES

PACKAGE = Path(registry.__file__).resolve().parents[1]
HOMES = {PACKAGE / "allocator" / "registry.py", PACKAGE / "allocator" / "families.py"}
NAMES = frozenset(FAMILIES)


def _family_parameters(trees: list[ast.Module]) -> dict[str, int]:
    """Every function or dataclass in the package that takes a family, by name, with the
    position of its `family` argument (a literal passed there names a family)."""
    out: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = [a.arg for a in (*node.args.posonlyargs, *node.args.args)]
                if args and args[0] in ("self", "cls"):
                    args = args[1:]
                if "family" in args:
                    out[node.name] = args.index("family")
            elif isinstance(node, ast.ClassDef):
                fields = [
                    s.target.id
                    for s in node.body
                    if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
                ]
                if "family" in fields:
                    out[node.name] = fields.index("family")
    return out


def _mentions_family(node: ast.AST) -> bool:
    return "fam" in ast.unparse(node).lower()


def _callee(call: ast.Call) -> str | None:
    f = call.func
    if isinstance(f, ast.Name):
        return f.id
    if isinstance(f, ast.Attribute):
        return f.attr
    return None


def family_literals(source: str, takes_family: dict[str, int]) -> list[tuple[int, str]]:
    """(line, word) of each string literal used as a family name in this source."""
    tree = ast.parse(source)
    parent: dict[ast.AST, ast.AST] = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent[child] = node
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Constant) and node.value in NAMES):
            continue
        up = parent.get(node)
        # A literal inside a tuple, list or set is judged by where the collection is used.
        holder: ast.AST = node
        while isinstance(up, ast.Tuple | ast.List | ast.Set):
            holder, up = up, parent.get(up)
        used_as_family = False
        if isinstance(up, ast.Compare):
            # family == "x", r.family in ("x", "y")
            others = [up.left, *up.comparators]
            used_as_family = any(_mentions_family(o) for o in others if o is not holder)
        elif isinstance(up, ast.Subscript) and holder is up.slice:
            # FAMILIES["x"]
            used_as_family = "FAMILIES" in ast.unparse(up.value)
        elif isinstance(up, ast.keyword):
            # Relaxation(family="x")
            used_as_family = up.arg == "family"
        elif isinstance(up, ast.Call) and holder in up.args:
            # constraint_name("x", ...), found("x", ...), Row(name, "x", ...)
            name = _callee(up)
            at = takes_family.get(name) if name else None
            used_as_family = at is not None and up.args.index(holder) == at  # type: ignore[arg-type]
        elif isinstance(up, ast.For | ast.comprehension) and holder is up.iter:
            # for family in ("lock", "exclude")
            used_as_family = _mentions_family(up.target)
        if not used_as_family:
            # ELASTIC_FAMILIES = frozenset(FAMILIES) - {"viability_min"}
            stmt = up
            while stmt is not None and not isinstance(stmt, ast.stmt):
                stmt = parent.get(stmt)
            if isinstance(stmt, ast.Assign | ast.AnnAssign):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                used_as_family = any("famil" in ast.unparse(t).lower() for t in targets)
        if used_as_family:
            found.append((node.lineno, str(node.value)))
    return found


def _sources() -> dict[Path, str]:
    return {p: p.read_text() for p in sorted(PACKAGE.rglob("*.py"))}


def test_no_family_name_is_spelled_outside_the_registry():
    sources = _sources()
    takes_family = _family_parameters([ast.parse(s) for s in sources.values()])
    offences = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: {word!r}"
        for path, source in sources.items()
        if path not in HOMES
        for line, word in family_literals(source, takes_family)
    ]
    assert not offences, "family names spelled outside the registry:\n" + "\n".join(offences)


TAKES = {"constraint_name": 0, "found": 0, "Relaxation": 1, "subject": 0}


@pytest.mark.parametrize(
    "line",
    [
        'if r.family == "demand": pass',
        'if c.family in ("exclude", "lock"): pass',
        'if "growth" == family: pass',
        'fam = FAMILIES["envelope"]',
        'name = constraint_name("priority", p, y)',
        'found("district", (d, y), 1.0, "m")',
        'x = Relaxation(name, "prevention", 1.0, "pounds", "m", "precheck")',
        'x = Relaxation(name=name, family="capacity")',
        "for family in ('lock', 'exclude'): pass",
        'keep = [f for fam in ("growth",) for f in fam]',
        'ELASTIC_FAMILIES = frozenset(FAMILIES) - {"viability_min", "viability_max"}',
        'who = subject("demand", index, data)',
    ],
)
def test_the_check_finds_family_names(line):
    assert family_literals(line, TAKES), line


@pytest.mark.parametrize(
    "line",
    [
        'lock = keys.id_list("lock", ids)',
        'out["exclude"] = st.multiselect("x", [])',
        'seen = scenario.get("lock", [])',
        'if by == "priority": pass',
        'rows = [["year", "envelope", "committed", "headroom"]]',
        'd = {"demand": list(x)}',
        'p = _unknown("district", did, known)',
        "name = constraint_name(ENVELOPE, s, y)",
    ],
)
def test_the_check_leaves_other_words_alone(line):
    assert not family_literals(line, TAKES), line


def test_every_family_is_complete():
    assert tuple(FAMILIES) == FAMILY_ORDER
    for name, fam in FAMILIES.items():
        assert fam.name == name
        assert getattr(registry, name.upper()) == name, f"no constant for {name}"
        assert fam.build is not None, f"{name} has no row builder"
        assert (fam.scope == "initiative") == fam.per_initiative, name
        assert (fam.price is not None) == fam.policy, name
        assert fam.title and fam.rule and fam.binding and fam.relax and fam.shortfall
    assert sorted(PRICING_ORDER) == sorted(POLICY_FAMILIES)


@pytest.mark.parametrize("family", list(FAMILIES))
def test_formulate_writes_what_the_registry_builds(family, monkeypatch):
    """Take one family's builder away and formulate writes none of its rows, and every other
    row as before: the rows come from the registry, not from formulate itself."""
    fx = next(fx for fx in FIXTURES if fx.binds == family)
    inputs = fx.build()
    before = formulate(inputs)
    assert any(r.family == family for r in before.rows)
    if family == registry.VIABILITY_MIN:
        pytest.skip("viability_max reads the binary column viability_min writes")
    monkeypatch.setitem(FAMILIES, family, replace(FAMILIES[family], build=lambda *a: None))
    after = formulate(inputs)
    assert [r for r in before.rows if r.family != family] == after.rows
