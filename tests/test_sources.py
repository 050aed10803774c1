"""External sources: the registry, fetching (mirror, network), verification, locate, manifest.

Fetching and verification run on a toy registry of small generated files, so they need neither
the mirror nor a network; the real registry is checked against the mirror's MANIFEST.csv when
the mirror is available.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import http.server
import io
import re
import socket
import threading
import urllib.error
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from policingstudy.cli import terminal_progress
from policingstudy.core.errors import ChecksumError, DataValidationError, SourceError
from policingstudy.core.paths import ProjectPaths
from policingstudy.data import sources
from tests.helpers import ROOT

COMMIT = "0123456789abcdef0123456789abcdef01234567"
BASE = f"https://raw.githubusercontent.com/owner/repo/{COMMIT}"
FILES = {
    "toy_a": {"a.csv": b"x,y\n1,2\n" * 200, "b.txt": b"hello\n" * 50},
    "toy_b": {"c.bin": bytes(range(256)) * 8},
}
MIRROR_ONLY = {"toy_b"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _registry() -> dict:
    entries = {}
    for sid, files in FILES.items():
        entries[sid] = {
            "title": f"Toy source {sid}",
            "licence": "CC0",
            "citation": f"Toy citation for {sid}",
            "description": "A small generated file for tests.",
            "upstream": "https://example.org/",
            "mirror_only": sid in MIRROR_ONLY,
            "files": [
                {
                    "name": name,
                    "url": None if sid in MIRROR_ONLY else f"{BASE}/{sid}/{name}",
                    "sha256": _sha(data),
                    "bytes": len(data),
                }
                for name, data in files.items()
            ],
        }
    return {"version": 1, "sources": entries}


@pytest.fixture
def project(tmp_path: Path) -> ProjectPaths:
    """An empty project whose registry lists the toy sources."""
    raw = tmp_path / "project" / "data" / "raw"
    raw.mkdir(parents=True)
    (raw / "external_sources.yaml").write_text(yaml.safe_dump(_registry()), encoding="utf-8")
    return ProjectPaths(tmp_path / "project")


@pytest.fixture
def toy_mirror(tmp_path: Path) -> Path:
    """A mirror folder holding every toy file, free to damage."""
    folder = tmp_path / "mirror"
    for sid, files in FILES.items():
        (folder / sid).mkdir(parents=True)
        for name, data in files.items():
            (folder / sid / name).write_bytes(data)
    return folder


def _leftovers(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


# -- the real registry ---------------------------------------------------------------------------


def test_registry_is_a_subset_of_the_mirror_manifest(mirror: Path) -> None:
    """Every registered file is in the mirror's MANIFEST.csv with the same sha256, size and URL.

    The mirror grows as issues need new sources: only inclusion is checked, never its size.
    """
    registry = sources.load_registry(ProjectPaths(ROOT))
    manifest = list(csv.DictReader((mirror / "MANIFEST.csv").open(encoding="utf-8")))
    pinned = {(row["short_name"], row["sha256"]): row for row in manifest}
    missing = []
    for source in registry.values():
        for item in source.files:
            row = pinned.get((source.id, item.sha256))
            if row is None:
                missing.append(f"{source.id}/{item.name}")
                continue
            assert item.bytes == int(row["bytes"]), (source.id, item.name)
            assert item.url == (row["raw_url"] or None), (source.id, item.name)
            assert (mirror / source.id / item.name).is_file(), (source.id, item.name)
    assert missing == []


def test_registry_urls_are_pinned_and_texts_present() -> None:
    registry = sources.load_registry(ProjectPaths(ROOT))
    commit_url = re.compile(r"^https://raw\.githubusercontent\.com/[^/]+/[^/]+/[0-9a-f]{40}/")
    for source in registry.values():
        assert len(source.citation) > 40, source.id
        assert len(source.description) > 60, source.id
        for item in source.files:
            assert source.mirror_only or commit_url.match(item.url or ""), item
    assert "CC BY-NC-SA 4.0" in registry["us_wapo_v2_shootings"].licence
    assert "Bundeskriminalamt" in registry["de_pks_laender_2019"].citation
    assert "Kaufmann" in registry["wgi_2024"].citation


def test_the_reports_need_only_sources_with_a_download_url() -> None:
    """A user with a network and no mirror can run every report."""
    from policingstudy.data.build import BUILD_SOURCES
    from policingstudy.run.plan import notebook_settings, notebooks

    registry = sources.load_registry(ProjectPaths(ROOT))
    needed = set(BUILD_SOURCES)
    for path in notebooks(ProjectPaths(ROOT)).values():
        declared = notebook_settings(path).sources
        assert set(declared) <= set(registry), path.name
        needed |= set(declared)
    without_url = sorted(
        f"{sid}/{f.name}" for sid in needed for f in registry[sid].files if f.url is None
    )
    assert without_url == []


def test_every_source_has_a_reader_or_is_a_boundary() -> None:
    from policingstudy.data import geo
    from policingstudy.data.readers import source_readers

    boundary_sources = {spec.source_id for spec in geo.SPECS.values()}
    covered = set(source_readers()) | boundary_sources | set(geo.ALTERNATIVE_LAYERS)
    test_only = {"coinr_asem"}  # the COINr example: test data, read by tests
    assert set(sources.known_ids(ProjectPaths(ROOT))) - test_only <= covered
    assert not set(source_readers()) & boundary_sources


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


def test_fetch_from_mirror_copies_and_verifies(project: ProjectPaths, toy_mirror: Path) -> None:
    events: list[sources.FetchProgress] = []
    report = sources.fetch(paths=project, mirror=toy_mirror, progress=events.append)
    assert report.copied == ["toy_a/a.csv", "toy_a/b.txt", "toy_b/c.bin"]
    for sid, files in FILES.items():
        for name, data in files.items():
            assert (project.external / sid / name).read_bytes() == data
    assert [e.stage for e in events if e.file == "b.txt"][-1] == "done"
    again = sources.fetch(paths=project, mirror=toy_mirror)
    assert again.present == report.copied and not again.copied


def test_unknown_id_lists_known_ids(project: ProjectPaths) -> None:
    with pytest.raises(
        SourceError, match=r"unknown source id\(s\) 'nope'; known ids: toy_a, toy_b"
    ):
        sources.fetch(["toy_a", "nope"], paths=project)


def test_missing_mirror_folder_names_the_file(project: ProjectPaths, tmp_path: Path) -> None:
    with pytest.raises(
        SourceError, match=r"mirror folder .*absent does not exist; cannot copy toy_a/a\.csv"
    ):
        sources.fetch(["toy_a"], paths=project, mirror=tmp_path / "absent")


def test_mirror_lacking_a_file_names_it(project: ProjectPaths, toy_mirror: Path) -> None:
    (toy_mirror / "toy_a" / "b.txt").unlink()
    with pytest.raises(SourceError, match=r"lacks toy_a/b\.txt; expected the file at "):
        sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)


def test_checksum_mismatch_names_hashes_and_keeps_nothing(
    project: ProjectPaths, toy_mirror: Path
) -> None:
    damaged = toy_mirror / "toy_a" / "a.csv"
    data = bytearray(damaged.read_bytes())
    data[0] ^= 1
    damaged.write_bytes(bytes(data))
    expected = _sha(FILES["toy_a"]["a.csv"])
    with pytest.raises(ChecksumError, match=rf"a\.csv from .* has sha256 \w+; expected {expected}"):
        sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
    assert not (project.external / "toy_a" / "a.csv").exists()


def test_truncated_mirror_file_is_named_and_not_kept(
    project: ProjectPaths, toy_mirror: Path
) -> None:
    short = toy_mirror / "toy_b" / "c.bin"
    short.write_bytes(short.read_bytes()[:100])
    with pytest.raises(ChecksumError, match=r"c\.bin: .* received 100 bytes; expected 2048"):
        sources.fetch(["toy_b"], paths=project, mirror=toy_mirror)
    assert _leftovers(project.external) == []


def test_corrupt_cached_file_is_replaced_and_reported(
    project: ProjectPaths, toy_mirror: Path
) -> None:
    sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
    cached = project.external / "toy_a" / "a.csv"
    cached.write_bytes(b"garbage")
    report = sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
    assert report.repaired == ["toy_a/a.csv"]
    assert "1 corrupt cached file(s) replaced" in report.summary()
    assert cached.read_bytes() == FILES["toy_a"]["a.csv"]


# -- fetch from the network (urllib replaced by a fake) -------------------------------------------


class _Response(io.BytesIO):
    def __enter__(self) -> _Response:
        return self

    def __exit__(self, *args: object) -> None:
        self.close()


def _fake_network(
    monkeypatch: pytest.MonkeyPatch, *, failures: int = 0, error: Exception | None = None
) -> list[str]:
    """Serve registry URLs from FILES; the first ``failures`` calls raise ``error``."""
    calls: list[str] = []

    def urlopen(request: object, timeout: float) -> _Response:
        url = request.full_url  # type: ignore[attr-defined]
        calls.append(url)
        if sum(1 for c in calls if "://" in c) <= failures:
            raise error or urllib.error.URLError("remote end closed connection")
        sid, name = url.rsplit("/", 2)[-2:]
        return _Response(FILES[sid][name])

    monkeypatch.setattr(sources.urllib.request, "urlopen", urlopen)
    monkeypatch.setattr(sources, "_sleep", lambda seconds: calls.append(f"sleep {seconds}"))
    return calls


def test_transient_failures_are_retried_with_backoff(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = _fake_network(monkeypatch, failures=2)
    report = sources.fetch(["toy_a"], paths=project, retries=3)
    assert report.downloaded == ["toy_a/a.csv", "toy_a/b.txt"]
    assert [c for c in calls if c.startswith("sleep")] == ["sleep 1.0", "sleep 2.0"]
    assert (project.external / "toy_a" / "b.txt").read_bytes() == FILES["toy_a"]["b.txt"]


def test_no_network_fails_at_the_first_file_with_the_mirror_hint(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    dns = urllib.error.URLError(socket.gaierror(-3, "Temporary failure in name resolution"))
    calls = _fake_network(monkeypatch, failures=10**6, error=dns)
    with pytest.raises(SourceError) as info:
        sources.fetch(paths=project, retries=3)
    text = str(info.value)
    assert "3 external file(s) could not be fetched" in text
    assert "no network (the first download failed: " in text
    assert "Temporary failure in name resolution" in text
    assert "the rest were not tried" in text
    assert "no download URL (mirror only): 1 file(s)" in text
    assert "    - toy_b/c.bin" in text
    assert "POLICINGSTUDY_MIRROR=/path/to/mirror policingstudy fetch" in text
    assert [c for c in calls if "://" in c] == [f"{BASE}/toy_a/a.csv"]  # one try, no retries
    assert not [c for c in calls if c.startswith("sleep")]
    assert _leftovers(project.external) == []


def test_downloaded_file_with_wrong_hash_is_refused(
    project: ProjectPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    def urlopen(request: object, timeout: float) -> _Response:
        return _Response(b"x" * len(FILES["toy_a"]["a.csv"]))

    monkeypatch.setattr(sources.urllib.request, "urlopen", urlopen)
    with pytest.raises(ChecksumError, match=r"a\.csv from https://.* has sha256 "):
        sources.fetch(["toy_a"], paths=project)
    assert _leftovers(project.external) == []


def test_http_404_is_not_retried(project: ProjectPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    def urlopen(request: object, timeout: float) -> None:
        raise urllib.error.HTTPError(request.full_url, 404, "Not Found", {}, None)  # type: ignore[attr-defined,arg-type]

    monkeypatch.setattr(sources.urllib.request, "urlopen", urlopen)
    with pytest.raises(SourceError, match=r"a\.csv: HTTP 404 Not Found"):
        sources.fetch(["toy_a"], paths=project)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def local_server(toy_mirror: Path) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving the toy files at their URL paths."""
    root = toy_mirror.parent / "www"
    for sid, files in FILES.items():
        folder = root / "owner" / "repo" / COMMIT / sid
        folder.mkdir(parents=True)
        for name, data in files.items():
            (folder / name).write_bytes(data)
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_download_through_a_url_rewrite_from_a_local_server(
    project: ProjectPaths, local_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sources.REWRITE_ENV, f"https://raw.githubusercontent.com={local_server}")
    report = sources.fetch(["toy_a"], paths=project)
    assert report.downloaded == ["toy_a/a.csv", "toy_a/b.txt"]
    assert (project.external / "toy_a" / "a.csv").read_bytes() == FILES["toy_a"]["a.csv"]


