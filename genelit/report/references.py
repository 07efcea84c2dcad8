"""References of a report: numbered by first use, shown as [n], exported as BibTeX and RIS."""

from __future__ import annotations

import re

from genelit.agent.citations import citation_ids
from genelit.types import Evidence, Reference

PAPER_ID = re.compile(r"PMID:\d+")


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


def bibtex(references: list[Reference]) -> str:
    """The references as BibTeX @article entries, keyed pmidN."""
    entries = []
    for ref in references:
        paper = ref.paper
        fields = {"title": paper.title, "journal": paper.journal, "year": str(paper.year or ""),
                  "author": " and ".join(paper.authors), "doi": paper.doi or "", "pmid": paper.pmid, "url": paper.url}
        body = ",\n".join(f"  {key} = {{{_bib_escape(value)}}}" for key, value in fields.items() if value)
        entries.append(f"@article{{pmid{paper.pmid},\n{body}\n}}")
    return "\n\n".join(entries) + ("\n" if entries else "")


def ris(references: list[Reference]) -> str:
    """The references as RIS records (TY JOUR ... ER)."""
    records = []
    for ref in references:
        paper = ref.paper
        lines = ["TY  - JOUR", f"TI  - {paper.title}"]
        lines += [f"AU  - {author}" for author in paper.authors]
        lines += [f"JO  - {paper.journal}"] if paper.journal else []
        lines += [f"PY  - {paper.year}"] if paper.year else []
        lines += [f"DO  - {paper.doi}"] if paper.doi else []
        lines += [f"AN  - PMID:{paper.pmid}", f"UR  - {paper.url}", "ER  - "]
        records.append("\n".join(lines))
    return "\n".join(records) + ("\n" if records else "")
