"""Small file helpers: atomic writes, hashing and deterministic table output.

Every file the package writes goes through :func:`atomic_write`, so a reader never sees a
half-written file: content goes to a temporary file in the same folder, which is then renamed
over the target (``os.replace`` is atomic on POSIX and Windows).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pandas as pd

TMP_PREFIX = ".tmp-"


@contextlib.contextmanager
def atomic_write(path: Path, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` and move it over ``path`` on success.

    Parameters
    ----------
    path
        The final file.
    mode
        ``"w"`` for text or ``"wb"`` for bytes.
    encoding
        Text encoding (ignored in binary mode).

    Yields
    ------
    IO
        The open temporary file. On an exception it is deleted and ``path`` is untouched.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX + path.name + ".", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp creates 0600; use the usual mode
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (UTF-8, newlines kept as given)."""
    with atomic_write(path) as handle:
        handle.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_write(path, "wb", None) as handle:
        handle.write(data)


def write_json(path: Path, obj: Any) -> None:
    """Write ``obj`` as sorted, indented JSON (deterministic bytes) atomically."""
    write_text(path, json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write a frame as CSV atomically, without the index, with Unix line endings."""
    write_text(path, frame.to_csv(index=False, lineterminator="\n"))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Write a frame as Parquet atomically (no index, no pandas metadata timestamps)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata(None)
    with atomic_write(path, "wb", None) as handle:
        pq.write_table(table, handle, compression="zstd")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def remove_stale_temporaries(folder: Path) -> int:
    """Delete leftover ``.tmp-*`` files below ``folder`` (from a killed run); return how many."""
    if not folder.exists():
        return 0
    count = 0
    for tmp in folder.rglob(TMP_PREFIX + "*"):
        if tmp.is_file():
            tmp.unlink(missing_ok=True)
            count += 1
    return count
