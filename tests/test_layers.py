"""The layering contract: every import points down, and no packages import each other in a circle.

    api  (CLI, REST, web pages, Celery worker and its schedules)
     └─ archive.lifecycle  (retention run, holds, destruction, erasure, transfer, fixity, rebuild, reports)
         └─ ingest  (job, steps, preservation tools; indexes through search's interface)
             └─ search  (interface, backends, query, highlight, reindex)
                 └─ archive kernel  (settings, errors, clock, access, catalog, storage, package, audit…)
                     └─ schemas  (Appendix VI records, rules, code lists, pure validator)

``ingest`` sits above ``search`` because its index step writes the dossier through
``search.base``; search never reads from ingest. Imports inside functions and under
``TYPE_CHECKING`` count, and so does a module named in a string (``import_module``).
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("schemas", "archive", "search", "ingest", "api")
LAYERS = ("schemas", "archive", "search", "ingest", "archive.lifecycle", "api")   # bottom up


def layer(module: str) -> int:
    """Index in LAYERS of the most specific layer that holds ``module``."""
    found = [i for i, name in enumerate(LAYERS) if module == name or module.startswith(name + ".")]
    return max(found, key=lambda i: len(LAYERS[i]))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, known: set[str]) -> set[str]:
    """Project modules ``path`` imports, relative imports resolved, string-named ones included."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names if f"{base}.{alias.name}" in known)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known:
            found.add(node.value)
    return {name for name in found if name.split(".")[0] in PACKAGES}


def project_graph() -> dict[str, set[str]]:
    files = [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")]
    known = {module_name(p) for p in files}
    return {module_name(p): imports_of(p, known) - {module_name(p)} for p in files}


def upward(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{m} imports {t} ({LAYERS[layer(m)]} < {LAYERS[layer(t)]})"
                  for m, targets in graph.items() for t in targets if layer(t) > layer(m))


def package_of(module: str, graph: dict[str, set[str]]) -> str:
    """The package a module belongs to (a package's ``__init__`` belongs to the package itself)."""
    is_package = any(other.startswith(module + ".") for other in graph)
    return module if is_package else module.rpartition(".")[0] or module


def package_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of two or more sibling-or-unrelated packages (Tarjan).

    A package importing its own sub-package and back (``ingest`` ↔ ``ingest.steps``) is the
    usual parent/child arrangement and not counted; any other circle is."""
    edges: dict[str, set[str]] = {}
    for module, targets in graph.items():
        source = package_of(module, graph)
        for target in targets:
            if target not in graph:                 # a name imported from a module, not a module
                target = target.rpartition(".")[0]
            dest = package_of(target, graph) if target in graph else target
            related = dest.startswith(source + ".") or source.startswith(dest + ".")
            if dest != source and not related:
                edges.setdefault(source, set()).add(dest)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return groups


def test_no_import_runs_up_the_layers():
    assert upward(project_graph()) == []


def test_no_packages_import_each_other_in_a_circle():
    assert package_cycles(project_graph()) == []


def test_the_graph_sees_every_layer_and_the_string_named_table_modules():
    graph = project_graph()
    assert {LAYERS[layer(m)] for m in graph} == set(LAYERS)
    assert "archive.catalog.accounts" in graph["archive.catalog.models"]   # named in MODEL_MODULES
    assert "ingest.pipeline" in graph["api.worker"]


def test_the_checks_fail_on_an_upward_import_and_on_a_circle():
    """The contract can fail: a fake graph with each kind of breach is caught."""
    fake = {
        "schemas.rules": {"archive.settings"},              # schemas reaching up into the kernel
        "archive.settings": set(),
        "search.base": {"ingest.job"},                       # search reading from ingest
        "ingest.job": {"search.base"},
        "archive.catalog.models": {"archive.lifecycle.fixity"},   # the kernel reaching into lifecycle
        "archive.lifecycle.fixity": {"api.worker", "archive.catalog.models"},
        "api.worker": {"archive.lifecycle.fixity"},
        "archive.storage.base": {"archive.package.read"},   # a circle inside one layer
        "archive.package.read": {"archive.storage.base"},
    }
    assert upward(fake) == [
        "archive.catalog.models imports archive.lifecycle.fixity (archive < archive.lifecycle)",
        "archive.lifecycle.fixity imports api.worker (archive.lifecycle < api)",
        "schemas.rules imports archive.settings (schemas < archive)",
        "search.base imports ingest.job (search < ingest)",
    ]
    cycles = package_cycles(fake)
    assert ["archive.package", "archive.storage"] in cycles
    assert ["ingest", "search"] in cycles
    assert package_cycles({"archive.storage.base": set(), "archive.package.read": {"archive.storage.base"}}) == []
