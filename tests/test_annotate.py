"""Gene prediction (Prodigal through pyrodigal), its comparison with GenBank annotation, GFF3 and protein FASTA,
and streaming of multi-record files."""

from __future__ import annotations

import json
import random
import tracemalloc
from pathlib import Path

import pytest
from Bio import SeqIO
from Bio.Seq import Seq
from Bio.SeqFeature import CompoundLocation, FeatureLocation, SeqFeature
from Bio.SeqRecord import SeqRecord
from typer.testing import CliRunner

from genelit.api import Assistant
from genelit.cli import app
from genelit.settings import Settings
from tests.conftest import shared

runner = CliRunner()


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(Settings(data_dir=tmp_path_factory.mktemp("annotate")))


@pytest.fixture(scope="module")
def plasmid() -> SeqRecord:
    return SeqIO.read(shared("genbank/NC_005816.gb"), "genbank")


def test_prodigal_finds_the_plasmid_genes(assistant: Assistant) -> None:
    (a,) = assistant.annotate(shared("genbank/NC_005816.gb"))
    assert a.predictor is not None and "metagenomic" in a.predictor  # 9.6 kb: too short to train on
    assert a.genetic_code == 11  # from the record's transl_table, not a default
    assert a.cds_annotated == 10 and a.cds_found is not None and a.cds_found >= 9 and a.cds_spliced == 0
    assert a.predicted == len(a.genes) and a.cds_precision is not None and a.cds_precision >= 0.9
    assert a.cds_exact_start is not None and 0 < a.cds_exact_start <= a.cds_found
    first = a.genes[0]
    assert (first.start, first.end, first.strand, first.start_codon) == (87, 1109, 1, "ATG")
    assert first.protein.startswith("MVTFETVMEIKILHKQGMSS") and not first.protein.endswith("*")
    assert 0.5 < (a.coding_density or 0) < 0.7


def test_a_long_sequence_trains_prodigal_on_itself(assistant: Assistant, plasmid: SeqRecord, tmp_path: Path) -> None:
    genome = tmp_path / "genome.fna"
    genome.write_text(">synthetic\n" + str(plasmid.seq) * 11 + "\n")  # 105.7 kb, past the self-training threshold
    (a,) = assistant.annotate(genome)
    assert a.predictor is not None and "trained on this sequence" in a.predictor and a.length == 105_699
    assert len(a.genes) >= 11 * 8 and a.cds_annotated is None  # FASTA: nothing to compare with
    assert a.length > 100_000  # the old 100,000-residue limit is a protein limit now


def test_gff3_round_trips_through_a_gff_reader(plasmid: SeqRecord, tmp_path: Path) -> None:
    from BCBio import GFF

    gff, faa = tmp_path / "genes.gff3", tmp_path / "genes.faa"
    result = runner.invoke(app, ["--data-dir", str(tmp_path / "d"), "annotate", str(shared("genbank/NC_005816.gb")),
                                 "-o", str(gff), "--proteins", str(faa), "--json"])
    assert result.exit_code == 0, result.output
    (a,) = json.loads(result.stdout)
    lines = gff.read_text().splitlines()
    assert lines[0] == "##gff-version 3" and lines[1] == "##sequence-region NC_005816.1 1 9609"
    rows = [line.split("\t") for line in lines[2:]]
    assert all(len(row) == 9 and row[2] == "CDS" and row[6] in "+-" and row[7] == "0" for row in rows)
    assert all(1 <= int(row[3]) <= int(row[4]) <= 9609 for row in rows)  # 1-based, inclusive, inside the sequence
    with gff.open() as handle:
        (parsed,) = list(GFF.parse(handle))
    read_back = [(int(f.location.start) + 1, int(f.location.end), f.location.strand, f.qualifiers["ID"][0]) for f in parsed.features]
    assert read_back == [(g["start"], g["end"], g["strand"], f"NC_005816.1_{n}") for n, g in enumerate(a["genes"], 1)]
    proteins = list(SeqIO.parse(faa, "fasta"))
    assert [str(p.seq) for p in proteins] == [g["protein"] for g in a["genes"]]
    # the proteins are what the DNA encodes: the first gene translated by Biopython
    first = a["genes"][0]
    assert str(plasmid.seq[first["start"] - 1:first["end"]].translate(table=11, to_stop=True))[1:] == first["protein"][1:]


def test_spliced_cds_are_counted_apart_and_a_eukaryote_is_told_so(assistant: Assistant, tmp_path: Path) -> None:
    random.seed(7)
    dna = "".join(random.choice("ACGT") for _ in range(3000))
    record = SeqRecord(Seq(dna), id="toy.1", name="toy", description="a toy eukaryotic region",
                       annotations={"molecule_type": "DNA", "taxonomy": ["Eukaryota", "Metazoa"]})
    record.features = [
        SeqFeature(CompoundLocation([FeatureLocation(100, 400, 1), FeatureLocation(900, 1200, 1)]), type="CDS"),
        SeqFeature(CompoundLocation([FeatureLocation(1500, 1700, -1), FeatureLocation(2000, 2300, -1)]), type="CDS"),
        SeqFeature(FeatureLocation(2400, 2700, 1), type="CDS"),
    ]
    path = tmp_path / "toy.gb"
    SeqIO.write(record, path, "genbank")
    (a,) = assistant.annotate(path)
    assert a.cds_spliced == 2 and a.cds_annotated == 1  # the spliced two are not scored as misses
    assert any(n.startswith("spliced CDS: 2 (a prokaryotic gene finder cannot predict these") for n in a.notes)
    assert any(n.startswith("the organism is a eukaryote: gene prediction here is prokaryotic") for n in a.notes)


def test_many_records_stream_in_flat_memory(assistant: Assistant, plasmid: SeqRecord, tmp_path: Path) -> None:
    def peak_for(records: int) -> int:
        path = tmp_path / f"{records}.fa"
        path.write_text("".join(f">copy{n}\n{plasmid.seq}\n" for n in range(records)))
        tracemalloc.start()
        try:
            seen = sum(1 for _ in assistant.annotate_each(path))
            return tracemalloc.get_traced_memory()[1] if seen == records else -1
        finally:
            tracemalloc.stop()

    few, many = peak_for(5), peak_for(50)
    assert few > 0 and many > 0
    assert many < few * 1.5  # ten times the records, about the same peak: one record at a time


def test_method_flags(tmp_path: Path) -> None:
    base = ["--data-dir", str(tmp_path), "annotate", str(shared("genbank/NC_005816.gb"))]
    result = runner.invoke(app, [*base, "--orfs", "--meta"])
    assert result.exit_code == 2 and "choose one method" in result.stderr
    result = runner.invoke(app, [*base, "--single"])
    assert result.exit_code == 2 and "too few to train Prodigal on" in result.stderr
    result = runner.invoke(app, [*base, "--table", "7"])
    assert result.exit_code == 2 and "Prodigal has no genetic code 7" in result.stderr
    result = runner.invoke(app, [*base, "--orfs", "--json"])
    (orfs,) = json.loads(result.stdout)
    assert orfs["predictor"] == "six-frame ORF scan" and orfs["genes"] == [] and orfs["orfs"]
