"""Protein variants as curators write them: HGVS (p.Arg175His, p.(Arg175His)) and shorthands (p.R175H, R175H).

Everything is normalised to one `Variant` with one-letter residues and a three-letter HGVS
string, and checked against a reference sequence with a message that says exactly what
disagrees ("residue 61 of the given sequence is Cys, not Ala").
"""

from __future__ import annotations

import re

from Bio.Data.IUPACData import protein_letters_3to1

from genelit.errors import BadInputError, clip
from genelit.limits import MAX_POSITION, bounded_int
from genelit.types import Variant

# The 20 standard residues from Biopython, plus the two rare ones and the stop that HGVS names.
THREE_TO_ONE = {**protein_letters_3to1, "Sec": "U", "Pyl": "O", "Ter": "*"}
ONE_TO_THREE = {one: three for three, one in THREE_TO_ONE.items()}

_AA3 = "|".join(THREE_TO_ONE)
_AA = rf"(?:{_AA3}|[ACDEFGHIKLMNPQRSTVWYUO*])"
_AAS = rf"(?:(?:{_AA3})+|[ACDEFGHIKLMNPQRSTVWYUO*]+)"
_GENE = r"(?:(?P<gene>[A-Za-z][A-Za-z0-9-]*(?:orf\d+)?)\s*[: ]\s*)?"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("frameshift", re.compile(rf"^(?P<ref>{_AA})(?P<pos>\d+)(?P<alt>{_AA})?fs(?:(?:\*|Ter|X)(?P<len>\d+|\?))?$")),
    ("range", re.compile(rf"^(?P<ref>{_AA})(?P<pos>\d+)_(?P<ref2>{_AA})(?P<end>\d+)(?P<op>delins|del|dup|ins)(?P<alt>{_AAS})?$")),
    ("single", re.compile(rf"^(?P<ref>{_AA})(?P<pos>\d+)(?P<op>delins|del|dup)(?P<alt>{_AAS})?$")),
    ("substitution", re.compile(rf"^(?P<ref>{_AA})(?P<pos>\d+)(?P<alt>{_AA}|=|X)$")),
]

HELP = "write protein HGVS such as p.Arg175His, p.(Arg175His), p.R175H, R175H, p.Arg213Ter or p.Lys10fs"


def _one(code: str) -> str:
    return THREE_TO_ONE.get(code, "*" if code in ("X", "Ter") else code)


def _ones(codes: str) -> str:
    if codes and codes[0].isupper() and len(codes) >= 3 and codes[:3] in THREE_TO_ONE:
        return "".join(_one(codes[i : i + 3]) for i in range(0, len(codes), 3))
    return codes


def three_letter(residues: str) -> str:
    """Three-letter codes for one-letter residues: 'RH' -> 'ArgHis'."""
    return "".join(ONE_TO_THREE.get(r, r) for r in residues)


def missense(ref: str, position: int, alt: str, gene: str | None = None) -> Variant:
    """A substitution built from one-letter residues, with its HGVS in the three-letter form (p.Arg175His)."""
    return Variant(gene=gene, kind="missense", ref=ref, position=position, alt=alt,
                   hgvs=f"p.{three_letter(ref)}{position}{three_letter(alt)}", text=f"{ref}{position}{alt}")


def parse_protein_variant(text: str) -> Variant:
    """Parse one protein variant, optionally preceded by a gene ('TP53 p.R175H', 'BRCA1:p.C61G')."""
    raw = text
    stripped = " ".join(text.strip().split())
    if not stripped:
        raise BadInputError("empty variant", HELP)
    match = re.match(rf"^{_GENE}(?P<body>(?:p\.)?\(?[^()\s]+\)?)$", stripped)
    if not match:
        raise BadInputError(f"cannot read variant {raw!r}", HELP)
    gene = match.group("gene")
    body = match.group("body")
    if gene and gene.lower() == "p" and body.startswith("."):
        gene, body = None, "p" + body
    body = body.removeprefix("p.")
    if body.startswith("(") and body.endswith(")"):
        body = body[1:-1]
    if len(body) > 1 and body[0] in "ACDEFGHIKLMNPQRSTVWY" and body[1:2].islower() and body[:3] not in THREE_TO_ONE:
        raise BadInputError(f"cannot read variant {raw!r}: {body[:3]!r} is not an amino-acid code", HELP)
    for kind, pattern in _PATTERNS:
        found = pattern.match(body)
        if found:
            return _build(kind, found, gene, raw)
    raise BadInputError(f"cannot read variant {raw!r}", HELP)


