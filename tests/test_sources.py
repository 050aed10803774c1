"""The source registry, fetching (mirror and network), verification, locate and the manifest."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import shutil
import urllib.error
from datetime import UTC, datetime
from pathlib import Path

import pytest

from policingstudy.core.errors import ChecksumError, DataValidationError, SourceError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources

SMALL = ["mpdta", "coinr_asem"]  # four files, about 190 kB


@pytest.fixture
def project(project_root: Path, tmp_path: Path) -> ProjectPaths:
    """An empty project in tmp_path with the repository's registry."""
    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copy(project_root / "data" / "raw" / "external_sources.yaml", tmp_path / "data" / "raw")
    return ProjectPaths(tmp_path)


@pytest.fixture
def small_mirror(external_dir: Path, tmp_path: Path) -> Path:
    """A temporary copy of two sources of the mirror (or cache), free to damage."""
    target = tmp_path / "mirror"
    for sid in SMALL:
        shutil.copytree(external_dir / sid, target / sid)
    return target


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# -- registry -------------------------------------------------------------------------------------


def test_registry_matches_mirror_manifest(project: ProjectPaths, mirror: Path) -> None:
    registry = sources.load_registry(project)
    manifest = list(csv.DictReader((mirror / "MANIFEST.csv").open(encoding="utf-8")))
    # the mirror holds more than the registry uses; every registered file must be in it
    assert len(registry) == 63
    assert set(registry) <= {row["short_name"] for row in manifest}
    pinned = {(row["short_name"], row["sha256"]): row for row in manifest}
    files = [(s.id, f) for s in registry.values() for f in s.files]
    assert len(files) == 103
    for sid, item in files:
        row = pinned[(sid, item.sha256)]
        assert item.bytes == int(row["bytes"])
        assert item.url == (row["raw_url"] or None)


def test_registry_urls_are_pinned_and_texts_present(project: ProjectPaths) -> None:
    registry = sources.load_registry(project)
    commit_url = re.compile(r"^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/")
    for source in registry.values():
        assert len(source.citation) > 40, source.id
        assert len(source.description) > 60, source.id
        for item in source.files:
            assert source.mirror_only or commit_url.match(item.url or ""), item
    assert registry["coinr_asem"].mirror_only
    assert {f.name for f in registry["coinr_asem"].files} == {
        "ASEM_iData.csv",
        "ASEM_iMeta.csv",
        "ASEM_COIN_Treated.csv",
    }
    assert "CC BY-NC-SA 4.0" in registry["us_wapo_v2_shootings"].licence
    assert "Bundeskriminalamt" in registry["de_pks_laender_2019"].citation
    assert "Kaufmann" in registry["wgi_2024"].citation


