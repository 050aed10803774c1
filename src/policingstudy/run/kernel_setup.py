"""IPython extension loaded by every report kernel (``--IPKernelApp.extensions``).

It runs only inside report kernels, never in the caller's process:

- after each cell, a figure that was drawn but not displayed (still open once the inline
  backend has shown and closed the cell's figures) is reported as an error the runner turns
  into a failed run naming the cell; the figure is closed;
- pyplot's interactive-mode redraw after each cell is dropped: the inline backend renders each
  figure to PNG itself, so that redraw was thrown away (it doubled every figure's cost).
"""

from __future__ import annotations

import sys
from typing import Any

ERROR_MIMETYPE = "application/vnd.policingstudy.error+json"


def _check_figures(result: Any = None) -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return
    open_figures = pyplot.get_fignums()
    if not open_figures:
        return
    from IPython.display import display

    backend = pyplot.get_backend()
    message = (
        f"{len(open_figures)} figure(s) were drawn but not displayed (matplotlib backend "
        f"{backend!r}); a report must show every figure it draws"
    )
    pyplot.close("all")
    display({ERROR_MIMETYPE: {"message": message}, "text/plain": message}, raw=True)


def load_ipython_extension(shell: Any) -> None:
    """Register the per-cell figure check and drop pyplot's redundant redraw."""
    import matplotlib
    import matplotlib.pyplot as plt

    shell.events.register("post_run_cell", _check_figures)
    if "inline" in matplotlib.get_backend():
        plt.switch_backend(matplotlib.get_backend())  # registers pyplot's hook now, not later
        hook = getattr(plt, "_draw_all_if_interactive", None)
        if hook is not None and hook in shell.events.callbacks["post_execute"]:
            shell.events.unregister("post_execute", hook)
