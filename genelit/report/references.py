"""References of a report: numbered by first use, shown as [n], exported as BibTeX and RIS."""

from __future__ import annotations

import re

from genelit.text.citations import citation_ids
from genelit.types import Evidence, Reference

PAPER_ID = re.compile(r"PMID:\d+")
INITIALS = re.compile(r"[A-Z]{1,4}(?:-[A-Z]{1,2})?")


def number_references(texts: list[str], papers: dict[str, Evidence]) -> list[Reference]:
    """One reference per cited paper, numbered in the order the texts first cite them."""
    order: list[str] = []
    for text in texts:
        for cid in citation_ids(text):
            if PAPER_ID.fullmatch(cid) and cid in papers and cid not in order:
                order.append(cid)
    return [Reference(number=n, id=cid, paper=papers[cid].paper) for n, cid in enumerate(order, start=1)]


def _bib_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}").replace("&", "\\&").replace("%", "\\%")


def surname_first(author: str) -> str:
    """PubMed's 'Wang JY' as 'Wang, JY', the order BibTeX and RIS read unambiguously.

    Without the comma BibTeX takes the last word as the surname ("JY"). A name that does not end in
    initials is a consortium ("BRCA Challenge"): it comes back unchanged, to be kept whole.
    """
    last, _, initials = author.rpartition(" ")
    if last and INITIALS.fullmatch(initials):
        return f"{last}, {initials}"
    return author


def page_range(pages: str) -> tuple[str, str]:
    """PubMed's '1234-42' as ('1234', '1242'): the end page is written with the start's leading digits left off."""
    start, _, end = pages.partition("-")
    start, end = start.strip(), end.strip()
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        end = start[: len(start) - len(end)] + end
    return start, end


def _bib_author(author: str) -> str:
    named = surname_first(author)
    return named if named != author else "{" + _bib_escape(author) + "}"


def bibtex(references: list[Reference]) -> str:
    """The references as BibTeX @article entries, keyed pmidN."""
    entries = []
    for ref in references:
        paper = ref.paper
        start, end = page_range(paper.pages)
        fields = {"title": paper.title, "journal": paper.journal, "year": str(paper.year or ""),
                  "volume": paper.volume, "number": paper.issue, "pages": f"{start}--{end}" if end else start,
                  "doi": paper.doi or "", "pmid": paper.pmid, "url": paper.url}
        body = ",\n".join(f"  {key} = {{{_bib_escape(value)}}}" for key, value in fields.items() if value)
        if paper.authors:  # escaped name by name: a consortium's braces must survive
            body = f"  author = {{{' and '.join(_bib_author(a) for a in paper.authors)}}},\n" + body
        entries.append(f"@article{{pmid{paper.pmid},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


def ris(references: list[Reference]) -> str:
    """The references as RIS records (TY JOUR ... ER)."""
    records = []
    for ref in references:
        paper = ref.paper
        lines = ["TY  - JOUR", f"TI  - {paper.title}"]
        lines += [f"AU  - {surname_first(author)}" for author in paper.authors]
        lines += [f"JO  - {paper.journal}"] if paper.journal else []
        lines += [f"PY  - {paper.year}"] if paper.year else []
        start, end = page_range(paper.pages)
        lines += [f"{tag}  - {value}" for tag, value in (("VL", paper.volume), ("IS", paper.issue), ("SP", start),
                                                         ("EP", end)) if value]
        lines += [f"DO  - {paper.doi}"] if paper.doi else []
        lines += [f"AN  - PMID:{paper.pmid}", f"UR  - {paper.url}", "ER  - "]
        records.append("\n".join(lines))
    return "\n".join(records) + ("\n" if records else "")
