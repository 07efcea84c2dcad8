"""A report as Markdown or as one self-contained HTML file (images inline, readable on a phone, clean in print).

In the text, paper citations become reference numbers, [PMID:123] -> [1], linked in HTML; model
outputs stay [M1] and are listed under "Model evidence".
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Callable

from genelit.types import Figure, Report

_GROUP = re.compile(r"\[((?:PMID:\d+|M\d+)(?:\s*[,;]\s*(?:PMID:\d+|M\d+))*)\]")

CSS = """
body{font:16px/1.55 system-ui,-apple-system,'Segoe UI',sans-serif;color:#1b1b1b;max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd}
.meta{color:#555;font-size:.9rem}a{color:#1f4e79}img{max-width:100%;height:auto}
figure{margin:1.5rem 0}figcaption{color:#555;font-size:.9rem}
table{border-collapse:collapse;font-size:.9rem;display:block;overflow-x:auto}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
.unsupported{color:#a33}ol.refs li{margin-bottom:.4rem}
@media print{body{max-width:none;font-size:11pt}a{color:inherit;text-decoration:none}figure,table{break-inside:avoid}h1,h2{break-after:avoid}}
"""


def _numbered(text: str, numbers: dict[str, int], link: Callable[[str, int | None], str]) -> str:
    def replace(match: re.Match[str]) -> str:
        ids = [part.strip() for part in re.split(r"[,;]", match.group(1))]
        return "[" + ", ".join(link(cid, numbers.get(cid)) for cid in ids) + "]"

    return _GROUP.sub(replace, text)


def _reference_line(report: Report, number: int) -> tuple[str, str, str]:
    paper = report.references[number - 1].paper
    authors = ", ".join(paper.authors[:3]) + (" et al" if len(paper.authors) > 3 else "")
    return authors, f"{paper.title} {paper.journal} ({paper.year or 'n.d.'})", paper.url


def markdown(report: Report) -> str:
    numbers = {r.id: r.number for r in report.references}

    def link(cid: str, number: int | None) -> str:
        return str(number) if number is not None else cid

    out = [f"# {report.title}", "", f"_Written {report.created} · {report.mode} mode · settings {report.settings_hash}_", ""]
    for section in report.sections:
        out += [f"## {section.title}", "", _numbered(section.text, numbers, link), ""]
        out += [f"> note: {note}" for note in section.notes] + ([""] if section.notes else [])
    if report.figures:
        out += ["## Figures", ""]
        for figure in report.figures:
            out += _markdown_figure(figure)
    out += ["## References", ""]
    for ref in report.references:
        authors, citation, url = _reference_line(report, ref.number)
        out.append(f"{ref.number}. {authors + '. ' if authors else ''}{citation}. [{ref.id}]({url})")
    if report.model_outputs:
        out += ["", "## Model evidence", ""]
        out += [f"- [{m.id}] {m.model} (weights {m.weights_hash}) on {m.input}: {m.summary}" for m in report.model_outputs]
    out += [""] + [f"> note: {note}" for note in report.notes]
    return "\n".join(out).rstrip() + "\n"


def _markdown_figure(figure: Figure) -> list[str]:
    lines = [f"### {figure.title}", ""]
    if figure.png_base64:
        lines += [f"![{figure.title}](data:image/png;base64,{figure.png_base64})", ""]
    if figure.table:
        header, *rows = figure.table
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
        lines.append("")
    return lines + [f"_{figure.caption}_", ""]


def html(report: Report) -> str:
    numbers = {r.id: r.number for r in report.references}
    esc = html_lib.escape

    def link(cid: str, number: int | None) -> str:
        if number is not None:
            return f'<a href="#ref-{number}">{number}</a>'
        return f'<a href="#{cid.lower()}">{cid}</a>' if cid.startswith("M") else cid

    def paragraphs(text: str) -> str:
        body = _numbered(esc(text), numbers, link).replace("[unsupported]", '<span class="unsupported">[unsupported]</span>')
        blocks = [b for b in body.split("\n\n") if b.strip()]
        rendered = []
        for block in blocks:
            items = [line[2:] for line in block.splitlines() if line.startswith("- ")]
            if items and len(items) == len(block.splitlines()):
                rendered.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
            else:
                rendered.append(f"<p>{block.replace(chr(10), '<br>')}</p>")
        return "\n".join(rendered)

    parts = [f"<h1>{esc(report.title)}</h1>",
             f'<p class="meta">Written {esc(report.created)} · {esc(report.mode)} mode · settings {esc(report.settings_hash)}</p>']
    for section in report.sections:
        parts += [f'<h2 id="{section.kind}">{esc(section.title)}</h2>', paragraphs(section.text)]
        parts += [f'<p class="meta">note: {esc(note)}</p>' for note in section.notes]
    if report.figures:
        parts.append('<h2 id="figures">Figures</h2>')
        parts += [_html_figure(figure) for figure in report.figures]
    parts.append('<h2 id="references">References</h2><ol class="refs">')
    for ref in report.references:
        authors, citation, url = _reference_line(report, ref.number)
        parts.append(f'<li id="ref-{ref.number}">{esc(authors + ". " if authors else "")}{esc(citation)}. '
                     f'<a href="{esc(url)}">{esc(ref.id)}</a></li>')
    parts.append("</ol>")
    if report.model_outputs:
        parts.append('<h2 id="model-evidence">Model evidence</h2><ul>')
        parts += [f'<li id="{m.id.lower()}">[{esc(m.id)}] {esc(m.model)} (weights {esc(m.weights_hash)}) on {esc(m.input)}: '
                  f"{esc(m.summary)}</li>" for m in report.model_outputs]
        parts.append("</ul>")
    parts += [f'<p class="meta">note: {esc(note)}</p>' for note in report.notes]
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{esc(report.title)}</title>'
            f"<style>{CSS}</style></head><body>\n" + "\n".join(parts) + "\n</body></html>\n")


def _html_figure(figure: Figure) -> str:
    esc = html_lib.escape
    inner = ""
    if figure.png_base64:
        inner += f'<img alt="{esc(figure.title)}" src="data:image/png;base64,{figure.png_base64}">'
    if figure.table:
        header, *rows = figure.table
        inner += ("<table><thead><tr>" + "".join(f"<th>{esc(c)}</th>" for c in header) + "</tr></thead><tbody>"
                  + "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows) + "</tbody></table>")
    return f'<figure id="fig-{figure.id}"><h3>{esc(figure.title)}</h3>{inner}<figcaption>{esc(figure.caption)}</figcaption></figure>'
