"""`genelit models` and `genelit keys`: which model answers, and the keys endpoints need."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from genelit import keys
from genelit.cli import render
from genelit.cli.app import JsonOpt, app, assistant, exit_2_on_user_error, keys_app, out
from genelit.errors import BadInputError
from genelit.types import ModelsReport

KeyName = Annotated[str, typer.Argument(help="llm (the endpoint's key) or ncbi (NCBI E-utilities).")]


def _models_table(report: ModelsReport) -> None:
    table = Table("", "model", "source", "ready", "status", "where", title="Models (* answers questions)", title_justify="left")
    for m in report.models:
        table.add_row("*" if m.selected else "", escape(m.name), m.source, "yes" if m.ready else "no", escape(m.status),
                      escape(m.location))
    out.print(table)
    out.print(f"--mode auto answers in [bold]{report.auto_mode}[/] mode with these settings")


@app.command("models", epilog="Examples:\n\n  genelit models\n\n"
             "  genelit --base-url http://127.0.0.1:11434/v1 --model llama3.1 models --json")
@exit_2_on_user_error
def models(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """The packaged local models and the configured endpoint's: which is ready, which answers, and the mode auto picks."""
    render.show(assistant(ctx).models(), as_json, _models_table)


@keys_app.command("set", epilog="Examples:\n\n  genelit keys set llm\n\n  printenv MY_KEY | genelit keys set llm")
@exit_2_on_user_error
def set_key(name: KeyName) -> None:
    """Keep a key: typed at a hidden prompt, or read from standard input. It is never echoed or printed."""
    if sys.stdin.isatty():
        value = typer.prompt(f"{name} key", hide_input=True)
    else:
        value = sys.stdin.readline()
    path = keys.set_key(name, value)
    out.print(f"kept the {name} key in {path} (readable by you only)")


@keys_app.command("remove", epilog="Example:\n\n  genelit keys remove llm")
@exit_2_on_user_error
def remove_key(name: KeyName) -> None:
    """Forget a kept key."""
    if not keys.remove_key(name):
        raise BadInputError(f"no {name} key is kept", "`genelit keys list` shows the kept ones")
    out.print(f"removed the {name} key")


@keys_app.command("list", epilog="Example:\n\n  genelit keys list")
@exit_2_on_user_error
def list_keys() -> None:
    """The names of the keys kept (their values are never shown)."""
    kept = keys.kept_keys()
    for name, what in keys.KEYS.items():
        out.print(f"{name:5} {'kept' if name in kept else '-':5} {what}")
