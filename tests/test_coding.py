"""Coding HGVS: parsing, applying to a CDS, protein consequences and splice flags; random text raises only our errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genelit.errors import BadInputError
from genelit.sequence.coding import coding_consequence
from genelit.sequence.io import read_file
from tests.conftest import shared

CDS = "ATGGCTTGTAAACGATGA"  # M A C K R *


@pytest.mark.parametrize(
    ("text", "consequence", "protein", "splice"),
    [
        ("c.7T>G", "missense", "p.Cys3Gly", False),
        ("c.9T>C", "synonymous", "p.Cys3=", False),
        ("c.12A>T", "missense", "p.Lys4Asn", False),
        ("c.10A>T", "nonsense", "p.Lys4Ter", False),
        ("c.4del", "frameshift", "p.Ala2Leufs", False),
        ("c.6dup", "frameshift", "p.Cys3LeufsTer2", False),
        ("c.4_6del", "inframe_deletion", None, False),
        ("c.3_4insTTT", "inframe_insertion", None, False),
        ("c.1A>G", "start_lost", "p.Met1?", False),
        ("c.16T>C", "stop_lost", "p.Ter6Argext", False),
        ("c.9+1G>A", "splice_site", None, True),
        ("c.10-5C>T", "splice_region", None, True),
        ("c.10-40C>T", "intronic", None, False),
        ("c.-14C>T", "5_prime_UTR", None, False),
        ("c.*5A>G", "3_prime_UTR", None, False),
    ],
)
def test_consequences(text: str, consequence: str, protein: str | None, splice: bool) -> None:
    result = coding_consequence(text, CDS)
    assert (result.consequence, result.hgvs_p, result.splice_region) == (consequence, protein, splice)


@pytest.mark.parametrize(
    ("text", "message"),
    [("c.7A>G", "nucleotide 7 of the CDS is T, not A"), ("c.100T>G", "past the end of the CDS"),
     ("c.4_5delAA", "are GC, not AA"), ("c.4_9insA", "adjacent"), ("c.181T>", "cannot read coding variant")],
)
def test_errors_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        coding_consequence(text, CDS)


def test_real_cds_from_genbank() -> None:
    (record,) = read_file(shared("genbank/noref_NM_006141_human_mRNA.gb"))
    cds_feature = next(f for f in record.features if f.type == "CDS")
    cds = str(cds_feature.extract(record.sequence))
    assert coding_consequence("c.1A>G", cds).consequence == "start_lost"
    assert cds[3:6] == "GCG"  # codon 2 is Ala; GCA is Ala too, GTG is Val, and TAG is a stop only from TCG
    third = coding_consequence("c.6G>A", cds)
    assert (third.consequence, third.hgvs_p) == ("synonymous", "p.Ala2=")
    second = coding_consequence("c.5C>T", cds)
    assert (second.consequence, second.hgvs_p) == ("missense", "p.Ala2Val")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_random_text_raises_only_genelit_errors(text: str) -> None:
    try:
        coding_consequence(text, CDS)
    except BadInputError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"c\.[-*]?[0-9]{1,3}([+-][0-9]{1,2})?(_[0-9]{1,3})?([ACGT]>[ACGT]|del[ACGT]{0,3}|dup|ins[ACGT]{0,3}|delins[ACGT]{1,3})", fullmatch=True))
def test_coding_shaped_text_raises_only_genelit_errors(text: str) -> None:
    try:
        coding_consequence(text, CDS)
    except BadInputError:
        pass
