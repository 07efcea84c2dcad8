"""The lexical (BM25) side at scale: build time, memory, size on disk, and in-memory vs memory-mapped loading.

It reads the chunk texts of an existing index (default: the sample index `bench/ingest.py --n 0 --keep
bench/out/sample-index` builds) and measures, each in its own process so that peak memory is its own:
- build: bm25s tokenisation (Snowball stemmer, English stopwords) and indexing, as genelit does it;
- load: `BM25.load` in memory and with `mmap=True`, and the resident memory after each;
- query: 100 one-to-four-word queries through `get_scores` + top-k, as genelit searches.
Then it projects the build and the index to `--project` documents by scaling with the document count
(BM25's matrix grows with the number of postings, about linear in documents for abstracts).

    python -m bench.lexical_scale                       # the sample index, projection to 26M abstracts
    python -m bench.lexical_scale --index DIR --project 26000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # `python bench/lexical_scale.py` as well as `python -m bench.lexical_scale`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, ratio, run_side


def _texts(index: Path) -> list[str]:
    db = sqlite3.connect(f"file:{index / 'index' / 'manifest.sqlite'}?mode=ro", uri=True)
    return [row[0] for row in db.execute("SELECT text FROM chunks ORDER BY id")]


def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def build_side(index: Path, out: Path) -> dict:
    import bm25s

    texts = _texts(index)
    base = peak_rss_mb()
    started = time.perf_counter()
    tokens = bm25s.tokenize(texts, stopwords="en", stemmer=_stemmer(), show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    seconds = time.perf_counter() - started
    retriever.save(str(out))
    postings = int(retriever.scores["data"].shape[0])
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    return {"documents": len(texts), "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "base_rss_mb": base,
            "postings": postings, "vocabulary": len(retriever.vocab_dict), "disk_mb": size / 1e6}


def _current_rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def load_side(index: Path, saved: Path, mmap: bool) -> dict:
    import bm25s

    queries = _queries(index)
    before = _current_rss_mb()
    started = time.perf_counter()
    retriever = bm25s.BM25.load(str(saved), mmap=mmap)
    load_s = time.perf_counter() - started
    stemmer = _stemmer()
    latencies = []
    for query in queries:
        t = time.perf_counter()
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False)
        if tokens and tokens[0]:
            scores = np.asarray(retriever.get_scores(tokens[0]), dtype=np.float32)
            np.argpartition(-scores, 10)[:10]
        latencies.append(time.perf_counter() - t)
    return {"load_s": load_s, "rss_after_load_mb": _current_rss_mb() - before, "rss_after_queries_mb": _current_rss_mb() - before,
            "p50_ms": float(np.percentile(latencies, 50) * 1000), "p95_ms": float(np.percentile(latencies, 95) * 1000)}


def _queries(index: Path) -> list[str]:
    """100 short queries drawn from the indexed titles' words, the same in every process."""
    rng = random.Random(7)
    words = [w for text in _texts(index)[:2000] for w in text.split()[:12] if w.isalpha() and len(w) > 4]
    return [" ".join(rng.sample(words, rng.randint(1, 4))) for _ in range(100)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, default=Path("bench/out/sample-index"), help="a genelit data dir with an index")
    parser.add_argument("--project", type=int, default=26_000_000, help="documents to project to (PubMed with abstracts)")
    parser.add_argument("--side", choices=["build", "load", "mmap"], help="(internal)")
    parser.add_argument("--saved", type=Path, help="(internal)")
    args = parser.parse_args()
    if args.side == "build":
        print(json.dumps(build_side(args.index, args.saved)))
        return
    if args.side:
        print(json.dumps(load_side(args.index, args.saved, args.side == "mmap")))
        return
    if not (args.index / "index" / "manifest.sqlite").exists():
        raise SystemExit(f"no index at {args.index}: build one with python -m bench.ingest --n 0 --keep {args.index}")
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "bm25"
        build = run_side(__file__, "--index", str(args.index), "--side", "build", "--saved", str(saved))
        memory = run_side(__file__, "--index", str(args.index), "--side", "load", "--saved", str(saved))
        mapped = run_side(__file__, "--index", str(args.index), "--side", "mmap", "--saved", str(saved))
        shutil.rmtree(saved, ignore_errors=True)
    n, scale = build["documents"], args.project / build["documents"]
    print(f"BM25 (bm25s) over {n:,} documents, {os.cpu_count()} CPU cores")
    print(f"build: {build['seconds']:.1f} s ({n / build['seconds']:,.0f} docs/s), peak RSS {build['peak_rss_mb']:.0f} MB "
          f"(process before building: {build['base_rss_mb']:.0f} MB); {build['postings']:,} postings "
          f"({build['postings'] / n:.0f} per document), vocabulary {build['vocabulary']:,}; {build['disk_mb']:.1f} MB on disk")
    for name, side in (("in memory", memory), ("mmap=True", mapped)):
        print(f"load {name:<10} {side['load_s']:.2f} s, resident +{side['rss_after_load_mb']:.0f} MB after load, "
              f"+{side['rss_after_queries_mb']:.0f} MB after 100 queries; query p50 {side['p50_ms']:.1f} ms, p95 {side['p95_ms']:.1f} ms")
    print(f"query latency ratio mmap/in-memory (p50): {ratio(mapped['p50_ms'], memory['p50_ms'])}")
    postings = build["postings"] * scale
    print(f"projection to {args.project:,} documents (x{scale:,.0f}, linear in documents): build "
          f"{build['seconds'] * scale / 3600:,.1f} h on {os.cpu_count()} cores, peak memory about "
          f"{(build['peak_rss_mb'] - build['base_rss_mb']) * scale / 1e3:,.0f} GB; {postings / 1e9:,.1f} G postings, "
          f"{build['disk_mb'] * scale / 1e3:,.0f} GB on disk; a query scores every document: "
          f"{args.project * 4 / 1e6:,.0f} MB of float32 scores, p50 about {memory['p50_ms'] * scale / 1000:,.1f} s in memory")


if __name__ == "__main__":
    main()
