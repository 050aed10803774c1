"""The test suite's own external-data resolution (tests/conftest.py), on made-up sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from policingstudy.core.errors import SourceError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from tests.conftest import ExternalData
from tests.helpers import synthetic_sources


@pytest.fixture
def made_up(tmp_path: Path) -> tuple[Path, Path]:
    return synthetic_sources(tmp_path)


def test_mirror_first(made_up: tuple[Path, Path]) -> None:
    project, mirror = made_up
    external = ExternalData(root=project, mirror=mirror, download=False)
    locate = external.require("alpha", "beta", family="made-up")
    assert locate("alpha") == mirror / "alpha"
    assert external.skipped == {}


def test_verified_cache_without_mirror(made_up: tuple[Path, Path]) -> None:
    project, mirror = made_up
    sources.fetch(["alpha"], paths=ProjectPaths(project), mirror=mirror)
    external = ExternalData(root=project, mirror=None, download=False)
    assert (
        external.require("alpha", family="made-up")("alpha") == project / "data/raw/external/alpha"
    )
    # a corrupt cached file no longer counts
    (project / "data/raw/external/alpha/a.csv").write_bytes(b"year,value\n2020,9\n2021,2\n")
    with pytest.raises(
        pytest.skip.Exception, match=r"made-up: needs 1 external source\(s\) \(alpha\)"
    ):
        external.require("alpha", family="made-up")


def test_skip_names_the_sources_and_how_to_get_them(made_up: tuple[Path, Path]) -> None:
    project, _ = made_up
    external = ExternalData(root=project, mirror=None, download=False)
    with pytest.raises(pytest.skip.Exception) as info:
        external.require("beta", "alpha", family="made-up family")
    reason = str(info.value)
    assert reason.startswith("made-up family: needs 2 external source(s) (alpha, beta)")
    assert "POLICINGSTUDY_MIRROR unset" in reason
    assert "downloads disabled (POLICINGSTUDY_TEST_DOWNLOAD=0)" in reason
    assert "set POLICINGSTUDY_MIRROR=" in reason and "policingstudy fetch" in reason
    assert external.skipped == {"made-up family": reason}


def test_unreachable_network_is_tried_once(
    made_up: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, _ = made_up
    attempts: list[list[str]] = []

    def no_network(ids: list[str], **kwargs: object) -> None:
        attempts.append(ids)
        raise SourceError("1 external file(s) could not be fetched:\n  no network (...)")

    monkeypatch.setattr(sources, "fetch", no_network)
    external = ExternalData(root=project, mirror=None, download=True)
    for _ in range(2):
        with pytest.raises(pytest.skip.Exception, match=r"no network to download them"):
            external.require("alpha", family="made-up")
    assert attempts == [["alpha"]]  # the second test does not wait for the network again


def test_download_fills_the_cache(
    made_up: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    project, mirror = made_up
    real_fetch = sources.fetch

    def from_mirror(ids: list[str], **kwargs: object) -> object:  # a "network" serving the files
        return real_fetch(ids, paths=ProjectPaths(project), mirror=mirror)

    monkeypatch.setattr(sources, "fetch", from_mirror)
    external = ExternalData(root=project, mirror=None, download=True)
    locate = external.require("alpha", family="made-up")
    assert locate("alpha") == project / "data/raw/external/alpha"
    assert (project / "data/raw/external/alpha/b.txt").read_bytes() == b"alpha notes\n"
