"""Start, interrupt and stop the notebook kernels of a report run.

Kernels run this interpreter's ipykernel over IPC sockets, never a user's kernelspec. They may
be forked from a :class:`~policingstudy.run.forks.ForkServer` through :class:`ForkProvisioner`,
a jupyter_client *kernel provisioner* (the documented extension point for launching kernels:
registered under the entry point group ``jupyter_client.kernel_provisioners`` as
``policingstudy-fork`` and named in the kernel spec we build). nbclient drives the kernels
through the asynchronous jupyter_client API.

Every kernel of a report run loads the IPython extension :mod:`policingstudy.run.kernel_setup`
and uses the inline matplotlib backend, whatever ``MPLBACKEND`` the user exported.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

from jupyter_client.connect import KernelConnectionInfo
from jupyter_client.provisioning import LocalProvisioner
from traitlets import Unicode

from policingstudy.run.forks import INLINE_BACKEND, ForkServerError, spawn

log = logging.getLogger(__name__)

PROVISIONER = "policingstudy-fork"
SETUP_EXTENSION = "policingstudy.run.kernel_setup"


class ForkProvisioner(LocalProvisioner):
    """Launch the kernel by forking the helper at :attr:`server`, else the ordinary way.

    Everything but the launch (signals, polling, kill, cleanup) is :class:`LocalProvisioner`'s,
    which jupyter_client documents as the class to subclass for local kernels.
    """

    server = Unicode("", config=True, help="socket of the fork helper; empty: ordinary start")

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> KernelConnectionInfo:
        """Fork the kernel from the helper; fall back to :class:`LocalProvisioner` on failure."""
        if not self.server:
            return await super().launch_kernel(cmd, **kwargs)
        env = dict(kwargs.get("env") or os.environ)
        cwd = str(kwargs.get("cwd") or os.getcwd())
        try:
            process = spawn(self.server, cmd, env=env, cwd=cwd)
        except (ForkServerError, OSError) as exc:
            log.warning("starting the kernel the ordinary way: %s", exc)
            return await super().launch_kernel(cmd, **kwargs)
        self.process = process  # type: ignore[assignment]  # Popen-like (see forks.ForkedKernel)
        self.pid = self.pgid = process.pid  # the forked kernel leads its own process group
        self.cwd = cwd
        return self.connection_info


def kernel_manager_class(
    started: list[Any],
    ipc_dir: Path,
    *,
    fork_server: str | None = None,
    env: dict[str, str] | None = None,
) -> type:
    """A kernel manager that starts ipykernel in this interpreter, ignoring user kernelspecs.

    Parameters
    ----------
    started
        Each manager appends itself here, so that the caller can interrupt or kill its kernel.
    ipc_dir
        Folder of the kernel's IPC sockets.
    fork_server
        Socket of a fork helper (:class:`~policingstudy.run.forks.ForkServer`), or None.
    env
        Added to the kernel's environment (after the inline backend setting).
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    spec_env = {"MPLBACKEND": INLINE_BACKEND, **(env or {})}
    metadata: dict[str, Any] = {}
    if fork_server:
        metadata["kernel_provisioner"] = {
            "provisioner_name": PROVISIONER,
            "config": {"server": fork_server},
        }

    class ThisInterpreterKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(ipc_dir / "k"))
            super().__init__(**kwargs)
            started.append(self)

        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(
                argv=[
                    sys.executable,
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    f"--IPKernelApp.extensions={SETUP_EXTENSION!r}",
                ],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor}",
                language="python",
                resource_dir="",
                env=spec_env,
                metadata=metadata,
            )

    return ThisInterpreterKernelManager


def _process(km: Any) -> Any:
    return getattr(getattr(km, "provisioner", None), "process", None)


def interrupt(kernels: list[Any]) -> None:
    """Send SIGINT to the running kernels in ``kernels``: their current cell fails."""
    for km in list(kernels):
        process = _process(km)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)


def kill(kernels: list[Any]) -> None:
    """Kill the kernel processes in ``kernels`` that still run."""
    for km in list(kernels):
        process = _process(km)
        if process is not None and process.poll() is None:
            process.kill()


INTERRUPT_EVERY = 0.5  # seconds between repeated interrupts
INTERRUPT_GRACE = 5.0  # seconds of repeated interrupts before the kernels are killed


def stop(
    kernels: list[Any], finished: threading.Event | list[Any], grace: float = INTERRUPT_GRACE
) -> None:
    """Interrupt ``kernels`` repeatedly until ``finished`` is set; kill them after ``grace`` s.

    A single SIGINT is ignored by ipykernel between cells (and by a kernel still starting), so
    it is repeated; a kernel that does not stop in time is killed.

    Parameters
    ----------
    kernels
        The kernels of one notebook run (or of every run, on Ctrl-C).
    finished
        Anything with ``is_set()`` (a :class:`threading.Event`) or a list of futures with
        ``done()``: when it reports done, stopping ends.
    grace
        Seconds before the remaining kernel processes are killed.
    """

    def done() -> bool:
        if isinstance(finished, threading.Event):
            return finished.is_set()
        return all(f.done() for f in finished)

    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and not done():
        interrupt(kernels)
        time.sleep(INTERRUPT_EVERY)
    if not done():
        kill(kernels)
