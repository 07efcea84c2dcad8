"""BioASQ task B: answers to the four kinds of question, scored the way a reader would judge them.

Each question's gold documents are indexed (title and the snippets BioASQ quotes from them) among sample
distractors, then `Assistant.ask` answers it in the chosen mode and, on the same index, in extractive mode, so every
figure has its no-LLM baseline beside it. What is scored is the text the user reads, through the same code:
- yes/no: the verdict line's label (accuracy, macro-F1);
- factoid: a gold synonym (case-insensitive) in the answer's first sentence, citations removed ("lead accuracy");
- list: recall of the gold items named anywhere in the answer; precision as the share of the answer's sentences
  that name a gold item (an answer in prose has no item list to count);
- summary: ROUGE-2 F against the ideal answers (the best over them; `rouge-score`, stemming on);
- every type: supported share, sentences left out, words, and latency.
The file format is BioASQ's golden JSON ({"questions": [...]}, see ../shared/data/bioasq/README.txt).
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from genelit.agent.readable import repeats_the_prompt
from genelit.errors import BadInputError
from genelit.eval.jsonfile import read_json
from genelit.eval.pubmedqa import macro_f1
from genelit.eval.retrieval import eval_index
from genelit.settings import Settings
from genelit.text.citations import without_citations
from genelit.text.sentences import split_text
from genelit.types import Answer, Paper

if TYPE_CHECKING:
    from genelit.api import Assistant

TYPES = ("yesno", "factoid", "list", "summary")
_PMID = re.compile(r"(\d+)\s*$")


class ModeScores(BaseModel):
    """One question type's figures in one mode."""

    n: int
    score: float = Field(description="yes/no: accuracy; factoid: lead accuracy; list: recall; summary: ROUGE-2 F.")
    second: float | None = Field(None, description="yes/no: macro-F1; list: precision; otherwise none.")
    supported_share: float | None = Field(None, description="Mean share of drafted claims the support check passed.")
    dropped_per_answer: float = Field(0.0, description="Mean drafted sentences left out of the text.")
    echoes: int = Field(0, description="Shown sentences that repeat genelit's own instructions (there should be none).")
    words_p50: float = 0.0
    latency_s_p50: float = 0.0


class BioASQEval(BaseModel):
    file: str
    mode: str = Field(description="The mode asked for; extractive is always run beside it.")
    distractors: int | None = Field(description="Sample abstracts indexed beside the gold ones; None when rescored from saved answers.")
    types: dict[str, dict[str, ModeScores]] = Field(default_factory=dict, description="Type -> mode -> figures.")
    score_names: dict[str, tuple[str, str | None]] = Field(default_factory=dict)


SCORE_NAMES: dict[str, tuple[str, str | None]] = {"yesno": ("accuracy", "macro-F1"), "factoid": ("lead accuracy", None),
                                                  "list": ("recall", "precision"), "summary": ("ROUGE-2 F", None)}


def load_bioasq(path: Path) -> list[dict]:
    """The questions of a BioASQ golden file, each checked for the fields scoring needs."""
    data = read_json(path, "BioASQ golden JSON: {\"questions\": [...]}")
    questions = data.get("questions") if isinstance(data, dict) else None
    if not isinstance(questions, list) or not questions:
        raise BadInputError(f"{path}: no 'questions' list", "expected BioASQ golden JSON: {\"questions\": [...]}")
    for q in questions:
        if not isinstance(q, dict) or q.get("type") not in TYPES or not q.get("body") or not q.get("snippets"):
            raise BadInputError(f"{path}: question {str(q.get('id', '?') if isinstance(q, dict) else q)[:40]!r} lacks a type, "
                                "body or snippets", "fix or drop that question")
    return questions


def gold_papers(questions: list[dict]) -> list[Paper]:
    """One paper per gold document: its title snippet and its abstract snippets, as BioASQ quotes them."""
    titles: dict[str, str] = {}
    parts: dict[str, list[str]] = {}
    for q in questions:
        for snippet in q["snippets"]:
            found = _PMID.search(str(snippet.get("document", "")))
            text = " ".join(str(snippet.get("text", "")).split())
            if not found or not text:
                continue
            pmid = found.group(1)
            if snippet.get("beginSection") == "title":
                titles.setdefault(pmid, text)
            elif text not in parts.setdefault(pmid, []):
                parts[pmid].append(text)
    return [Paper(pmid=pmid, title=titles.get(pmid, ""), abstract=" ".join(texts)) for pmid, texts in parts.items() if texts]


