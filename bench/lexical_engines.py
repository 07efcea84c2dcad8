"""Two lexical engines on the same corpus and queries: bm25s (genelit's today) and tantivy (on-disk segments, mmap).

Corpus: the sample file's abstracts (title + abstract), replicated to `--docs` with new ids; each copy after the
first is perturbed so that no two documents are the same text: its sentences are put in another order and one
word in ten is dropped, both from a seeded generator. Queries: the 500 PubMedQA dev questions (real questions, as
users type them). Each engine builds, saves and answers in its own process, so peak memory is its own:
- build seconds (tokenising and indexing), peak RSS, size on disk;
- query p50/p95 for the top 10, after loading the saved index (bm25s memory-mapped, as genelit would at scale);
- agreement with today's BM25: the mean share of bm25s's top 10 that the other engine also returns in its top 10.

    python -m bench.lexical_engines --docs 100000
    python -m bench.lexical_engines --docs 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, percentile, ratio, run_side, sample_papers

QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "data" / "pubmedqa" / "pqal_dev_500.json"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def corpus(n: int) -> Iterator[tuple[str, str]]:
    """(id, text) for `n` documents: the sample's abstracts, then perturbed copies of them (see the module's doc)."""
    base = [f"{p.title} {p.abstract}" for p in sample_papers(None)]
    rng = random.Random(11)
    for i in range(n):
        text = base[i % len(base)]
        if i >= len(base):
            sentences = _SENTENCE.split(text)
            rng.shuffle(sentences)
            text = " ".join(w for w in " ".join(sentences).split() if rng.random() >= 0.1)
        yield f"D{i}", text


def _queries() -> list[str]:
    return [q["QUESTION"] for q in json.loads(QUESTIONS.read_text()).values()]


def _stemmer():
    import Stemmer

    return Stemmer.Stemmer("english")


def bm25s_side(n: int, folder: Path, out: Path) -> dict:
    import bm25s

    docs = list(corpus(n))
    base = peak_rss_mb()
    started = time.perf_counter()
    tokens = bm25s.tokenize([t for _, t in docs], stopwords="en", stemmer=_stemmer(), show_progress=False)
    retriever = bm25s.BM25()
    retriever.index(tokens, show_progress=False)
    build_s = time.perf_counter() - started
    del tokens
    retriever.save(str(folder))
    ids = [i for i, _ in docs]
    del docs, retriever
    retriever = bm25s.BM25.load(str(folder), mmap=True)
    stemmer = _stemmer()
    latencies, tops = [], []
    for query in _queries():
        t = time.perf_counter()
        words = bm25s.tokenize([query], stopwords="en", stemmer=stemmer, show_progress=False, return_ids=False)[0]
        scores = np.asarray(retriever.get_scores(words), dtype=np.float32) if words else np.zeros(n, dtype=np.float32)
        best = np.argpartition(-scores, 10)[:10]
        tops.append([ids[j] for j in best[np.argsort(-scores[best])] if scores[j] > 0])
        latencies.append(time.perf_counter() - t)
    out.write_text(json.dumps(tops))
    return _summary(n, build_s, base, folder, latencies)


def tantivy_side(n: int, folder: Path, out: Path) -> dict:
    import tantivy
    from bm25s.stopwords import STOPWORDS_EN

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", stored=False, tokenizer_name="en_stem")
    schema = builder.build()
    folder.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(folder))
    base = peak_rss_mb()
    started = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=os.cpu_count() or 1)
    for doc_id, text in corpus(n):
        writer.add_document(tantivy.Document(id=doc_id, text=text))
    writer.commit()
    writer.wait_merging_threads()
    build_s = time.perf_counter() - started
    index = tantivy.Index.open(str(folder))
    index.reload()
    searcher = index.searcher()
    latencies, tops = [], []
    for query in _queries():
        t = time.perf_counter()
        # plain lowercase words, less bm25s's English stopwords: the same bag of words bm25s scores, and nothing the
        # query parser would read as syntax (AND, OR, quotes)
        words = " ".join(w for w in re.findall(r"\w+", query.lower()) if w not in STOPWORDS_EN)
        parsed = index.parse_query(words, ["text"])
        hits = searcher.search(parsed, 10).hits
        tops.append([searcher.doc(address)["id"][0] for _, address in hits])
        latencies.append(time.perf_counter() - t)
    out.write_text(json.dumps(tops))
    return _summary(n, build_s, base, folder, latencies)


def _summary(n: int, build_s: float, base: float, folder: Path, latencies: list[float]) -> dict:
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    return {"documents": n, "build_s": build_s, "peak_rss_mb": peak_rss_mb(), "base_rss_mb": base, "disk_mb": size / 1e6,
            "p50_ms": percentile([x * 1000 for x in latencies], 50), "p95_ms": percentile([x * 1000 for x in latencies], 95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--side", choices=["bm25s", "tantivy"], help="(internal)")
    parser.add_argument("--folder", type=Path, help="(internal)")
    parser.add_argument("--out", type=Path, help="(internal)")
    args = parser.parse_args()
    if args.side:
        side = bm25s_side if args.side == "bm25s" else tantivy_side
        print(json.dumps(side(args.docs, args.folder, args.out)))
        return
    with tempfile.TemporaryDirectory(prefix="genelit-lexical-") as tmp:
        results, tops = {}, {}
        for engine in ("bm25s", "tantivy"):
            out = Path(tmp) / f"{engine}.json"
            results[engine] = run_side(__file__, "--docs", str(args.docs), "--side", engine, "--folder",
                                       str(Path(tmp) / engine), "--out", str(out))
            tops[engine] = json.loads(out.read_text())
            shutil.rmtree(Path(tmp) / engine, ignore_errors=True)
    agreement = [len(set(a) & set(b)) / len(a) for a, b in zip(tops["bm25s"], tops["tantivy"]) if a]
    papers = len(sample_papers(None))  # a copy's source paper: D{i} is a copy of paper i mod this

    def sources(top: list[str]) -> set[int]:
        return {int(doc[1:]) % papers for doc in top}

    same_papers = [len(sources(a) & sources(b)) / len(sources(a)) for a, b in zip(tops["bm25s"], tops["tantivy"]) if a]
    print(f"lexical engines over {args.docs:,} documents, {len(tops['bm25s'])} PubMedQA dev questions, {os.cpu_count()} cores")
    print(f"{'engine':<8} {'build s':>8} {'docs/s':>8} {'peak RSS MB':>12} {'(before)':>9} {'disk MB':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for engine, r in results.items():
        print(f"{engine:<8} {r['build_s']:>8.1f} {args.docs / r['build_s']:>8,.0f} {r['peak_rss_mb']:>12,.0f} "
              f"{r['base_rss_mb']:>9,.0f} {r['disk_mb']:>8,.1f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f}")
    print(f"agreement with bm25s: {np.mean(agreement):.3f} of its top 10 also in tantivy's top 10 (mean over queries); "
          f"{np.mean(same_papers):.3f} counting a perturbed copy as its source paper (copies tie, and each engine breaks "
          "ties its own way)")
    b, t = results["bm25s"], results["tantivy"]
    print(f"tantivy / bm25s (the baseline; below 1 is tantivy quicker or smaller): build time {ratio(t['build_s'], b['build_s'])}, "
          f"query p50 {ratio(t['p50_ms'], b['p50_ms'])}, peak RSS over the process before building "
          f"{ratio(t['peak_rss_mb'] - t['base_rss_mb'], b['peak_rss_mb'] - b['base_rss_mb'])}, disk {ratio(t['disk_mb'], b['disk_mb'])}")


if __name__ == "__main__":
    main()
