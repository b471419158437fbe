"""Architecture contracts: matching stays pure, and casserole reaches it through one adapter."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

LINT_IMPORTS = str(Path(sys.executable).with_name("lint-imports"))


def _lint(cwd: Path, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = [LINT_IMPORTS, "--no-cache"]
    if config is not None:
        args += ["--config", str(config)]
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PYTHONPATH": str(cwd), "PATH": "/usr/bin:/bin"},
    )


def test_import_contracts_hold(project_root):
    result = _lint(project_root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "matching is pure" in result.stdout
    assert "KEPT" in result.stdout and "BROKEN" not in result.stdout


def test_contract_catches_a_matching_module_that_imports_flask(project_root, tmp_path):
    """Proof the contract bites: a copy of the tree with one bad import is rejected."""
    for package in ("matching", "casserole"):
        shutil.copytree(
            project_root / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.csv"),
        )
    shutil.copy(project_root / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "matching" / "sneaky.py").write_text(
        textwrap.dedent('''
        """A module that breaks the rule."""
        import flask  # noqa: F401
    ''')
    )
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "matching.sneaky -> flask" in result.stdout


def test_only_the_adapter_imports_matching(project_root, tmp_path):
    for package in ("matching", "casserole"):
        shutil.copytree(
            project_root / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "*.csv"),
        )
    shutil.copy(project_root / "pyproject.toml", tmp_path / "pyproject.toml")
    (tmp_path / "casserole" / "main" / "shortcut.py").write_text(
        '"""A view that skips the adapter."""\nimport matching  # noqa: F401\n'
    )
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "casserole.main.shortcut -> matching" in result.stdout


# What a view may not do itself: the services own queries and the transaction boundary.
SESSION_CALLS = frozenset({"commit", "execute", "scalars", "scalar", "flush", "rollback", "add"})


def _direct_database_use(source: str) -> list[str]:
    """Each `db.session.<call>` and each import of SQLAlchemy in a module's source."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in SESSION_CALLS
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "session"
        ):
            found.append((node.lineno, f"session.{node.attr}"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found.append((node.lineno, f"from {node.module} import ..."))
        elif isinstance(node, ast.Import) and any(a.name.startswith("sqlalchemy") for a in node.names):
            found.append((node.lineno, "import sqlalchemy"))
    return [f"line {line}: {what}" for line, what in sorted(found)]


def _blueprint_modules(root: Path) -> list[Path]:
    """Every module of every package under casserole/ that defines a Blueprint."""
    packages = {
        path.parent
        for path in (root / "casserole").glob("*/*.py")
        if "Blueprint(" in path.read_text(encoding="utf-8")
    }
    return sorted(p for package in packages for p in package.glob("*.py"))


def test_views_leave_queries_and_commits_to_the_services(project_root):
    modules = _blueprint_modules(project_root)
    assert {m.parent.name for m in modules} >= {"admin", "main", "rights", "pairings", "auth"}
    offenders = {
        str(m.relative_to(project_root)): uses
        for m in modules
        if (uses := _direct_database_use(m.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_view_rule_catches_a_commit_a_query_and_an_import():
    source = textwrap.dedent('''
        """A view that does the service's job."""
        from sqlalchemy import select
        from casserole.extensions import db

        def view():
            db.session.execute(select(1))
            db.session.commit()
    ''')
    assert _direct_database_use(source) == [
        "line 3: from sqlalchemy import ...",
        "line 7: session.execute",
        "line 8: session.commit",
    ]


def _inline_confirm_checks(source: str) -> list[int]:
    """Lines that check `ConfirmForm().validate_on_submit()` by hand instead of `confirmed_post`."""
    return sorted(
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute)
        and node.attr == "validate_on_submit"
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == "ConfirmForm"
    )


def test_confirmed_posts_go_through_the_one_decorator(project_root):
    offenders = {
        str(m.relative_to(project_root)): lines
        for m in _blueprint_modules(project_root)
        if (lines := _inline_confirm_checks(m.read_text(encoding="utf-8")))
    }
    assert offenders == {}
    by_hand = 'def view():\n    if not ConfirmForm().validate_on_submit():\n        abort(400)\n'
    assert _inline_confirm_checks(by_hand) == [2]