def test_malformed_url_rewrite_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(sources.REWRITE_ENV, "https://x")
    with pytest.raises(SourceError, match=r"POLICINGSTUDY_URL_REWRITE: entry 'https://x'"):
        sources.rewrite_url("https://x/y")


# -- verification before a run, locate, manifest --------------------------------------------------


def test_verify_available_names_corrupt_files_and_deletes_nothing(
    project: ProjectPaths, toy_mirror: Path
) -> None:
    sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
    cached = project.external / "toy_a" / "a.csv"
    cached.write_bytes(cached.read_bytes()[:20])
    with pytest.raises(SourceError) as info:
        sources.verify_available(["toy_a"], paths=project)
    text = str(info.value)
    assert "1 external file(s) missing or corrupt (nothing was changed)" in text
    assert f"{cached}: 20 bytes; expected 1600 (truncated or corrupt)" in text
    assert "run `policingstudy fetch` (without --offline)" in text
    assert cached.exists()  # kept, reported


def test_verify_available_uses_the_mirror_for_a_corrupt_cache(
    project: ProjectPaths, toy_mirror: Path
) -> None:
    sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
    (project.external / "toy_a" / "a.csv").write_bytes(b"bad")
    used = sources.verify_available(["toy_a", "toy_b"], paths=project, mirror=toy_mirror)
    assert [(u.source_id, u.name, u.origin) for u in used] == [
        ("toy_a", "a.csv", "mirror"),
        ("toy_a", "b.txt", "mirror"),
        ("toy_b", "c.bin", "mirror"),
    ]
    assert used[0].sha256 == _sha(FILES["toy_a"]["a.csv"])
    assert (project.external / "toy_a" / "a.csv").read_bytes() == b"bad"  # not touched


