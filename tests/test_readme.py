"""The README's promises: its matcher example runs, and its quick start names real targets."""

from __future__ import annotations

import re
import subprocess
import sys


def test_matcher_example_in_readme_runs(project_root):
    readme = (project_root / "README.md").read_text()
    section = readme.split("## The matcher", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("cook 1 -> diner 10:")
    assert any(line.startswith("cook 2 -> diner 11:") for line in lines)
    assert any(line.startswith("diner 12: no_shared_day") for line in lines)


def test_quick_start_commands_exist_in_the_makefile(project_root):
    readme = (project_root / "README.md").read_text()
    makefile = (project_root / "Makefile").read_text()
    for target in re.findall(r"^make (\w[\w-]*)", readme, re.M):
        assert re.search(rf"^{target}:", makefile, re.M), target
    ci = (project_root / ".ci" / "run").read_text()
    assert "make test" in ci
