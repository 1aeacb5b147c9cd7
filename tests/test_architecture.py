"""Architecture rules that import-linter cannot see (ARCHITECTURE §3).

Every query of a domain package lives in a repository module (``repository.py`` or
``<name>_repository.py``): elsewhere no module calls sqlalchemy's ``select``, ``insert``,
``update`` or ``delete``, nor ``execute``, ``scalar``, ``scalars`` or ``get`` on a database
session. ``session.add``, ``session.delete`` and ``session.flush`` are unit-of-work
operations, not queries, and stay allowed everywhere.

The checks read the source (the AST), so they need no database and name file and line.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_PACKAGES = (
    "auth",
    "organizations",
    "memberships",
    "invitations",
    "users",
    "admin_requests",
    "appeals",
)

QUERY_CONSTRUCTS = frozenset({"select", "insert", "update", "delete"})
SESSION_QUERY_METHODS = frozenset({"execute", "scalar", "scalars", "get"})
# What a database session is called or annotated as in app/.
SESSION_NAMES = frozenset({"session", "db", "db_session"})
SESSION_TYPES = frozenset({"AsyncSession", "DbSession", "Session"})

# Modules allowed to query outside a repository for now, each with its reason. An entry
# whose module no longer queries fails test_known_exceptions_are_still_needed: remove it.
KNOWN_EXCEPTIONS: dict[str, str] = {}


def is_repository(path: Path) -> bool:
    return path.stem == "repository" or path.stem.endswith("_repository")


def domain_modules() -> list[Path]:
    return sorted(
        path for package in DOMAIN_PACKAGES for path in (ROOT / "app" / package).rglob("*.py")
    )


def _annotation_names(annotation: ast.expr | None) -> set[str]:
    """The bare names an annotation mentions (``AsyncSession``, ``DbSession``, …)."""
    if annotation is None:
        return set()
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return set()
    names = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return names


class QueryFinder(ast.NodeVisitor):
    """Collects ``(line, description)`` of every query call in one module."""

    def __init__(self) -> None:
        self.found: list[tuple[int, str]] = []
        # Local name -> sqlalchemy construct (``from sqlalchemy import select as s``).
        self.constructs: dict[str, str] = {}
        # Local names bound to sqlalchemy modules (``import sqlalchemy as sa``,
        # ``from sqlalchemy.dialects import postgresql``).
        self.sqlalchemy_names: set[str] = set()
        self.sessions: set[str] = set(SESSION_NAMES)

    def scan(self, tree: ast.Module) -> list[tuple[int, str]]:
        # Names first (a session parameter may be declared after a call that uses it in
        # another function), then the calls.
        for node in ast.walk(tree):
            self._bind(node)
        self.visit(tree)
        return sorted(self.found)

    def _bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
            for alias in node.names:
                local = alias.asname or alias.name
                if alias.name in QUERY_CONSTRUCTS:
                    self.constructs[local] = alias.name
                else:
                    self.sqlalchemy_names.add(local)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "sqlalchemy":
                    self.sqlalchemy_names.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.arg) and _annotation_names(node.annotation) & SESSION_TYPES:
            self.sessions.add(node.arg)
        elif (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and _annotation_names(node.annotation) & SESSION_TYPES
        ):
            self.sessions.add(node.target.id)
        elif isinstance(node, ast.AsyncWith | ast.With):
            # ``async with unit_of_work(sessionmaker) as early:`` opens a session too.
            for item in node.items:
                opener = (
                    ast.unparse(item.context_expr.func)
                    if isinstance(item.context_expr, ast.Call)
                    else ""
                )
                if isinstance(item.optional_vars, ast.Name) and (
                    "unit_of_work" in opener or "sessionmaker" in opener.lower()
                ):
                    self.sessions.add(item.optional_vars.id)

    def _is_session(self, node: ast.expr) -> bool:
        if isinstance(node, ast.Name):
            return node.id in self.sessions
        if isinstance(node, ast.Attribute):  # self.session, request.state.db
            return node.attr in self.sessions
        return False

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in self.constructs:
            self.found.append((node.lineno, f"{func.id}( (sqlalchemy {self.constructs[func.id]})"))
        elif isinstance(func, ast.Attribute):
            receiver = func.value
            if func.attr in SESSION_QUERY_METHODS and self._is_session(receiver):
                self.found.append((node.lineno, f"{ast.unparse(receiver)}.{func.attr}("))
            elif (
                func.attr in QUERY_CONSTRUCTS
                and isinstance(receiver, ast.Name)
                and receiver.id in self.sqlalchemy_names
            ):
                self.found.append((node.lineno, f"{receiver.id}.{func.attr}( (sqlalchemy)"))
        self.generic_visit(node)


def queries_in(source: str) -> list[tuple[int, str]]:
    return QueryFinder().scan(ast.parse(source))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_every_query_is_in_a_repository_module() -> None:
    violations = [
        f"{_relative(path)}:{line}: {call} — a query outside a repository module"
        for path in domain_modules()
        if not is_repository(path) and _relative(path) not in KNOWN_EXCEPTIONS
        for line, call in queries_in(path.read_text(encoding="utf-8"))
    ]
    assert not violations, (
        "Queries belong in the package's repository.py (ARCHITECTURE §3); "
        "move these there and call them from the service:\n" + "\n".join(violations)
    )


def test_known_exceptions_are_still_needed() -> None:
    stale = [
        module
        for module in KNOWN_EXCEPTIONS
        if not (ROOT / module).exists() or not queries_in((ROOT / module).read_text("utf-8"))
    ]
    assert not stale, f"No longer query outside a repository; drop from KNOWN_EXCEPTIONS: {stale}"


def test_routers_import_no_repository_and_no_sqlalchemy() -> None:
    """What the import-linter contract says, also for ``<name>_repository`` modules, which
    its wildcards (``app.*.repository``) do not match, and for ``<name>_router`` modules
    (``app/appeals/discussion_router.py``), which ``app.*.router`` does not."""
    violations = []
    for path in domain_modules():
        if path.stem != "router" and not path.stem.endswith("_router"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                modules = [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            else:
                continue
            for module in modules:
                last = module.rsplit(".", 1)[-1]
                if (
                    module.split(".")[0] == "sqlalchemy"
                    or last == "repository"
                    or (last.endswith("_repository"))
                ):
                    violations.append(f"{_relative(path)}:{node.lineno}: imports {module}")
                    break
    assert not violations, "Routers stay thin (ARCHITECTURE §3):\n" + "\n".join(violations)


def test_every_router_module_is_in_the_thin_routers_contract() -> None:
    """import-linter's wildcards match ``router`` only: a ``<name>_router`` module must be
    named in the contract, or it escapes it."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contract = next(
        c
        for c in config["tool"]["importlinter"]["contracts"]
        if c["name"].startswith("routers are thin")
    )
    named = set(contract["source_modules"])
    unnamed = [
        _relative(path)
        for path in domain_modules()
        if path.stem.endswith("_router")
        and ".".join(path.relative_to(ROOT).with_suffix("").parts) not in named
    ]
    assert unnamed == [], "add these to the 'routers are thin' contract in pyproject.toml"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from sqlalchemy import select\nselect(User)", ["select( (sqlalchemy select)"]),
        ("from sqlalchemy import delete as d\nd(User)", ["d( (sqlalchemy delete)"]),
        ("import sqlalchemy as sa\nsa.update(User)", ["sa.update( (sqlalchemy)"]),
        (
            "from sqlalchemy.dialects import postgresql\npostgresql.insert(User)",
            ["postgresql.insert( (sqlalchemy)"],
        ),
        ("async def f(session):\n    await session.get(User, 1)", ["session.get("]),
        ("async def f(s: AsyncSession):\n    await s.scalar(q)", ["s.scalar("]),
        ("async def f(s: 'DbSession'):\n    await s.execute(q)", ["s.execute("]),
        ("async def f(self):\n    await self.session.scalars(q)", ["self.session.scalars("]),
        (
            "async def f(m):\n    async with unit_of_work(m) as early:\n        early.get(U, 1)",
            ["early.get("],
        ),
        # Unit-of-work operations, dicts and routes are not queries.
        ("async def f(session):\n    session.add(x)\n    await session.delete(x)", []),
        ("payload.get('nonce')\nrequest.headers.get('user-agent')", []),
        ("@router.delete('/x')\nasync def f(): ...", []),
    ],
)
def test_the_finder_sees_queries_and_only_queries(source: str, expected: list[str]) -> None:
    assert [call for _, call in queries_in(source)] == expected
