"""Shared fixtures: the project root, external data, shipped validation data, a matplotlib backend.

External data
-------------
Most tests need no external file: readers' error paths run on small synthetic inputs written to
``tmp_path``, and the validation data sets (mpdta, COINr's ASEM example) ship under
``tests/data`` (:func:`tests.helpers.shipped_source`). The checks that pin values of the real
files are grouped into one ``test_real_files_*`` test per reader family, marked ``mirror``; they
ask the session fixture ``external`` for the sources they read. It looks, in this order, in

1. the offline mirror named by ``POLICINGSTUDY_MIRROR``,
2. the verified download cache ``data/raw/external`` (``policingstudy fetch``),
3. the network: the missing sources are downloaded into ``data/raw/external`` with
   :func:`policingstudy.data.sources.fetch` (set ``POLICINGSTUDY_TEST_DOWNLOAD=0`` to forbid);
   after the first failure to reach the network no further download is tried,

and skips the test with a reason naming the sources and how to get them when all three fail.
The terminal summary lists the families that were skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import matplotlib
import pandas as pd
import pytest

from tests.helpers import ROOT, shipped_source

matplotlib.use("Agg")

DOWNLOAD_ENV = "POLICINGSTUDY_TEST_DOWNLOAD"
HOW_TO_GET = (
    "to run it, set POLICINGSTUDY_MIRROR=/path/to/shared/mirror or run `policingstudy fetch` "
    "with network access"
)
Locate = Callable[[str], Path]


@dataclass
class ExternalData:
    """Resolve the external sources a test needs, or skip it with a reason (see module doc)."""

    root: Path
    mirror: Path | None
    download: bool
    offline_reason: str | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def paths(self):  # noqa: ANN201
        from policingstudy.core.paths import ProjectPaths

        return ProjectPaths(self.root)

    def _problem(self, ids: list[str]) -> str | None:
        """None when every file of ``ids`` verifies in the cache or the mirror."""
        from policingstudy.core.errors import SourceError
        from policingstudy.data import sources

        try:
            sources.verify_available(ids, paths=self.paths, mirror=self.mirror)
        except SourceError as exc:
            return str(exc).splitlines()[0]
        return None

    def _download(self, ids: list[str]) -> str | None:
        """Fetch ``ids`` into the cache; None on success, else why not (a few words)."""
        from policingstudy.core.errors import ChecksumError, SourceError
        from policingstudy.data import sources

        if not self.download:
            return f"downloads disabled ({DOWNLOAD_ENV}=0)"
        if self.offline_reason is not None:
            return self.offline_reason
        try:
            sources.fetch(ids, paths=self.paths, retries=1, timeout=30.0)
        except (SourceError, ChecksumError, OSError) as exc:
            text = str(exc)
            if "no network" in text:
                self.offline_reason = "no network to download them"
                return self.offline_reason
            return f"download failed: {text.splitlines()[0]}"
        return None

    def require(self, *ids: str, family: str) -> Locate:
        """Return ``locate(source_id) -> folder`` for ``ids``, or skip the calling test.

        Parameters
        ----------
        ids
            Registry ids the test reads.
        family
            What the test checks (named in the skip reason and the session summary).
        """
        from policingstudy.data import sources

        wanted = sorted(set(ids))
        problem = self._problem(wanted)
        if problem is not None:
            problem = self._download(wanted) or self._problem(wanted)
        if problem is not None:
            names = ", ".join(wanted) if len(wanted) <= 3 else f"{wanted[0]} ... {wanted[-1]}"
            mirror = "POLICINGSTUDY_MIRROR unset" if self.mirror is None else "not in the mirror"
            reason = (
                f"{family}: needs {len(wanted)} external source(s) ({names}): {mirror}, not "
                f"cached in data/raw/external, {problem}; {HOW_TO_GET}"
            )
            self.skipped[family] = reason
            _skip_at_test(reason)
        paths, mirror_folder = self.paths, self.mirror
        return lambda sid: sources.locate(sid, paths=paths, mirror=mirror_folder)

    def folder(self, ids: Iterable[str] | None, *, family: str) -> Path:
        """One folder laid out ``<id>/<file>`` holding every file of ``ids`` (None: all)."""
        from policingstudy.data import sources

        wanted = list(ids) if ids is not None else sources.known_ids(self.paths)
        locate = self.require(*wanted, family=family)
        folders = {locate(sid).parent for sid in wanted}
        if len(folders) != 1:  # some sources cached, others only in the mirror
            _skip_at_test(f"{family}: sources split between the cache and the mirror; {HOW_TO_GET}")
        return folders.pop()


def _skip_at_test(reason: str) -> None:
    """Skip, reported at the test's location (as a skip marker is), not at this file's."""
    try:
        raise pytest.skip.Exception(reason, _use_item_location=True)
    except TypeError:  # a pytest without the keyword
        pytest.skip(reason)


def _env_mirror() -> Path | None:
    value = os.environ.get("POLICINGSTUDY_MIRROR")
    return Path(value).resolve() if value and Path(value).is_dir() else None


_EXTERNAL = ExternalData(
    root=ROOT, mirror=_env_mirror(), download=os.environ.get(DOWNLOAD_ENV, "1") != "0"
)


@pytest.fixture(scope="session")
def external() -> ExternalData:
    """Resolve external sources for the real-data tests (see the module docstring)."""
    return _EXTERNAL


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # noqa: ANN001, ARG001
    """List the real-data families that were skipped for lack of external files."""
    if _EXTERNAL.skipped:
        terminalreporter.section("external data")
        terminalreporter.write_line(
            f"{len(_EXTERNAL.skipped)} real-data famil(ies) skipped, their external files not "
            f"available; {HOW_TO_GET}:"
        )
        for family in sorted(_EXTERNAL.skipped):
            terminalreporter.write_line(f"  - {family}")


@pytest.fixture(scope="session")
def project_root() -> Path:
    """The repository this test suite belongs to."""
    return ROOT


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The offline mirror itself (``POLICINGSTUDY_MIRROR``, with its MANIFEST.csv), or skip.

    Only tests of the mirror (its manifest) need it; tests of real files use ``external``.
    """
    if _EXTERNAL.mirror is not None:
        return _EXTERNAL.mirror
    pytest.skip(
        "needs the offline mirror itself (its MANIFEST.csv): set POLICINGSTUDY_MIRROR to a copy "
        "of shared/mirror (see README, 'External data')"
    )


