"""Reports rendered: Markdown, one-file HTML, PDF, BibTeX and RIS, from the plain Report that services/reports.py builds."""

from genelit.report.formats import TEXT_FORMATS, print_pdf, render

__all__ = ["TEXT_FORMATS", "print_pdf", "render"]
