"""The package type-checks: ``mypy`` with the project's configuration (pyproject, ``[tool.mypy]``).

Slow (about a minute without a cache); skipped where the dev tools are not installed.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import ROOT

pytestmark = pytest.mark.slow


def test_mypy_is_clean_on_the_package():
    pytest.importorskip("mypy")
    # Run from the project root so that pyproject's ``files`` and overrides apply.
    done = subprocess.run(
        [sys.executable, "-m", "mypy"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"mypy found errors:\n{done.stdout}{done.stderr}"
    assert "Success: no issues found" in done.stdout