def _synonyms(exact: object, kind: str) -> list[list[str]]:
    """BioASQ's exact answers as a list of items, each a list of synonyms: a factoid is one item whatever its nesting,
    a list question's items are its top-level entries."""
    entries = exact if isinstance(exact, list) else [exact]
    items = [[str(n).strip() for n in (e if isinstance(e, list) else [e]) if str(n).strip()] for e in entries]
    if kind == "factoid":
        return [[name for item in items for name in item]]
    return [item for item in items if item]


def _names(text: str, synonyms: list[str]) -> bool:
    lowered = text.lower()
    return any(re.search(rf"(?<![a-z0-9]){re.escape(s.lower())}(?![a-z0-9])", lowered) for s in synonyms)


def plain(answer: Answer) -> str:
    """The answer's text as a reader takes it in: without citations, bullets or the verdict's own line, one line each."""
    body = answer.text
    if answer.verdict is not None:
        body = body.removeprefix(answer.verdict.line)
    lines = (" ".join(without_citations(line).split()).removeprefix("- ").strip() for line in body.split("\n"))
    return "\n".join(line for line in lines if line)


def sentences(text: str) -> list[str]:
    """A plain text's sentences; a line ends one, so a quoted fragment with no full stop does not run into the next
    line (where it would be credited with the next line's answer)."""
    return [sentence for line in text.split("\n") for sentence in split_text(line)]


def lead(answer: Answer) -> str:
    found = sentences(plain(answer))
    return found[0] if found else ""


def _rouge2(text: str, ideals: list[str]) -> float:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rouge2"], use_stemmer=True)
    return max((scorer.score(ideal, text)["rouge2"].fmeasure for ideal in ideals if ideal.strip()), default=0.0)


def score_one(q: dict, answer: Answer) -> tuple[float, float | None]:
    """(score, second score) of one answer to one question; for yes/no the 'score' is 1 for a right verdict."""
    kind = q["type"]
    if kind == "yesno":
        return float((answer.verdict.label if answer.verdict else "maybe") == str(q.get("exact_answer", "")).lower()), None
    if kind == "factoid":
        return float(any(_names(lead(answer), synonyms) for synonyms in _synonyms(q.get("exact_answer", []), "factoid"))), None
    if kind == "list":
        items = _synonyms(q.get("exact_answer", []), "list")
        text = plain(answer)
        recall = sum(_names(text, s) for s in items) / len(items) if items else 0.0
        said = sentences(text)
        precision = sum(any(_names(s, i) for i in items) for s in said) / len(said) if said else 0.0
        return recall, precision
    ideals = q.get("ideal_answer") or []
    return _rouge2(plain(answer), [ideals] if isinstance(ideals, str) else list(ideals)), None


def select(questions: list[dict], types: tuple[str, ...], limit: int | None) -> list[dict]:
    """The questions of the wanted types, at most `limit` of each, in file order."""
    chosen, counts = [], dict.fromkeys(types, 0)
    for q in questions:
        if q["type"] in counts and (limit is None or counts[q["type"]] < limit):
            counts[q["type"]] += 1
            chosen.append(q)
    return chosen


def run_bioasq(path: Path, settings: Settings, mode: str = "pipeline", types: tuple[str, ...] = TYPES, limit: int | None = None,
               distractors: int = 1000, distractor_source: Path | None = None, save: Path | None = None,
               on_step: Callable[[str, int, int], None] | None = None) -> BioASQEval:
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise BadInputError(f"unknown BioASQ type {unknown[0]!r}", f"use {', '.join(TYPES)}")
    questions = select(load_bioasq(path), types, limit)
    if not questions:
        raise BadInputError(f"{path}: no questions of type {', '.join(types)}", "choose other --types")
    modes = [mode] if mode == "extractive" else [mode, "extractive"]
    rows: dict[tuple[str, str], list[tuple[float, float | None, Answer, float]]] = {}
    with eval_index(gold_papers(questions), settings, distractors, distractor_source, on_step=on_step) as (assistant, n_extra), \
            _saving(save) as keep:
        for done, (q, m, answer, seconds) in enumerate(_answers(assistant, questions, modes), start=1):
            first, second = score_one(q, answer)
            rows.setdefault((q["type"], m), []).append((first, second, answer, seconds))
            keep({"id": q.get("id"), "type": q["type"], "mode": m, "question": q["body"], "answer": answer.text,
                  "score": first, "second": second, "seconds": round(seconds, 2),
                  "supported_share": answer.supported_share, "dropped": [d.model_dump() for d in answer.dropped],
                  "answered_in": answer.mode, "notes": answer.notes})  # a model that timed out falls back, and says so
            if on_step is not None:
                on_step(f"answering ({m})", done, len(questions) * len(modes))
    result = BioASQEval(file=path.name, mode=mode, distractors=n_extra, score_names=SCORE_NAMES)
    for (kind, m), got in sorted(rows.items()):
        result.types.setdefault(kind, {})[m] = _figures(kind, got, [q for q in questions if q["type"] == kind])
    return result


