"""One question in, one checked Answer out, in whichever mode applies.

Modes: `agent` (the model picks tools), `pipeline` (entities pick tools, the model writes one
answer), `extractive` (no model: the cited evidence digest). `auto` means pipeline for the
local model and agent for a configured endpoint. When no model can be reached, the answer
falls back to extractive and says so in its notes and its text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from genelit.agent.citations import check_citations
from genelit.agent.entities import extract
from genelit.agent.llm import LLMProvider
from genelit.agent.pipeline import WEAK_SIMILARITY, KeySentence, evidence_block, extractive_digest, gather, key_sentences
from genelit.agent.prompts import PIPELINE_TEMPLATE, SYSTEM
from genelit.agent.runner import run_agent
from genelit.errors import BadInputError
from genelit.sequence.genes import GeneTable
from genelit.tools.base import EvidenceLedger, Tool
from genelit.types import Answer, Citation

NOT_ANSWERED = "The indexed literature does not answer this."
Events = Callable[[str, str], None]


def _fallback_note(exc: BaseException) -> str:
    return f"no LLM reachable ({str(exc).splitlines()[0][:160]}): fell back to extractive mode"


class Answerer:
    """Holds the tools and the model; `answer` runs one question."""

    def __init__(self, tools: list[Tool], llm: LLMProvider, genes: Callable[[], GeneTable],
                 embed: Callable[[list[str]], np.ndarray], settings_hash: str, max_steps: int, time_limit_s: float,
                 default_mode: str) -> None:
        self.tools = {t.name: t for t in tools}
        self.llm = llm
        self.genes = genes
        self.embed = embed
        self.settings_hash = settings_hash
        self.max_steps = max_steps
        self.time_limit_s = time_limit_s
        self.default_mode = default_mode

    def resolve_mode(self, mode: str | None) -> str:
        mode = mode or self.default_mode
        if mode == "auto":
            return "pipeline" if self.llm.is_local else "agent"
        if mode not in ("agent", "pipeline", "extractive"):
            raise BadInputError(f"unknown mode {mode!r}", "use auto, agent, pipeline or extractive")
        return mode

    def answer(self, question: str, mode: str | None = None, ledger: EvidenceLedger | None = None,
               history: list[Any] | None = None, on_event: Events | None = None) -> Answer:
        question = (question or "").strip()
        if not question:
            raise BadInputError("empty question", "ask something, e.g. 'Is BRCA1 p.Cys61Gly damaging?'")
        wanted = self.resolve_mode(mode)
        ledger = ledger or EvidenceLedger()
        timings: dict[str, float] = {}
        notes: list[str] = []
        tokens: dict[str, int] = {}
        started = time.perf_counter()
        emit = on_event or (lambda _kind, _text: None)
        ran = wanted
        draft = ""
        if wanted == "agent":
            try:
                chat_model = self.llm.chat_model()
                emit("step", f"agent mode with {self.llm.model_name or 'the configured model'}")
                draft, tokens, agent_notes = run_agent(question, chat_model, list(self.tools.values()), ledger,
                                                       self.max_steps, self.time_limit_s, history, emit)
                notes += agent_notes
            except self.llm.unreachable_errors() as exc:
                notes.append(_fallback_note(exc))
                ran = "extractive"
            timings["agent"] = time.perf_counter() - started
        sentences: list[KeySentence] = []
        if ran in ("pipeline", "extractive"):
            t0 = time.perf_counter()
            emit("step", "retrieval and local tools")
            gather(question, extract(question, self.genes()), self.tools, ledger, on_event=emit)
            timings["tools"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        sentences = key_sentences(question, ledger, self.embed)
        timings["selection"] = time.perf_counter() - t0
        weak = (not sentences or sentences[0].similarity < WEAK_SIMILARITY) and not ledger.models
        if ran == "pipeline":
            if weak:
                draft = NOT_ANSWERED
                notes.append("the evidence is weak (no sentence close to the question); the model was not asked to guess")
            else:
                t0 = time.perf_counter()
                try:
                    draft, tokens = self._write(question, sentences, ledger, emit)
                except self.llm.unreachable_errors() as exc:
                    notes.append(_fallback_note(exc))
                    ran = "extractive"
                timings["generation"] = time.perf_counter() - t0
        if ran == "extractive":
            draft = NOT_ANSWERED if weak else extractive_digest(sentences, ledger)
            notes.append("extractive mode: no LLM wrote this; it is the cited evidence itself")
        elif weak and draft.strip() and NOT_ANSWERED not in draft:
            notes.append("the retrieved literature is only loosely related to the question")
        checked = check_citations(draft, ledger.valid_ids, exempt=(NOT_ANSWERED,))
        if checked.unknown:
            notes.append(f"removed citations the run never collected: {', '.join(checked.unknown)}")
        timings["total"] = time.perf_counter() - started
        return Answer(
            question=question,
            text=checked.text,
            mode=ran,
            citations=self._resolve(checked.cited, ledger),
            evidence=list(ledger.papers.values()),
            model_outputs=list(ledger.models),
            unknown_citations=checked.unknown,
            unsupported_sentences=checked.unsupported,
            trace=list(ledger.trace),
            timings={k: round(v, 3) for k, v in timings.items()},
            tokens=tokens,
            notes=notes,
            llm="" if ran == "extractive" else self.llm.model_name,
            settings_hash=self.settings_hash,
        )

    def _write(self, question: str, sentences: list[KeySentence], ledger: EvidenceLedger, emit: Events) -> tuple[str, dict[str, int]]:
        from langchain_core.messages import HumanMessage, SystemMessage

        chat_model = self.llm.chat_model()
        ids = sorted({s.id for s in sentences}) + [m.id for m in ledger.models]
        prompt = PIPELINE_TEMPLATE.format(question=question, ids=", ".join(ids), evidence=evidence_block(sentences, ledger))
        emit("step", f"generation with {self.llm.model_name}")
        reply = chat_model.invoke([SystemMessage(SYSTEM), HumanMessage(prompt)])
        usage = getattr(reply, "usage_metadata", None) or {}
        return str(reply.content or ""), {"prompt": int(usage.get("input_tokens", 0)), "completion": int(usage.get("output_tokens", 0))}

    @staticmethod
    def _resolve(ids: list[str], ledger: EvidenceLedger) -> list[Citation]:
        models = {m.id: m for m in ledger.models}
        citations = []
        for cid in ids:
            if cid in ledger.papers:
                paper = ledger.papers[cid].paper
                citations.append(Citation(id=cid, kind="paper", title=paper.title, journal=paper.journal, year=paper.year, url=paper.url))
            elif cid in models:
                m = models[cid]
                citations.append(Citation(id=cid, kind="model", model=m.model, weights_hash=m.weights_hash, input=m.input, title=m.summary))
        return citations
