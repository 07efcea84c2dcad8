"""The typer app, its command groups, the options commands share, and the error policy."""

from __future__ import annotations

import functools
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.text import Text
from typer._click import exceptions as usage  # typer vendors click; its exceptions are public only in part
from typer.core import TyperGroup

from genelit.api import Assistant
from genelit.errors import BadInputError, GenelitError
from genelit.settings import Settings
from genelit.types import ModeChoice, ScorerName

F = TypeVar("F", bound=Callable[..., Any])

out = Console()
err = Console(stderr=True)

class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every `finally` and atexit hook runs: scratch folders of a
    download are removed and the local LLM server is stopped. A BaseException, so no `except Exception` swallows it."""


def _terminate(_signum: int, _frame: object) -> None:
    raise Terminated


def stop_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into `Terminated` in this (main) thread, so a `kill PID` ends genelit as Ctrl-C does."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})  # a parent that blocked it must not make us deaf


class OneLineErrors(TyperGroup):
    """Usage errors (a bad option value, an unreadable file) as one line, or a JSON object under --json,
    instead of click's boxed message; the exit code stays click's (2)."""

    def main(self, args: Sequence[str] | None = None, *rest: Any, **extra: Any) -> Any:
        stop_cleanly_on_sigterm()  # `genelit serve` has uvicorn's own, which shuts down cleanly
        argv = list(sys.argv[1:] if args is None else args)
        extra["standalone_mode"] = False
        try:
            code = super().main(argv, *rest, **extra)
        except usage.NoArgsIsHelpError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except usage.ClickException as exc:
            print_error(BadInputError(exc.format_message().replace("Value error, ", "")), "--json" in argv)
            sys.exit(exc.exit_code)
        except typer.Abort:
            err.print("aborted")
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


app = typer.Typer(
    cls=OneLineErrors,
    help="genelit: cited answers to genetics questions from PubMed and local sequence models.\n\n"
    "Examples:\n\n"
    "  genelit index sample --limit 3000        # fetch and index the sample PubMed file\n\n"
    "  genelit search 'BRCA1 missense variants' --year 2015-2021\n\n"
    "  genelit ask 'Is TP53 R175H damaging?'",
    no_args_is_help=True,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
index_app = typer.Typer(help="Build and inspect the literature index.", no_args_is_help=True)
eval_app = typer.Typer(help="Benchmarks on labelled files (printed tables or --json).", no_args_is_help=True)
seq_app = typer.Typer(help="The local store of protein sequences used for variant scoring.", no_args_is_help=True)
genes_app = typer.Typer(help="Gene reference data: NCBI Gene's table, merged with HGNC.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys kept in a file only you can read (never printed).", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")
app.add_typer(seq_app, name="seq")
app.add_typer(genes_app, name="genes")
app.add_typer(keys_app, name="keys")

# -- options more than one command takes ---------------------------------------------------
JsonOpt = Annotated[bool, typer.Option("--json", metavar="", help="Print one JSON object instead of tables.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="Stop after this many papers with abstracts.")]
TopicOpt = Annotated[
    str | None, typer.Option("--topic", help="Keep only papers on a topic: 'genetics', or comma-separated word stems.")
]
ModeOpt = Annotated[ModeChoice | None, typer.Option("--mode", help="How to answer; auto (default) picks pipeline for "
                                                    "the local model and agent for a configured endpoint.")]
FastOpt = Annotated[bool, typer.Option("--fast", metavar="", help="Use the smaller local model (Qwen2.5-Coder-0.5B).")]
ScorerOpt = Annotated[ScorerName | None, typer.Option("--scorer", help="Variant scorer; calibrated (default) needs no weights.")]
FastaOpt = Annotated[Path | None, typer.Option("--fasta", help="Take the protein from this FASTA instead of the store.")]
CdsOpt = Annotated[Path | None, typer.Option("--cds", help="The CDS (FASTA) or mRNA (GenBank) that c. variants refer to.")]
DistractorsOpt = Annotated[int, typer.Option("--distractors", min=0, help="Sample abstracts indexed beside the contexts.")]
DistractorFileOpt = Annotated[
    Path | None, typer.Option("--distractor-file", help="Take distractors from this PubMed file instead of the sample.")
]


def print_error(exc: GenelitError, as_json: bool = False) -> None:
    """One line on stderr; with --json, one JSON object on stdout instead, so a script parses failures too."""
    if as_json:
        sys.stdout.write(json.dumps({"error": exc.message, "hint": exc.hint}) + "\n")
    else:
        err.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False, soft_wrap=True)


def exit_2_on_user_error(fn: F) -> F:
    """Turn genelit's own errors into one line and exit code 2; Ctrl-C into a resumable stop."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GenelitError as exc:
            print_error(exc, bool(kwargs.get("as_json")))
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            err.print("interrupted: what was committed stays; run the same command again to resume")
            raise typer.Exit(130) from None
        except Terminated:
            err.print("terminated: what was committed stays; run the same command again to resume")
            raise typer.Exit(143) from None

    return wrapper  # type: ignore[return-value]


def assistant(ctx: typer.Context, fast: bool = False) -> Assistant:
    """The Assistant for this command: one per process, unless a test put its own in `ctx.obj`."""
    if ctx.obj is None or (fast and not ctx.meta.get("fast")):
        settings = Settings.load(**ctx.meta.get("overrides", {})).with_llm(**ctx.meta.get("llm", {}))
        ctx.obj = Assistant(settings.with_fast_model() if fast else settings)
        ctx.meta["fast"] = fast
    return ctx.obj


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where genelit keeps indexes and caches (or GENELIT_DATA_DIR).")
    ] = None,
    model: Annotated[str | None, typer.Option(
        "--model", "-m", help="The model to answer with: a name the --base-url endpoint serves, or a packaged local model "
        "(qwen2.5-coder-1.5b, qwen2.5-coder-0.5b). `genelit models` lists them.")] = None,
    base_url: Annotated[str | None, typer.Option(
        "--base-url", help="An OpenAI-compatible endpoint (vLLM, Ollama, OpenAI ...), e.g. http://127.0.0.1:11434/v1.")] = None,
    api_key_env: Annotated[str | None, typer.Option(
        "--api-key-env", help="Read the endpoint's API key from this environment variable (else the key `genelit keys set "
        "llm` kept, else OPENAI_API_KEY).")] = None,
    version: Annotated[bool, typer.Option("--version", metavar="", help="Print the version and exit.")] = False,
) -> None:
    if version:
        from genelit import __version__

        out.print(f"genelit {__version__}")
        raise typer.Exit(0)
    if data_dir is not None:
        ctx.meta["overrides"] = {"data_dir": data_dir}
    try:
        ctx.meta["llm"] = {"model": model, "base_url": base_url, "api_key": _key_from(api_key_env)}
    except BadInputError as exc:
        print_error(exc)
        raise typer.Exit(2) from None


def _key_from(variable: str | None) -> str | None:
    """The key in environment variable `variable`; naming one that is unset is an error, not a silent no-key."""
    if variable is None:
        return None
    key = os.environ.get(variable, "").strip()
    if not key:
        raise BadInputError(f"--api-key-env names {variable}, which is unset or empty", f"export {variable}=... first")
    return key
