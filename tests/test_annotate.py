"""Gene prediction (Prodigal through pyrodigal), its comparison with GenBank annotation, GFF3 and protein FASTA,
streaming of multi-record files, and alignment (pairwise, and minimap2 onto a reference)."""

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
from genelit.errors import BadInputError
from genelit.settings import Settings
from genelit.tools.base import EvidenceLedger
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


# -- alignment ----------------------------------------------------------------------------------
def test_pairwise_alignment_on_hand_made_pairs(assistant: Assistant) -> None:
    same = assistant.align("MKTAYIAKQRQISFVKSHFSRQ", "MKTAYIAKQRQISFVKSHFSRQ")
    assert (same.identity, same.gaps, same.columns, same.a_coverage) == (1.0, 0, 22, 1.0)
    deletion = assistant.align("MKTAYIAKQRQISFVKSHFSRQ", "MKTAYIAKQRISFVKSHFSRQ")  # one Q removed
    assert deletion.gaps == 1 and deletion.gap_columns == 1 and deletion.identity == round(21 / 22, 4)
    assert deletion.scoring == "BLOSUM62, gap -10/-0.5" and "||||||||||-|||||||||||" in deletion.text
    conservative = assistant.align("MKTAYIAKQR", "MRTAYLAKQR")  # K->R and I->L score above zero in BLOSUM62
    assert conservative.identity == 0.8 and conservative.similarity == 1.0
    dna = assistant.align("ATGGCCATTGTAATGGGCCGCTGAAAGGGTGCCCGATAG", "ATGGCCATTGTAGGCCGCTGAAAGGGTGCCCGATAG")  # ATG gone
    assert dna.alphabet == "dna" and dna.gaps == 1 and dna.gap_columns == 3 and dna.scoring.startswith("NUC.4.4")
    local = assistant.align("WWWWWMKTAYIAKQRWWWWW", "MKTAYIAKQR", "local")
    assert local.a_range == (6, 15) and local.b_range == (1, 10) and local.identity == 1.0 and local.a_coverage == 0.5


def test_pairwise_refuses_mixed_or_oversized_pairs(assistant: Assistant) -> None:
    with pytest.raises(BadInputError, match="align two proteins or two nucleotide sequences"):
        assistant.align("MKTAYIAKQRQISFVKSHFSRQ", "ATGGCCATTGTAATGGGCCGC")
    with pytest.raises(BadInputError, match="too large to align pairwise"):
        assistant.align("A" * 10_000, "C" * 10_000)
    with pytest.raises(BadInputError, match="no file 'missing.fa'"):
        assistant.align("missing.fa", "ACGT")


def test_minimap2_places_plasmid_fragments(assistant: Assistant, plasmid: SeqRecord) -> None:
    forward = str(plasmid.seq[3000:4500])
    backward = str(plasmid.seq[5000:5300].reverse_complement())
    (hit,) = assistant.map_to_reference(forward, shared("genbank/NC_005816.gb"))
    assert (hit.target, hit.target_start, hit.target_end, hit.strand, hit.identity, hit.cigar) == (
        "NC_005816.1", 3001, 4500, 1, 1.0, "1500M")
    (hit,) = assistant.map_to_reference(backward, shared("genbank/NC_005816.fna"))
    assert (hit.target_start, hit.target_end, hit.strand) == (5001, 5300, -1) and hit.mapq == 60


def test_align_command_and_agent_tool(assistant: Assistant, tmp_path: Path) -> None:
    base = ["--data-dir", str(tmp_path), "align"]
    result = runner.invoke(app, [*base, "MKTAYIAKQRQISFVKSHFSRQ", "MKTAYIAKQRISFVKSHFSRQ", "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["identity"] == round(21 / 22, 4)
    result = runner.invoke(app, [*base, str(shared("genbank/NC_005816.ffn")), "--ref", str(shared("genbank/NC_005816.gb")), "--json"])
    hits = json.loads(result.stdout)
    assert result.exit_code == 0 and len(hits) == 10 and all(h["identity"] == 1.0 for h in hits)  # every CDS maps home
    result = runner.invoke(app, [*base, "ACGT"])
    assert result.exit_code == 2 and "give a second sequence, or --ref" in result.stderr
    result = runner.invoke(app, [*base, "ACGTACGTAC", "--ref", str(shared("genbank/NC_005816.fna")), "--preset", "fast"])
    assert result.exit_code == 2 and "no minimap2 preset 'fast'" in result.stderr
    toolbox = assistant.answers.toolbox
    ledger = EvidenceLedger()
    text = toolbox.align_sequences(ledger, "MKTAYIAKQRQISFVKSHFSRQ", "MKTAYIAKQRISFVKSHFSRQ", "global")
    assert text.startswith("[M1] global alignment (BLOSUM62") and ledger.model_outputs[0].tool == "align_sequences"
