"""`genelit eval ...`: benchmarks on labelled files, each one `run_*` call, printed as a table or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from genelit.cli import render
from genelit.cli.app import (
    DistractorFileOpt,
    DistractorsOpt,
    FastOpt,
    JsonOpt,
    assistant,
    eval_app,
    exit_2_on_user_error,
    out,
)
from genelit.eval.geneturing import run_geneturing
from genelit.eval.pubmedqa import run_pubmedqa
from genelit.eval.retrieval import run_retrieval_eval
from genelit.eval.variants import run_variant_eval
from genelit.types import AnswerMode


@eval_app.command(
    "retrieval",
    epilog="Examples:\n\n  genelit eval retrieval pqal_dev_500.json\n\n"
    "  genelit eval retrieval qa.json --distractors 1000 --distractor-file medline.xml.gz --json",
)
@exit_2_on_user_error
def eval_retrieval(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="PubMedQA-format JSON: PMID -> {QUESTION, CONTEXTS, ...}.")],
    distractors: DistractorsOpt = 5000,
    distractor_file: DistractorFileOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Recall@1/@10 and MRR of BM25, dense and hybrid retrieval, in a fresh temporary index."""
    with render.stage_progress(not as_json) as on_step:
        result = run_retrieval_eval(path, assistant(ctx).settings, distractors, distractor_file, on_step=on_step)
    if as_json:
        render.emit_json(result, by_alias=True)
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
    epilog="Example:\n\n  genelit eval variants clinvar2019_missense_dev.csv --proteins clinvar2019_proteins_dev.fasta",
)
@exit_2_on_user_error
def eval_variants(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="CSV with columns gene,variant,label (label P or B).")],
    proteins: Annotated[Path, typer.Option("--proteins", help="FASTA; the header's second word is the gene symbol.")],
    scorers: Annotated[str, typer.Option("--scorers", help="Comma-separated scorers.")] = "calibrated,blosum62,grantham",
    as_json: JsonOpt = False,
) -> None:
    """ROC-AUC of variant scorers against P/B labels, pooled and as the mean per gene (shipped models, no retraining)."""
    helper = assistant(ctx)
    result = run_variant_eval(path, proteins, [helper.scorer(name.strip()) for name in scorers.split(",") if name.strip()])
    if as_json:
        render.emit_json(result, exclude={"dropped"})
        return
    table = Table(title=f"Variant scorers on {escape(path.name)}: {result.n:,} variants", title_justify="left")
    for column in ("scorer", "AUC pooled", "AUC mean per gene", "genes"):
        table.add_column(column)
    for name, r in result.scorers.items():
        table.add_row(name, f"{r.auc_pooled:.3f}", f"{r.auc_per_gene_mean:.3f}", str(r.genes))
    out.print(table)
    if result.dropped:
        out.print(f"left out: {result.dropped}")


@eval_app.command(
    "pubmedqa",
    epilog="Examples:\n\n  genelit eval pubmedqa pqal_dev_500.json --mode extractive\n\n"
    "  genelit eval pubmedqa qa.json --limit 50 --mode pipeline --json",
)
@exit_2_on_user_error
def eval_pubmedqa(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="PubMedQA-format JSON: PMID -> {QUESTION, CONTEXTS, final_decision}.")],
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions.")] = None,
    mode: Annotated[AnswerMode, typer.Option("--mode", help="How to answer each question.")] = "pipeline",
    distractors: DistractorsOpt = 5000,
    distractor_file: DistractorFileOpt = None,
    fast: FastOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Accuracy, macro-F1 and confusion of the verdicts answers print; source citation, validity, support, latency."""
    with render.stage_progress(not as_json) as on_step:
        result = run_pubmedqa(path, assistant(ctx, fast).settings, mode, limit, distractors, distractor_file, on_step)
    if as_json:
        render.emit_json(result)
        return
    table = Table(title=f"PubMedQA on {escape(path.name)}: {result.n} questions, {result.mode} mode", show_header=False,
                  title_justify="left")
    supported = f"{result.supported_share:.3f}" if result.supported_share is not None else "-"
    for name, value in [("accuracy", f"{result.accuracy:.3f} (always 'yes': {result.always_yes_accuracy:.3f})"),
                        ("macro-F1", f"{result.macro_f1:.3f}"), ("source PMID cited", f"{result.source_cited_rate:.3f}"),
                        ("citation validity", f"{result.citation_validity:.3f}"), ("latency p50", f"{result.latency_s_p50:.2f} s"),
                        ("supported sentences", supported),
                        ("predicted", ", ".join(f"{k} {v}" for k, v in result.predictions.items()))]:
        table.add_row(name, value)
    out.print(table)
    matrix = Table(title="confusion: gold (rows) x predicted (columns)", title_justify="left")
    for column in ("gold", *result.confusion):
        matrix.add_column(column, justify="right")
    for gold_label, row in result.confusion.items():
        matrix.add_row(gold_label, *(str(v) for v in row.values()))
    out.print(matrix)


@eval_app.command("geneturing", epilog="Example:\n\n  genelit eval geneturing geneturing_examples.json")
@exit_2_on_user_error
def eval_geneturing(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="GeneTuring JSON: task -> {question: answer}.")],
    as_json: JsonOpt = False,
) -> None:
    """GeneTuring tasks scored as GeneGPT scores them; tasks needing dbSNP/BLAST are reported unanswerable offline."""
    result = run_geneturing(path, assistant(ctx).gene)
    if as_json:
        render.emit_json(result)
        return
    table = Table(title=f"GeneTuring on {escape(path.name)}", title_justify="left")
    for column in ("task", "score", "answered / n", "note"):
        table.add_column(column)
    for name, task in result.tasks.items():
        table.add_row(name, f"{task.score:.2f}", f"{task.answered}/{task.n}", task.note)
    out.print(table)
