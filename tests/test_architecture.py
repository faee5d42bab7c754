"""The shape of the code: imports in ``summarizers/`` run one way (no circle), the HTTP response
schemas are the library's result types, and shared-data tests cannot pass silently in CI."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest
from conftest import require_shared
from pydantic import ValidationError

from service.schemas import SummaryResult, response_model
from summarizers import Registry, Summary, summarize
from summarizers.methods.lead import LeadMethod
from summarizers.types import InputStats, LengthAchieved, SelectedSentence

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "summarizers"
TEXT = "Storm hits the coast\n\nA storm hit the coast on Monday. Crews cleared roads overnight.\nSchools stay shut."


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every module of ``summarizers`` and the ``summarizers`` modules it imports, at any level
    (imports inside functions count; those under ``if TYPE_CHECKING:`` do not run, and do not)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        edges: set[str] = set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")
                base = base[: len(base) - node.level + 1] if node.level else []
                source = ".".join([*base, node.module] if node.module else base)
                targets = [source, *(f"{source}.{a.name}" for a in node.names)]
            edges.update(t for t in targets if t in modules and t != name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_the_cycle_finder_finds_a_circle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_circle_in_the_library() -> None:
    graph = import_graph()
    assert "summarizers.registry" in graph["summarizers.api"]  # the walk sees the imports
    assert "summarizers.registry" not in graph["summarizers.methods.abstractive.method"]
    # Package __init__ modules re-export their package: a module importing its own package's
    # __init__ would be a circle, so they are part of the graph like any module.
    assert cycles(graph) == []


def test_only_the_convenience_functions_hold_a_registry_of_their_own() -> None:
    """Library code takes its registry as an argument: the one module-level registry is the
    convenience of the top-level functions in ``api.py``, and nothing else calls for it."""
    holders, callers = set(), set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        name = module_name(path)
        if any(isinstance(node, ast.Global) for node in ast.walk(tree)):
            holders.add(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("_registry", "api._registry"):
                callers.add(name)
    # engine.pool's global is the worker of a pool process (it builds its own registry)
    assert holders == {"summarizers.api", "summarizers.engine.pool"}
    assert callers == {"summarizers.api"}


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
