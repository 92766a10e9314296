"""The arrows point one way: engines are pure, shared infrastructure never imports a feature."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "tally"
FEATURES = ("projects", "sources", "profiles", "jobs", "results", "rule_sets", "users", "web")
ENGINE_FORBIDDEN = (
    "fastapi",
    "starlette",
    "sqlalchemy",
    "redis",
    "tally.kit",
    "tally.models",
    "procrastinate",
    "psycopg",
    *(f"tally.{f}" for f in FEATURES),
)


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _violations(folder: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in sorted((PACKAGE / folder).rglob("*.py")):
        for name in _imports(path):
            if any(name == bad or name.startswith(bad + ".") for bad in forbidden):
                found.append(f"{path.relative_to(PACKAGE)} imports {name}")
    return found


@pytest.mark.parametrize("engine", ["ingest", "matching"])
def test_engines_are_pure(engine: str) -> None:
    assert _violations(engine, ENGINE_FORBIDDEN) == []


@pytest.mark.parametrize("infrastructure", ["kit", "models", "cache"])
def test_infrastructure_never_imports_a_feature(infrastructure: str) -> None:
    if not (PACKAGE / infrastructure).exists():
        pytest.skip(f"no {infrastructure} package")
    assert _violations(infrastructure, tuple(f"tally.{f}" for f in FEATURES)) == []
