"""Start, interrupt and stop the notebook kernels of a report run.

Kernels run this interpreter's ipykernel over IPC sockets, never a user's kernelspec; they may
be forked from a :class:`~policingstudy.run.forks.ForkServer`. nbclient drives them through
the asynchronous jupyter_client API.
"""

from __future__ import annotations

import functools
import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from policingstudy.run.forks import ForkServer, ForkServerError

log = logging.getLogger(__name__)


@functools.cache
def prompt_client_class() -> type:
    """An asynchronous kernel client whose ``wait_for_ready`` does not end with 0.2 s of waiting.

    jupyter_client's version ends by draining IOPub until it has been silent for 0.2 s, which
    adds that much idle time to every notebook run. This one checks readiness the same way
    (a ``kernel_info`` reply on the shell channel, then a message on IOPub to show it is
    connected) and drains only what has already arrived; a status message arriving later is
    ignored by nbclient, which reads only the replies to its own requests.
    """
    from queue import Empty

    from jupyter_client.asynchronous.client import AsyncKernelClient

    class PromptKernelClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass  # IOPub not connected yet: ask again
                    else:
                        self._handle_kernel_info_reply(reply)
                        break
                if not await self.is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")
            while True:
                try:
                    await self.iopub_channel.get_msg(timeout=0.01)
                except Empty:
                    break

    return PromptKernelClient


def kernel_manager_class(
    started: list[Any],
    ipc_dir: Path,
    forks: ForkServer | None = None,
    env: dict[str, str] | None = None,
) -> type:
    """A kernel manager that starts ipykernel in this interpreter, ignoring user kernelspecs.

    Kernels talk over IPC sockets in ``ipc_dir``; each manager is appended to ``started`` so
    that the notebook watchdog can stop a kernel that exceeds the notebook's time limit. With
    ``forks``, the kernel process is forked from the helper (see :mod:`policingstudy.run.forks`)
    and started the ordinary way if that fails. ``env`` is added to the kernel's environment.
    """
    from jupyter_client.kernelspec import KernelSpec
    from jupyter_client.manager import AsyncKernelManager

    # Asynchronous, as nbclient expects: with blocking channels, nbclient's check that the kernel
    # is still alive never ran while it waited for a reply, so a kernel that died (a crash,
    # os._exit, out of memory) stalled its notebook until the time limit.
    class ThisInterpreterKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", str(ipc_dir / "k"))
            super().__init__(**kwargs)
            self.client_factory = prompt_client_class()
            started.append(self)

        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            # jupyter_client's documented hook for launching the kernel process differently.
            provisioner = self.provisioner
            if forks is None or provisioner is None:
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            try:
                # Without these keywords an ordinary kernel inherits this process's environment
                # and working directory (papermill changes into the notebook's cwd).
                env = dict(kw.get("env") or os.environ)
                process = forks.spawn(kernel_cmd, env=env, cwd=str(kw.get("cwd") or os.getcwd()))
            except (ForkServerError, OSError) as exc:
                log.warning("starting the kernel the ordinary way: %s", exc)
                return await super()._async_launch_kernel(kernel_cmd, **kw)
            # The attributes LocalProvisioner.launch_kernel sets; its poll, signal and kill
            # methods then work on the forked process (a process group of its own).
            provisioner.process = process  # type: ignore[attr-defined]
            provisioner.pid = provisioner.pgid = process.pid  # type: ignore[attr-defined]
            provisioner.cwd = kw.get("cwd") or os.getcwd()  # type: ignore[attr-defined]
            self._reconcile_connection_info(provisioner.connection_info)
            return None

        @property
        def kernel_spec(self) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor}",
                language="python",
                resource_dir="",
                env=env or {},
            )

    return ThisInterpreterKernelManager


def interrupt(kernels: list[Any]) -> None:
    """Send SIGINT to running kernels: their cell fails and papermill returns promptly."""
    for km in list(kernels):
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGINT)


INTERRUPT_GRACE = 5.0  # seconds of repeated interrupts before kernels are killed


def stop_kernels(kernels: list[Any], futures: list[Any]) -> None:
    """Interrupt running kernels until their notebooks return; kill those that do not.

    A kernel still starting up may miss the first SIGINT, so it is repeated; after
    :data:`INTERRUPT_GRACE` seconds the remaining kernel processes are killed.
    """
    deadline = time.monotonic() + INTERRUPT_GRACE
    while time.monotonic() < deadline and not all(f.done() for f in futures):
        interrupt(kernels)
        time.sleep(0.25)
    for km in list(kernels):
        process = getattr(getattr(km, "provisioner", None), "process", None)
        if process is not None and process.poll() is None:
            process.kill()
