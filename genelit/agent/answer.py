"""One question in, one checked Answer out, in whichever mode applies.

Modes: `agent` (the model picks tools), `pipeline` (entities pick tools, the model writes one
answer), `extractive` (no model: the cited evidence digest). `auto` means pipeline for the
local model and agent for a configured endpoint. When no model can be reached, the answer
falls back to extractive and says so in its notes and its text.

Each mode only drafts. What follows is shared: the evidence pool (agent/evidence.py), the
verdict for yes/no questions (agent/verdict.py), the citation check (unknown ids removed,
uncited claims marked) and the support check (agent/support.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any, cast, get_args

import numpy as np

from genelit.agent import grounded
from genelit.agent.concepts import COVERAGE_NOTE, coverage_line, uncovered
from genelit.agent.entities import Entities
from genelit.agent.evidence import Candidate, EvidencePool
from genelit.agent.llm import ChatProvider
from genelit.agent.mentions import Focus
from genelit.agent.pipeline import evidence_block, extractive_digest, gather
from genelit.agent.prompts import PIPELINE_TEMPLATE, SHAPES, SYSTEM, VERDICT_HINT
from genelit.agent.questions import question_kind
from genelit.agent.readable import attach_pointers, keep_supported
from genelit.agent.runner import reply_to, run_agent, token_usage
from genelit.agent.support import SupportChecker, supported_share
from genelit.agent.verdict import decide, is_yes_no
from genelit.errors import BadInputError
from genelit.settings import AnswerSettings, LLMSettings
from genelit.text import require_text
from genelit.text.citations import check_citations, citation_ids, citations_before_stops
from genelit.text.sentences import split_text
from genelit.tools.base import Events, EvidenceLedger, Tool
from genelit.types import Answer, AnswerMode, Citation, Verdict

NOT_ANSWERED = "The indexed literature does not answer this."


def _without_verdict_echo(draft: str, verdict: Verdict) -> str:
    """The draft less sentences that restate the verdict: small models copy it from the prompt, uncited or miscited."""
    kept_lines = []
    for line in draft.split("\n"):
        kept = [s for s in split_text(line) if verdict.line not in s and "verdict" not in s.lower()]
        if kept or not line.strip():
            kept_lines.append(" ".join(kept))
    return "\n".join(kept_lines).strip()


@dataclass
class _Run:
    """What one question accumulates on its way to an Answer."""

    question: str
    ledger: EvidenceLedger
    emit: Events
    mode: AnswerMode
    fill_words: int = 0  # a short grounded draft is filled with its evidence lines up to this many words
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    tokens: dict[str, int] = field(default_factory=dict)
    drafted: grounded.Assembled = field(default_factory=grounded.Assembled)  # a grounded draft's lead line and the checks on its names
    streaming: bool = False  # someone watches: the model's text is passed on as "token" events as it is written

    def on_token(self) -> Callable[[str], None] | None:
        if not self.streaming:
            return None
        return lambda piece: self.emit("token", piece)

    def timed(self, stage: str, started: float) -> None:
        self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - started


class Answerer:
    """Holds the tools and the model; `answer` runs one question."""

    def __init__(self, tools: list[Tool], llm: ChatProvider, read: Callable[[str], tuple[Entities, Focus]],
                 embed: Callable[[list[str]], np.ndarray], settings: AnswerSettings, llm_settings: LLMSettings,
                 settings_hash: str) -> None:
        self.tools = {t.name: t for t in tools}
        self.llm = llm
        self.read = read  # a question's entities and focus, read once: the search the answer runs reads the same
        self.embed = embed
        self.settings = settings
        self.limits = llm_settings
        self.settings_hash = settings_hash

    def resolve_mode(self, mode: str | None) -> AnswerMode:
        """The mode that will run: 'auto' (or None, with the default 'auto') means pipeline locally, agent at an endpoint."""
        wanted = mode or self.limits.mode
        if wanted == "auto":
            return "pipeline" if self.llm.is_local else "agent"
        if wanted not in get_args(AnswerMode):
            raise BadInputError(f"unknown mode {wanted!r}", "use auto, agent, pipeline or extractive")
        return cast(AnswerMode, wanted)

    def answer(self, question: str, mode: str | None = None, ledger: EvidenceLedger | None = None,
               history: list[Any] | None = None, on_event: Events | None = None, *, literature_only: bool = False,
               exclude: Collection[str] = (), search_k: int | None = None, fill: bool = True) -> Answer:
        """Answer one question. `literature_only` calls no gene or variant tools (a report section that has its own);
        sentences in `exclude` are not offered as evidence (a report states each finding once); `search_k`
        overrides how many papers are retrieved; `fill` quotes further evidence after a short grounded draft (a report
        section says what its model wrote and no more: quoting more there is the padding readers complained of)."""
        question = require_text((question or "").strip(), "question")
        if not question:
            raise BadInputError("empty question", "ask something, e.g. 'Is BRCA1 p.Cys61Gly damaging?'")
        run = _Run(question, ledger or EvidenceLedger(), on_event or (lambda _kind, _text: None), self.resolve_mode(mode),
                   self.settings.fill_words if fill else 0, streaming=on_event is not None and self.limits.stream)
        started = time.perf_counter()
        entities, focus = self.read(question)
        draft = self._draft_agent(run, history) if run.mode == "agent" else ""
        if run.mode in ("pipeline", "extractive"):
            t0 = time.perf_counter()
            run.emit("step", "retrieval and local tools")
            gather(question, entities, self.tools, run.ledger, search_k or self.settings.search_k, run.emit, literature_only)
            run.timed("tools", t0)
        t0 = time.perf_counter()
        pool = EvidencePool(question, list(run.ledger.papers.values()), focus, self.embed, self.settings, exclude)
        chosen = pool.select()
        verdict = decide(pool) if is_yes_no(question) else None
        run.timed("selection", t0)
        weak = pool.weak(chosen) and not run.ledger.model_outputs
        if focus and not pool.any_on_focus and run.ledger.papers:
            run.notes.append(f"no retrieved paper mentions {', '.join(focus.labels)}; their sentences were left out")
        missing = uncovered(question, [e.paper for e in run.ledger.papers.values()])
        if missing:
            run.notes.append(f"no retrieved paper mentions {', '.join(missing)}: {COVERAGE_NOTE}")
            if verdict is not None:  # papers that share only the gene decide nothing about the disease asked of
                verdict = Verdict(label="maybe", line=f"Unclear: no indexed paper mentions {' or '.join(missing)}.")
        if run.mode == "agent" and weak and draft.strip():
            run.notes.append("the retrieved literature is only loosely related to the question")
        abstain = "the evidence is weak (no sentence close to the question); the model was not asked to guess" if weak else ""
        if missing:  # the papers cover only the question's other part: answering would pad with what shares the gene
            abstain = f"abstained: the question is about {', '.join(missing)}, which no retrieved paper mentions"
        if run.mode == "pipeline":
            draft = self._draft_pipeline(run, pool, chosen, verdict, abstain)
        if run.mode == "extractive":
            draft = NOT_ANSWERED if abstain else extractive_digest(chosen, run.ledger)
            run.notes.append("extractive mode: no LLM wrote this; it is the cited evidence itself")
        run.emit("step", "checking each sentence against what it cites")
        answer = self._checked(run, draft, pool, verdict, started, chosen)
        if missing:  # said first: what follows is about the rest of the question only
            answer.text = f"{coverage_line(missing)}\n{answer.text}".strip()
        return answer

    # -- drafts, one per mode -----------------------------------------------------------
    def _with_llm(self, run: _Run, stage: str, work: Callable[[Any], str]) -> str:
        """Run `work(chat_model)`; with no model to reach, note it and switch the run to extractive."""
        t0 = time.perf_counter()
        try:
            chat_model = self.llm.chat_model()  # the local server starts here on first use, which can take a minute
            if time.perf_counter() - t0 > 1:
                run.emit("step", f"model ready (started in {time.perf_counter() - t0:.0f} s)")
                run.timed("model start", t0)
                t0 = time.perf_counter()
            return work(chat_model)
        except self.llm.unreachable_errors() as exc:
            run.notes.append(f"no LLM reachable ({self.llm.unreachable_reason(exc)}): fell back to extractive mode")
            run.mode = "extractive"
            return ""
        except Exception as exc:
            refusal = self.llm.refusal(exc)
            if refusal is None:
                raise
            raise refusal from None
        finally:
            run.timed(stage, t0)

    def _draft_agent(self, run: _Run, history: list[Any] | None) -> str:
        def work(chat_model: Any) -> str:
            run.emit("step", f"agent mode with {self.llm.model_name or 'the configured model'}")
            draft, run.tokens, agent_notes = run_agent(run.question, chat_model, list(self.tools.values()), run.ledger,
                                                       self.limits.max_steps, self.limits.time_limit_s, history, run.emit,
                                                       run.on_token())
            run.notes += agent_notes
            return draft

        return self._with_llm(run, "agent", work)

    def _draft_pipeline(self, run: _Run, pool: EvidencePool, chosen: list[Candidate], verdict: Verdict | None,
                        abstain: str) -> str:
        """The model's draft; NOT_ANSWERED without asking it when `abstain` gives a reason (noted)."""
        if abstain:
            run.notes.append(abstain)
            return NOT_ANSWERED
        variants = pool.focus.variants
        if variants:  # a paper on the gene says nothing about one of its variants: offering it only invites padding
            chosen = [c for c in chosen if any(v in c.mentions for v in variants)]
            if not chosen and not any(v in m.input for m in run.ledger.model_outputs for v in variants):
                run.notes.append(f"no indexed paper or model output speaks to {', '.join(variants)}; the model was not asked "
                                 "to write about its gene instead")
                return NOT_ANSWERED
        from langchain_core.messages import HumanMessage, SystemMessage

        kind = question_kind(run.question)

        def work(chat_model: Any) -> str:
            run.emit("step", f"generation with {self.llm.model_name}")
            if self.settings.drafting == "grounded":
                offered = pool.select(grounded.LIST_LINES) if kind == "list" else chosen
                lines = grounded.evidence_lines(offered, run.ledger)
                run.drafted, replies = grounded.draft(chat_model, run.question, kind, lines, _citable_texts(run.ledger),
                                                      verdict.line if verdict is not None else "", self.llm.is_local,
                                                      run.on_token())
                for reply in replies:
                    token_usage(reply, run.tokens)
                if run.drafted.unreadable:
                    run.notes.append("the model's reply was not the JSON answer it was asked for (does the endpoint honour "
                                     "response_format?)")
                    return ""
                if kind == "yesno" or not run.drafted.text.strip():
                    return run.drafted.text  # a verdict stands alone; an empty draft falls back as before
                return grounded.fill_with_quotes(run.drafted.text, lines, run.fill_words, run.question, _citable_texts(run.ledger))
            hint = VERDICT_HINT.format(verdict=verdict.line) if verdict is not None else ""
            ids = sorted({c.paper_id for c in chosen}) + [m.id for m in run.ledger.model_outputs]
            text = PIPELINE_TEMPLATE.format(question=run.question, ids=", ".join(ids), shape=SHAPES[kind],
                                            evidence=evidence_block(chosen, run.ledger), verdict=hint)
            reply = reply_to(chat_model, [SystemMessage(SYSTEM), HumanMessage(text)], run.on_token())
            run.tokens = token_usage(reply, {})
            return str(reply.content or "")

        return self._with_llm(run, "generation", work)

    # -- the shared check step ----------------------------------------------------------
    def _checked(self, run: _Run, draft: str, pool: EvidencePool, verdict: Verdict | None, started: float,
                 chosen: list[Candidate]) -> Answer:
        exempt: tuple[str, ...] = (NOT_ANSWERED,)
        lead = (run.drafted.lead,) if run.drafted.lead else ()  # checked already, name by name
        evidence_sentences = [c.text for c in chosen] if draft.strip() != NOT_ANSWERED else []
        if run.mode != "extractive":  # a quote keeps its own full stop; a model's draft is tidied so each sentence is checked
            draft = attach_pointers(citations_before_stops(draft))
        scores = _score_lines(run) if run.mode == "pipeline" else []
        exempt += tuple(scores)
        if verdict is not None:
            exempt += (verdict.line,)
            draft = _without_verdict_echo(draft, verdict)
            if draft.strip() and not draft.strip().startswith(NOT_ANSWERED):
                draft = f"{verdict.line}\n{draft}"
            else:
                draft = verdict.line
        if scores:  # the model's reading of a score is checked; the score itself is stated by the code, under the lead
            head, _, rest = draft.partition("\n") if verdict is not None else ("", "", draft)
            draft = "\n".join(part for part in (head, *scores, rest) if part.strip())
        checked = check_citations(draft, run.ledger.valid_ids, exempt=exempt + lead)
        if checked.unknown:
            run.notes.append(f"removed citations the run never collected: {', '.join(checked.unknown)}")
        t0 = time.perf_counter()
        text, support = SupportChecker(pool, run.ledger.model_outputs).check(checked.text, exempt=exempt + lead)
        support = run.drafted.records + support
        run.timed("support", t0)
        moved = [r for r in support if r.moved_from]
        if moved:
            run.notes.append(f"moved {len(moved)} citation(s) to the paper that supports the sentence")
        unsupported = checked.unsupported + [r.sentence for r in support if not r.supported]
        text, dropped = keep_supported(text, support, exempt + lead, drafted=run.mode != "extractive")
        dropped = run.drafted.dropped + dropped
        if run.mode != "extractive" and evidence_sentences and not _claims_left(text, exempt):
            if verdict is not None:  # the verdict line, cited, is the answer; evidence quoted under it would only pad
                run.notes.append(f"none of the model's {len(dropped)} sentence(s) passed the checks (listed below the answer)")
            else:
                run.notes.append(f"none of the model's {len(dropped)} sentence(s) passed the checks (listed below the answer); "
                                 "the evidence itself is quoted instead")
                text = check_citations(extractive_digest(chosen, run.ledger), run.ledger.valid_ids).text
        cited = citation_ids(text)
        run.timings["total"] = time.perf_counter() - started
        return Answer(
            question=run.question,
            text=text,
            mode=run.mode,
            citations=self._resolve(cited, run.ledger),
            evidence=list(run.ledger.papers.values()),
            model_outputs=list(run.ledger.model_outputs),
            unknown_citations=checked.unknown,
            unsupported_sentences=unsupported,
            dropped=dropped,
            verdict=verdict,
            support=support,
            evidence_sentences=evidence_sentences,
            supported_share=supported_share(support, len(checked.unsupported)),
            trace=list(run.ledger.trace),
            timings={k: round(v, 3) for k, v in run.timings.items()},
            tokens=run.tokens,
            notes=run.notes,
            llm="" if run.mode == "extractive" else self.llm.model_name,
            settings_hash=self.settings_hash,
        )

    @staticmethod
    def _resolve(ids: list[str], ledger: EvidenceLedger) -> list[Citation]:
        models = {m.id: m for m in ledger.model_outputs}
        citations = []
        for cid in ids:
            if cid in ledger.papers:
                paper = ledger.papers[cid].paper
                citations.append(Citation(id=cid, kind="paper", title=paper.title, journal=paper.journal, year=paper.year, url=paper.url))
            elif cid in models:
                m = models[cid]
                kind = "record" if cid.startswith("ClinVar:") else "model"
                citations.append(Citation(id=cid, kind=kind, model=m.model, weights_hash=m.weights_hash, input=m.input, title=m.summary))
        return citations


def _score_lines(run: _Run) -> list[str]:
    """One line per variant score of the run, as the evidence it gives ('PP3 at supporting strength (...)'), cited:
    the answer always states the computational evidence in the tool's own words, whatever the model made of it."""
    return [f"Computational evidence on {m.input}: {m.summary} [{m.id}]." for m in run.ledger.model_outputs
            if m.tool == "score_variant"]


def _citable_texts(ledger: EvidenceLedger) -> dict[str, str]:
    """Each id a grounded name may cite, with the text the name must be found in."""
    texts = {pid: f"{e.paper.title or ''} {e.paper.abstract or e.text}" for pid, e in ledger.papers.items()}
    return texts | {m.id: f"{m.input} {m.summary}" for m in ledger.model_outputs}


def _claims_left(text: str, exempt: tuple[str, ...]) -> bool:
    """Whether the shown text still makes a claim beyond its exempt lines (the verdict, 'does not answer')."""
    return any(line.strip() and line.strip() not in exempt for line in text.split("\n"))
