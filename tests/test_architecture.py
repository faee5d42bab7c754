"""The shape of the code: imports run one way in every package (no cycle of any kind, the
library knows nothing of HTTP, the service and the harness over the library), the HTTP response
schemas are the library's result types, and shared-data tests cannot pass silently in CI."""

from __future__ import annotations

import ast
import dataclasses
import json
from collections import deque
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

import pytest
from conftest import listing, require_shared
from pydantic import ValidationError

from summarizers import Registry, Summary, summarize
from summarizers.methods.lead import LeadMethod
from summarizers.types import InputStats, LengthAchieved, SelectedSentence
from summarizers_service.schemas import SummaryResult, response_model

ROOT = Path(__file__).resolve().parents[1]

#: The project's packages, the one place that names them: import name -> folder (relative to the
#: repository root). Import names may change (a rename edits the keys here); folders stay.
PACKAGES: dict[str, str] = {"summarizers": "summarizers", "summarizers_service": "service", "summarizers_eval": "eval",
                            "benchmarks": "benchmarks"}
LIBRARY, SERVICE, HARNESS, BENCHMARKS = PACKAGES
#: The project packages each package may import (itself included): the service and the harness
#: stand on the library, the benchmark scripts on all three, the library on nothing of ours.
MAY_IMPORT: dict[str, set[str]] = {LIBRARY: {LIBRARY}, SERVICE: {SERVICE, LIBRARY}, HARNESS: {HARNESS, LIBRARY},
                                   BENCHMARKS: set(PACKAGES)}
#: What serves HTTP. The library knows nothing of HTTP; the harness talks to a service as a client.
HTTP_SERVING = {"flask", "werkzeug", "gunicorn", "pydantic", "pydantic_core", "prometheus_client"}
NEVER_IMPORTS: dict[str, set[str]] = {LIBRARY: HTTP_SERVING, HARNESS: HTTP_SERVING}
TEXT = "Storm hits the coast\n\nA storm hit the coast on Monday. Crews cleared roads overnight.\nSchools stay shut."
_IMPORTERS = {"importlib.import_module", "import_module", "__import__"}


def project_modules(root: Path = ROOT, packages: Mapping[str, str] = PACKAGES) -> dict[str, Path]:
    """Every module of ``packages`` by its import name (a package by its ``__init__.py``)."""
    modules: dict[str, Path] = {}
    for name, folder in packages.items():
        for path in sorted((root / folder).rglob("*.py")):
            parts = path.relative_to(root / folder).with_suffix("").parts
            modules[".".join((name, *(parts[:-1] if parts[-1] == "__init__" else parts)))] = path
    return modules


def _constants(tree: ast.Module) -> dict[str, list[str]]:
    """Names bound to strings (or tuples/lists of strings) at module level, and loop variables
    over such names: what a dynamic import's argument may be."""
    def strings(node: ast.expr | None) -> list[str] | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [node.value]
        if isinstance(node, ast.Tuple | ast.List) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            return [e.value for e in node.elts]  # type: ignore[attr-defined]
        return None

    found: dict[str, list[str]] = {}
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
            if isinstance(node, ast.AnnAssign) else []
        values = strings(node.value) if isinstance(node, ast.Assign | ast.AnnAssign) else None
        for target in targets:
            if isinstance(target, ast.Name) and values:
                found[target.id] = values
    for node in ast.walk(tree):
        if isinstance(node, ast.For | ast.comprehension) and isinstance(node.target, ast.Name):
            values = found.get(node.iter.id) if isinstance(node.iter, ast.Name) else strings(node.iter)
            if values:
                found.setdefault(node.target.id, []).extend(values)
    return found


def imports_of(name: str, path: Path, modules: Mapping[str, Path]) -> tuple[dict[str, int], list[str]]:
    """What module ``name`` (file ``path``) imports, at any level: module level, inside functions,
    under ``if TYPE_CHECKING:`` and through ``importlib.import_module``/``__import__`` with a
    name the file spells out. Relative imports are resolved; ``from pkg import name`` imports
    the submodule ``pkg.name`` when there is one, else ``pkg``.

    Returns the absolute names imported (the first line of each) and the dynamic imports whose
    target cannot be read from the file (at ``file:line``).
    """
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constants(tree)
    found: dict[str, int] = {}
    unread: list[str] = []

    def relative(level: int, module: str | None) -> str:
        base = package.split(".")
        base = base[: len(base) - level + 1] if level else []
        return ".".join([*base, module] if module else base)

    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            source = relative(node.level, node.module)
            targets = [f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names]
        elif isinstance(node, ast.Call) and ast.unparse(node.func) in _IMPORTERS and node.args:
            arg = node.args[0]
            values = [arg.value] if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else \
                constants.get(arg.id) if isinstance(arg, ast.Name) else None
            if values is None and isinstance(arg, ast.JoinedStr) and arg.values and isinstance(
                    arg.values[0], ast.Constant) and "." in str(arg.values[0].value):
                top = str(arg.values[0].value).split(".")[0]  # f"pkg.{x}": fine when pkg is not ours
                values = [] if top and not any(m == top or m.startswith(f"{top}.") for m in modules) else None
            if values is None:
                unread.append(f"{path}:{node.lineno}: {ast.unparse(node)}")
                continue
            targets = [relative(len(v) - len(v.lstrip(".")), v.lstrip(".") or None) if v.startswith(".") else v
                       for v in values]
        for target in targets:
            found.setdefault(target, node.lineno)
    return found, unread


