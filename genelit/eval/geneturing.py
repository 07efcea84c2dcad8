"""GeneTuring (GeneGPT's benchmark format: task -> {question: answer}), scored as GeneGPT's evaluate.py scores.

Four tasks are answered offline with the gene tool (the HGNC table, with NCBI Gene's merged in
after `genelit genes update`): gene alias, gene name conversion, protein-coding genes, and gene
location, the last only where the tables carry a location (HGNC's packaged table does not, so
without NCBI Gene those questions are counted as unanswered, not guessed). Online (`--online`), dbSNP
answers SNP location and Gene SNP association, and BLAST the two DNA alignment tasks; offline they
are reported as unanswerable. Gene-disease questions are left unanswered either way.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, Field

from genelit.errors import BadInputError, GenelitError
from genelit.types import BlastResult, GeneMatch, SnpRecord

OFFLINE_TASKS = {"Gene alias", "Gene name conversion", "Protein-coding genes", "Gene location"}
ONLINE_TASKS = {"SNP location", "Gene SNP association", "Human genome DNA aligment", "Multi-species DNA aligment"}
# BLAST hit titles name species; GeneTuring answers with common names.
SPECIES = {"Homo sapiens": "human", "Mus musculus": "mouse", "Rattus norvegicus": "rat", "Danio rerio": "zebrafish",
           "Caenorhabditis elegans": "worm", "Saccharomyces cerevisiae": "yeast", "Gallus gallus": "chicken",
           "Drosophila melanogaster": "fly", "Xenopus": "frog", "Sus scrofa": "pig", "Bos taurus": "cow",
           "Macaca mulatta": "macaque", "Pan troglodytes": "chimpanzee", "Arabidopsis thaliana": "arabidopsis"}

_PATTERNS = {
    "Gene alias": re.compile(r"official gene symbol of (\S+?)\??$", re.I),
    "Gene name conversion": re.compile(r"Convert (\S+) to official gene symbol", re.I),
    "Protein-coding genes": re.compile(r"Is (\S+) a protein-coding gene", re.I),
    "Gene location": re.compile(r"Which chromosome is (\S+) gene located", re.I),
}


ONLINE_NOTE = "needs dbSNP or BLAST: unanswerable offline (`--online` uses them)"
DISEASE_NOTE = "needs a gene-disease database genelit does not query: unanswered"
_ONLINE_PATTERNS = {
    "SNP location": re.compile(r"\b(rs\d+)\b.*locate", re.I),
    "Gene SNP association": re.compile(r"SNP (rs\d+) associated", re.I),
    "Human genome DNA aligment": re.compile(r"human genome:\s*([ACGTN]+)", re.I),
    "Multi-species DNA aligment": re.compile(r"come from:\s*([ACGTN]+)", re.I),
}


@dataclass
class OnlineLookups:
    """What the online tasks call: dbSNP by rsID and BLAST by sequence (the Assistant's own methods)."""

    snp: Callable[[str], SnpRecord]
    blast: Callable[[str], BlastResult]


def _online_answer(task: str, question: str, online: OnlineLookups) -> str | None:
    """dbSNP's chromosome or genes, or where BLAST's best hit lies: GeneGPT's answers to the same tasks."""
    match = _ONLINE_PATTERNS[task].search(question)
    if not match:
        return None
    if task == "SNP location":
        record = online.snp(match.group(1))
        return f"chr{record.chromosome}" if record.chromosome else None
    if task == "Gene SNP association":
        return ", ".join(online.snp(match.group(1)).genes) or None
    hits = online.blast(match.group(1)).hits
    if task == "Human genome DNA aligment":
        for hit in hits:
            chromosome = re.search(r"Homo sapiens chromosome (\w+)", hit.title)
            if chromosome:
                low, high = sorted((hit.hit_from, hit.hit_to))
                return f"chr{chromosome.group(1)}:{low}-{high}"
        return None
    for hit in hits:
        for species, common in SPECIES.items():
            if species in hit.title:
                return common
    return None
NO_LOCATION_NOTE = "no location in the offline tables (`genelit genes update` adds NCBI Gene's): unanswered, not guessed"


class TaskScore(BaseModel):
    score: float
    n: int
    answered: int
    note: str = Field("", description="Why questions went unanswered, when the reason is known.")


class GeneTuringEval(BaseModel):
    tasks: dict[str, TaskScore]


def _answer(task: str, question: str, resolve: Callable[[str], GeneMatch]) -> str | None:
    match = _PATTERNS[task].search(question.strip())
    if not match:
        return None
    name = match.group(1).strip("?.,")
    try:
        genes = resolve(name).genes
    except BadInputError:
        return "NA" if task == "Protein-coding genes" else None
    gene = genes[0]
    if task in ("Gene alias", "Gene name conversion"):
        return gene.symbol
    if task == "Protein-coding genes":
        return "TRUE" if gene.is_protein_coding else "NA"
    if gene.location:  # Gene location, e.g. '8p23.1' -> 'chr8'
        chromosome = re.match(r"^(\d+|X|Y|MT)", gene.location)
        return f"chr{chromosome.group(1)}" if chromosome else None
    return None


def _score(prediction: str, answer: object) -> float:
    if isinstance(answer, list):
        predicted = set(prediction.split(", "))
        return len(predicted & set(answer)) / len(answer) if answer else 0.0
    return 1.0 if prediction == str(answer) else 0.0


def run_geneturing(path: Path, resolve: Callable[[str], GeneMatch], online: OnlineLookups | None = None) -> GeneTuringEval:
    """Score each task; `online` adds the dbSNP and BLAST tasks (a lookup that fails counts as unanswered)."""
    try:
        data = json.loads(path.read_text())
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text", "expected GeneTuring JSON: task -> {question: answer}") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise BadInputError(f"cannot read {path} as JSON: {exc}", "expected GeneTuring format: task -> {question: answer}") from None
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise BadInputError(f"{path}: expected task -> {{question: answer}}", "see GeneGPT's data/geneturing.json")
    tasks = {}
    for task, items in data.items():
        answered, total = 0, 0.0
        failures: list[str] = []
        for question, answer in items.items():
            prediction = None
            if task in OFFLINE_TASKS:
                prediction = _answer(task, question, resolve)
            elif task in ONLINE_TASKS and online is not None:
                try:
                    prediction = _online_answer(task, question, online)
                except GenelitError as exc:
                    failures.append(exc.message)
            if prediction is not None:
                answered += 1
                total += _score(prediction, answer)
        note = "" if task in OFFLINE_TASKS else ONLINE_NOTE if task in ONLINE_TASKS and online is None else DISEASE_NOTE
        if task in ONLINE_TASKS and online is not None:
            note = f"{len(failures)} lookup(s) failed, first: {failures[0]}" if failures else ""
        if task == "Gene location" and answered < len(items):
            note = NO_LOCATION_NOTE
        tasks[task] = TaskScore(score=total / len(items) if items else 0.0, n=len(items), answered=answered, note=note)
    return GeneTuringEval(tasks=tasks)
