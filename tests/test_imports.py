"""Tests for the import graph of `govmodel`: no module imports itself back.

The graph is read from the source with `ast`, not from ``sys.modules``. A
module imports what each of its import statements loads: an import inside a
function counts as much as one at the top, since it runs as soon as the
function is called; one under ``if TYPE_CHECKING:`` does not, since it never
runs. ``from govmodel.x import y`` loads the module ``govmodel.x.y`` when there
is one, else takes ``y`` from ``govmodel.x``, and loading a module first runs
the ``__init__`` of every package above it, except the importer's own packages,
which are already running.
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "govmodel"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _statements(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under ``node`` that runs, at any depth."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
        return
    if isinstance(node, ast.If) and _is_type_checking(node.test):
        children: list[ast.AST] = list(node.orelse)
    else:
        children = list(ast.iter_child_nodes(node))
    for child in children:
        yield from _statements(child)


def _loaded(name: str, *, by: str) -> set[str]:
    """The govmodel modules that importing ``name`` runs, when ``by`` imports it.

    Its longest known prefix, and each package above that which is not one of
    ``by``'s own (those are running already).
    """
    parts = name.split(".")
    known = [".".join(parts[:end]) for end in range(1, len(parts) + 1)]
    known = [prefix for prefix in known if prefix in MODULES]
    if not known:
        return set()
    *above, target = known
    return {target} | {p for p in above if not (by == p or by.startswith(p + "."))}


def imported_by(module: str) -> set[str]:
    """The govmodel modules that ``module`` imports, by module name."""
    return imports_in(module, MODULES[module].read_text(encoding="utf-8"))


def imports_in(module: str, source: str) -> set[str]:
    """The govmodel modules that ``source`` imports when it is the text of ``module``.

    Relative imports are resolved against ``module``'s package.
    """
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for statement in _statements(ast.parse(source)):
        if isinstance(statement, ast.Import):
            names = [alias.name for alias in statement.names]
        else:
            if statement.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - statement.level + 1])
                base = f"{base}.{statement.module}" if statement.module else base
            else:
                base = statement.module or ""
            names = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in statement.names
            ]
        for name in names:
            found |= _loaded(name, by=module)
    found.discard(module)
    return found


def import_graph() -> nx.DiGraph:
    """The directed graph of imports between govmodel modules."""
    graph = nx.DiGraph()
    graph.add_nodes_from(MODULES)
    graph.add_edges_from((module, target) for module in MODULES for target in imported_by(module))
    return graph


def import_cycles() -> list[tuple[str, ...]]:
    """Every simple cycle of the import graph, each starting from its smallest module."""
    cycles = []
    for cycle in nx.simple_cycles(import_graph()):
        start = cycle.index(min(cycle))
        cycles.append(tuple(cycle[start:] + cycle[:start]))
    return sorted(cycles)


def _show(cycles: list[tuple[str, ...]]) -> str:
    return "\n".join(" → ".join([*cycle, cycle[0]]) for cycle in cycles)


class TestImportGraph:
    def test_reads_function_level_imports(self) -> None:
        """An import inside a function is an edge: the export command loads Popolo there."""
        assert "govmodel.interop.popolo" in imported_by("govmodel.cli.interop")
        source = "def f():\n    from govmodel.cli import fail\n"
        assert imports_in("govmodel.cli.demo", source) == {"govmodel.cli"}

    def test_resolves_submodules(self) -> None:
        """``from govmodel import synth`` is an edge to the module govmodel.synth, not govmodel."""
        assert "govmodel.synth" in imported_by("govmodel.cli.synth")
        assert "govmodel" not in imported_by("govmodel.cli.synth")

    def test_runs_packages_above(self) -> None:
        """Importing ``govmodel.rules.routing`` runs ``govmodel.rules`` first: both are edges."""
        assert {"govmodel.rules", "govmodel.rules.routing"} <= imported_by("govmodel.cli.structure")

    def test_resolves_relative_imports(self) -> None:
        """``from ..spec import load`` in govmodel.interop.x names govmodel.spec."""
        assert imports_in("govmodel.interop.graph", "from ..spec import load") == {"govmodel.spec"}
        assert imports_in("govmodel.cli", "from . import demo") == {"govmodel.cli.demo"}
        assert imports_in("govmodel.cli.demo", "from .. import synth") == {"govmodel.synth"}

    def test_skips_type_checking(self) -> None:
        """Imports under ``if TYPE_CHECKING:`` are not edges; the rest of the module is read."""
        source = (
            "from typing import TYPE_CHECKING\n"
            "if TYPE_CHECKING:\n    import govmodel.cases\nelse:\n    import govmodel.spec\n"
        )
        found = [ast.unparse(s) for s in _statements(ast.parse(source))]
        assert found == ["from typing import TYPE_CHECKING", "import govmodel.spec"]

    def test_reads_every_module(self) -> None:
        """Every module of the package is a node, packages under their own name."""
        graph = import_graph()
        assert {"govmodel", "govmodel.cli", "govmodel.cli._common", "govmodel.spec"} <= set(graph)
        assert len(graph) == len(list(PACKAGE.rglob("*.py")))


def test_cli_in_no_cycle() -> None:
    """No import cycle runs through a module of the command line, govmodel.cli."""
    through_cli = [
        cycle
        for cycle in import_cycles()
        if any(m == "govmodel.cli" or m.startswith("govmodel.cli.") for m in cycle)
    ]
    assert through_cli == [], _show(through_cli)


def test_no_import_cycles() -> None:
    """No govmodel module imports, directly or through others, a module that imports it."""
    cycles = import_cycles()
    assert cycles == [], f"{len(cycles)} import cycles:\n" + _show(cycles)
