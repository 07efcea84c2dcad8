"""PubMedQA: does an answer reach the right yes/no/maybe, citing the right paper?

Each question's abstract is indexed among sample distractors, then `Assistant.ask` answers it
in the chosen mode, and the verdict the answer opens with is scored: the same verdict
`genelit ask` prints, through the same code, with nothing re-decided here. BioASQ-style items
(a `final_decision` of yes or no, never maybe) use the same file format; their majority
baseline is reported beside always-yes.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel, Field

from genelit.agent.verdict import OPTIONS
from genelit.errors import BadInputError
from genelit.eval.retrieval import eval_index, load_pubmedqa, qa_papers
from genelit.settings import Settings


class PubMedQAEval(BaseModel):
    n: int
    mode: str
    accuracy: float
    macro_f1: float
    source_cited_rate: float = Field(description="Answers citing the question's own PMID.")
    citation_validity: float = Field(description="Cited ids that the run had collected, over all cited ids.")
    latency_s_p50: float
    always_yes_accuracy: float = Field(description="The accuracy of answering 'yes' to every item, for comparison.")
    majority_accuracy: float = Field(description="The accuracy of always giving the most common gold label.")
    supported_share: float | None = Field(None, description="Mean share of supported claim sentences per answer.")
    predictions: dict[str, int] = Field(default_factory=dict, description="How often each label was predicted.")
    confusion: dict[str, dict[str, int]] = Field(
        default_factory=dict, description="Gold label -> predicted label -> count (yes, no, maybe)."
    )


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """F1 averaged over the labels that occur in gold (so yes/no-only sets are not charged for 'maybe')."""
    scores = []
    for label in [o for o in OPTIONS if o in gold]:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores) if scores else 0.0


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    return {g: {p: sum(1 for a, b in zip(gold, predicted) if a == g and b == p) for p in OPTIONS} for g in OPTIONS}


def _gold(path: Path, pmid: str, item: dict) -> str:
    label = str(item.get("final_decision", "")).strip().lower()
    if label not in OPTIONS:
        raise BadInputError(f"{path}: item {pmid} has final_decision {label[:40]!r}", "use yes, no or maybe")
    return label


def run_pubmedqa(
    path: Path,
    settings: Settings,
    mode: str = "pipeline",
    limit: int | None = None,
    distractors: int = 5000,
    distractor_source: Path | None = None,
    on_step: Callable[[str, int, int], None] | None = None,
) -> PubMedQAEval:
    data = load_pubmedqa(path)
    if limit:
        data = dict(list(data.items())[:limit])
    gold = [_gold(path, pmid, item) for pmid, item in data.items()]
    with eval_index(qa_papers(data), settings, distractors, distractor_source, on_step=on_step) as (assistant, _n):
        ran_mode = mode
        predicted, latencies, shares = [], [], []
        cited_source, valid, total_cited = 0, 0, 0
        for done, (pmid, item) in enumerate(data.items(), start=1):
            started = time.perf_counter()
            answer = assistant.ask(item["QUESTION"], mode)
            latencies.append(time.perf_counter() - started)
            ran_mode = answer.mode
            # A question not in yes/no form gets no verdict line; it counts as "maybe", the answer it gave.
            predicted.append(answer.verdict.label if answer.verdict else "maybe")
            if answer.supported_share is not None:
                shares.append(answer.supported_share)
            ids = {c.id for c in answer.citations}
            cited_source += f"PMID:{pmid}" in ids
            valid += len(ids)
            total_cited += len(ids) + len(answer.unknown_citations)
            if on_step is not None:
                on_step("answering", done, len(data))
    n = len(gold)
    majority = max(set(gold), key=gold.count)
    return PubMedQAEval(
        n=n,
        mode=ran_mode,
        accuracy=sum(g == p for g, p in zip(gold, predicted)) / n,
        macro_f1=macro_f1(gold, predicted),
        source_cited_rate=cited_source / n,
        citation_validity=valid / total_cited if total_cited else 1.0,
        latency_s_p50=statistics.median(latencies),
        always_yes_accuracy=gold.count("yes") / n,
        majority_accuracy=gold.count(majority) / n,
        supported_share=round(statistics.mean(shares), 4) if shares else None,
        predictions={o: predicted.count(o) for o in OPTIONS},
        confusion=confusion(gold, predicted),
    )
