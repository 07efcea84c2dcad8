"""PubMedQA: does an answer reach the right yes/no/maybe, citing the right paper?

Each question's abstract is indexed among sample distractors; the full answer machinery runs
in the chosen mode; the answer is then reduced to yes/no/maybe. With an LLM the reduction
compares the model's probabilities for the three words, batch-calibrated over all the
questions (agent/decide.py); in extractive mode, with no model, it reads negation and hedging
cues in the selected sentences.
"""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from genelit.agent.decide import OPTIONS, batch_prior, calibrated_choice, option_probabilities
from genelit.agent.pipeline import evidence_block, key_sentences
from genelit.eval.retrieval import eval_index, load_pubmedqa
from genelit.settings import Settings
from genelit.tools.base import EvidenceLedger

_NEGATIVE = re.compile(r"\b(no|not|neither|nor|without|failed to|did not|does not|was not|were not|unchanged|"
                       r"no significant|not significant|similar|comparable)\b", re.I)
_HEDGE = re.compile(r"\b(may|might|unclear|inconclusive|possibly|uncertain|further stud\w*|limited)\b", re.I)


class PubMedQAEval(BaseModel):
    n: int
    mode: str
    accuracy: float
    macro_f1: float
    source_cited_rate: float = Field(description="Answers citing the question's own PMID.")
    citation_validity: float = Field(description="Cited ids that the run had collected, over all cited ids.")
    latency_s_p50: float
    always_yes_accuracy: float = Field(description="The accuracy of answering 'yes' to every item, for comparison.")
    predictions: dict[str, int] = Field(default_factory=dict, description="How often each label was predicted.")


def cue_choice(sentences: list[str]) -> str:
    """No-LLM reduction: negation cues say no, hedging cues say maybe, otherwise yes."""
    text = " ".join(sentences)
    negatives, hedges = len(_NEGATIVE.findall(text)), len(_HEDGE.findall(text))
    if negatives >= 2 and negatives > hedges:
        return "no"
    if hedges >= 2:
        return "maybe"
    return "yes"


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    scores = []
    for label in OPTIONS:
        tp = sum(g == p == label for g, p in zip(gold, predicted))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


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
    with eval_index(data, settings, distractors, distractor_source, on_step=on_step) as (assistant, _n):
        answerer = assistant.answerer
        ran_mode = answerer.resolve_mode(mode)
        gold, predicted, latencies = [], [], []
        raw: dict[int, dict[str, float]] = {}
        cited_source, valid, total_cited = 0, 0, 0
        for done, (pmid, item) in enumerate(data.items(), start=1):
            ledger = EvidenceLedger()
            started = time.perf_counter()
            answer = assistant.ask(item["QUESTION"], mode, ledger=ledger)
            sentences = key_sentences(item["QUESTION"], ledger, assistant.index.embedder.embed, n=4)
            if answer.mode == "extractive":
                choice = cue_choice([s.text for s in sentences])
            else:
                chat_model = answerer.llm.chat_model()
                raw[done - 1] = option_probabilities(chat_model, evidence_block(sentences, ledger), item["QUESTION"])
                choice = ""  # decided once the whole batch's probabilities are known
            latencies.append(time.perf_counter() - started)
            ran_mode = answer.mode
            gold.append(str(item.get("final_decision", "")).lower())
            predicted.append(choice)
            ids = {c.id for c in answer.citations}
            cited_source += f"PMID:{pmid}" in ids
            valid += len(ids)
            total_cited += len(ids) + len(answer.unknown_citations)
            if on_step is not None:
                on_step("answering", done, len(data))
    prior = batch_prior(list(raw.values()))
    for index, probabilities in raw.items():
        predicted[index] = calibrated_choice(probabilities, prior)[0]
    n = len(gold)
    return PubMedQAEval(
        n=n,
        mode=ran_mode,
        accuracy=sum(g == p for g, p in zip(gold, predicted)) / n,
        macro_f1=macro_f1(gold, predicted),
        source_cited_rate=cited_source / n,
        citation_validity=valid / total_cited if total_cited else 1.0,
        latency_s_p50=statistics.median(latencies),
        always_yes_accuracy=sum(g == "yes" for g in gold) / n,
        predictions={o: predicted.count(o) for o in OPTIONS},
    )
