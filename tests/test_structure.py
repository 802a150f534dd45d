"""Structure test: the package's layers import one way, no module imports itself round a
circle, and the event engine stands apart from the model it runs.

Imports are read from the source text (every ``import`` anywhere in a file: at the top,
inside a function, under ``TYPE_CHECKING``), so a lazy import does not hide an arrow.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from sim.model.engine import Engine

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sim"

LAYERS = {
    "sim.config": 1,
    "sim.deprecation": 1,
    "sim.model": 2,
    "sim.runner": 3,
    "sim.analysis": 4,
    "sim.calibration": 5,
    "sim.kostra": 5,
    "sim.report": 6,
    "sim.api": 7,
    "sim.app": 8,
    "sim.cli": 9,
}
"""Each module imports only from its own layer or those below (``sim/__init__.py`` says
what each is); ``sim`` itself (the package's face) re-exports ``sim.api``."""


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def resolve(name: str) -> str | None:
    """The module of ``sim`` that an imported name lives in (a module, or the package
    whose ``__init__`` defines it)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str) -> set[str]:
    """The modules of ``sim`` that module ``name`` imports, anywhere in its text."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # a submodule named after ``from package import`` is that module; any other
            # name is the package's own (its ``__init__``)
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            module = resolve(target) if target.startswith("sim") else None
            if module is not None and module != name:
                found.add(module)
    return found


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int | None:
    return next((rank for prefix, rank in LAYERS.items() if name.startswith(prefix)), None)


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_reading_of_imports_sees_lazy_and_type_only_imports() -> None:
    assert "sim.analysis.output" in GRAPH["sim.analysis.results"]
    assert "sim.model.engine" in GRAPH["sim.model.state"]
    assert cycles({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == [["a", "b"]]


def test_no_module_imports_itself_round_a_circle() -> None:
    assert cycles(GRAPH) == []


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != "sim"))
def test_a_module_imports_only_its_own_layer_or_those_below(name: str) -> None:
    rank = layer(name)
    assert rank is not None, f"{name} belongs to no layer"
    above = sorted(m for m in GRAPH[name] if m != "sim" and (layer(m) or 0) > rank)
    assert above == [], f"{name} (layer {rank}) imports {above}"


def test_the_engine_imports_nothing_of_the_model_it_runs() -> None:
    assert GRAPH["sim.model.engine"] == set()
    assert "sim.model.engine" in GRAPH["sim.model.state"]


def test_state_holds_model_state_and_leaves_the_clock_to_its_engine() -> None:
    """No member of ``State`` is one of the engine's, and its ``__init__`` is short (read
    from the source: a compiled class has none to show)."""
    engine_names = {"now", "schedule", "call", "run_until", "processed", "pending"}
    assert engine_names - {"now"} <= set(dir(Engine))  # (now: an attribute of each engine)
    tree = ast.parse(MODULES["sim.model.state"].read_text(encoding="utf-8"))
    (state,) = [n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "State"]
    members = {n.name for n in state.body if isinstance(n, ast.FunctionDef)}
    assigned = {
        t.attr
        for n in ast.walk(state)
        for t in (n.targets if isinstance(n, ast.Assign) else [])
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == "self"
    }
    assert not engine_names & (members | assigned), "State has the engine's own members"
    (init,) = [n for n in state.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
    assert init.end_lineno is not None and init.end_lineno - init.lineno + 1 < 50
