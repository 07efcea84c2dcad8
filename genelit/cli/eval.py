"""`genelit eval ...`: benchmarks on labelled files, each one `run_*` call, printed as a table or JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from genelit.cli import render
from genelit.cli.app import (
    DistractorFileOpt,
    DistractorsOpt,
    FastOpt,
    JsonOpt,
    assistant,
    eval_app,
    exit_2_on_user_error,
)
from genelit.errors import BadInputError
from genelit.eval.bioasq import TYPES, rescore_saved, run_bioasq
from genelit.eval.evidence_kinds import papers_for, read_labels, run_evidence_kinds
from genelit.eval.geneturing import OnlineLookups, run_geneturing
from genelit.eval.mentions import Split, run_mention_eval
from genelit.eval.pubmedqa import run_pubmedqa
from genelit.eval.retrieval import run_retrieval_eval
from genelit.eval.support import run_support_eval
from genelit.eval.variants import run_variant_eval
from genelit.files import check_output
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
    render.show(result, as_json, lambda r: render.retrieval_eval(r, path.name), by_alias=True)


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
    save: Annotated[Path | None, typer.Option("--save", help="Write one CSV row per variant and scorer: scorer, gene, "
                                                             "variant, label, score, criterion, strength.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """ROC-AUC of variant scorers against P/B labels, pooled and as the mean per gene, and per ACMG strength (PP3/BP4)
    the count and likelihood ratio (shipped models, no retraining)."""
    names = [name.strip() for name in scorers.split(",") if name.strip()]
    if save is not None:
        check_output(save)
    result = run_variant_eval(path, proteins, names, assistant(ctx).scorer, save)
    render.show(result, as_json, lambda r: render.variant_eval(r, path.name), exclude={"dropped"})


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
    render.show(result, as_json, lambda r: render.pubmedqa_eval(r, path.name))


@eval_app.command(
    "bioasq",
    epilog="Examples:\n\n  genelit eval bioasq ../shared/data/bioasq/dev_nongenetics.json --types factoid,list,summary --limit 50\n\n"
    "  genelit eval bioasq dev.json --mode extractive --save answers.jsonl --json",
)
@exit_2_on_user_error
def eval_bioasq(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="BioASQ golden JSON: {\"questions\": [...]}.")],
    types: Annotated[str, typer.Option("--types", help=f"Comma-separated question types: {', '.join(TYPES)}.")] = ",".join(TYPES),
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N questions of each type, in file order.")] = None,
    mode: Annotated[AnswerMode, typer.Option("--mode", help="How to answer; extractive mode is always run beside it.")] = "pipeline",
    distractors: Annotated[int, typer.Option("--distractors", min=0, help="Sample abstracts indexed beside the gold documents.")] = 1000,
    distractor_file: DistractorFileOpt = None,
    save: Annotated[Path | None, typer.Option("--save", help="Write every answer (one JSON line each) to recompute the scores.")] = None,
    scores_from: Annotated[Path | None, typer.Option(
        "--scores-from", help="Give the figures of answers an earlier run saved (--save), stopped or not; answers nothing.")] = None,
    fast: FastOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Per question type: yes/no accuracy and macro-F1, factoid lead accuracy, list recall and precision, summary
    ROUGE-2; supported share, sentences left out, words and latency; the chosen mode beside extractive."""
    if scores_from is not None:
        render.show(rescore_saved(scores_from, mode), as_json, render.bioasq_eval)
        return
    if save is not None:
        check_output(save)
        if save.exists() and save.stat().st_size:  # answers an earlier, perhaps stopped, run kept: never overwritten
            raise BadInputError(f"{save} already holds saved answers", "move it aside or name another --save file")
    chosen = tuple(t.strip() for t in types.split(",") if t.strip())
    with render.stage_progress(not as_json) as on_step:
        result = run_bioasq(path, assistant(ctx, fast).settings, mode, chosen, limit, distractors, distractor_file, save, on_step)
    render.show(result, as_json, render.bioasq_eval)