def test_registry_problems_are_listed(project: ProjectPaths) -> None:
    sources.registry_path(project).write_text(
        "sources:\n  broken:\n    title: x\n    files:\n"
        "      - {name: a.csv, url: 'http://x/a.csv', sha256: abc, bytes: 0}\n",
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as info:
        sources.load_registry(project)
    text = str(info.value)
    assert "field 'licence' missing or empty" in text
    assert "sha256 'abc'; expected 64 lower-case hex digits" in text
    assert "bytes 0; expected a positive integer" in text
    assert "expected an https URL" in text


# -- fetch from a mirror --------------------------------------------------------------------------


def test_fetch_from_mirror_copies_and_verifies(project: ProjectPaths, small_mirror: Path) -> None:
    events: list[sources.FetchProgress] = []
    report = sources.fetch(SMALL, paths=project, mirror=small_mirror, progress=events.append)
    assert sorted(report.copied) == sorted(
        f"{sid}/{p.name}" for sid in SMALL for p in (small_mirror / sid).iterdir()
    )
    assert report.bytes_transferred == 124891 + 28345 + 26812 + 5819 + 32624
    for sid in SMALL:
        for original in (small_mirror / sid).iterdir():
            assert _sha(project.external / sid / original.name) == _sha(original)
    done = [e for e in events if e.stage == "done"]
    assert len(done) == 5
    assert done[-1].file_index == done[-1].file_count == 5
    again = sources.fetch(SMALL, paths=project, mirror=small_mirror)
    assert len(again.present) == 5
    assert again.copied == []
    assert again.bytes_transferred == 0
    assert "5 already present" in again.summary()


def test_unknown_id_lists_known_ids(project: ProjectPaths) -> None:
    with pytest.raises(SourceError, match=r"unknown source id\(s\) 'nope'; known ids: .*mpdta"):
        sources.fetch(["mpdta", "nope"], paths=project)


def test_missing_mirror_folder_names_the_file(project: ProjectPaths, tmp_path: Path) -> None:
    with pytest.raises(
        SourceError,
        match=r"mirror folder .*absent does not exist; cannot copy "
        r"mpdta/mpdta\.csv",
    ):
        sources.fetch(["mpdta"], paths=project, mirror=tmp_path / "absent")


def test_mirror_lacking_a_file_names_it(project: ProjectPaths, small_mirror: Path) -> None:
    (small_mirror / "mpdta" / "mpdta.rda").unlink()
    with pytest.raises(SourceError, match=r"lacks mpdta/mpdta\.rda; expected the file at"):
        sources.fetch(["mpdta"], paths=project, mirror=small_mirror)


def test_checksum_mismatch_names_hashes_and_keeps_nothing(
    project: ProjectPaths, small_mirror: Path
) -> None:
    damaged = small_mirror / "mpdta" / "mpdta.csv"
    data = bytearray(damaged.read_bytes())
    data[100] ^= 0x01  # same size, one bit different
    damaged.write_bytes(bytes(data))
    expected = sources.load_registry(project)["mpdta"].files[0].sha256
    actual = hashlib.sha256(bytes(data)).hexdigest()
    with pytest.raises(
        ChecksumError,
        match=rf"mpdta\.csv from .* has sha256 {actual}; expected {expected}; "
        r"the file was deleted",
    ):
        sources.fetch(["mpdta"], paths=project, mirror=small_mirror)
    assert _leftovers(project.external) == []


def test_truncated_mirror_file_is_named_and_not_kept(
    project: ProjectPaths, small_mirror: Path
) -> None:
    short = small_mirror / "coinr_asem" / "ASEM_iMeta.csv"
    short.write_bytes(short.read_bytes()[:1000])
    with pytest.raises(
        ChecksumError,
        match=r"ASEM_iMeta\.csv: .* received 1000 bytes; expected "
        r"5819 \(corrupt mirror copy\)",
    ):
        sources.fetch(["coinr_asem"], paths=project, mirror=small_mirror)
    assert not (project.external / "coinr_asem" / "ASEM_iMeta.csv").exists()
    assert not any(p.name.startswith(".tmp-") for p in _leftovers(project.external))


def test_corrupt_cached_file_is_replaced(project: ProjectPaths, small_mirror: Path) -> None:
    sources.fetch(["mpdta"], paths=project, mirror=small_mirror)
    cached = project.external / "mpdta" / "mpdta.csv"
    cached.write_bytes(b"not the data")
    report = sources.fetch(["mpdta"], paths=project, mirror=small_mirror)
    assert report.repaired == ["mpdta/mpdta.csv"]
    assert report.copied == ["mpdta/mpdta.csv"]
    assert report.present == ["mpdta/mpdta.rda"]
    assert _sha(cached) == _sha(small_mirror / "mpdta" / "mpdta.csv")


# -- fetch from the network (urllib replaced by a fake) -------------------------------------------


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


def _fake_network(
    monkeypatch: pytest.MonkeyPatch, mirror: Path, failures: int = 0, body: bytes | None = None
) -> list[str]:
    """Serve registry URLs from the mirror; the first ``failures`` calls raise URLError."""
    calls: list[str] = []
    by_url = {}
    for sid in SMALL:
        for path in (mirror / sid).iterdir():
            by_url[path.name] = path

    def urlopen(request: object, timeout: float) -> _Response:
        url = request.full_url  # type: ignore[attr-defined]
        calls.append(url)
        if sum(1 for c in calls if c.startswith("https://")) <= failures:
            raise urllib.error.URLError("Temporary failure in name resolution")
        name = url.rsplit("/", 1)[-1]
        return _Response(body if body is not None else by_url[name].read_bytes())

    monkeypatch.setattr(sources.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(sources, "_sleep", lambda seconds: calls.append(f"sleep {seconds}"))
    return calls


def test_download_retries_with_backoff(
    project: ProjectPaths, external_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _fake_network(monkeypatch, external_dir, failures=2)
    report = sources.fetch(["mpdta"], paths=project, retries=3)
    assert report.downloaded == ["mpdta/mpdta.csv", "mpdta/mpdta.rda"]
    assert [c for c in calls if c.startswith("sleep")] == ["sleep 1.0", "sleep 2.0"]
    assert sum(1 for c in calls if c.startswith("https://")) == 4  # 3 for the csv, 1 for the rda
    downloaded = project.external / "mpdta" / "mpdta.csv"
    assert _sha(downloaded) == _sha(external_dir / "mpdta" / "mpdta.csv")


def test_no_network_no_mirror_lists_missing_and_how(
    project: ProjectPaths, external_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _fake_network(monkeypatch, external_dir, failures=10**6)
    with pytest.raises(SourceError) as info:
        sources.fetch(SMALL, paths=project, retries=2)
    text = str(info.value)
    assert "5 external file(s) could not be fetched (no network and no mirror)" in text
    assert "mpdta/mpdta.csv (https://raw.githubusercontent.com/" in text
    assert "coinr_asem/ASEM_iData.csv (no download URL: mirror only)" in text
    assert "POLICINGSTUDY_MIRROR=/path/to/mirror policingstudy fetch" in text
    assert sum(1 for c in calls if c.startswith("https://")) == 4  # 2 files x 2 attempts
    assert _leftovers(project.external) == []


def test_downloaded_file_with_wrong_hash_is_refused(
    project: ProjectPaths, external_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_network(monkeypatch, external_dir, body=b"x" * 124891)
    with pytest.raises(ChecksumError, match=r"mpdta\.csv from https://.* has sha256 "):
        sources.fetch(["mpdta"], paths=project)
    assert _leftovers(project.external) == []


def test_http_404_is_not_retried(project: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    def urlopen(request: object, timeout: float) -> None:
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)  # type: ignore[attr-defined,arg-type]

    monkeypatch.setattr(sources.urllib.request, "urlopen", urlopen)
    with pytest.raises(SourceError, match=r"mpdta\.csv: HTTP 404 Not Found"):
        sources.fetch(["mpdta"], paths=project)


# -- locate, manifest, progress -------------------------------------------------------------------


def test_locate_prefers_cache_then_mirror(project: ProjectPaths, small_mirror: Path) -> None:
    assert sources.locate("mpdta", paths=project, mirror=small_mirror) == small_mirror / "mpdta"
    sources.fetch(["mpdta"], paths=project, mirror=small_mirror)
    assert sources.locate("mpdta", paths=project, mirror=small_mirror) == project.external / "mpdta"
    with pytest.raises(SourceError, match=r"'coinr_asem' is not available: .* no mirror"):
        sources.locate("coinr_asem", paths=project)


def test_locate_refuses_corrupt_mirror_without_touching_it(
    project: ProjectPaths, small_mirror: Path
) -> None:
    damaged = small_mirror / "coinr_asem" / "ASEM_iData.csv"
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    with pytest.raises(ChecksumError, match=r"ASEM_iData\.csv has sha256 .*; expected 6f5f6c93"):
        sources.locate("coinr_asem", paths=project, mirror=small_mirror)
    assert damaged.exists()


def test_fetched_manifest_for_the_appendix(project: ProjectPaths, small_mirror: Path) -> None:
    sources.fetch(["mpdta"], paths=project, mirror=small_mirror)
    table = sources.fetched_manifest(project)
    assert list(table.columns) == [
        "id",
        "file",
        "sha256",
        "bytes",
        "licence",
        "citation",
        "present",
        "fetched",
    ]
    assert len(table) == 103
    mpdta = table.loc[table["id"] == "mpdta"]
    assert mpdta["present"].all()
    assert (mpdta["fetched"].dt.date == datetime.now(UTC).date()).all()
    assert table.loc[table["id"] != "mpdta", "fetched"].isna().all()
    wapo = table.loc[table["id"] == "us_wapo_v2_shootings", "licence"].iloc[0]
    assert "CC BY-NC-SA 4.0" in wapo


def test_terminal_progress_prints_one_line_per_file(
    project: ProjectPaths, small_mirror: Path
) -> None:
    out = io.StringIO()
    sources.fetch(
        ["mpdta"], paths=project, mirror=small_mirror, progress=sources.terminal_progress(out)
    )
    assert out.getvalue().splitlines() == [
        "[1/2] mpdta/mpdta.csv: ok",
        "[2/2] mpdta/mpdta.rda: ok",
    ]


def test_full_fetch_from_mirror(project: ProjectPaths, mirror: Path) -> None:
    report = sources.fetch(paths=project, mirror=mirror)
    assert len(report.copied) == 103
    assert report.bytes_transferred == 43_348_783  # sum of the registry's bytes
    assert sources.fetched_manifest(project)["present"].all()


def test_every_source_has_a_reader_or_is_a_boundary(project: ProjectPaths) -> None:
    from policingstudy.data import geo
    from policingstudy.data.readers import source_readers

    boundary_sources = {spec.source_id for spec in geo.SPECS.values()}
    covered = set(source_readers()) | boundary_sources | set(geo.ALTERNATIVE_LAYERS)
    assert set(sources.known_ids(project)) == covered
    assert not set(source_readers()) & boundary_sources
