"""Gene prediction speed and agreement: Prodigal (through genelit annotate) beside the six-frame ORF scan it replaced.

1. A 5 Mb synthetic genome: the shared plasmid's sequence repeated, then random sequence at the plasmid's GC
   content to make up 5 Mb. Genes per second and seconds per genome, for both methods.
2. NC_005816 (../shared/data/genbank): sensitivity (annotated CDS matched on stop and strand), precision
   (predictions that match a CDS) and exact starts, for both methods.

    python -m bench.annotate [--mb 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # `python bench/annotate.py` as well as `python -m bench.annotate`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import peak_rss_mb, ratio
from genelit.api import Assistant
from genelit.sequence.io import read_file
from genelit.settings import Settings
from genelit.types import GeneMethod

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "genbank"


def synthetic_genome(megabases: float, folder: Path) -> Path:
    """The plasmid repeated, padded with random bases at its GC content, as one FASTA record."""
    (plasmid,) = read_file(SHARED / "NC_005816.gb")
    target = int(megabases * 1_000_000)
    gc = sum(plasmid.sequence.count(b) for b in "GC") / len(plasmid.sequence)
    copies = plasmid.sequence * (target // (2 * len(plasmid.sequence)))  # half genes we know, half random
    rng = random.Random(2026)
    weights = [(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2]
    padding = "".join(rng.choices("ACGT", weights=weights, k=target - len(copies)))
    path = folder / "synthetic.fna"
    path.write_text(f">synthetic {megabases:g} Mb\n{copies}{padding}\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=5.0, help="size of the synthetic genome in megabases")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="genelit-bench-") as tmp:
        assistant = Assistant(Settings(data_dir=Path(tmp) / "data"))
        genome = synthetic_genome(args.mb, Path(tmp))
        print(f"synthetic genome: {args.mb:g} Mb; baseline: the six-frame ORF scan (>= 100 aa) on the same input")
        print(f"{'method':<34}{'seconds':>9}{'genes':>8}{'genes/s':>10}{'time ratio':>11}")
        timings = {}
        methods: tuple[GeneMethod, ...] = ("auto", "orfs")
        for method in methods:
            started = time.perf_counter()
            (a,) = assistant.annotate(genome, method=method)
            seconds = time.perf_counter() - started
            found = a.predicted or 0
            timings[method] = seconds
            label = "Prodigal (self-trained)" if method == "auto" else "six-frame ORF scan"
            print(f"{label:<34}{seconds:>9.2f}{found:>8,}{found / seconds:>10.0f}{ratio(seconds, timings['auto']):>11}")
        print(f"\nNC_005816 against its annotation ({SHARED / 'NC_005816.gb'})")
        print(f"{'method':<34}{'sensitivity':>12}{'precision':>11}{'exact starts':>14}")
        for method in methods:
            (a,) = assistant.annotate(SHARED / "NC_005816.gb", method=method)
            label = a.predictor or method
            print(f"{label[:33]:<34}{a.cds_found}/{a.cds_annotated:<9}{a.predictions_matched:>5}/{a.predicted:<5}"
                  f"{a.cds_exact_start:>9}/{a.cds_found}")
        print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
