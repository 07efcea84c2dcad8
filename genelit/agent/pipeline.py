"""Pipeline and extractive modes: deterministic tool choice, then at most one LLM call.

Small local models answer better when their job is narrow, so the pipeline does the planning
itself: entities pick the tools, the few sentences that carry the result are selected by
embedding similarity to the question, and the model only writes (or, for yes/no questions,
only chooses) from those numbered, labelled sentences.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from genelit.agent.entities import Entities
from genelit.tools.base import EvidenceLedger, Tool
from genelit.tools.toolbox import as_data

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
_LABEL = re.compile(r"^[A-Z][A-Z /&-]{2,40}:\s*")
WEAK_SIMILARITY = 0.35  # below this cosine, the best sentence is not about the question


@dataclass
class KeySentence:
    id: str
    text: str
    similarity: float


def gather(question: str, entities: Entities, tools: dict[str, Tool], ledger: EvidenceLedger, k: int = 5,
           on_event: Callable[[str, str], None] | None = None) -> None:
    """Call the tools the entities call for, and always the literature search."""
    calls: list[tuple[str, dict[str, object]]] = [("search_literature", {"query": question, "k": k})]
    for gene in entities.genes:
        calls.append(("gene_info", {"name": gene}))
    paired_gene = entities.genes[0] if entities.genes else None
    for variant in entities.variants:
        if paired_gene:
            calls.append(("score_variant", {"gene": paired_gene, "variant": variant}))
    for sequence in entities.sequences:
        calls.append(("annotate_sequence", {"sequence": sequence}))
    for name, arguments in calls:
        if on_event is not None:
            on_event("tool", f"{name}({', '.join(f'{k}={str(v)[:40]!r}' for k, v in arguments.items())})")
        call = tools[name].run(ledger, arguments)
        if on_event is not None:
            on_event("observation", call.observation.splitlines()[0][:120] if call.observation else "")


def split_sentences(text: str) -> list[str]:
    sentences = []
    for line in text.splitlines():
        for sentence in _SPLIT.split(line.strip()):
            sentence = _LABEL.sub("", sentence).strip()
            if len(sentence) > 20:
                sentences.append(sentence)
    return sentences


def key_sentences(question: str, ledger: EvidenceLedger, embed: Callable[[list[str]], np.ndarray], n: int = 6,
                  per_paper: int = 2) -> list[KeySentence]:
    """The sentences most similar to the question, at most `per_paper` from any one paper."""
    candidates: list[tuple[str, str]] = []
    for evidence in ledger.papers.values():
        text = f"{evidence.paper.title}\n{evidence.paper.abstract or evidence.text}"
        candidates += [(evidence.id, s) for s in split_sentences(text)]
    if not candidates:
        return []
    vectors = embed([question] + [s for _, s in candidates])
    similarity = vectors[1:] @ vectors[0]
    chosen: list[KeySentence] = []
    taken: dict[str, int] = {}
    for index in np.argsort(-similarity):
        pid, sentence = candidates[index]
        if taken.get(pid, 0) >= per_paper:
            continue
        taken[pid] = taken.get(pid, 0) + 1
        chosen.append(KeySentence(pid, sentence, float(similarity[index])))
        if len(chosen) >= n:
            break
    return chosen


def evidence_block(sentences: list[KeySentence], ledger: EvidenceLedger) -> str:
    """Numbered, labelled evidence for a prompt: paper sentences by id, then model outputs."""
    lines = []
    by_paper: dict[str, list[str]] = {}
    for s in sentences:
        by_paper.setdefault(s.id, []).append(s.text)
    for pid, texts in by_paper.items():
        lines.append(as_data(f'id="{pid}" year="{ledger.papers[pid].paper.year or ""}"', " ".join(texts), separator=""))
    for output in ledger.models:
        lines.append(f"[{output.id}] {output.tool} on {output.input}: {output.summary} (model {output.model})")
    return "\n".join(lines)


def extractive_digest(sentences: list[KeySentence], ledger: EvidenceLedger) -> str:
    """The evidence itself, each line cited: what extractive mode answers with."""
    lines = [f"- {s.text} [{s.id}]" for s in sentences]
    lines += [f"- {m.tool} ({m.model}) on {m.input}: {m.summary} [{m.id}]" for m in ledger.models]
    return "\n".join(lines)
