"""Apps depend one way: events, articles, media library, countries, summit core.

import-linter checks the contracts in pyproject.toml (`[tool.importlinter]`) on the import
graph, indirect imports included; a small AST walk adds what a graph cannot say: no app
imports another inside a function to dodge a cycle. Each check is also run on a copy of the
code with one bad import added, so a check that stopped biting would fail here too.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("events", "articles", "media_library", "countries", "summit")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """Run import-linter's command on the project at `root`; its report is the output."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )


def function_level_imports(root: Path) -> Iterator[str]:
    """Imports of another project app made inside a function.

    Allowed only in `AppConfig.ready()` (models and signals need a ready app registry there)
    and in migrations, which Django loads by themselves.
    """
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            if "migrations" in path.relative_to(root).parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                if path.name == "apps.py" and function.name == "ready":
                    continue
                # Only the function's own statements: nested functions get their own turn.
                for node in _own_nodes(function):
                    for module in _imported_modules(node):
                        other_app = module.split(".")[0]
                        if other_app in APPS and other_app != app:
                            where = path.relative_to(root)
                            yield f"{where}:{node.lineno} imports {module} in {function.name}()"


def _own_nodes(function: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    pending = list(ast.iter_child_nodes(function))
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            pending.extend(ast.iter_child_nodes(node))


def _imported_modules(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        return [node.module]
    return []  # a relative import stays inside its own app


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The apps' Python files and the contracts, copied where a test may break them."""
    for app in APPS:
        shutil.copytree(
            ROOT / app,
            tmp_path / app,
            ignore=shutil.ignore_patterns("__pycache__", "*.md", "*.json", "*.svg", "mapdata"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


def add_line(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_apps_keep_their_import_contracts():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_app_imports_another_inside_a_function():
    assert list(function_level_imports(ROOT)) == []


@pytest.mark.parametrize(
    ("module", "bad_import", "broken"),
    [
        ("countries/maps.py", "import articles.models", "Apps depend one way"),
        ("summit/dates.py", "from countries import models", "Apps depend one way"),
        ("media_library/models.py", "import articles.models", "Apps depend one way"),
        ("articles/models.py", "import events", "Apps depend one way"),
        ("summit/seo.py", "from summit import urls", "Only Django imports the assembly"),
    ],
)
def test_contracts_catch_an_import_against_the_layers(project_copy, module, bad_import, broken):
    add_line(project_copy / module, bad_import)
    result = lint_imports(project_copy)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{broken}" in result.stdout
    assert "BROKEN" in result.stdout


def test_a_cycle_dodged_inside_a_function_is_caught(project_copy):
    add_line(
        project_copy / "countries/models.py",
        "def published_count(country):\n    from articles.models import Article\n",
    )
    assert [finding.split(":")[0] for finding in function_level_imports(project_copy)] == [
        "countries/models.py"
    ]
