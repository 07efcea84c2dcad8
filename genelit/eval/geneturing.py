"""GeneTuring (GeneGPT's benchmark format: task -> {question: answer}), scored as GeneGPT's evaluate.py scores.

Four tasks are answered offline with the gene tool (the HGNC table, with NCBI Gene's merged in
after `genelit genes update`): gene alias, gene name conversion, protein-coding genes, and gene
location, the last only where the tables carry a location (HGNC's packaged table does not, so
without NCBI Gene those questions are counted as unanswered, not guessed). Tasks that need dbSNP, BLAST or disease databases are reported as unanswerable offline.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from genelit.errors import BadInputError
from genelit.types import GeneMatch

OFFLINE_TASKS = {"Gene alias", "Gene name conversion", "Protein-coding genes", "Gene location"}

_PATTERNS = {
    "Gene alias": re.compile(r"official gene symbol of (\S+?)\??$", re.I),
    "Gene name conversion": re.compile(r"Convert (\S+) to official gene symbol", re.I),
    "Protein-coding genes": re.compile(r"Is (\S+) a protein-coding gene", re.I),
    "Gene location": re.compile(r"Which chromosome is (\S+) gene located", re.I),
}


ONLINE_NOTE = "needs dbSNP, BLAST or disease databases: unanswerable offline"
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


def run_geneturing(path: Path, resolve: Callable[[str], GeneMatch]) -> GeneTuringEval:
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
        for question, answer in items.items():
            prediction = _answer(task, question, resolve) if task in OFFLINE_TASKS else None
            if prediction is not None:
                answered += 1
                total += _score(prediction, answer)
        note = "" if task in OFFLINE_TASKS else ONLINE_NOTE
        if task == "Gene location" and answered < len(items):
            note = NO_LOCATION_NOTE
        tasks[task] = TaskScore(score=total / len(items) if items else 0.0, n=len(items), answered=answered, note=note)
    return GeneTuringEval(tasks=tasks)