def _build(kind: str, m: re.Match[str], gene: str | None, raw: str) -> Variant:
    ref = _one(m.group("ref"))
    position = bounded_int(m.group("pos"), f"variant {clip(raw, 40)!r}: position", MAX_POSITION)
    if position < 1:
        raise BadInputError(f"variant {raw!r} has position 0", "protein positions start at 1")
    if kind == "frameshift":
        alt = _one(m.group("alt")) if m.group("alt") else ""
        tail = f"fsTer{m.group('len')}" if m.group("len") else "fs"
        hgvs = f"p.{three_letter(ref)}{position}{three_letter(alt)}{tail}"
        return Variant(gene=gene, kind="frameshift", ref=ref, position=position, alt=alt, hgvs=hgvs, text=raw)
    if kind == "substitution":
        alt_code = m.group("alt")
        alt = ref if alt_code == "=" else _one(alt_code)
        if alt == ref:
            label, hgvs = "synonymous", f"p.{three_letter(ref)}{position}="
        elif alt == "*":
            label, hgvs = "nonsense", f"p.{three_letter(ref)}{position}Ter"
        else:
            return missense(ref, position, alt, gene).model_copy(update={"text": raw})
        return Variant(gene=gene, kind=label, ref=ref, position=position, alt=alt, hgvs=hgvs, text=raw)
    op = m.group("op")
    alt = _ones(m.group("alt") or "")
    end = bounded_int(m.group("end"), f"variant {clip(raw, 40)!r}: range end", MAX_POSITION) if kind == "range" else None
    if end is not None and end <= position:
        raise BadInputError(f"variant {raw!r}: range end {end} is not after start {position}", "write the lower position first")
    if op in ("delins", "ins") and not alt:
        raise BadInputError(f"variant {raw!r}: '{op}' needs the inserted residues", "e.g. p.Lys10_Ala11insGly")
    if op == "ins" and end != position + 1:
        raise BadInputError(f"variant {raw!r}: an insertion lies between two adjacent residues", "e.g. p.Lys10_Ala11insGly")
    span = f"{three_letter(ref)}{position}" + (f"_{three_letter(_one(m.group('ref2')))}{end}" if end is not None else "")
    names = {"del": "deletion", "dup": "duplication", "ins": "insertion", "delins": "delins"}
    hgvs = f"p.{span}{op}{three_letter(alt) if op in ('ins', 'delins') else ''}"
    ref_range = ref if end is None else ref + _one(m.group("ref2"))
    return Variant(gene=gene, kind=names[op], ref=ref_range, position=position, end=end, alt=alt, hgvs=hgvs, text=raw)


def check_reference(variant: Variant, sequence: str, name: str = "the given sequence") -> None:
    """Raise BadInputError unless the variant's reference residues are where it says they are."""
    last = variant.end or variant.position
    if last > len(sequence):
        raise BadInputError(
            f"{variant.hgvs}: position {last} is past the end of {name} ({len(sequence)} residues)",
            "check the numbering and the isoform",
        )
    observed = sequence[variant.position - 1]
    if observed != variant.ref[0]:
        raise BadInputError(
            f"residue {variant.position} of {name} is {ONE_TO_THREE.get(observed, observed)}, "
            f"not {ONE_TO_THREE.get(variant.ref[0], variant.ref[0])}",
            "check the isoform or the numbering (HGVS counts the initiator Met as 1)",
        )
    if variant.end is not None and len(variant.ref) > 1 and sequence[variant.end - 1] != variant.ref[-1]:
        observed_end = sequence[variant.end - 1]
        raise BadInputError(
            f"residue {variant.end} of {name} is {ONE_TO_THREE.get(observed_end, observed_end)}, "
            f"not {ONE_TO_THREE.get(variant.ref[-1], variant.ref[-1])}",
            "check the isoform or the numbering",
        )
