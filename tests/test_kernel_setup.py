"""The IPython extension every report kernel loads (policingstudy.run.kernel_setup)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from policingstudy.run import kernel_setup  # noqa: E402


def test_a_figure_drawn_but_not_displayed_is_reported_and_closed(monkeypatch) -> None:  # noqa: ANN001
    shown: list[dict] = []
    monkeypatch.setattr(
        "IPython.display.display", lambda data, raw=False: shown.append(data), raising=True
    )
    plt.subplots()
    kernel_setup._check_figures()
    assert plt.get_fignums() == []
    (output,) = shown
    message = output[kernel_setup.ERROR_MIMETYPE]["message"]
    assert message.startswith("1 figure(s) were drawn but not displayed (matplotlib backend")
    kernel_setup._check_figures()  # nothing open: nothing reported
    assert len(shown) == 1


SCRIPT = """
import os, sys
os.environ['MPLBACKEND'] = 'module://matplotlib_inline.backend_inline'
from IPython.core.interactiveshell import InteractiveShell
shell = InteractiveShell.instance()
shell.run_cell('import matplotlib.pyplot as plt; plt.plot([1, 2]);')
before = {k: list(v) for k, v in shell.events.callbacks.items()}
shell.run_cell('from policingstudy.report.style import use_style; use_style()')
same = before == {k: list(v) for k, v in shell.events.callbacks.items()}
from policingstudy.run import kernel_setup
kernel_setup.load_ipython_extension(shell)
checks = kernel_setup._check_figures in shell.events.callbacks['post_run_cell']
print('unchanged', same, 'registered', checks)
"""


def test_use_style_changes_no_hook_and_the_extension_registers_its_check(tmp_path: Path) -> None:
    script = tmp_path / "shell.py"
    script.write_text(SCRIPT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "unchanged True registered True" in out.stdout, out.stdout + out.stderr


@pytest.fixture(autouse=True)
def _close() -> None:
    yield
    plt.close("all")
