"""Start notebook kernels by forking a process that has already imported the heavy libraries.

A cold ``policingstudy report`` runs 21 notebook kernels. Each plain kernel spends 2-4 s
importing ipykernel, pandas, matplotlib, scipy, geopandas and this package before the first
cell does any work. A :class:`ForkServer` pays that once: a helper process imports
:data:`PRELOAD` and then, for each kernel, forks a child that runs ``ipykernel`` exactly as
``python -m ipykernel_launcher -f <connection file>`` would. Each notebook still gets its own
fresh kernel process (own globals, own matplotlib state); only the already-imported modules are
shared, copy-on-write.

Linux only (forking after imports is not safe on macOS or possible on Windows); set
``POLICINGSTUDY_FORK_KERNELS=0`` to start every kernel the ordinary way. Any failure of the
helper makes :meth:`ForkServer.spawn` raise :class:`ForkServerError`, and the runner then starts
that kernel the ordinary way.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

ENV_SWITCH = "POLICINGSTUDY_FORK_KERNELS"
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# Imported once by the helper. Nothing here may start threads or open files at import time, and
# the inline backend itself must not be imported: it hooks into the kernel's IPython shell
# when imported, which exists only in the child. moderndid, statsmodels and linearmodels are
# left out because they import polars, which starts threads that do not survive a fork.
PRELOAD = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.debugger",
    "IPython.display",
    "numpy",
    "pandas",
    "pyarrow.parquet",
    "matplotlib.pyplot",
    "scipy.stats",
    "geopandas",
    "pandera.pandas",
)
NOT_BEFORE_FORK = ("matplotlib_inline.backend_inline", "polars")
READY_TIMEOUT = 120.0


class ForkServerError(RuntimeError):
    """The fork helper could not start a kernel; the caller starts it the ordinary way."""


def fork_kernels_supported() -> bool:
    """Return True on Linux unless ``POLICINGSTUDY_FORK_KERNELS=0``."""
    return sys.platform.startswith("linux") and os.environ.get(ENV_SWITCH, "1") != "0"


class ForkedKernel:
    """The parts of :class:`subprocess.Popen` that jupyter_client uses, for a forked kernel.

    The kernel is a child of the helper, not of this process, so its exit status is not
    available; :attr:`returncode` is 0 once the process is gone. The helper reaps its children.
    """

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        """Return None while the kernel runs, else its (unknown, so 0) exit code."""
        if self.returncode is None and not _alive(self.pid):
            self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """Wait until the kernel has exited."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(f"kernel {self.pid}", timeout or 0.0)
            time.sleep(0.02)
        return 0

    def send_signal(self, signum: int) -> None:
        """Send ``signum`` to the kernel (ignored if it has already exited)."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        """Send SIGTERM."""
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """Send SIGKILL."""
        self.send_signal(signal.SIGKILL)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs; a zombie (exited, not yet reaped) counts as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


class ForkServer:
    """A helper process that forks notebook kernels after importing :data:`PRELOAD`.

    Use :meth:`start` and close it (or use it as a context manager); :meth:`spawn` may be called
    from several threads at once.
    """

    def __init__(self, process: subprocess.Popen[bytes], folder: Path) -> None:
        self._process = process
        self._folder = folder
        self.address = str(folder / "server.sock")

    @classmethod
    def start(cls, preload: Sequence[str] = ()) -> ForkServer:
        """Start the helper; it imports in the background and accepts requests when ready.

        Parameters
        ----------
        preload
            Modules to import in addition to :data:`PRELOAD`, e.g. the ``policingstudy``
            modules the notebooks import (:func:`policingstudy.run.runner.notebook_modules`).
        """
        folder = Path(tempfile.mkdtemp(prefix="policingstudy-forks-"))
        env = {
            **os.environ,
            "MPLBACKEND": INLINE_BACKEND,  # kernels draw inline whatever the user exported
            "POLICINGSTUDY_FORK_PRELOAD": ",".join(preload),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # as jupyter_client sets for kernels
        }
        with open(folder / "server.log", "wb") as log:
            process = subprocess.Popen(
                [sys.executable, "-c", "from policingstudy.run.forks import serve; serve()"],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**env, "POLICINGSTUDY_FORK_SOCKET": str(folder / "server.sock")},
            )
        return cls(process, folder)

    @property
    def pid(self) -> int:
        """Process id of the helper (the parent of every kernel it forks)."""
        return self._process.pid

    def __enter__(self) -> ForkServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def spawn(self, argv: list[str], *, env: dict[str, str], cwd: str) -> ForkedKernel:
        """Fork a kernel running ``argv`` in ``cwd`` (see :func:`spawn`).

        Raises
        ------
        ForkServerError
            As :func:`spawn`, with the helper's last log line when it has stopped.
        """
        if self._process.poll() is not None:
            raise ForkServerError(f"the fork helper has stopped ({self._log_tail()})")
        return spawn(self.address, argv, env=env, cwd=cwd)

    def _log_tail(self) -> str:
        log = self._folder / "server.log"
        text = log.read_text(errors="replace") if log.exists() else ""
        return text.strip().splitlines()[-1] if text.strip() else "no output"

    def close(self) -> None:
        """Stop the helper (kernels already forked are not affected) and remove its files."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        if self._process.stdin:
            self._process.stdin.close()
        shutil.rmtree(self._folder, ignore_errors=True)