def loaded_by(importer: str, target: str, modules: Mapping[str, Path]) -> set[str]:
    """The project modules that importing ``target`` from ``importer`` runs: ``target`` and its
    parent packages, except those that contain ``importer`` (already running when it runs)."""
    parts = target.split(".")
    containing = {".".join(importer.split(".")[:i]) for i in range(1, importer.count(".") + 1)}
    chain = {".".join(parts[:i]) for i in range(1, len(parts))} - containing
    return {m for m in (chain | {target}) if m in modules and m != importer}


def import_graph(root: Path = ROOT, packages: Mapping[str, str] = PACKAGES) -> dict[str, dict[str, int]]:
    """Every project module and the project modules it imports: ``{module: {imported: line}}``."""
    modules = project_modules(root, packages)
    graph: dict[str, dict[str, int]] = {}
    for name, path in modules.items():
        edges: dict[str, int] = {}
        for target, line in imports_of(name, path, modules)[0].items():
            for module in loaded_by(name, target, modules):
                edges.setdefault(module, line)
        graph[name] = edges
    return graph


def cycles(graph: Mapping[str, Mapping[str, object]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def describe(component: list[str], graph: Mapping[str, Mapping[str, int]]) -> str:
    """One circle through ``component`` (the shortest from its first module), each step with
    the line of the import: ``a -> b (a:12) -> a (b:3)``, then every module of the component."""
    start = component[0]
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in sorted(graph[node]):
            if nxt in component and nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
        if start in came_from:
            break
    steps, node = [start], start
    while True:
        node = came_from[node]
        steps.append(node)
        if node == start:
            break
    steps.reverse()
    circle = steps[0] + "".join(f" -> {b} ({a}:{graph[a][b]})" for a, b in pairwise(steps))
    return f"{circle}\n    (all of: {', '.join(component)})"


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    graph = {"a": {"b": 3}, "b": {"c": 5, "a": 9}, "c": {"a": 7}}
    assert describe(["a", "b", "c"], graph).splitlines()[0] == "a -> b (a:3) -> a (b:9)"


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")


def test_the_walk_follows_every_kind_of_import(tmp_path: Path) -> None:
    """Module level, function level, ``TYPE_CHECKING``, relative, ``from pkg import submodule``,
    ``importlib.import_module`` of a literal and of names looped over; parent packages run by an
    import; a folder whose import name differs from its name."""
    _write(tmp_path, {
        "lib/__init__.py": "from .core import VALUE\n",
        "lib/core.py": "VALUE = 1\n",
        "lib/sub/__init__.py": "",
        "lib/sub/leaf.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..core import VALUE\n",
        "lib/sub/user.py": ("import importlib\nimport json\nfrom . import leaf\n"
                            "PLUGINS = ('lib.sub.plugin',)\n"
                            "def run():\n    import lib.deep.inner\n    importlib.import_module('lib.core')\n"
                            "    for name in PLUGINS:\n        importlib.import_module(name)\n"),
        "lib/sub/plugin.py": "from .. import VALUE\n",
        "lib/deep/__init__.py": "",
        "lib/deep/inner.py": "import importlib\ndef late(name):\n    return importlib.import_module(name)\n",
        "srv/app.py": "from lib.sub import user\nfrom lib import core as c\n",
    })
    packages = {"lib": "lib", "web": "srv"}
    graph = import_graph(tmp_path, packages)
    assert set(graph) == {"lib", "lib.core", "lib.sub", "lib.sub.leaf", "lib.sub.user", "lib.sub.plugin",
                          "lib.deep", "lib.deep.inner", "web.app"}
    assert graph["lib"] == {"lib.core": 1}
    assert graph["lib.sub.leaf"] == {"lib.core": 3}  # under TYPE_CHECKING
    # function level and importlib; the parent package lib.deep runs, lib and lib.sub already run
    assert graph["lib.sub.user"] == {"lib.sub.leaf": 3, "lib.deep": 6, "lib.deep.inner": 6, "lib.core": 7,
                                     "lib.sub.plugin": 9}
    assert graph["lib.sub.plugin"] == {"lib": 1}  # a name of lib's __init__ needs lib run
    assert graph["web.app"] == {"lib": 1, "lib.sub": 1, "lib.sub.user": 1, "lib.core": 2}
    modules = project_modules(tmp_path, packages)
    assert imports_of("lib.sub.user", modules["lib.sub.user"], modules)[0]["json"] == 2
    unread = imports_of("lib.deep.inner", modules["lib.deep.inner"], modules)[1]
    assert len(unread) == 1 and unread[0].endswith("inner.py:3: importlib.import_module(name)")
    # lib -> lib.core only: no cycle yet; a function-level import of the package closes one
    assert cycles(graph) == []
    _write(tmp_path, {"lib/core.py": "VALUE = 1\ndef f():\n    from lib.sub.plugin import x\n"})
    graph = import_graph(tmp_path, packages)
    assert cycles(graph) == [["lib", "lib.core", "lib.sub.plugin"]]
    assert describe(cycles(graph)[0], graph).splitlines()[0] == \
        "lib -> lib.core (lib:1) -> lib.sub.plugin (lib.core:3) -> lib (lib.sub.plugin:1)"


def test_no_import_cycle_in_any_package() -> None:
    graph = import_graph()
    for name in PACKAGES:
        assert name in graph, f"package {name} not found in {PACKAGES[name]}/"
    assert f"{LIBRARY}.registry" in graph[f"{LIBRARY}.api"]  # the walk sees the imports
    found = [describe(c, graph) for c in cycles(graph)]
    assert not found, "import cycles:\n" + "\n".join(found)


def test_every_dynamic_import_names_its_module() -> None:
    """An ``import_module`` whose target the file does not spell out would hide its edge."""
    modules = project_modules()
    unread = [u for name, path in modules.items() for u in imports_of(name, path, modules)[1]]
    assert unread == []


def test_packages_import_one_way() -> None:
    """The library imports nothing of the service, the harness or the benchmarks, and nothing
    that serves HTTP; the service and the harness stand on the library, not on each other."""
    modules = project_modules()
    wrong = []
    for name, path in modules.items():
        package = name.split(".")[0]
        for target, line in imports_of(name, path, modules)[0].items():
            top = target.split(".")[0]
            if (top in PACKAGES and top not in MAY_IMPORT[package]) or top in NEVER_IMPORTS.get(package, ()):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {name} imports {target}")
    assert wrong == []


def test_only_the_convenience_functions_hold_a_registry_of_their_own() -> None:
    """Library code takes its registry as an argument: the one module-level registry is the
    convenience of the top-level functions in ``api.py``, and nothing else calls for it."""
    holders, callers = set(), set()
    for name, path in project_modules(ROOT, {LIBRARY: PACKAGES[LIBRARY]}).items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Global) for node in ast.walk(tree)):
            holders.add(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("_registry", "api._registry"):
                callers.add(name)
    # engine.pool's global is the worker of a pool process (it builds its own registry)
    assert holders == {f"{LIBRARY}.api", f"{LIBRARY}.engine.pool"}
    assert callers == {f"{LIBRARY}.api"}


def test_response_schema_is_generated_from_the_result_dataclasses() -> None:
    summary_fields = {f.name for f in dataclasses.fields(Summary)}
    assert set(response_model(Summary).model_fields) == summary_fields
    assert set(SummaryResult.model_fields) == summary_fields | {"offsets"}
    for cls in (SelectedSentence, LengthAchieved):
        assert set(response_model(cls).model_fields) == {f.name for f in dataclasses.fields(cls)}
    # flattened fields are left out, and make the model accept the extra keys
    assert "extra" not in response_model(InputStats).model_fields
    assert response_model(InputStats).model_config["extra"] == "allow"


def test_library_results_validate_against_the_response_schema() -> None:
    registry = Registry([LeadMethod()])
    results = [summarize(TEXT, method="lead", registry=registry),
               summarize(html=f"<html><body><p>{TEXT}</p></body></html>", method="lead", registry=registry),
               dataclasses.replace(summarize(TEXT, method="lead", registry=registry), model={"name": "m"})]
    for result in results:
        data = json.loads(json.dumps(result.to_dict()))
        model = response_model(Summary).model_validate(data)
        assert model.model_dump(exclude_unset=True) == data  # nothing lost, nothing invented
    with pytest.raises(ValidationError):  # a key the dataclass does not have is refused
        response_model(Summary).model_validate({**results[0].to_dict(), "surprise": 1})


def test_missing_shared_data_fails_under_ci_and_skips_elsewhere(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    absent = tmp_path / "absent.jsonl"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run"):
        require_shared(absent)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        require_shared(absent)
    absent.write_text("{}\n")
    assert require_shared(absent) == absent


def test_the_write_guard_lists_new_files_and_folders_but_not_caches(tmp_path: Path) -> None:
    (tmp_path / "kept.txt").write_text("x")
    before = listing(tmp_path)
    (tmp_path / "summarize-jobs.db").write_text("x")
    (tmp_path / "sub" / "__pycache__").mkdir(parents=True)
    (tmp_path / "sub" / "__pycache__" / "m.pyc").write_text("x")
    (tmp_path / ".pytest_cache").mkdir()
    (tmp_path / ".pytest_cache" / "v").write_text("x")
    assert listing(tmp_path) - before == {"summarize-jobs.db", "sub"}
