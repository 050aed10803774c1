"""Write the validation data sets shipped with the tests (``tests/data``) from the offline mirror.

The files are the mirror's bytes, gzip-compressed deterministically (``mtime=0``, no file name in
the header, level 9), so they are not byte copies of mirror files and the same mirror always
gives the same ``.gz`` files. ``tests/data/fixtures.json`` records, for every file, the sha256 and
size of the uncompressed content (the mirror's pinned values), its origin and licence; the tests
expand the files into a temporary folder laid out as ``<source>/<file>`` and check those hashes
(:func:`tests.helpers.shipped_source`).

Only data whose licence allows redistribution are shipped (see ``tests/data/README.md``).

Usage (from the repository root)::

    python tests/data/make_fixtures.py --mirror /path/to/shared/mirror   # (re)write the files
    python tests/data/make_fixtures.py --check                           # verify what is shipped

``--mirror`` defaults to ``POLICINGSTUDY_MIRROR``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
INDEX = HERE / "fixtures.json"

CSDID_COMMIT = "ca91c1fef4974bde0d973d7f4195328414130c92"
COINR_COMMIT = "cb3cb5a495a58f6172ea0e74944d4b26bfc2ca18"
ASEM_ORIGIN = (
    f"https://github.com/bluefoxr/COINr/tree/{COINR_COMMIT}/data (ASEM example objects "
    "ASEM_iData, ASEM_iMeta and the Treated data of the built ASEM coin, converted from .rda "
    "to CSV with pyreadr for the project's mirror)"
)
ASEM_LICENCE = "MIT (COINr package, Becker et al. 2022)"


@dataclass(frozen=True)
class Fixture:
    """One shipped file: where it came from and what its uncompressed content must be."""

    source: str
    name: str
    sha256: str
    bytes: int
    licence: str
    origin: str
    commit: str

    @property
    def shipped(self) -> str:
        """Path of the compressed file relative to ``tests/data``."""
        return f"{self.source}/{self.name}.gz"


FIXTURES = (
    Fixture(
        source="mpdta",
        name="mpdta.csv",
        sha256="2283bea1221a152420f98dfa20f633c5d054ea51d881115c8cd702a97bcd3167",
        bytes=124891,
        licence="MIT (d2cml-ai/csdid repository LICENSE); data of Callaway and Sant'Anna (2021)",
        origin=(f"https://raw.githubusercontent.com/d2cml-ai/csdid/{CSDID_COMMIT}/data/mpdta.csv"),
        commit=CSDID_COMMIT,
    ),
    Fixture(
        source="coinr_asem",
        name="ASEM_iData.csv",
        sha256="6f5f6c9335e3c0d70bba2c5f64f800fb9d8c25803cd9a984c626c7186afe833c",
        bytes=26812,
        licence=ASEM_LICENCE,
        origin=ASEM_ORIGIN,
        commit=COINR_COMMIT,
    ),
    Fixture(
        source="coinr_asem",
        name="ASEM_iMeta.csv",
        sha256="51c67c62887bad6632d45793d05122c54ef8827c6cc9944e8f38409a7ef0b0a1",
        bytes=5819,
        licence=ASEM_LICENCE,
        origin=ASEM_ORIGIN,
        commit=COINR_COMMIT,
    ),
    Fixture(
        source="coinr_asem",
        name="ASEM_COIN_Treated.csv",
        sha256="859613ddad14a0a0190ed7a3884dd9de3400d56c1223c6623c2c48bcc3bdded8",
        bytes=32624,
        licence=ASEM_LICENCE,
        origin=ASEM_ORIGIN,
        commit=COINR_COMMIT,
    ),
)


def compress(data: bytes) -> bytes:
    """Gzip ``data`` deterministically (no time stamp, no file name)."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def index_text() -> str:
    """The content of ``fixtures.json``: sorted keys, two-space indent, trailing newline."""
    entries = [{**asdict(f), "shipped": f.shipped} for f in FIXTURES]
    return json.dumps({"version": 1, "files": entries}, indent=2, sort_keys=True) + "\n"


def _check_content(fixture: Fixture, data: bytes, where: str) -> None:
    digest = hashlib.sha256(data).hexdigest()
    if len(data) != fixture.bytes or digest != fixture.sha256:
        raise SystemExit(
            f"{where}: {len(data)} bytes, sha256 {digest}; expected {fixture.bytes} bytes, "
            f"sha256 {fixture.sha256} (the pinned {fixture.source}/{fixture.name})"
        )


def write(mirror: Path, target: Path = HERE) -> list[Path]:
    """Compress every fixture from ``mirror`` into ``target`` and write the index."""
    written = []
    for fixture in FIXTURES:
        original = mirror / fixture.source / fixture.name
        if not original.is_file():
            raise SystemExit(f"{original}: file not found; expected the mirror's copy")
        data = original.read_bytes()
        _check_content(fixture, data, str(original))
        path = target / fixture.shipped
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(compress(data))
        written.append(path)
    (target / INDEX.name).write_text(index_text(), encoding="utf-8")
    return written


def check(target: Path = HERE) -> list[str]:
    """Problems with the shipped files (empty when they expand to the pinned content)."""
    problems = []
    index = target / INDEX.name
    if not index.is_file() or index.read_text(encoding="utf-8") != index_text():
        problems.append(f"{index}: out of date; run this script with --mirror")
    for fixture in FIXTURES:
        path = target / fixture.shipped
        if not path.is_file():
            problems.append(f"{path}: missing")
            continue
        data = gzip.decompress(path.read_bytes())
        digest = hashlib.sha256(data).hexdigest()
        if digest != fixture.sha256:
            problems.append(f"{path}: expands to sha256 {digest}; expected {fixture.sha256}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Command line: write from the mirror, or check the shipped files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=os.environ.get("POLICINGSTUDY_MIRROR"))
    parser.add_argument("--check", action="store_true", help="verify only; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    if args.mirror is None:
        parser.error("give --mirror or set POLICINGSTUDY_MIRROR")
    for path in write(Path(args.mirror)):
        print(f"wrote {path.relative_to(HERE)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
