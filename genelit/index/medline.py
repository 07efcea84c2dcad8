"""Read PubMed citations from files: PubMed/MEDLINE XML (baseline, update, efetch) and MEDLINE text.

XML is parsed as a stream and every finished record is released at once, so a
30,000-citation baseline file costs the memory of one citation, not of the file.
Records come out as `Paper`, `Deletion` (from `<DeleteCitation>`) or `Malformed`
(skipped, with the reason) so that the caller decides what to count and what to apply.
"""

from __future__ import annotations

import gzip
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from genelit.errors import BadInputError, clip
from genelit.types import Paper


@dataclass(frozen=True)
class Deletion:
    """PMIDs that NLM withdrew; applying an update file means removing them."""

    pmids: tuple[str, ...]


@dataclass(frozen=True)
class Malformed:
    """A record that was skipped, and why."""

    reason: str
    where: str


Record = Paper | Deletion | Malformed

_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


class _CountingReader(io.RawIOBase):
    """Counts compressed bytes consumed, so progress can be a fraction of the file's size."""

    def __init__(self, raw: BinaryIO) -> None:
        self.raw = raw
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.bytes_read += n
        return n


def _text(elem: ET.Element | None) -> str:
    """All text under an element, inline markup (<i>, <sup>) flattened, whitespace collapsed."""
    if elem is None:
        return ""
    return " ".join("".join(elem.itertext()).split())


def _year(citation: ET.Element) -> int | None:
    pub_date = citation.find("Article/Journal/JournalIssue/PubDate")
    candidates = []
    if pub_date is not None:
        candidates += [pub_date.findtext("Year"), pub_date.findtext("MedlineDate")]
    candidates += [citation.findtext("Article/ArticleDate/Year"), citation.findtext("DateCompleted/Year")]
    for value in candidates:
        match = _YEAR.search(value or "")
        if match:
            return int(match.group(1))
    return None


def _abstract(article: ET.Element) -> str:
    parts = []
    for node in article.findall("Abstract/AbstractText"):
        text = _text(node)
        if not text:
            continue
        label = node.get("Label")
        parts.append(f"{label}: {text}" if label else text)
    return "\n".join(parts)


def _authors(article: ET.Element) -> list[str]:
    names = []
    for author in article.findall("AuthorList/Author"):
        collective = author.findtext("CollectiveName")
        if collective:
            names.append(collective.strip())
            continue
        last = (author.findtext("LastName") or "").strip()
        initials = (author.findtext("Initials") or author.findtext("ForeName") or "").strip()
        if last:
            names.append(f"{last} {initials}".strip())
    return names


def _doi(article: ET.Element, pubmed_data: ET.Element | None) -> str | None:
    for loc in article.findall("ELocationID"):
        if loc.get("EIdType") == "doi" and loc.text:
            return loc.text.strip()
    if pubmed_data is not None:
        for aid in pubmed_data.findall("ArticleIdList/ArticleId"):
            if aid.get("IdType") == "doi" and aid.text:
                return aid.text.strip()
    return None


