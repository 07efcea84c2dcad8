"""Helpers the benchmarks share: the sample corpus, peak memory, and running one side in a clean process."""

from __future__ import annotations

import json
import resource
import subprocess
import sys
from pathlib import Path

from genelit.index.medline import read_records
from genelit.index.sample import fetch_sample
from genelit.settings import Settings
from genelit.types import Paper


def sample_papers(limit: int | None) -> list[Paper]:
    """The first `limit` papers with abstracts of the sample file (fetched and cached on first use)."""
    source = fetch_sample(Settings().cache_dir)
    papers: dict[str, Paper] = {}  # an update file can carry two versions of a PMID: keep the later one
    for record in read_records(source):
        if isinstance(record, Paper) and record.abstract:
            if record.pmid not in papers and limit is not None and len(papers) >= limit:
                break
            papers[record.pmid] = record
    return list(papers.values())


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_side(script: str, *args: str) -> dict:
    """Run one side of a comparison (the bench script `script`, as `python -m bench.NAME`) in its own process, so that
    peak memory is its own; it prints one JSON line last."""
    root = Path(__file__).resolve().parents[1]
    module = f"bench.{Path(script).stem}"
    done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, check=False, cwd=root)
    if done.returncode != 0:
        raise SystemExit(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear interpolation: the one definition every benchmark uses."""
    import numpy as np

    return float(np.percentile(values, q))


def ratio(ours: float, baseline: float) -> str:
    return f"{ours / baseline:.3f}x" if baseline else "n/a"
