"""Parallel writers, and a build of a million abstracts, on this machine into one Chroma server (`chroma run`).

Both take the vectors from a file, so that what is timed is the path after the embedding (reading, writing,
BM25), which is what caps a build once GPUs embed:
- The sample file's abstracts are embedded once by genelit's embedder (timed: that rate is the CPU's embedding
  rate) and the vectors cached in bench/out/sample-vectors.npy.
- Papers beyond the sample's are copies with new PMIDs (the source PMID + 100,000,000 x the copy's number), their
  text perturbed as bench/lexical_engines.py perturbs it (sentences reordered, one word in ten dropped, seeded),
  their vector the source's plus seeded noise, renormalised (cosine about 0.98 with the source).

    python -m bench.writers --n 50000 --writers 1,2,4     # the writer table; 1 writer (in process) is the baseline
    python -m bench.writers --build 1000000 --writers 2 --keep DIR  # a million abstracts end to end, then query latency
    python -m bench.writers --build 1000000 --writers 2 --keep DIR --update 30000  # then a daily update's worth

Each run starts its own Chroma server and writes a new index, in its own process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, percentile, ratio, run_side, sample_papers
from genelit.settings import Settings
from genelit.types import Paper

OUT = Path(__file__).resolve().parent / "out"
VECTORS = OUT / "sample-vectors.npy"
QUESTIONS = Path(__file__).resolve().parents[2] / "shared" / "data" / "pubmedqa" / "pqal_dev_500.json"
COPY_STRIDE = 100_000_000  # a copy's PMID: the source's plus this times the copy's number (real PMIDs stay below it)
NOISE = 0.008  # per dimension, on unit vectors of 384: a copy keeps a cosine of about 0.98 with its source
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def cached_vectors(papers: list[Paper]) -> tuple[np.ndarray, float]:
    """The sample papers' vectors (one chunk each) and the rate they were embedded at, made once and kept."""
    meta = VECTORS.with_suffix(".json")
    if VECTORS.exists() and meta.exists() and json.loads(meta.read_text())["papers"] == len(papers):
        return np.load(VECTORS), float(json.loads(meta.read_text())["per_second"])
    from genelit.index.chunking import paper_text
    from genelit.index.embeddings import Embedder
    from genelit.settings import Settings

    embedder = Embedder(Settings().embedding)
    texts = [paper_text(p) for p in papers]
    embedder.embed(texts[:32])  # the model loads outside the timed part
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    rate = len(texts) / (time.perf_counter() - started)
    OUT.mkdir(exist_ok=True)
    np.save(VECTORS, vectors)
    meta.write_text(json.dumps({"papers": len(papers), "per_second": rate, "model": embedder.name}))
    return vectors, rate


class Corpus:
    """`n` embedded papers, the sample's then perturbed copies, made as they are asked for (their own time counted)."""

    def __init__(self, n: int) -> None:
        started = time.perf_counter()
        self.papers = sample_papers(None)
        self.parse_seconds = time.perf_counter() - started
        self.vectors, self.embed_rate = cached_vectors(self.papers)
        self.n = n
        self.make_seconds = 0.0

    def records(self, start: int = 0, changed: int = 0) -> Iterator[object]:
        """Papers `start` to `n`; then, if asked, `changed` new versions of papers of the sample (a sentence added)."""
        from genelit.index.chunking import chunk_papers
        from genelit.index.ingest import Embedded

        rng = random.Random(11)
        noise = np.random.default_rng(11)
        base = len(self.papers)
        for i in [*range(start, self.n), *range(changed)]:
            started = time.perf_counter()
            source, copy = self.papers[i % base], i // base
            vector = self.vectors[i % base]
            paper = source
            if copy:
                sentences = _SENTENCE.split(source.abstract)
                rng.shuffle(sentences)
                abstract = " ".join(w for w in " ".join(sentences).split() if rng.random() >= 0.1)
                paper = source.model_copy(update={"pmid": str(int(source.pmid) + copy * COPY_STRIDE), "abstract": abstract})
                vector = vector + noise.normal(0, NOISE, vector.shape).astype(np.float32)
                vector /= np.linalg.norm(vector)
            if i < start:  # a new version of a paper already indexed
                paper = paper.model_copy(update={"abstract": paper.abstract + " This record was revised."})
            chunks = chunk_papers([paper], None, 0, 0, split=False)[0]
            record = Embedded(paper, chunks, vector.reshape(1, -1))
            self.make_seconds += time.perf_counter() - started
            yield record


