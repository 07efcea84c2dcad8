"""How each result looks in a terminal. Every function takes one typed result and prints it; none decides anything,
and none writes a file (cli/output.py does)."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel
from rich.markup import escape
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from genelit.cli.app import err, out
from genelit.errors import clip
from genelit.eval.bioasq import BioASQEval
from genelit.eval.evidence_kinds import EvidenceKindEval
from genelit.eval.geneturing import GeneTuringEval
from genelit.eval.mentions import MentionEval
from genelit.eval.pubmedqa import PubMedQAEval
from genelit.eval.retrieval import RetrievalEval
from genelit.eval.support import SupportEval
from genelit.eval.variants import VariantEval
from genelit.types import (
    Annotation,
    Answer,
    BlastResult,
    ConversationSources,
    Evidence,
    GeneMatch,
    HistoryEntry,
    IndexStats,
    IngestReport,
    IngestSummary,
    PairwiseAlignment,
    ReadMapping,
    ScanSummary,
    SnpRecord,
    StoredProtein,
    VariantCounts,
)

Result = TypeVar("Result", bound=BaseModel | list[Any])


def emit_json(value: BaseModel | list[Any], **dump: Any) -> None:
    """One JSON document on stdout: a model, or a list of models, dumped as the API returns them."""
    payload = [v.model_dump(mode="json", **dump) for v in value] if isinstance(value, list) else value.model_dump(mode="json", **dump)
    sys.stdout.write(json.dumps(payload, indent=2) + "\n")


def show(value: Result, as_json: bool, printer: Callable[[Result], None], **dump: Any) -> None:
    """`--json`: the result as one JSON document; otherwise `printer` draws it for people."""
    if as_json:
        emit_json(value, **dump)
    else:
        printer(value)


# -- progress -----------------------------------------------------------------------------
class _RateColumn(ProgressColumn):
    """Papers per second, which is what a user watching an ingest cares about."""

    def render(self, task: Task) -> Text:
        rate = task.fields.get("rate", 0.0)
        return Text(f"{rate:,.1f} papers/s", style="cyan")


IngestCallbacks = tuple[Callable[[int, int], None], Callable[[IngestReport], None]]


@contextmanager
def ingest_progress(enabled: bool, limit: int | None = None) -> Iterator[Callable[[str], IngestCallbacks]]:
    """`track(label)` starts a bar for one source and returns its callbacks: bytes (or records) read, and
    each committed batch. With a --limit, progress counts papers towards it, as the file is not read to its end."""
    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
        TextColumn("{task.fields[papers]}"), _RateColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=err, disable=not enabled,
    )

    def track(label: str) -> IngestCallbacks:
        task = progress.add_task(label, total=limit, papers="", rate=0.0)

        def on_progress(done: int, total: int) -> None:
            if limit is None:
                progress.update(task, completed=done, total=total)

        def on_batch(report: IngestReport) -> None:
            progress.update(task, papers=f"{report.indexed:,} papers", rate=report.rate)
            if limit is not None:
                progress.update(task, completed=report.indexed)

        return on_progress, on_batch

    with progress:
        yield track


@contextmanager
def stage_progress(enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar for multi-stage evaluations: on_step(stage, done, total)."""
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, disable=not enabled) as progress:
        task = progress.add_task("preparing", total=None)

        def on_step(stage: str, done: int, total: int) -> None:
            progress.update(task, description=stage, completed=done, total=total)

        yield on_step


def tool_events(enabled: bool) -> Callable[[str, str], None] | None:
    """Print an answer's steps, tool calls and observations on stderr as they happen."""
    if not enabled:
        return None

    writing = False  # inside a run of the model's tokens, which share one line of stderr
    started = 0.0

    def on_event(kind: str, text: str) -> None:
        nonlocal writing, started
        if kind == "token":
            if not writing:
                started = time.perf_counter()
                err.print("[dim]· the model writes (its draft is checked before the answer below):[/]")
                writing = True
            err.file.write(text)
            err.file.flush()
            return
        if writing:
            err.file.write("\n")
            err.print(f"[dim]· drafted in {time.perf_counter() - started:.1f} s[/]")
            writing = False
        style = {"tool": "cyan", "observation": "dim", "step": "bold"}.get(kind, "")
        err.print(f"[{style}]{'→' if kind == 'tool' else '·'} {escape(text)}[/]" if style else escape(text))

    return on_event


