"""Reading FASTA, GenBank and typed sequences; alphabets and IUPAC validation with positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genelit.errors import BadInputError
from genelit.sequence.io import from_string, guess_alphabet, read_file, validate
from tests.conftest import shared


def test_reads_genbank_with_features() -> None:
    (record,) = read_file(shared("genbank/NC_005816.gb"))
    assert record.id == "NC_005816.1" and record.alphabet == "dna"
    assert len(record.sequence) == 9609
    assert sum(1 for f in record.features if getattr(f, "type", "") == "CDS") == 10


def test_reads_protein_fasta() -> None:
    records = read_file(shared("variants/reference_proteins_8genes.fasta"))
    assert len(records) == 8 and {r.alphabet for r in records} == {"protein"}
    assert any(len(r.sequence) == 1863 for r in records)  # BRCA1


def test_alphabets() -> None:
    assert guess_alphabet("ACGTACGTNN") == "dna"
    assert guess_alphabet("ACGUACGU") == "rna"
    assert guess_alphabet("MEEPQSDPSVEPPLSQETFSDLWKLL") == "protein"
    assert from_string(">my seq\nACGT\nACGT").id == "my"


def test_bad_letter_is_reported_with_position() -> None:
    with pytest.raises(BadInputError, match="'J' at position 5 is not an IUPAC DNA letter"):
        validate("ACGTJ", "dna")
    with pytest.raises(BadInputError, match="over the limit of 3"):
        validate("ACGT", "dna", max_length=3)
    with pytest.raises(BadInputError, match="is empty"):
        validate("  ", "protein")


def test_bad_files(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(BadInputError, match="not FASTA"):
        read_file(tmp_path / "x.txt")
    with pytest.raises(BadInputError, match="cannot read"):
        read_file(tmp_path / "missing.fa")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_random_text_raises_only_genelit_errors(text: str) -> None:
    try:
        from_string(text)
    except BadInputError:
        pass
