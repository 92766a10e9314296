"""The matching engine stays pure: no web, database, queue or file I/O imports or calls."""

from __future__ import annotations

import ast
from pathlib import Path

import tally.matching

PACKAGE = Path(tally.matching.__file__).parent
FORBIDDEN = {
    "fastapi",
    "starlette",
    "sqlalchemy",
    "alembic",
    "redis",
    "psycopg",
    "aiosqlite",
    "sqlite3",
    "procrastinate",
    "httpx",
    "requests",
    "duckdb",
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "socket",
    "asyncio",
    "subprocess",
    "pickle",
}
ALLOWED_TALLY = {"tally.matching", "tally.money"}


def _imports(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.append(node.module)
    return names


def test_no_infrastructure_imports() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) > 5
    for path in files:
        tree = ast.parse(path.read_text(), filename=str(path))
        for name in _imports(tree):
            root = name.split(".")[0]
            assert root not in FORBIDDEN, f"{path.name} imports {name}"
            if root == "tally":
                assert any(name == a or name.startswith(a + ".") for a in ALLOWED_TALLY), (
                    f"{path.name} imports {name}"
                )
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"open", "exec", "eval"}, (
                    f"{path.name} calls {node.func.id}"
                )
