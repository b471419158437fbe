"""Browser-test helpers: Chromium's flags, the artifacts folder and axe-core accessibility scans."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


# WCAG 2.x A and AA rules; "serious" and "critical" findings fail the test.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
    "resultTypes": ["violations"],
}
BLOCKING_IMPACTS = {"serious", "critical"}


AXE_TIMEOUT_MS = 30_000


def axe_violations(pg: Any) -> list[str]:
    """Run axe-core (shipped in axe-playwright-python) on the page; describe blocking findings.

    Playwright's evaluate has no timeout of its own, so the run races a timer: a stuck scan
    fails the test instead of hanging the suite.
    """
    from axe_playwright_python.sync_playwright import Axe

    pg.evaluate(Axe().axe_script)  # type: ignore[attr-defined]
    response = pg.evaluate(  # type: ignore[attr-defined]
        """([options, ms]) => Promise.race([
            axe.run(document, options),
            new Promise((_, reject) => setTimeout(
                () => reject(new Error(`axe-core did not finish in ${ms} ms`)), ms)),
        ])""",
        [AXE_OPTIONS, AXE_TIMEOUT_MS],
    )
    found = []
    for violation in response.get("violations", []):
        if violation.get("impact") in BLOCKING_IMPACTS:
            targets = [" ".join(map(str, node.get("target", []))) for node in violation["nodes"]]
            found.append(
                f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets[:3]}"
            )
    return found


def assert_accessible(pg: Any) -> None:
    """Fail with axe-core's findings if the current page has serious or critical violations."""
    found = axe_violations(pg)
    assert not found, f"axe-core on {pg.url}:\n" + "\n".join(found)  # type: ignore[attr-defined]


def fill_date(pg: Any, legend: str, value: Any) -> None:
    """Type a date (or nothing, for None) into the day, month and year boxes under `legend`."""
    group = pg.get_by_role("group", name=legend, exact=True)  # type: ignore[attr-defined]
    parts = (value.day, value.month, value.year) if value is not None else ("", "", "")
    for label, text in zip(("Day", "Month", "Year"), parts, strict=True):
        group.get_by_label(label, exact=True).fill(str(text))
