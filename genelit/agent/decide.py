"""Yes / no / maybe from the model's probabilities, not from a sampled word.

Small models say "yes" to almost anything. Instead of sampling, the first answer token's
log-probabilities for the three options are read, and divided by the model's mean
probabilities over the whole batch of questions, which is the batch calibration of Zhou et al.
(ICLR 2024, "Batch Calibration"): it removes the model's overall leaning without using any
label. A content-free prompt ("N/A"), as in Zhao et al. 2021, was tried first and rejected:
with no evidence "maybe" is the right answer, so that prior pushed every real answer to "yes".
"""

from __future__ import annotations

import math
from typing import Any

from genelit.agent.prompts import DECIDE_TEMPLATE, SYSTEM

OPTIONS = ("yes", "no", "maybe")


def option_probabilities(chat_model: Any, evidence: str, question: str) -> dict[str, float]:
    """P(yes), P(no), P(maybe) for the first answer token, renormalised over the three."""
    from langchain_core.messages import HumanMessage, SystemMessage

    model = chat_model.bind(logprobs=True, top_logprobs=20, max_tokens=1)
    reply = model.invoke([SystemMessage(SYSTEM), HumanMessage(DECIDE_TEMPLATE.format(evidence=evidence, question=question))])
    content = (reply.response_metadata or {}).get("logprobs", {}) or {}
    first = (content.get("content") or [{}])[0]
    mass = {option: 0.0 for option in OPTIONS}
    for item in first.get("top_logprobs", []) or []:
        token = str(item.get("token", "")).strip().lower()
        for option in OPTIONS:
            if token and option.startswith(token) and len(token) >= 1 and (token == option or len(token) >= 2):
                mass[option] += math.exp(float(item.get("logprob", -100.0)))
    if not any(mass.values()):
        said = str(reply.content or "").strip().lower()
        for option in OPTIONS:
            if said.startswith(option):
                mass[option] = 1.0
    total = sum(mass.values()) or 1.0
    return {option: value / total for option, value in mass.items()}


def batch_prior(batch: list[dict[str, float]]) -> dict[str, float]:
    """The model's mean probability for each option over a batch of questions."""
    return {o: sum(p.get(o, 0.0) for p in batch) / max(1, len(batch)) for o in OPTIONS}


def calibrated_choice(probabilities: dict[str, float], prior: dict[str, float]) -> tuple[str, dict[str, float]]:
    """Divide by the prior, renormalise, take the largest."""
    adjusted = {o: probabilities.get(o, 0.0) / max(prior.get(o, 0.0), 1e-3) for o in OPTIONS}
    total = sum(adjusted.values()) or 1.0
    adjusted = {o: v / total for o, v in adjusted.items()}
    return max(adjusted, key=lambda o: adjusted[o]), adjusted
