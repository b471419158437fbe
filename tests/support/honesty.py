"""A static check of the test suite for tests that cannot fail or cannot run honestly.

It reads test modules with `ast` and reports: assertions of a literal or of a constant in a
constant collection; bare `assert x.id`-style lines; `or True`; exception handlers that
swallow everything; assertions only under an `if` with no else; skips that do not go
through tests.support.requirements; bare Playwright state reads inside `assert` (use the
retrying `expect()`); and test modules importing other test modules or conftest files.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

# Reading a locator's state once races the page; expect() retries until it settles.
BROWSER_READS = {
    "is_visible",
    "is_hidden",
    "is_enabled",
    "is_disabled",
    "is_checked",
    "is_editable",
    "inner_text",
    "text_content",
    "input_value",
    "get_attribute",
    "count",
}
SKIPS = {"skip", "importorskip", "skipif", "xfail"}
# The one place allowed to skip (and it fails instead under CASSEROLE_REQUIRE_ALL).
SKIP_HOME = "tests/support/requirements.py"


def _literal(node: ast.AST, constants: set[str]) -> bool:
    """Whether `node` is a literal, a collection of literals, or a name bound to one."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in constants
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_literal(e, constants) for e in node.elts)
    return False


def _module_constants(tree: ast.Module) -> set[str]:
    """Names assigned a literal (or a collection of literals) at module level."""
    names: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and _literal(stmt.value, names):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return names


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    yield from (n for n in ast.walk(node) if isinstance(n, ast.Call))


def _attr_name(call: ast.Call) -> str | None:
    return call.func.attr if isinstance(call.func, ast.Attribute) else None


def _is_test_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def _test_function_findings(tree: ast.Module) -> tuple[set[ast.Assert], set[ast.If]]:
    """In each test function: asserts of a name used nowhere else, and top-level `if`s
    (outside any loop) holding only assertions, with no else."""
    silencers: set[ast.Assert] = set()
    ifs: set[ast.If] = set()
    for fn in ast.walk(tree):
        if not (isinstance(fn, ast.FunctionDef) and fn.name.startswith("test_")):
            continue
        loads: dict[str, int] = {}
        for n in ast.walk(fn):
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load):
                loads[n.id] = loads.get(n.id, 0) + 1
        for stmt in fn.body:
            named = isinstance(stmt, ast.Assert) and isinstance(stmt.test, ast.Name)
            if named and loads.get(stmt.test.id) == 1:  # type: ignore[attr-defined]
                silencers.add(stmt)  # type: ignore[arg-type]
            only_asserts = isinstance(stmt, ast.If) and not stmt.orelse and stmt.body
            if only_asserts and all(isinstance(s, ast.Assert) for s in stmt.body):  # type: ignore[attr-defined]
                ifs.add(stmt)  # type: ignore[arg-type]
    return silencers, ifs


def problems_in(source: str, path: str) -> list[str]:
    """Every dishonest pattern in one test module's source, as 'path:line: what'."""
    tree = ast.parse(source)
    constants = _module_constants(tree)
    found: list[str] = []

    def report(node: ast.AST, what: str) -> None:
        found.append(f"{path}:{getattr(node, 'lineno', 0)}: {what}")

    browser = "/browser/" in f"/{path}"
    silencers, unguarded_ifs = _test_function_findings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            test = node.test
            if _literal(test, constants):
                report(node, "asserts a literal")
            elif isinstance(test, ast.Compare) and all(
                _literal(n, constants) for n in (test.left, *test.comparators)
            ):
                report(node, "compares constants with constants")
            elif isinstance(test, ast.Attribute) and test.attr == "id":
                report(node, "asserts an id (a line that only silences lint?)")
            elif isinstance(test, ast.Name) and node in silencers:
                report(node, f"asserts {test.id}, used nowhere else (a line that only silences lint?)")
            elif isinstance(test, ast.BoolOp) and any(
                isinstance(v, ast.Constant) and v.value for v in test.values
            ):
                report(node, "`or` a true constant: cannot fail")
            if browser:
                for call in _calls(test):
                    if _attr_name(call) in BROWSER_READS:
                        report(node, f"assert on .{_attr_name(call)}(): use expect()")
        elif isinstance(node, ast.ExceptHandler):
            if all(isinstance(s, ast.Pass) for s in node.body) or (
                len(node.body) == 1
                and isinstance(node.body[0], ast.Expr)
                and isinstance(node.body[0].value, ast.Constant)
            ):
                report(node, "an exception handler that swallows the error")
        elif isinstance(node, ast.If) and node in unguarded_ifs:
            report(node, "assertions only under an `if` with no else: may never run")
        elif isinstance(node, ast.Call) and path != SKIP_HOME:
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in SKIPS:
                report(node, f"{func.attr}: use tests.support.requirements.unavailable")
        elif (
            isinstance(node, ast.Attribute)
            and path != SKIP_HOME
            and node.attr in {"skip", "skipif", "xfail"}
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "mark"
        ):
            report(node, f"pytest.mark.{node.attr}: use tests.support.requirements")
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("tests") and _is_test_module(node.module):
                report(node, f"imports test module {node.module}: move shared code to tests/support")
            elif node.module.startswith("tests") and any(
                _is_test_module(f"{node.module}.{a.name}") for a in node.names
            ):
                report(node, f"imports a test module from {node.module}")
    return sorted(set(found))


def problems_under(root: Path) -> list[str]:
    """Every dishonest pattern in the test modules under `root` (the repository's tests/)."""
    found: list[str] = []
    base = root.parent
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(base).as_posix()
        if path.name.startswith("test_") or path.name == "conftest.py" or "/support/" in rel:
            if rel == "tests/support/honesty.py":
                continue  # its own sample patterns live in strings, not code
            found.extend(problems_in(path.read_text(), rel))
    return found