def _chroma_server(folder: Path) -> tuple[subprocess.Popen, str]:
    from genelit.agent.llm import free_port

    port = free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(folder), "--host", "127.0.0.1",
                               "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=1).read()
            return server, url
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("chroma run did not start") from None
            time.sleep(0.2)


def _peak_mb(pid: int) -> float:
    """A process's peak resident memory (VmHWM), read before it ends."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class ChildPeaks:
    """The largest peak resident memory among this process's children except one (the Chroma server), sampled each
    second while they run: a child's own ru_maxrss would count the parent's memory at the moment it was forked."""

    def __init__(self, server: int) -> None:
        import threading

        import psutil

        self.peak_mb = 0.0
        self._stop = threading.Event()

        def sample() -> None:
            while not self._stop.wait(1.0):
                for child in psutil.Process().children(recursive=True):
                    if child.pid != server:
                        try:
                            self.peak_mb = max(self.peak_mb, _peak_mb(child.pid))
                        except OSError:
                            pass  # it ended between the listing and the read

        self._thread = threading.Thread(target=sample, daemon=True)
        self._thread.start()

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a running process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _folder_mb(folder: Path) -> float:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 1e6 if folder.exists() else 0.0


def _queries(limit: int) -> list[str]:
    return [q["QUESTION"] for q in json.loads(QUESTIONS.read_text()).values()][:limit]


def build_side(n: int, writers: int, queries: int, keep: Path | None) -> dict:
    """Index `n` papers with `writers` writers into a new Chroma server; then, if asked, time queries on the result."""
    from genelit.api import Assistant

    corpus = Corpus(n)
    folder = keep or Path(tempfile.mkdtemp(prefix="genelit-writers-"))
    shutil.rmtree(folder, ignore_errors=True)
    server, url = _chroma_server(folder / "chroma-server")
    try:
        settings = _settings(folder, url, writers)
        assistant = Assistant(settings)
        _ = assistant.genes  # the HGNC table the mention linker reads, outside the timed part
        flushed: list[float] = []
        server_cpu, own_cpu = _cpu_seconds(server.pid), resource.getrusage(resource.RUSAGE_SELF)
        writer_peaks = ChildPeaks(server.pid)
        started = time.perf_counter()
        report = assistant.literature.add_records(corpus.records(), "bench", on_batch=lambda _: flushed.append(time.perf_counter()))
        ended = time.perf_counter()
        writer_peak = writer_peaks.stop()
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = {"server": _cpu_seconds(server.pid) - server_cpu,
               "driver": own.ru_utime + own.ru_stime - own_cpu.ru_utime - own_cpu.ru_stime,
               "writers": children.ru_utime + children.ru_stime}  # the writer processes (the server is still running)
        side = {"papers": report.added, "writers": writers, "write_seconds": flushed[-1] - started,
                "lexical_seconds": ended - flushed[-1], "make_seconds": corpus.make_seconds,
                "parse_seconds": corpus.parse_seconds, "sample_papers": len(corpus.papers),
                "embed_rate": corpus.embed_rate, "mentions": assistant.index.manifest.mention_count(),
                "driver_peak_mb": peak_rss_mb(), "cpu_seconds": cpu,
                "writer_peak_mb": writer_peak if writers > 1 else None}
        if queries:
            questions = _queries(queries)
            assistant.search(questions[0], k=10)  # the embedder and the lexical index load outside the timed part
            latencies = []
            for question in questions:
                began = time.perf_counter()
                assistant.search(question, k=10)
                latencies.append((time.perf_counter() - began) * 1000)
            side.update(query_p50_ms=percentile(latencies, 50), query_p95_ms=percentile(latencies, 95))
        side.update(server_peak_mb=_peak_mb(server.pid), disk_mb={
            "chroma": _folder_mb(folder / "chroma-server"),
            "manifest": _folder_mb(settings.index_dir) - _folder_mb(settings.index_dir / "tantivy"),
            "tantivy": _folder_mb(settings.index_dir / "tantivy")})
    finally:
        server.terminate()
        server.wait(timeout=120)
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    return side


def update_side(folder: Path, start: int, n: int, changed: int, writers: int) -> dict:
    """On an index --build kept: tantivy rebuilt whole (timed), then `n - start` new papers and `changed` revised ones
    indexed, the BM25 update after them timed apart."""
    from genelit.api import Assistant
    from genelit.index.lexical import TantivyLexical

    corpus = Corpus(n)
    server, url = _chroma_server(folder / "chroma-server")
    try:
        assistant = Assistant(_settings(folder, url, writers))
        _ = assistant.genes
        index = assistant.index
        started = time.perf_counter()
        TantivyLexical.build(index.manifest, index.lexical_folder.with_name("tantivy.tmp")).save(index.lexical_folder)
        rebuild = time.perf_counter() - started
        flushed: list[float] = []
        started = time.perf_counter()
        report = assistant.literature.add_records(corpus.records(start, changed), "update",
                                                  on_batch=lambda _: flushed.append(time.perf_counter()))
        ended = time.perf_counter()
        lexical = index.lexical()
        return {"papers": index.manifest.stats().papers, "added": report.added, "updated": report.updated,
                "rebuild_seconds": rebuild, "write_seconds": flushed[-1] - started, "update_seconds": ended - flushed[-1],
                "lexical_size": lexical.size if isinstance(lexical, TantivyLexical) else None}
    finally:
        server.terminate()
        server.wait(timeout=120)


def _settings(folder: Path, url: str, writers: int) -> Settings:
    from genelit.settings import IndexSettings, RetrievalSettings, StoreSettings

    return Settings(data_dir=folder / "data", store=StoreSettings(chroma_url=url), index=IndexSettings(writers=writers),
                    retrieval=RetrievalSettings(lexical_engine="tantivy"))


def update_report(folder: Path, start: int, new: int, writers: int) -> None:
    changed = new // 2
    side = run_side(__file__, "--side", "--n", str(start + new), "--writers", str(writers), "--keep", str(folder),
                    "--update-from", str(start), "--changed", str(changed))
    print(f"an update of the {side['papers'] - side['added']:,}-abstract index --build kept: {side['added']:,} new papers, "
          f"{side['updated']:,} revised, {writers} writers")
    print(f"  write: {side['write_seconds']:.1f} s; BM25 (tantivy) brought up to date in place: {side['update_seconds']:.1f} s, "
          f"against {side['rebuild_seconds']:.1f} s to rebuild it whole (ratio {ratio(side['rebuild_seconds'], side['update_seconds'])} faster); "
          f"{side['lexical_size']:,} chunks in it after")
    print(json.dumps(side))


def writer_table(n: int, counts: list[int]) -> None:
    sides = [run_side(__file__, "--side", "--n", str(n), "--writers", str(k)) for k in counts]
    base = sides[0]["papers"] / sides[0]["write_seconds"]
    print(f"writers into one Chroma server: {n:,} papers, vectors made beforehand, {os.cpu_count()} CPU cores")
    print(f"{'writers':>8}{'seconds':>10}{'abstracts/s':>13}{'vs ' + str(counts[0]):>8}{'BM25 s':>9}"
          f"{'server peak MB':>16}{'writer peak MB':>16}{'CPU s per 1,000: server / writers / driver':>46}")
    for side in sides:
        rate = side["papers"] / side["write_seconds"]
        peak = f"{side['writer_peak_mb']:.0f}" if side["writer_peak_mb"] else "(in driver)"
        cpu = " / ".join(f"{side['cpu_seconds'][part] * 1000 / side['papers']:.2f}" for part in ("server", "writers", "driver"))
        print(f"{side['writers']:>8}{side['write_seconds']:>10.1f}{rate:>13.1f}{ratio(rate, base):>8}"
              f"{side['lexical_seconds']:>9.1f}{side['server_peak_mb']:>16.0f}{peak:>16}{cpu:>46}")
    print(f"making the records in the driver (copies, noise) took {sides[0]['make_seconds']:.1f} s of each run; the driver's "
          "CPU includes it and the BM25 build; with 1 writer the driver is the writer")


def build_report(n: int, writers: int, keep: Path | None) -> None:
    side = run_side(__file__, "--side", "--n", str(n), "--writers", str(writers), "--queries", "200",
                    *(["--keep", str(keep)] if keep else []))
    parse = side["parse_seconds"] * n / side["sample_papers"]
    embed = n / side["embed_rate"]
    write_rate = side["papers"] / side["write_seconds"]
    print(f"a build of {side['papers']:,} abstracts, {writers} writers, one Chroma server, tantivy BM25, {os.cpu_count()} CPU cores")
    print(f"  read:  parsing the sample file took {side['parse_seconds']:.1f} s for {side['sample_papers']:,} papers, so "
          f"{parse:,.0f} s for {n:,} (one core); making the copies in the driver took {side['make_seconds']:.0f} s, "
          "inside the write phase")
    print(f"  embed: from the vector file; this CPU embeds {side['embed_rate']:.1f} abstracts/s, so {embed / 3600:,.1f} h for {n:,}")
    print(f"  write: {side['write_seconds']:,.0f} s ({write_rate:,.0f} abstracts/s: upserts, manifest commits, "
          f"{side['mentions']:,} variant mentions)")
    print(f"  lexical (tantivy, from the manifest): {side['lexical_seconds']:,.0f} s")
    print(f"  peak RSS MB: driver {side['driver_peak_mb']:,.0f}, largest writer {side['writer_peak_mb'] or 0:,.0f}, "
          f"Chroma server {side['server_peak_mb']:,.0f}")
    disk = side["disk_mb"]
    print(f"  disk MB: Chroma {disk['chroma']:,.0f}, manifest {disk['manifest']:,.0f}, tantivy {disk['tantivy']:,.0f}")
    print(f"  hybrid search on the finished index, 200 PubMedQA dev questions, top 10: p50 {side['query_p50_ms']:.0f} ms, "
          f"p95 {side['query_p95_ms']:.0f} ms")
    print(json.dumps(side))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=50_000, help="papers for the writer table")
    parser.add_argument("--writers", default="1,2,4", help="writer counts, comma-separated (with --build: one count)")
    parser.add_argument("--build", type=int, help="build an index of this many papers end to end and time queries on it")
    parser.add_argument("--keep", type=Path, help="with --build: keep the index and the server's folder here")
    parser.add_argument("--update", type=int, help="add this many new papers (and half as many revised) to the index "
                        "--build kept (--keep FOLDER --build N, N its size), timing the BM25 update against a rebuild")
    parser.add_argument("--update-from", type=int, help="(internal) the first new paper's number")
    parser.add_argument("--changed", type=int, default=0, help="(internal) revised papers")
    parser.add_argument("--side", action="store_true", help="(internal) one run, printed as JSON")
    parser.add_argument("--queries", type=int, default=0, help="(internal) questions to time on the finished index")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    counts = [int(k) for k in args.writers.split(",")]
    if args.side and args.update_from is not None:
        print(json.dumps(update_side(args.keep, args.update_from, args.n, args.changed, counts[0])))
    elif args.side:
        print(json.dumps(build_side(args.n, counts[0], args.queries, args.keep)))
    elif args.update:
        if not (args.keep and args.build):
            parser.error("--update needs --keep FOLDER and --build N: the index a --build kept, and its size")
        update_report(args.keep, args.build, args.update, counts[0])
    elif args.build:
        build_report(args.build, counts[0], args.keep)
    else:
        writer_table(args.n, counts)


if __name__ == "__main__":
    main()
