"""Hybrid query latency (p50/p95, warm) over the whole sample file, beside each retriever alone.

The index is built once under --data-dir (default bench/out/sample-index) and reused; the
queries are the 500 PubMedQA questions. The target is p50 <= 50 ms on two cores.

    python -m bench.query_latency
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/query_latency.py` as well as `python -m bench.query_latency`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import percentile, ratio
from genelit.api import Assistant
from genelit.eval.retrieval import load_pubmedqa
from genelit.index.sample import fetch_sample
from genelit.settings import Settings

HERE = Path(__file__).resolve().parent
DEFAULT_QA = HERE.parents[1] / "shared" / "data" / "pubmedqa" / "pqal_dev_500.json"
TARGET_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=HERE / "out" / "sample-index")
    parser.add_argument("--qa", type=Path, default=DEFAULT_QA)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    assistant = Assistant(Settings(data_dir=args.data_dir))
    # The sample file comes from the default cache; indexing is a no-op when bench/ingest.py --keep built it.
    report = assistant.index_files(fetch_sample(Settings().cache_dir))
    stats = assistant.index_stats()
    print(f"index: {stats.papers:,} papers, {stats.chunks:,} chunks ({report.added:,} added in this run)")
    questions = [item["QUESTION"] for item in load_pubmedqa(args.qa).values()]
    for warm in questions[:20]:
        assistant.search(warm, 10)
    rows = {}
    for name, retrievers in (("hybrid", ("bm25", "dense")), ("bm25 only", ("bm25",)), ("dense only", ("dense",))):
        latencies = []
        for question in questions:
            started = time.perf_counter()
            assistant.search(question, 10, retrievers=retrievers)
            latencies.append((time.perf_counter() - started) * 1000)
        rows[name] = (statistics.median(latencies), percentile(latencies, 95))
    print(f"query latency over {len(questions)} PubMedQA questions, k=10, {os.cpu_count()} CPU cores")
    print(f"{'retrieval':<14}{'p50 ms':>9}{'p95 ms':>9}")
    for name, (p50, p95) in rows.items():
        print(f"{name:<14}{p50:>9.1f}{p95:>9.1f}")
    print(f"hybrid p50 against the {TARGET_MS:.0f} ms target: {ratio(rows['hybrid'][0], TARGET_MS)} of target; "
          f"hybrid/dense-only p50: {ratio(rows['hybrid'][0], rows['dense only'][0])}")


if __name__ == "__main__":
    main()