def rescore_saved(saved: Path, mode: str = "pipeline") -> BioASQEval:
    """The figures of a saved run (`--save`), without answering again: a run stopped part-way still gives its figures.
    Only questions answered in both modes count, so each figure keeps its extractive baseline on the same questions.
    Yes/no macro-F1 needs the verdict labels, which the saved rows do not keep: it is left out."""
    if not saved.is_file():
        raise BadInputError(f"no saved answers at {saved}", "name the file an `eval bioasq --save` run wrote")
    try:
        rows = [json.loads(line) for line in saved.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadInputError(f"{saved} is not a file of saved answers ({exc})", "name the file `eval bioasq --save` wrote") from None
    modes = {r["mode"] for r in rows}
    both = {r["id"] for r in rows if r["mode"] == mode} & ({r["id"] for r in rows if r["mode"] == "extractive"}
                                                          if len(modes) > 1 else {r["id"] for r in rows})
    if not both:
        raise BadInputError(f"{saved}: no question was answered in {' and '.join(sorted(modes | {mode}))}",
                            "rescore a file that `eval bioasq --save` wrote")
    result = BioASQEval(file=saved.name, mode=mode, distractors=None, score_names=SCORE_NAMES)
    grouped: dict[tuple[str, str], list[dict]] = {}
    for r in rows:
        if r["id"] in both:
            grouped.setdefault((r["type"], r["mode"]), []).append(r)
    for (kind, m), got in sorted(grouped.items()):
        seconds = [r["second"] for r in got if r["second"] is not None]
        result.types.setdefault(kind, {})[m] = _mode_scores(
            [r["score"] for r in got], round(statistics.mean(seconds), 4) if kind == "list" and seconds else None,
            [r["supported_share"] for r in got], [len(r["dropped"]) for r in got],
            [plain(Answer(question=r["question"], text=r["answer"], mode=r["mode"])) for r in got], [r["seconds"] for r in got])
    return result


def _mode_scores(scores: list[float], second: float | None, shares: list[float | None], dropped: list[int],
                 texts: list[str], seconds: list[float]) -> ModeScores:
    """One type's figures in one mode from its answers' scores, supported shares, dropped counts, shown texts
    (as `plain` gives them) and latencies."""
    known = [share for share in shares if share is not None]
    return ModeScores(
        n=len(scores), score=round(statistics.mean(scores), 4), second=None if second is None else round(second, 4),
        supported_share=round(statistics.mean(known), 4) if known else None,
        dropped_per_answer=round(statistics.mean(dropped), 2),
        echoes=sum(repeats_the_prompt(sentence) for text in texts for sentence in sentences(text)),
        words_p50=statistics.median(len(text.split()) for text in texts),
        latency_s_p50=round(statistics.median(seconds), 2))


@contextmanager
def _saving(path: Path | None) -> Iterator[Callable[[dict], None]]:
    """Each answer appended to `path` as one JSON line the moment it is scored: an eval of hundreds of questions takes
    an hour or more with the local model, and one stopped part-way keeps every answer it had."""
    if path is None:
        yield lambda _row: None
        return
    with path.open("w", encoding="utf-8") as out:
        def keep(row: dict) -> None:
            out.write(json.dumps(row) + "\n")
            out.flush()

        yield keep


def _answers(assistant: Assistant, questions: list[dict], modes: list[str]) -> Iterator[tuple[dict, str, Answer, float]]:
    for q in questions:
        for m in modes:
            started = time.perf_counter()
            answer = assistant.ask(q["body"], m)
            yield q, m, answer, time.perf_counter() - started


def _figures(kind: str, got: list[tuple[float, float | None, Answer, float]], questions: list[dict]) -> ModeScores:
    answers = [a for _, _, a, _ in got]
    second = None
    if kind == "yesno":
        gold = [str(q.get("exact_answer", "")).lower() for q in questions]
        second = macro_f1(gold, [a.verdict.label if a.verdict else "maybe" for a in answers])
    elif kind == "list":
        second = statistics.mean(s for _, s, _, _ in got if s is not None)
    return _mode_scores([f for f, _, _, _ in got], second, [a.supported_share for a in answers], [len(a.dropped) for a in answers],
                        [plain(a) for a in answers], [s for _, _, _, s in got])