@pytest.fixture(scope="session")
def external_dir() -> Path:
    """A folder laid out as ``<source_id>/<file>`` with every registered source, or skip.

    The mirror when ``POLICINGSTUDY_MIRROR`` is set, else the cache ``data/raw/external`` once it
    verifies completely (downloading what is missing when the network allows).
    """
    return _EXTERNAL.folder(None, family="every external source (registry)")


@pytest.fixture(scope="session")
def mpdta_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of source ``mpdta`` expanded from ``tests/data`` (the pinned bytes)."""
    return shipped_source("mpdta", tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="session")
def asem_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """COINr's ASEM example expanded from ``tests/data`` (ASEM_iData, iMeta, Treated CSVs)."""
    return shipped_source("coinr_asem", tmp_path_factory.mktemp("shipped"))


@pytest.fixture(scope="session")
def mpdta_raw(mpdta_folder: Path) -> pd.DataFrame:
    """mpdta as published (column ``first.treat``), read with pandas only."""
    return pd.read_csv(mpdta_folder / "mpdta.csv")


@pytest.fixture(scope="session")
def dataset_tables() -> dict:
    """The shipped dataset's processed tables without the external survey (nothing written).

    The UChicago survey's agencies (external source ``us_oversight_agencies``) are left out, as
    ``policingstudy validate`` does. The join of the real survey is checked by
    ``test_real_files_us``; the join itself, on a synthetic survey, in test_dataset_shipped.py.
    """
    from policingstudy.core.paths import ProjectPaths
    from policingstudy.data.build import validate_all

    return validate_all(ProjectPaths(ROOT), survey=False)


@pytest.fixture
def values():
    """Toy units x indicators (0-3) shared by the uncertainty and scenario tests:
    two Kazakh, two English and two German units on four indicators."""
    return pd.DataFrame(
        {
            "i1": [0.0, 1, 3, 2, 1, 3],
            "i2": [1.0, 0, 3, 3, 0, 1],
            "i3": [1.0, 1, 2, 3, 3, 3],
            "i4": [0.0, 2, 2, 1, 3, 3],
        },
        index=["kz1", "kz2", "uk1", "uk2", "de1", "de2"],
    )
