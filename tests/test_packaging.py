"""What ``pip install`` puts into site-packages: only the project's own import names
(``summarizers``, ``summarizers_service``, ``summarizers_eval``), every module of the three
folders, the service's static files, and nothing of ``benchmarks/``, ``scripts/`` or ``tests/``."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: folder in the repository -> import name once installed
FOLDERS = {"summarizers": "summarizers", "service": "summarizers_service", "eval": "summarizers_eval"}


@pytest.fixture(scope="module")
def wheel_names(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source")  # setuptools builds in the source tree: a copy of it
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--wheel-dir", str(out), str(source)], check=True, cwd=source, timeout=300,
                   capture_output=True)
    (wheel,) = out.glob("summarizers-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


@pytest.mark.slow
def test_the_wheel_installs_only_the_projects_own_import_names(wheel_names: set[str]) -> None:
    top = {name.split("/")[0] for name in wheel_names if not name.split("/")[0].endswith(".dist-info")}
    assert top == set(FOLDERS.values())


@pytest.mark.slow
def test_every_module_and_static_file_is_in_the_wheel(wheel_names: set[str]) -> None:
    for folder, name in FOLDERS.items():
        for path in (ROOT / folder).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts or path.suffix == ".pyc":
                continue
            relative = path.relative_to(ROOT / folder).as_posix()
            if path.suffix == ".py" or path.suffix in {".html", ".js", ".css", ".svg"}:
                assert f"{name}/{relative}" in wheel_names, f"{folder}/{relative} is not installed"
    assert not any(n.startswith(("benchmarks/", "scripts/", "tests/")) for n in wheel_names)


def test_no_module_imports_the_folder_names() -> None:
    """Code imports ``summarizers_service``/``summarizers_eval``; ``service``/``eval`` exist only as
    folders (importable from a checkout by accident, never installed)."""
    import ast

    offenders = []
    for folder in (*FOLDERS, "benchmarks", "scripts", "tests"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                    [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
                offenders += [f"{path.relative_to(ROOT)}: {n}" for n in names
                              if n.split(".")[0] in {"service", "eval"}]
    assert not offenders