@eval_app.command("support", epilog="Example:\n\n  genelit eval support ../shared/data/bioasq/dev_nongenetics.json --limit 600")
@exit_2_on_user_error
def eval_support(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="BioASQ golden JSON: ideal answers and gold snippets make the labelled pairs.")],
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N questions.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Precision and recall of the support check on (sentence, passage, supports?) pairs, over a range of cosine bars."""
    helper = assistant(ctx)
    result = run_support_eval(path, helper.literature.embed, helper.sequences.genes, helper.settings.answer.support_similarity, limit)
    render.show(result, as_json, render.support_eval)


@eval_app.command("geneturing", epilog="Example:\n\n  genelit eval geneturing geneturing_examples.json")
@exit_2_on_user_error
def eval_geneturing(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="GeneTuring JSON: task -> {question: answer}.")],
    online: Annotated[bool, typer.Option("--online", metavar="", help="Also answer the dbSNP and BLAST tasks through NCBI (minutes).")] = False,
    as_json: JsonOpt = False,
) -> None:
    """GeneTuring tasks scored as GeneGPT scores them; tasks needing dbSNP/BLAST are reported unanswerable offline."""
    a = assistant(ctx)
    lookups = None
    if online:
        a.ncbi.require()
        lookups = OnlineLookups(snp=a.snp, blast=lambda sequence: a.blast(sequence, "megablast", "nt"))
    result = run_geneturing(path, a.gene, lookups)
    render.show(result, as_json, lambda r: render.geneturing_eval(r, path.name))


@eval_app.command(
    "mentions",
    epilog="Examples:\n\n  genelit eval mentions train.PubTator.txt\n\n  genelit eval mentions train.PubTator.txt --split heldout --json\n\n"
    "  genelit eval mentions my_corpus.PubTator --errors 20",
)
@exit_2_on_user_error
def eval_mentions(
    path: Annotated[Path, typer.Argument(help="PubTator file: PMID|t|title, PMID|a|abstract, then tab-separated annotations.")],
    split: Annotated[Split, typer.Option("--split", help="all; dev (PMID mod 3 != 0); heldout (PMID mod 3 == 0).")] = "all",
    errors: Annotated[int, typer.Option("--errors", min=0, help="Also list this many misses and extras.")] = 0,
    as_json: JsonOpt = False,
) -> None:
    """Variant-mention recognition against tmVar-style annotations: precision, recall and F1 per type
    (DNAMutation, ProteinMutation, SNP) and pooled, strict (same span) and overlapping."""
    render.show(run_mention_eval(path, split, errors), as_json, render.mention_eval)


@eval_app.command(
    "evidence-kinds",
    epilog="Examples:\n\n  genelit eval evidence-kinds bench/labels/variant_evidence.csv --tmvar ../shared/data/tmvar/train.PubTator.txt\n\n"
    "  genelit eval evidence-kinds labels.csv --tmvar train.PubTator.txt --errors --json",
)
@exit_2_on_user_error
def eval_evidence_kinds(
    ctx: typer.Context,
    labels: Annotated[Path, typer.Argument(help="CSV: source (tmvar or index), pmid, variant, kind, direction.")],
    tmvar: Annotated[Path | None, typer.Option("--tmvar", help="PubTator file holding the tmvar rows' abstracts.")] = None,
    errors: Annotated[bool, typer.Option("--errors", metavar="", help="Also list each row the classifier got wrong.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """The variant dossier's literature classifier against labels: accuracy and confusion of the kind of evidence
    (functional, clinical, population, review, other) and of the direction (damaging, no effect, unclear)."""
    rows = read_labels(labels)
    indexed = {r["pmid"] for r in rows if r["source"] == "index"}
    papers = assistant(ctx).index.manifest.papers(sorted(indexed)) if indexed else {}
    result = run_evidence_kinds(labels, papers_for(labels, tmvar, papers))
    render.show(result if errors else result.model_copy(update={"errors": []}), as_json, render.evidence_kind_eval)
