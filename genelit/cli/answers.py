"""`genelit ask` and `genelit chat`: cited answers, one question or a conversation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from genelit.cli import output as writes
from genelit.cli import render
from genelit.cli.app import FastOpt, JsonOpt, ModeOpt, app, assistant, exit_2_on_user_error, out, print_error
from genelit.errors import GenelitError
from genelit.types import ReportMode

CHAT_HELP = "commands: /sources (evidence so far), /clear (forget), /mode MODE, /quit"


@app.command("ask", epilog="Examples:\n\n  genelit ask 'Is BRCA1 p.Cys61Gly damaging, and what is the evidence?'\n\n"
             "  genelit ask 'What does TP53 R175H do?' --mode extractive --json")
@exit_2_on_user_error
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A genetics question in plain words.")],
    mode: ModeOpt = None,
    fast: FastOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question with cited evidence: papers as [PMID:n], model outputs as [Mn]."""
    answer = assistant(ctx, fast).ask(question, mode, on_event=render.tool_events(not as_json))
    render.show(answer, as_json, render.answer)


@app.command("logs", epilog="Examples:\n\n  genelit logs\n\n  genelit logs -n 3 --json")
@exit_2_on_user_error
def logs(
    ctx: typer.Context,
    n: Annotated[int, typer.Option("-n", "--count", min=1, help="How many of the newest answers to show.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """The answers kept on this machine (question, mode, model, text, citations, timings, evidence), newest last."""
    render.show(assistant(ctx).history(n), as_json, render.history)


def _line_history(path: Path) -> None:
    """Arrow-key recall of earlier questions, kept across sessions (where readline exists)."""
    try:
        import atexit
        import readline
    except ImportError:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        readline.read_history_file(str(path))
    atexit.register(readline.write_history_file, str(path))


@app.command("chat", epilog="Example:\n\n  genelit chat --mode pipeline")
@exit_2_on_user_error
def chat(ctx: typer.Context, mode: ModeOpt = None, fast: FastOpt = False) -> None:
    """A conversation: follow-up questions keep the evidence gathered so far. /sources, /clear, /mode, /quit."""
    helper = assistant(ctx, fast)
    conversation = helper.conversation(mode)
    _line_history(helper.settings.data_dir / "chat_history")
    out.print(f"genelit chat · {CHAT_HELP}")
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            break
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        try:
            if line == "/clear":
                conversation.clear()
                out.print("cleared the conversation and its evidence")
            elif line.startswith("/mode"):
                out.print(f"mode: {conversation.set_mode(line.removeprefix('/mode').strip() or None)}")
            elif line == "/sources":
                render.sources(conversation.sources)
            elif line.startswith("/"):
                out.print(f"unknown command {escape(line)}; {CHAT_HELP}")
            else:
                render.answer(conversation.ask(line, on_event=render.tool_events(True)))
        except GenelitError as exc:
            print_error(exc)


@app.command("report", epilog="Examples:\n\n  genelit report 'TP53 missense variants in Li-Fraumeni syndrome' -o tp53.html\n\n"
             "  genelit report BRCA1 --mode extractive -o brca1.md --bib brca1.bib --ris brca1.ris\n\n"
             "  genelit report 'PAH variants in phenylketonuria' -o pah.pdf")
@exit_2_on_user_error
def report(
    ctx: typer.Context,
    topic: Annotated[str, typer.Argument(help="A gene, a variant or a topic, in plain words.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write .html (one self-contained file), .md or .pdf "
                                                "(needs Chromium or WeasyPrint); default: Markdown on stdout.")] = None,
    bib: Annotated[Path | None, typer.Option("--bib", help="Also write the references as BibTeX.")] = None,
    ris: Annotated[Path | None, typer.Option("--ris", help="Also write the references as RIS.")] = None,
    mode: Annotated[ReportMode | None, typer.Option("--mode", help="auto (default: pipeline with the local model), "
                                                    "pipeline (the model writes each section) or extractive (no model).")] = None,
    fast: FastOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """A cited evidence summary: summary, background, genes, findings, variants, open questions, methods, figures."""
    helper = assistant(ctx, fast)
    browser = helper.settings.answer.report_browser
    writes.check_report_paths(output, bib, ris, browser)
    result = helper.report(topic, mode, on_event=render.tool_events(not as_json))
    writes.save_report(result, output, bib, ris, as_json, browser, helper.settings.answer.report_page_size)
