"""Protein variant parsing, normalisation and the reference check; random strings raise only genelit's errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genelit.errors import BadInputError
from genelit.sequence.variants import check_reference, parse_protein_variant


@pytest.mark.parametrize(
    ("text", "kind", "hgvs", "gene"),
    [
        ("p.Cys61Gly", "missense", "p.Cys61Gly", None),
        ("p.C61G", "missense", "p.Cys61Gly", None),
        ("C61G", "missense", "p.Cys61Gly", None),
        ("p.(Arg175His)", "missense", "p.Arg175His", None),
        ("TP53 p.R175H", "missense", "p.Arg175His", "TP53"),
        ("BRCA1:p.Cys61Gly", "missense", "p.Cys61Gly", "BRCA1"),
        ("p.Arg213Ter", "nonsense", "p.Arg213Ter", None),
        ("R213*", "nonsense", "p.Arg213Ter", None),
        ("p.Arg213=", "synonymous", "p.Arg213=", None),
        ("p.Lys10fs", "frameshift", "p.Lys10fs", None),
        ("R175Pfs*3", "frameshift", "p.Arg175ProfsTer3", None),
        ("p.Lys10del", "deletion", "p.Lys10del", None),
        ("p.Lys10_Ala12del", "deletion", "p.Lys10_Ala12del", None),
        ("p.Lys10_Ala11insGlySer", "insertion", "p.Lys10_Ala11insGlySer", None),
        ("p.K10_A11insGS", "insertion", "p.Lys10_Ala11insGlySer", None),
        ("p.Lys10delinsGly", "delins", "p.Lys10delinsGly", None),
        ("p.Lys10_Ala12dup", "duplication", "p.Lys10_Ala12dup", None),
    ],
)
def test_parses_and_normalises(text: str, kind: str, hgvs: str, gene: str | None) -> None:
    variant = parse_protein_variant(text)
    assert (variant.kind, variant.hgvs, variant.gene, variant.text) == (kind, hgvs, gene, text)


def test_fields_of_a_missense() -> None:
    v = parse_protein_variant("p.Arg175His")
    assert (v.ref, v.position, v.alt, v.end) == ("R", 175, "H", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty variant"),
        ("p.Xyz12Abc", "cannot read variant"),
        ("R0H", "position 0"),
        ("p.Lys12_Ala10del", "not after start"),
        ("p.Lys10_Ala12ins", "needs the inserted residues"),
        ("p.Lys10_Ala12insG", "adjacent residues"),
    ],
)
def test_bad_variants_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BadInputError, match=message):
        parse_protein_variant(text)


def test_reference_check_names_the_residue() -> None:
    sequence = "M" + "A" * 59 + "C" + "A" * 10
    check_reference(parse_protein_variant("p.Cys61Gly"), sequence)
    with pytest.raises(BadInputError, match="residue 61 of the given sequence is Cys, not Ala"):
        check_reference(parse_protein_variant("p.Ala61Gly"), sequence)
    with pytest.raises(BadInputError, match="position 200 is past the end of the given sequence \\(71 residues\\)"):
        check_reference(parse_protein_variant("p.Ala200Gly"), sequence)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_random_text_raises_only_genelit_errors(text: str) -> None:
    try:
        parse_protein_variant(text)
    except BadInputError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.from_regex(r"(p\.)?\(?[A-Z][a-z]{0,2}[0-9]{1,5}(_[A-Z][a-z]{0,2}[0-9]{1,5})?(del|dup|ins|delins|fs|=|\*|[A-Z][a-z]{0,2})*\)?", fullmatch=True))
def test_variant_shaped_text_raises_only_genelit_errors(text: str) -> None:
    try:
        variant = parse_protein_variant(text)
    except BadInputError:
        return
    assert variant.position >= 1 and variant.hgvs.startswith("p.")
