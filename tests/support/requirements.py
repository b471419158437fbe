"""What this run may rely on, and the one way to give up on something that is missing.

Locally a test that needs something absent (Chromium, OR-Tools, PostgreSQL) is skipped with
the reason; in CI (`CASSEROLE_REQUIRE_ALL=1`) the same test fails, so nothing goes untested
silently. Every skip in the suite goes through `unavailable`.
"""

from __future__ import annotations

import importlib
import os
import shutil
from types import ModuleType
from typing import NoReturn

import pytest

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
# CI sets this: anything the suite cannot run (PostgreSQL down, no Chromium) is a failure there.
REQUIRE_ALL = os.environ.get("CASSEROLE_REQUIRE_ALL", "") == "1"
# CI's PostgreSQL pass sets this: PostgreSQL-only tests then fail instead of skipping. The
# SQLite pass of the same CI run skips them (with the reason) because the PostgreSQL pass
# runs them.
REQUIRE_POSTGRES = os.environ.get("CASSEROLE_REQUIRE_POSTGRES", "") == "1"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def unavailable(reason: str, *, required: bool | None = None) -> NoReturn:
    """Skip the test with `reason`, or fail it when this run must run everything.

    `required` defaults to CASSEROLE_REQUIRE_ALL; PostgreSQL-only tests pass REQUIRE_POSTGRES.
    """
    if REQUIRE_ALL if required is None else required:
        pytest.fail(f"required but unavailable: {reason}")
    pytest.skip(reason)


def require_module(name: str, purpose: str) -> ModuleType:
    """Import `name`; when it is not installed, the test is `unavailable` (fails in CI)."""
    try:
        return importlib.import_module(name)
    except ImportError as err:
        unavailable(f"{name} is needed {purpose} ({err}); install the dev extras")