# -- index ----------------------------------------------------------------------------------
def ingest_report(report: IngestReport) -> None:
    name = Path(report.source).name if "/" in report.source else report.source
    table = Table(title=f"Indexed {escape(name)}", show_header=False, title_justify="left")
    rows = [
        ("citations read", report.read), ("added", report.added), ("updated", report.updated),
        ("unchanged (already indexed)", report.unchanged), ("deleted (DeleteCitation)", report.deleted),
        ("skipped: no abstract", report.skipped_no_abstract), ("skipped: off topic", report.skipped_topic),
        ("skipped: malformed", report.malformed), ("superseded by a newer version", report.superseded),
        ("cut to the length limit", report.truncated), ("chunks written", report.chunks_written),
        ("rolled back from an interrupted run", report.recovered),
    ]
    for name, value in rows:
        if value or name in ("added", "citations read"):
            table.add_row(name, f"{value:,}")
    table.add_row("time", f"{report.seconds:.1f} s ({report.rate:.1f} papers/s embedded)")
    out.print(table)
    for example in report.malformed_examples:
        out.print(f"  [yellow]skipped[/]: {escape(example)}")


def ingest_summary(summary: IngestSummary) -> None:
    """Each file's report, then each failure on stderr, and a line saying what was and was not indexed."""
    for report in summary.reports:
        ingest_report(report)
    for failure in summary.failures:
        hint = f" ({failure.hint})" if failure.hint else ""
        err.print(Text("error: ", style="bold red") + Text(f"{failure.error}{hint}"), highlight=False, soft_wrap=True)
    if summary.failures and summary.reports:
        err.print(f"{len(summary.failures)} file(s) failed; the report(s) above say what was indexed")


def index_stats(stats: IndexStats) -> None:
    table = Table(show_header=False, title="Literature index", title_justify="left")
    table.add_row("location", escape(stats.location))
    table.add_row("papers", f"{stats.papers:,}")
    table.add_row("chunks", f"{stats.chunks:,} ({stats.vectors:,} vectors)")
    table.add_row("embedding model", f"{stats.embedding_model} ({stats.embedding_dim} dims)")
    table.add_row("lexical index", "current" if stats.lexical_current else "stale (rebuilt on next search)")
    table.add_row("on disk", f"{stats.disk_bytes / 1e6:,.1f} MB")
    mentions = f"{stats.variant_mentions:,}" + ("" if stats.mentions_current else " (incomplete: run `genelit index remention`)")
    table.add_row("variant mentions", mentions)
    out.print(table)


def evidence(items: list[Evidence]) -> None:
    if not items:
        out.print("no matching papers in the index")
        return
    if any(item.on_focus is False for item in items):
        out.print("[dim]papers that name the query's gene or variant come first, each group by score[/]")
    for n, item in enumerate(items, start=1):
        paper = item.paper
        found = ", ".join(f"{name} #{rank}" for name, rank in sorted(item.retrievers.items()))
        found += "; does not name the query's gene or variant" if item.on_focus is False else ""
        out.print(
            f"[bold]{n}. {escape(paper.title)}[/]\n"
            f"   {escape(paper.journal)} {paper.year or ''} · [cyan]{item.id}[/] · {paper.url}\n"
            f"   [dim]score {item.score:.4f} ({found})[/]"
        )
        snippet = item.text.replace("\n", " ")
        out.print(f"   {escape(snippet[:300])}{'…' if len(snippet) > 300 else ''}\n")


# -- answers --------------------------------------------------------------------------------
def answer(result: Answer) -> None:
    out.print()
    out.print(escape(result.text))
    papers = [c for c in result.citations if c.kind == "paper"]
    models = [c for c in result.citations if c.kind == "model"]
    if papers:
        out.print("\n[bold]References[/]")
        for c in papers:
            out.print(f"  [{c.id}] {escape(c.title)} {escape(c.journal)} ({c.year or 'n.d.'}). {c.url}")
    if models:
        out.print("\n[bold]Model evidence[/]")
        for c in models:
            out.print(f"  [{c.id}] {escape(c.model)} (weights {c.weights_hash}) on {escape(c.input)}: {escape(c.title)}")
    records = [c for c in result.citations if c.kind == "record"]
    if records:
        out.print("\n[bold]Database records[/] (fetched online)")
        for c in records:
            out.print(f"  [{c.id}] {escape(c.model)} on {escape(c.input)}: {escape(c.title)}")
    for note in result.notes:
        out.print(f"[yellow]note:[/] {escape(note)}")
    if result.dropped:
        out.print(f"[dim]left out, {len(result.dropped)} drafted sentence(s) that did not pass the checks:[/]")
        for item in result.dropped:
            out.print(f"[dim]  - {escape(clip(item.sentence, 160))} ({escape(item.reason)})[/]")
    if result.supported_share is not None:
        out.print(f"[dim]supported sentences: {result.supported_share:.0%}[/]")
    llm = " · " + escape(result.llm) if result.llm else ""
    out.print(f"[dim]{result.mode} mode{llm} · {result.timings.get('total', 0):.1f} s · settings {result.settings_hash}[/]")