def _connect(address: str) -> socket.socket:
    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(address)
            return conn
        except (FileNotFoundError, ConnectionRefusedError):
            conn.close()
        if not Path(address).parent.is_dir():
            raise ForkServerError(f"the fork helper at {address} is gone")
        if time.monotonic() > deadline:
            raise ForkServerError(f"the fork helper was not ready after {READY_TIMEOUT} s")
        time.sleep(0.02)


def spawn(address: str, argv: list[str], *, env: dict[str, str], cwd: str) -> ForkedKernel:
    """Ask the fork helper listening at ``address`` to fork a kernel running ``argv``.

    Parameters
    ----------
    address
        The helper's socket (:attr:`ForkServer.address`).
    argv
        An ``ipykernel_launcher`` command of this interpreter.
    env, cwd
        The kernel's environment and working directory.

    Raises
    ------
    ForkServerError
        If ``argv`` is not an ipykernel command of this interpreter, or the helper is gone, did
        not become ready within ``READY_TIMEOUT`` s, or refused the request.
    """
    if argv[:3] != [sys.executable, "-m", "ipykernel_launcher"]:
        raise ForkServerError(f"not an ipykernel command of this interpreter: {argv[:3]}")
    request = json.dumps({"argv": argv[3:], "env": env, "cwd": cwd}).encode() + b"\n"
    with _connect(address) as conn:
        conn.sendall(request)
        reply = conn.makefile("rb").readline()
    try:
        answer = json.loads(reply)
    except ValueError as exc:
        raise ForkServerError("the fork helper gave no answer") from exc
    if "pid" not in answer:
        raise ForkServerError(f"the fork helper refused: {answer.get('error')}")
    return ForkedKernel(int(answer["pid"]))


def serve() -> None:
    """Main loop of the helper process (started by :meth:`ForkServer.start`)."""
    address = os.environ.pop("POLICINGSTUDY_FORK_SOCKET")
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the runner's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # kernels are reaped automatically
    extra = os.environ.pop("POLICINGSTUDY_FORK_PRELOAD", "")
    for name in (*PRELOAD, *filter(None, extra.split(","))):
        try:
            importlib.import_module(name)
        except Exception as exc:  # an optimisation only: the kernel imports it itself
            print(f"preload {name}: {type(exc).__name__}: {exc}", flush=True)
    early = [name for name in NOT_BEFORE_FORK if name in sys.modules]
    if early:
        print(f"imported before fork, refusing to serve: {early}", flush=True)
        return
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address + ".tmp")
    listener.listen(16)
    os.replace(address + ".tmp", address)  # clients connect only once everything is imported
    while True:
        ready, _, _ = select.select([listener, sys.stdin], [], [])
        if sys.stdin in ready:  # the runner closed the pipe or has died
            return
        conn, _ = listener.accept()
        with conn:
            try:
                request = json.loads(conn.makefile("rb").readline())
                pid = os.fork()
            except Exception as exc:
                conn.sendall(json.dumps({"error": repr(exc)}).encode() + b"\n")
                continue
            if pid == 0:
                _run_kernel(request, (listener, conn))
            conn.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _run_kernel(request: dict[str, Any], sockets: tuple[socket.socket, ...]) -> None:
    """In the forked child: become ``python -m ipykernel_launcher ARGV`` and never return."""
    code = 1
    try:
        for sock in sockets:
            sock.close()
        os.setsid()  # its own process group, as jupyter_client gives ordinary kernels
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        if sys.path and sys.path[0] == "":
            del sys.path[0]  # as ipykernel_launcher does; IPython adds it back
        sys.argv = ["ipykernel_launcher", *request["argv"]]
        from ipykernel import kernelapp

        kernelapp.launch_new_instance()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0
    except BaseException:
        traceback.print_exc()
    with contextlib.suppress(BaseException):
        sys.stdout.flush()
        sys.stderr.flush()
    # Leave through the interpreter's normal exit (the helper's loop is not resumed: SystemExit
    # unwinds this child's stack), so atexit handlers such as ipykernel's clean-ups run.
    raise SystemExit(code)
