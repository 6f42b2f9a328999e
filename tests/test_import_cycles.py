"""No import cycles inside the `siyada` package (an architecture rule of the project).

The graph is built statically: every module is parsed with `ast` and every `import x`,
`from x import y` and relative import becomes an edge, wherever it sits — at module level, under
`if TYPE_CHECKING:` or inside a function. Imports inside functions are counted on purpose: a lazy
`from siyada.cli import _fail` in a command module is how the cycle this test was written for
hid (it works at run time only because the import is deferred), and a deferred import still ties
the two modules together. An edge goes to the module named, or to the package when the name is an
attribute of it (`from siyada.gateway import registry` is an edge to `siyada.gateway.registry`,
`from siyada import __version__` one to `siyada`). The implicit import of a module's parent
packages is not an edge: a package whose `__init__` gathers its submodules would otherwise always
form a cycle with them.
"""

from __future__ import annotations

import ast
from pathlib import Path

import siyada

ROOT = Path(siyada.__file__).resolve().parent
PACKAGE = "siyada"


def module_name(path: Path, root: Path = ROOT, package: str = PACKAGE) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([package, *parts])


def modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    return {module_name(p, root, package): p for p in sorted(root.rglob("*.py"))}


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The module `name` refers to: itself, or its longest known prefix (an attribute of a package
    or of a module). None outside the package."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                # `from . import x` in a.b.c means package a.b; in a.b/__init__ it means a.b itself.
                base = name.split(".")
                drop = node.level - 1 if is_package else node.level
                base = base[: len(base) - drop] if drop else base
                prefix = ".".join(base)
                source = f"{prefix}.{node.module}" if node.module else prefix
            else:
                source = node.module or ""
            for alias in node.names:
                # `from pkg import mod` is an edge to the submodule pkg.mod when there is one (pkg
                # itself is then only the implicit parent import), else to pkg.
                submodule = f"{source}.{alias.name}"
                targets.add(submodule if submodule in known else source)
    resolved = {_resolve(t, known) for t in targets}
    return {t for t in resolved if t is not None and t != name}


def import_graph(root: Path = ROOT, package: str = PACKAGE) -> dict[str, set[str]]:
    known = modules(root, package)
    return {name: imports_of(name, path, known) for name, path in known.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle (a → … → a) per knot of modules that import each other."""
    return [_one_cycle(graph, c) for c in knots(graph)]


def knots(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, iterative so
    a deep graph cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(graph[start]))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, pending = work[-1]
            if pending:
                nxt = pending.pop(0)
                if nxt not in index:
                    index[nxt] = low[nxt] = counter
                    counter += 1
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, sorted(graph.get(nxt, ()))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def _one_cycle(graph: dict[str, set[str]], component: set[str]) -> list[str]:
    """A shortest cycle through the component's first module, by breadth-first search."""
    start = min(component)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following: list[str] = []
        for node in frontier:
            for nxt in sorted(graph[node] & component):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    raise AssertionError(f"no cycle in component {sorted(component)}")


def test_siyada_has_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 100  # the walk really found the package
    found = knots(graph)
    assert not found, "import cycles:\n" + "\n".join(
        " -> ".join(_one_cycle(graph, k)) + f"  (knot of {len(k)} modules: {', '.join(sorted(k))})"
        for k in found
    )


def test_the_walk_sees_every_kind_of_import(tmp_path: Path) -> None:
    """The detector itself: a cycle through a function-level relative import, a `from pkg import
    module` and a plain `import` is reported with its modules in order; a parent package gathering
    its submodules is not a cycle."""
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("from pkg.a import A\n")
    (pkg / "a.py").write_text("import pkg.b\nA = 1\n")
    (pkg / "b.py").write_text("from pkg import sub\n")
    (pkg / "sub" / "__init__.py").write_text("from pkg.sub import c\n")
    (pkg / "sub" / "c.py").write_text("def late():\n    from ..a import A\n    return A\n")
    (pkg / "d.py").write_text("from pkg.sub.c import late\n")
    graph = import_graph(pkg, "pkg")
    assert graph["pkg.sub.c"] == {"pkg.a"}
    assert graph["pkg.d"] == {"pkg.sub.c"}
    assert cycles(graph) == [["pkg.a", "pkg.b", "pkg.sub", "pkg.sub.c", "pkg.a"]]
    (pkg / "sub" / "c.py").write_text("def late():\n    return 1\n")
    assert cycles(import_graph(pkg, "pkg")) == []
