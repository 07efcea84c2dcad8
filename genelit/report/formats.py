"""The formats a report is written in: one table that the CLI (by file suffix) and the server (by download name) share.

A Report is plain data; everything that turns it into a document lives here and in the renderers it names.
PDF is the one format printed rather than rendered: `write_pdf` prints the HTML rendering.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from genelit.report.pdf import write_pdf
from genelit.report.references import bibtex, ris
from genelit.report.render import html, markdown
from genelit.types import PageSize, Report


@dataclass(frozen=True)
class ReportFormat:
    """One way to write a report: its download name, the file suffixes that ask for it, its media type, its renderer."""

    name: str
    suffixes: tuple[str, ...]
    media_type: str
    render: Callable[[Report], str]


def _bibtex(report: Report) -> str:
    return bibtex(report.references)


def _ris(report: Report) -> str:
    return ris(report.references)


TEXT_FORMATS = {f.name: f for f in (
    ReportFormat("html", (".html", ".htm"), "text/html", html),
    ReportFormat("md", (".md", ".markdown"), "text/markdown", markdown),
    ReportFormat("bib", (".bib",), "application/x-bibtex", _bibtex),
    ReportFormat("ris", (".ris",), "application/x-research-info-systems", _ris),
)}
DOCUMENT_SUFFIXES = (".html", ".htm", ".md", ".markdown", ".pdf")  # what `report -o` writes; .bib/.ris have their options


def format_of(path: Path) -> str | None:
    """The format a file name asks for ('pdf' included), or None."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return "pdf"
    return next((f.name for f in TEXT_FORMATS.values() if suffix in f.suffixes), None)


def render(report: Report, name: str) -> str:
    """The report as text in format `name` (html, md, bib or ris)."""
    return TEXT_FORMATS[name].render(report)


def print_pdf(report: Report, path: Path, browser: str = "", page_size: PageSize = "A4") -> str:
    """Print the HTML rendering to `path` with headless Chromium or WeasyPrint; return which one printed it."""
    return write_pdf(html(report), path, browser, page_size)