def history(entries: list[HistoryEntry]) -> None:
    """The kept answers, oldest of them first, so the newest is nearest the prompt."""
    if not entries:
        out.print("no answers kept yet (they are kept as `genelit ask` and `genelit chat` answer, unless history is off)")
    for entry in reversed(entries):
        a = entry.answer
        seconds = a.timings.get("total", 0.0)
        out.print(f"[bold]#{entry.id}[/] {entry.at:%Y-%m-%d %H:%M} UTC · {a.mode} · {escape(a.llm or 'no model')} · "
                  f"{seconds:.1f} s · settings {a.settings_hash or '-'}")
        out.print(f"[cyan]Q:[/] {escape(a.question)}")
        out.print(escape(a.text))
        out.print()


def sources(found: ConversationSources) -> None:
    if found.empty:
        out.print("no evidence yet")
    for e in found.papers:
        out.print(f"  [{e.id}] {escape(e.paper.title)} ({e.paper.year or 'n.d.'})")
    for m in found.model_outputs:
        out.print(f"  [{m.id}] {escape(m.model)} on {escape(m.input)}: {escape(m.summary)}")


# -- genes, sequences, variants -------------------------------------------------------------
def gene_match(match: GeneMatch) -> None:
    if match.ambiguous:
        likely = f"; most likely {match.likely} ({match.likely_because})" if match.likely else ""
        out.print(f"[yellow]{escape(match.query)} is an {match.matched_by} of {len(match.genes)} genes{escape(likely)}:[/]")
    for g in match.genes:
        table = Table(show_header=False, title=f"{g.symbol} ({match.matched_by} match)", title_justify="left")
        table.add_row("name", escape(g.name))
        table.add_row("HGNC", g.hgnc_id)
        table.add_row("locus group", g.locus_group + (f" (NCBI: {g.type_of_gene})" if g.type_of_gene else ""))
        table.add_row("location", f"{g.location} ({g.location_source})" if g.location
                      else "not in the offline tables (`genelit genes update` adds NCBI Gene's; --online fetches it)")
        table.add_row("aliases", ", ".join(g.aliases) or "-")
        table.add_row("previous symbols", ", ".join(g.previous_symbols) or "-")
        if g.ncbi_synonyms:
            table.add_row("NCBI synonyms", escape(", ".join(g.ncbi_synonyms)))
        table.add_row("Entrez / Ensembl", f"{g.entrez_id or '-'} / {g.ensembl_id or '-'}")
        table.add_row("UniProt / RefSeq", f"{', '.join(g.uniprot_ids) or '-'} / {', '.join(g.refseq_ids) or '-'}")
        if g.summary:
            table.add_row("NCBI summary", escape(g.summary))
        out.print(table)


def stored_proteins(stored: list[StoredProtein]) -> None:
    for protein in stored:
        out.print(f"stored {protein.gene}: {protein.accession} ({protein.length} aa)")
        if protein.replaced:
            err.print(f"[yellow]warning:[/] {protein.gene} replaced: {protein.replaced} -> {protein.accession}")


def snp_record(r: SnpRecord) -> None:
    out.print(f"[bold]{r.rsid}[/] (dbSNP, online): {r.location or 'no GRCh38 position'} (GRCh38)")
    out.print(f"  genes: {escape(', '.join(r.genes) or 'none')}; alleles: {'/'.join(r.alleles) or '?'}; class: {r.variant_class or '?'}")
    if r.clinical_significance:
        out.print(f"  clinical significance (as dbSNP reports it): {escape(', '.join(r.clinical_significance))}")


