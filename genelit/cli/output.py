"""Files the CLI writes: reports and their reference exports, annotations as GFF3 and protein FASTA.

Every target is checked before the work starts, written beside itself and renamed into place when complete
(genelit.files), so an interrupted or refused run leaves what was there before.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path

from rich.progress import Progress, TextColumn, TimeElapsedColumn

from genelit.cli.app import err
from genelit.cli.render import annotation, emit_json
from genelit.errors import BadInputError
from genelit.files import check_output, replacing, write_text
from genelit.gff import GFF3_HEADER, gff3_lines, protein_fasta
from genelit.report.formats import DOCUMENT_SUFFIXES, format_of, print_pdf
from genelit.report.formats import render as render_report
from genelit.report.pdf import pdf_engine
from genelit.types import Annotation, PageSize, Report


def save_annotations(items: Iterator[Annotation], gff3: Path | None, proteins: Path | None, as_json: bool) -> None:
    """Print, and write GFF3 and protein FASTA, one record at a time as they come: memory stays that of one record.
    Under --json the records still form one JSON list. The files are written beside their targets and renamed over
    them only when every record has been annotated, so a refused input leaves earlier results as they were."""
    targets = {kind: path for kind, path in (("gff3", gff3), ("faa", proteins)) if path is not None}
    for path in targets.values():
        check_output(path)
    count = 0
    progress = Progress(TextColumn("{task.description}"), TimeElapsedColumn(), console=err, transient=True, disable=as_json)
    with contextlib.ExitStack() as stack:
        handles = {kind: stack.enter_context(open(stack.enter_context(replacing(path)), "w", encoding="utf-8"))
                   for kind, path in targets.items()}
        if "gff3" in handles:
            handles["gff3"].write(GFF3_HEADER)
        with progress:
            task = progress.add_task("annotating…", total=None)
            if as_json:
                sys.stdout.write("[")
            for item in items:
                if as_json:
                    sys.stdout.write(("," if count else "") + "\n" + item.model_dump_json(indent=2))
                else:
                    annotation(item)
                if "gff3" in handles:
                    handles["gff3"].writelines(gff3_lines(item))
                if "faa" in handles:
                    handles["faa"].writelines(protein_fasta(item))
                count += 1
                progress.update(task, description=f"annotated {count} record(s); last {item.id} ({item.length:,} residues)")
            if as_json:
                sys.stdout.write("\n]\n")
    for path in targets.values():
        err.print(f"wrote {count} record(s) to {path}")


def check_report_paths(output: Path | None, bib: Path | None, ris: Path | None, browser: str) -> None:
    """Refuse, before any work is done, an output the report cannot be written as, a PDF with no engine to print
    it, or any of the files in a place that cannot be written."""
    if output is not None and output.suffix.lower() not in DOCUMENT_SUFFIXES:
        raise BadInputError(f"cannot write a report as {output.name!r}", "end the name in .html, .md or .pdf")
    if output is not None and format_of(output) == "pdf":
        pdf_engine(browser)
    for path in (output, bib, ris):
        if path is not None:
            check_output(path)


def save_report(report: Report, output: Path | None, bib: Path | None, ris: Path | None, as_json: bool, browser: str,
                page_size: PageSize = "A4") -> None:
    """Write the report where asked (by suffix), and the reference exports; say what was written on stderr."""
    kind = format_of(output) if output else "md"
    document = render_report(report, "html" if kind == "html" else "md")
    files = [(None if kind == "pdf" else output, document), (bib, render_report(report, "bib")), (ris, render_report(report, "ris"))]
    for path, text in files:
        if path is not None:
            write_text(path, text)
            err.print(f"wrote {path}")
    if output is not None and kind == "pdf":
        with replacing(output) as scratch:
            engine = print_pdf(report, scratch, browser, page_size)
        err.print(f"wrote {output} (printed by {engine})")
    if as_json:
        emit_json(report)
    elif output is None:
        sys.stdout.write(document)
    err.print(f"[dim]{len(report.sections)} sections, {len(report.references)} references, {len(report.figures)} figures · "
              f"{report.mode} mode · {report.seconds:.1f} s[/]")
