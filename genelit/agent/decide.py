"""Yes / no / maybe from the model's probabilities, not from a sampled word.

Small models say "yes" to almost anything. Instead of sampling, the first answer token's
log-probabilities for the three options are read, and divided by the same model's
probabilities on a content-free prompt ("N/A" evidence and question), which is the
contextual calibration of Zhao et al. (ICML 2021, "Calibrate Before Use"). The prior is
measured once per model and cached by the caller.
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


def content_free_prior(chat_model: Any) -> dict[str, float]:
    return option_probabilities(chat_model, "N/A", "N/A")


def calibrated_choice(probabilities: dict[str, float], prior: dict[str, float]) -> tuple[str, dict[str, float]]:
    """Divide by the content-free prior, renormalise, take the largest."""
    adjusted = {o: probabilities.get(o, 0.0) / max(prior.get(o, 0.0), 1e-3) for o in OPTIONS}
    total = sum(adjusted.values()) or 1.0
    adjusted = {o: v / total for o, v in adjusted.items()}
    return max(adjusted, key=lambda o: adjusted[o]), adjusted