def blast_result(result: BlastResult) -> None:
    out.print(f"[bold]BLAST[/] {result.program} vs {escape(result.database)} · RID {result.rid} · query {result.query_length:,}")
    if not result.hits:
        out.print("  no hits")
        return
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column in ("accession", "title", "identity", "coverage", "E-value", "subject"):
        table.add_column(column)
    for h in result.hits:
        table.add_row(h.accession, escape(clip(h.title, 60)), f"{h.identity:.1%}", f"{h.coverage:.0%}", f"{h.evalue:.2g}",
                      f"{h.hit_from:,}-{h.hit_to:,}")
    out.print(table)


def variant_counts(found: VariantCounts) -> None:
    counts, note = found.variants, found.note
    if found.absent:
        out.print(f"[yellow]no paper the search found mentions {escape(' or '.join(found.absent))}: the variants below come "
                  "from papers that match only the query's other words[/]")
    if not counts:
        out.print("no variant mentions among these papers")
    table = Table(show_edge=False, pad_edge=False, box=None)
    for column, justify in (("gene", "left"), ("variant", "left"), ("kind", "left"), ("papers", "right"), ("mentions", "right")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for c in counts:
        table.add_row(c.gene or "-", escape(c.key), c.kind, str(c.papers), str(c.mentions))
    if counts:
        out.print(table)
    if note:
        out.print(f"[yellow]{escape(note)}[/]")


def scan_summary(summary: ScanSummary) -> None:
    out.print(f"[bold]{summary.gene}[/] {summary.region[0]}-{summary.region[1]}: {summary.variants:,} changes scored by "
              f"{summary.scorer} ({escape(summary.model)}, weights {summary.weights_hash}); {summary.evidence_summary}")
    out.print("least tolerant: " + ", ".join(f"{r}{p} ({v:.2f})" for p, r, v in summary.least_tolerant))
    out.print("most tolerant:  " + ", ".join(f"{r}{p} ({v:.2f})" for p, r, v in summary.most_tolerant))
    if summary.png:
        out.print(f"wrote {summary.png} and {summary.csv}")


GENES_SHOWN = 15


def annotation(a: Annotation) -> None:
    """One record: composition, genes or ORFs, the protein, and how the predictions meet the annotation."""
    out.print(f"[bold]{escape(a.id)}[/]: {a.alphabet}, {a.length:,} residues" + (f", GC {a.gc:.1%}" if a.gc is not None else ""))
    if a.alphabet != "protein":
        if a.genes:
            out.print(f"  {len(a.genes):,} genes: {escape(a.predictor or '')}; coding density {a.coding_density:.1%}; "
                      f"CpG islands: {len(a.cpg_islands)}")
            table = Table(show_edge=False, pad_edge=False, box=None)
            for column in ("start", "end", "strand", "partial", "start codon", "RBS motif", "score", "aa"):
                table.add_column(column, justify="right")
            for g in a.genes[:GENES_SHOWN]:
                table.add_row(f"{g.start:,}", f"{g.end:,}", "+" if g.strand == 1 else "-", f"{int(g.partial_begin)}{int(g.partial_end)}",
                              g.start_codon, escape(g.rbs_motif or "-"), f"{g.score:.1f}", str(g.length_aa))
            out.print(table)
            if len(a.genes) > GENES_SHOWN:
                out.print(f"  … and {len(a.genes) - GENES_SHOWN:,} more (all of them with -o genes.gff3, --proteins out.faa or --json)")
        else:
            out.print(f"  {len(a.orfs)} ORFs >= {a.min_orf_aa} aa (code {a.genetic_code}); CpG islands: {len(a.cpg_islands)}")
            if a.longest_orf:
                o = a.longest_orf
                out.print(f"  longest ORF: {o.start + 1}-{o.end} ({'+' if o.strand == 1 else '-'} strand), {o.length_aa} aa")
    if a.protein:
        p = a.protein
        label = "longest protein" if a.genes else "protein"
        out.print(f"  {label}: {p.length} aa, {p.molecular_weight / 1000:.1f} kDa, pI {p.isoelectric_point:.2f}, "
                  f"instability {p.instability_index:.1f}")
    if a.cds_annotated is not None:
        found = "predicted genes" if a.genes else "ORFs"
        sensitivity = f"{a.cds_sensitivity:.0%}" if a.cds_sensitivity is not None else "-"
        precision = f"{a.cds_precision:.0%}" if a.cds_precision is not None else "-"
        out.print(f"  against the annotation: {a.cds_found}/{a.cds_annotated} unspliced CDS matched by {found} on stop and "
                  f"strand (sensitivity {sensitivity}), {a.cds_exact_start} with the same start; {a.predictions_matched}/"
                  f"{a.predicted} predictions match a CDS (precision {precision}); spliced CDS: {a.cds_spliced}")
    for note in a.notes:
        out.print(f"  [dim]note: {escape(note)}[/]")


def pairwise(p: PairwiseAlignment) -> None:
    out.print(f"[bold]{escape(p.a_id)}[/] {p.a_range[0]}-{p.a_range[1]} vs [bold]{escape(p.b_id)}[/] {p.b_range[0]}-{p.b_range[1]}"
              f" · {p.mode} · {escape(p.scoring)} · score {p.score:g}")
    out.print(f"identity {p.identity:.1%} · similarity {p.similarity:.1%} · {p.gaps} gap(s), {p.gap_columns} gap column(s) · "
              f"{p.columns} columns · coverage {p.a_coverage:.0%} of A, {p.b_coverage:.0%} of B")
    out.print(escape(p.text), highlight=False, soft_wrap=True)


def mappings(hits: list[ReadMapping]) -> None:
    if not hits:
        out.print("no query maps to the reference")
        return
    table = Table(title="Mapped with minimap2", title_justify="left")
    for column in ("query", "length", "target", "target range", "query range", "strand", "MAPQ", "identity", "CIGAR"):
        table.add_column(column)
    for h in hits:
        table.add_row(escape(h.query), f"{h.query_length:,}", escape(h.target), f"{h.target_start:,}-{h.target_end:,}",
                      f"{h.query_start:,}-{h.query_end:,}", "+" if h.strand == 1 else "-", str(h.mapq), f"{h.identity:.1%}",
                      escape(clip(h.cigar, 40)))
    out.print(table)


# -- evaluations ----------------------------------------------------------------------------
def retrieval_eval(result: RetrievalEval, name: str) -> None:
    table = Table(title=f"Retrieval on {escape(name)}: {result.n} questions, {result.distractors:,} distractors",
                  title_justify="left")
    for column in ("retriever", "recall@1", "recall@10", "MRR@10"):
        table.add_column(column, justify="right" if column != "retriever" else "left")
    for retriever in ("bm25", "dense", "hybrid"):
        scores = getattr(result, retriever)
        table.add_row(retriever, f"{scores.recall_at_1:.3f}", f"{scores.recall_at_10:.3f}", f"{scores.mrr:.3f}")
    out.print(table)
    out.print(f"hybrid query latency p50: {result.query_ms_p50:.1f} ms")


def variant_eval(result: VariantEval, name: str) -> None:
    table = Table(title=f"Variant scorers on {escape(name)}: {result.n:,} variants", title_justify="left")
    for column in ("scorer", "AUC pooled", "AUC mean per gene", "genes"):
        table.add_column(column)
    for scorer, r in result.scorers.items():
        table.add_row(scorer, f"{r.auc_pooled:.3f}", f"{r.auc_per_gene_mean:.3f}", str(r.genes))
    out.print(table)
    for scorer, r in result.scorers.items():
        if not r.strengths:
            out.print(f"{scorer}: no ACMG strength calibration")
            continue
        strengths = Table(title=f"{scorer}: ACMG computational evidence per strength", title_justify="left")
        for column in ("criterion", "strength", "variants", "pathogenic", "benign", "likelihood ratio"):
            strengths.add_column(column)
        for row in r.strengths:
            lr = "-" if row.likelihood_ratio is None else f"{row.likelihood_ratio:.2f}"
            strengths.add_row(row.criterion, row.strength or "-", str(row.n), str(row.pathogenic), str(row.benign), lr)
        out.print(strengths)
    if result.dropped:
        out.print(f"left out: {result.dropped}")


def pubmedqa_eval(result: PubMedQAEval, name: str) -> None:
    table = Table(title=f"PubMedQA on {escape(name)}: {result.n} questions, {result.mode} mode", show_header=False,
                  title_justify="left")
    supported = f"{result.supported_share:.3f}" if result.supported_share is not None else "-"
    for row, value in [("accuracy", f"{result.accuracy:.3f} (always 'yes': {result.always_yes_accuracy:.3f})"),
                       ("macro-F1", f"{result.macro_f1:.3f}"), ("source PMID cited", f"{result.source_cited_rate:.3f}"),
                       ("citation validity", f"{result.citation_validity:.3f}"), ("latency p50", f"{result.latency_s_p50:.2f} s"),
                       ("supported sentences", supported),
                       ("predicted", ", ".join(f"{k} {v}" for k, v in result.predictions.items()))]:
        table.add_row(row, value)
    out.print(table)
    matrix = Table(title="confusion: gold (rows) x predicted (columns)", title_justify="left")
    for column in ("gold", *result.confusion):
        matrix.add_column(column, justify="right")
    for gold_label, counts in result.confusion.items():
        matrix.add_row(gold_label, *(str(v) for v in counts.values()))
    out.print(matrix)


def bioasq_eval(result: BioASQEval) -> None:
    among = f"{result.distractors:,} distractors" if result.distractors is not None else "rescored from saved answers"
    table = Table(title=f"BioASQ on {escape(result.file)}: {among}", title_justify="left")
    for column in ("type: score (second)", "mode", "n", "score", "second", "supported", "left out", "echoes", "words", "p50 s"):
        table.add_column(column, justify="left" if column.startswith("type") or column == "mode" else "right")
    for kind, modes in result.types.items():
        first_name, second_name = result.score_names.get(kind, ("score", None))
        label = f"{kind}: {first_name}" + (f" ({second_name})" if second_name else "")
        for mode, f in modes.items():
            supported = f"{f.supported_share:.3f}" if f.supported_share is not None else "-"
            second = f"{f.second:.3f}" if f.second is not None else ""
            table.add_row(label, mode, str(f.n), f"{f.score:.3f}", second, supported, f"{f.dropped_per_answer:.2f}",
                          str(f.echoes), f"{f.words_p50:.0f}", f"{f.latency_s_p50:.1f}")
    out.print(table)


def support_eval(result: SupportEval) -> None:
    table = Table(title=f"Support check on {escape(result.file)}: {result.questions} questions, {result.positives} supported and "
                  f"{result.negatives} unsupported pairs", title_justify="left")
    for column in ("cosine bar", "precision", "recall", "F1"):
        table.add_column(column, justify="right")
    for row in result.bars:
        mark = " (configured)" if abs(row.bar - result.configured_bar) < 1e-9 else ""
        table.add_row(f"{row.bar:.2f}{mark}", f"{row.precision:.3f}", f"{row.recall:.3f}", f"{row.f1:.3f}")
    out.print(table)
    c = result.at_configured
    out.print(f"configured bar {result.configured_bar:.2f}: precision {c.precision:.3f}, recall {c.recall:.3f}; "
              f"highest recall at precision >= 0.90: {'none' if result.best_bar is None else f'bar {result.best_bar:.2f}'}")


def geneturing_eval(result: GeneTuringEval, name: str) -> None:
    table = Table(title=f"GeneTuring on {escape(name)}", title_justify="left")
    for column in ("task", "score", "answered / n", "note"):
        table.add_column(column)
    for task_name, task in result.tasks.items():
        table.add_row(task_name, f"{task.score:.2f}", f"{task.answered}/{task.n}", task.note)
    out.print(table)


def evidence_kind_eval(result: EvidenceKindEval) -> None:
    sources = ", ".join(f"{n} {s}" for s, n in result.by_source.items())
    out.print(f"Literature classifier on {escape(result.file)}: {result.n} labelled (paper, variant) pairs ({sources})")
    for name, confusion in (("kind of evidence", result.kind), ("direction", result.direction)):
        table = Table(title=f"{name}: accuracy {confusion.accuracy:.3f} (rows: label, columns: call)", title_justify="left")
        labels = list(confusion.counts)
        table.add_column("")
        for label in labels:
            table.add_column(label, justify="right")
        for label in labels:
            table.add_row(label, *(str(confusion.counts[label][c]) for c in labels))
        out.print(table)
    for e in result.errors:
        out.print(f"[dim]PMID:{e['pmid']} {escape(e['variant'])}: kind {escape(e['kind'])}; direction {escape(e['direction'])}[/]")


def mention_eval(result: MentionEval) -> None:
    table = Table(title=f"Variant mentions in {escape(result.file)} ({result.split}: {result.documents} abstracts, "
                  f"{result.gold} gold, {result.predicted} found)", title_justify="left")
    for column in ("type", "strict P / R / F1", "overlap P / R / F1"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for name, scores in [*result.types.items(), ("micro", result.micro)]:
        table.add_row(name, *(f"{x.p:.3f} / {x.r:.3f} / {x.f1:.3f}" for x in (scores.strict, scores.overlap)))
    out.print(table)
    for line in result.errors:
        out.print(f"  [dim]{escape(line)}[/]")