def paper_from_citation(citation: ET.Element, pubmed_data: ET.Element | None, where: str) -> Paper | Malformed:
    """Turn one `<MedlineCitation>` (and its sibling `<PubmedData>`, if any) into a Paper."""
    pmid_node = citation.find("PMID")
    pmid = (pmid_node.text or "").strip() if pmid_node is not None else ""
    if not pmid.isdigit():
        return Malformed(f"PMID missing or not a number ({pmid!r})", where)
    article = citation.find("Article")
    if article is None:
        return Malformed(f"PMID {pmid} has no <Article>", where)
    version = pmid_node.get("Version", "1") if pmid_node is not None else "1"
    journal = _text(article.find("Journal/Title")) or (citation.findtext("MedlineJournalInfo/MedlineTA") or "")
    return Paper(
        pmid=pmid,
        version=int(version) if version.isdigit() else 1,
        title=_text(article.find("ArticleTitle")) or _text(article.find("VernacularTitle")),
        abstract=_abstract(article),
        journal=journal.strip(),
        year=_year(citation),
        authors=_authors(article),
        mesh=[_text(d) for d in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")],
        doi=_doi(article, pubmed_data),
        publication_types=[_text(p) for p in article.findall("PublicationTypeList/PublicationType")],
        volume=_text(article.find("Journal/JournalIssue/Volume")),
        issue=_text(article.find("Journal/JournalIssue/Issue")),
        pages=_text(article.find("Pagination/MedlinePgn")),
    )


def parse_xml_stream(stream: BinaryIO, name: str) -> Iterator[Record]:
    """Yield records from a PubmedArticleSet or MedlineCitationSet XML stream.

    Raises BadInputError when the XML itself breaks (a truncated or corrupt file);
    records before the break have already been yielded.
    """
    parser = ET.iterparse(stream, events=("start", "end"))
    root: ET.Element | None = None
    in_article = False
    try:
        for event, elem in parser:
            if root is None:
                root = elem
                if elem.tag not in ("PubmedArticleSet", "MedlineCitationSet", "PubmedBookArticleSet"):
                    raise BadInputError(
                        f"{name}: not a PubMed XML file (root element <{elem.tag}>)",
                        "expected <PubmedArticleSet> or <MedlineCitationSet>",
                    )
                continue
            if event == "start":
                if elem.tag == "PubmedArticle":
                    in_article = True
                continue
            if elem.tag == "PubmedArticle":
                in_article = False
                citation = elem.find("MedlineCitation")
                if citation is None:
                    yield Malformed("<PubmedArticle> without <MedlineCitation>", name)
                else:
                    yield paper_from_citation(citation, elem.find("PubmedData"), name)
                root.clear()
            elif elem.tag == "MedlineCitation" and not in_article:
                yield paper_from_citation(elem, None, name)
                root.clear()
            elif elem.tag == "DeleteCitation":
                pmids = tuple((p.text or "").strip() for p in elem.findall("PMID") if (p.text or "").strip())
                yield Deletion(pmids)
                root.clear()
            elif elem.tag == "PubmedBookArticle":
                yield Malformed("book chapter (PubmedBookArticle), not a journal citation", name)
                root.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(":")[0]
        if "entity" in reason or "amplification" in reason:
            raise BadInputError(f"{name}: entity declarations are refused ({reason}, line {line})",
                                "PubMed XML declares no entities; a file that does may read local files or exhaust memory") from None
        raise BadInputError(f"{name}: XML breaks at line {line}, column {column} ({reason})",
                            "the file is truncated, corrupt or not UTF-8; fetch it again") from None


def _paper_from_medline(record: dict, name: str) -> Paper | Malformed:
    pmid = str(record.get("PMID", "")).strip()
    if not pmid.isdigit():
        return Malformed(f"MEDLINE record without a numeric PMID ({clip(pmid, 60)!r})", name)
    doi = None
    for aid in list(record.get("AID", [])) + [record.get("LID", "")]:
        if aid.endswith("[doi]"):
            doi = aid.removesuffix("[doi]").strip()
            break
    year_match = _YEAR.search(record.get("DP", ""))
    return Paper(
        pmid=pmid,
        title=" ".join(record.get("TI", "").split()),
        abstract=" ".join(record.get("AB", "").split()),
        journal=record.get("JT") or record.get("TA", ""),
        year=int(year_match.group(1)) if year_match else None,
        authors=list(record.get("AU", [])),
        mesh=[m.lstrip("*").split("/")[0] for m in record.get("MH", [])],
        doi=doi,
        publication_types=list(record.get("PT", [])),
        volume=record.get("VI", ""),
        issue=record.get("IP", ""),
        pages=record.get("PG", ""),
    )


def parse_medline_text(stream: BinaryIO, name: str) -> Iterator[Record]:
    """Yield records from a MEDLINE text ('PMID- ...') file through Biopython's Bio.Medline."""
    from Bio import Medline

    text = io.TextIOWrapper(stream, encoding="utf-8")
    try:
        for record in Medline.parse(text):
            yield _paper_from_medline(record, name)
    except UnicodeDecodeError:
        # Decoding with replacement would index U+FFFD in place of every accented letter, silently.
        raise BadInputError(f"{name}: not UTF-8 text (a Latin-1 or Windows-1252 export, perhaps)",
                            f"convert it first, e.g. iconv -f latin1 -t utf-8 {name} > {name}.utf8.txt") from None


def _open_maybe_gzip(raw: BinaryIO) -> BinaryIO:
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def _parser_for(first: bytes, path: Path) -> Callable[[BinaryIO, str], Iterator[Record]]:
    """MEDLINE text or XML, from the first bytes; anything else is refused here, not at 'line 1, column 0'."""
    head = first.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PMID-"):
        return parse_medline_text
    if head.startswith(b"<"):
        return parse_xml_stream
    if not head:
        raise BadInputError(f"{path}: no content (empty once decompressed)", "expected PubMed XML (.xml, .xml.gz) or MEDLINE text")
    raise BadInputError(f"{path}: not PubMed XML or MEDLINE text (it starts with {head[:12]!r})",
                        "give a PubMed XML file (.xml, .xml.gz), efetch XML, or MEDLINE text starting 'PMID-'")


def read_records(path: Path, on_progress: Callable[[int, int], None] | None = None) -> Iterator[Record]:
    """Yield the records of a PubMed file of any supported kind, gzipped or not.

    `on_progress(done_bytes, total_bytes)` is called as the (compressed) file is consumed.
    """
    try:
        size = path.stat().st_size
        handle = open(path, "rb")
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror}", "check the path and its permissions") from None
    if size == 0:
        handle.close()
        raise BadInputError(f"{path}: empty file", "expected PubMed XML (.xml, .xml.gz) or MEDLINE text")
    counter = _CountingReader(handle)
    buffered = io.BufferedReader(counter, buffer_size=1 << 16)  # type: ignore[type-var]  # a RawIOBase in all but name
    try:
        stream = _open_maybe_gzip(buffered)
        try:
            first = stream.peek(64)[:64] if hasattr(stream, "peek") else b""
        except (OSError, EOFError) as exc:
            raise BadInputError(f"{path}: cannot decompress ({exc})", "the file is corrupt; fetch it again") from None
        parse = _parser_for(first, path)
        try:
            for record in parse(stream, path.name):
                yield record
                if on_progress is not None:
                    on_progress(counter.bytes_read, size)
        except (OSError, EOFError) as exc:
            raise BadInputError(f"{path}: the file breaks off after {counter.bytes_read:,} of {size:,} bytes ({exc})",
                                "it is truncated or corrupt; fetch it again") from None
    finally:
        handle.close()
    if on_progress is not None:
        on_progress(size, size)