def test_locate_prefers_cache_then_mirror(project: ProjectPaths, toy_mirror: Path) -> None:
    assert sources.locate("toy_a", paths=project, mirror=toy_mirror) == toy_mirror / "toy_a"
    sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
    assert sources.locate("toy_a", paths=project, mirror=toy_mirror) == project.external / "toy_a"
    with pytest.raises(SourceError, match=r"'toy_b' is not available: .*toy_b/c\.bin: missing"):
        sources.locate("toy_b", paths=project)


def test_locate_never_modifies_a_corrupt_file(project: ProjectPaths, toy_mirror: Path) -> None:
    damaged = toy_mirror / "toy_b" / "c.bin"
    damaged.write_bytes(damaged.read_bytes()[:-1] + b"!")
    with pytest.raises(SourceError, match=r"c\.bin: sha256 \w+; expected "):
        sources.locate("toy_b", paths=project, mirror=toy_mirror)
    assert damaged.read_bytes().endswith(b"!")


def test_locate_refuses_a_source_the_notebook_does_not_declare(
    project: ProjectPaths, toy_mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(sources.SOURCES_ENV, "toy_b")
    assert sources.locate("toy_b", paths=project, mirror=toy_mirror) == toy_mirror / "toy_b"
    with pytest.raises(SourceError, match=r"reads source 'toy_a' but does not declare it"):
        sources.locate("toy_a", paths=project, mirror=toy_mirror)


def test_fetched_manifest_for_the_appendix(project: ProjectPaths, toy_mirror: Path) -> None:
    sources.fetch(["toy_a"], paths=project, mirror=toy_mirror)
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
    assert len(table) == 3
    fetched = table.loc[table["id"] == "toy_a"]
    assert fetched["present"].all()
    assert (fetched["fetched"].dt.date == datetime.now(UTC).date()).all()
    assert table.loc[table["id"] == "toy_b", "fetched"].isna().all()


def test_terminal_progress_prints_one_line_per_file(
    project: ProjectPaths, toy_mirror: Path
) -> None:
    out = io.StringIO()
    sources.fetch(["toy_a"], paths=project, mirror=toy_mirror, progress=terminal_progress(out))
    assert out.getvalue().splitlines() == ["[1/2] toy_a/a.csv: ok", "[2/2] toy_a/b.txt: ok"]
