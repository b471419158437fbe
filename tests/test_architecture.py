"""Architecture contracts: matching stays pure, and casserole reaches it through one adapter."""

from __future__ import annotations

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
