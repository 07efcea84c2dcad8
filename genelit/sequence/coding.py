"""Coding-DNA variants (HGVS c.): parse, apply to a CDS, and derive the protein consequence.

Supported: substitutions (c.181T>G), deletions (c.68_69del, c.68_69delAG), duplications
(c.5266dup), insertions (c.5266_5267insC), deletion-insertions (c.100_101delinsTT), and
intronic or UTR positions (c.80+1G>A, c.-14C>T, c.*5A>G), which are classified without
translation. Intronic offsets (c.80+1G>A) are classified from the offset alone:
intronic positions within 8 nt of the exon are flagged as splice region (as VEP does, McLaren et al.
2016) and ±1/±2 as splice donor/acceptor sites. Exonic splice-region positions need exon
boundaries, which a CDS does not carry, so they are not flagged.
"""

from __future__ import annotations

import re
from pathlib import Path

from genelit.errors import BadInputError
from genelit.limits import MAX_POSITION, bounded_int
from genelit.sequence.io import read_file
from genelit.sequence.variants import three_letter
from genelit.types import CodingConsequence

_POS = r"(?P<{n}>[-*]?\d+)(?P<{n}off>[+-]\d+)?"
_CODING_HGVS = re.compile(
    r"^c\.(?:" + _POS.format(n="s") + r")(?:_" + _POS.format(n="e") + r")?"
    r"(?:(?P<ref>[ACGT])>(?P<alt>[ACGT])|(?P<op>delins|del|dup|ins)(?P<seq>[ACGT]*))$",
    re.I,
)
HELP = "write coding HGVS such as c.181T>G, c.68_69del, c.5266dup, c.5266_5267insC or c.80+1G>A"


def cds_from_file(path: Path, max_length: int | None = None) -> str:
    """The coding sequence of a GenBank record (its CDS feature) or of a nucleotide FASTA (taken whole)."""
    record = read_file(path, max_length=max_length)[0]
    if record.alphabet == "protein":
        raise BadInputError(f"{path} holds a protein; c. variants need the coding DNA", "give the CDS as FASTA or the mRNA as GenBank")
    features = [f for f in record.features if getattr(f, "type", "") == "CDS"]
    if features:
        return str(features[0].extract(record.sequence))  # type: ignore[attr-defined]
    return record.sequence


def _parse_pos(value: str, offset: str | None) -> tuple[str, int, int]:
    kind = "utr5" if value.startswith("-") else "utr3" if value.startswith("*") else "cds"
    position = bounded_int(value.lstrip("*-"), "coding position", MAX_POSITION)
    return kind, -position if value.startswith("-") else position, bounded_int(offset, "intron offset", MAX_POSITION, -MAX_POSITION) if offset else 0


def _translate(cds: str) -> str:
    from Bio.Seq import Seq

    usable = cds[: len(cds) - len(cds) % 3]
    return str(Seq(usable).translate())


def coding_consequence(text: str, cds: str) -> CodingConsequence:
    """Apply a c. variant to `cds` (from the A of ATG to the stop codon) and classify the result."""
    match = _CODING_HGVS.match(text.strip().replace(" ", ""))
    if not match:
        raise BadInputError(f"cannot read coding variant {text!r}", HELP)
    cds = cds.upper()
    start_kind, start, start_off = _parse_pos(match.group("s"), match.group("soff"))
    end_kind, end, end_off = (_parse_pos(match.group("e"), match.group("eoff")) if match.group("e")
                              else (start_kind, start, start_off))
    hgvs = "c." + text.strip()[2:]
    if start_kind == "utr5" or end_kind == "utr5":
        return CodingConsequence(hgvs_c=hgvs, consequence="5_prime_UTR")
    if start_kind == "utr3":
        return CodingConsequence(hgvs_c=hgvs, consequence="3_prime_UTR")
    offsets = [o for o in (start_off, end_off) if o]
    if offsets:
        nearest = min(abs(o) for o in offsets)
        kind = "splice_site" if nearest <= 2 else "splice_region" if nearest <= 8 else "intronic"
        return CodingConsequence(hgvs_c=hgvs, consequence=kind, splice_region=nearest <= 8,
                                 notes=["intronic change: the protein effect depends on splicing and cannot be read from the CDS"])
    if end < start:
        raise BadInputError(f"{text}: range end {end} is before its start {start}", "write the lower position first")
    if end > len(cds):
        raise BadInputError(f"{text}: position {end} is past the end of the CDS ({len(cds)} nt)", "check the transcript")
    op, ref, alt, seq = match.group("op"), match.group("ref"), match.group("alt"), (match.group("seq") or "").upper()
    if ref:
        observed = cds[start - 1]
        if observed != ref.upper():
            raise BadInputError(f"nucleotide {start} of the CDS is {observed}, not {ref.upper()}", "check the transcript and numbering")
        mutated = cds[: start - 1] + alt.upper() + cds[start:]
    elif op in ("del", "delins"):
        if seq and op == "del" and cds[start - 1 : end] != seq:
            raise BadInputError(f"nucleotides {start}-{end} of the CDS are {cds[start - 1:end]}, not {seq}", "check the transcript")
        mutated = cds[: start - 1] + (seq if op == "delins" else "") + cds[end:]
    elif op == "dup":
        mutated = cds[:end] + cds[start - 1 : end] + cds[end:]
    else:  # ins
        if end != start + 1 or not seq:
            raise BadInputError(f"{text}: an insertion goes between two adjacent nucleotides and names them", "e.g. c.5266_5267insC")
        mutated = cds[:start] + seq + cds[start:]
    # Exon boundaries are not in a CDS, so exonic changes are never flagged as splice region here.
    return _classify(hgvs, cds, mutated, start)


def _classify(hgvs: str, cds: str, mutated: str, start: int) -> CodingConsequence:
    before, after = _translate(cds), _translate(mutated)
    codon = (start - 1) // 3
    delta = len(mutated) - len(cds)
    if codon == 0 and after[:1] != "M":
        return CodingConsequence(hgvs_c=hgvs, consequence="start_lost", hgvs_p="p.Met1?")
    if delta % 3:
        # HGVS names a frameshift at the first amino acid that changes, counting to the new stop.
        first = next((i for i in range(codon, len(before)) if i >= len(after) or after[i] != before[i]), codon)
        stop = after.find("*", first)
        tail = f"fsTer{stop - first + 1}" if stop >= 0 else "fs"
        new = after[first] if first < len(after) else ""
        return CodingConsequence(hgvs_c=hgvs, consequence="frameshift",
                                 hgvs_p=f"p.{three_letter(before[first])}{first + 1}{three_letter(new)}{tail}")
    if delta == 0:
        ref_aa, alt_aa = before[codon], after[codon]
        if ref_aa == alt_aa:
            return CodingConsequence(hgvs_c=hgvs, consequence="synonymous", hgvs_p=f"p.{three_letter(ref_aa)}{codon + 1}=")
        if alt_aa == "*":
            return CodingConsequence(hgvs_c=hgvs, consequence="nonsense", hgvs_p=f"p.{three_letter(ref_aa)}{codon + 1}Ter")
        if ref_aa == "*":
            return CodingConsequence(hgvs_c=hgvs, consequence="stop_lost", hgvs_p=f"p.Ter{codon + 1}{three_letter(alt_aa)}ext")
        differ = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
        if len(differ) > 1:
            return CodingConsequence(hgvs_c=hgvs, consequence="inframe_delins")
        return CodingConsequence(hgvs_c=hgvs, consequence="missense", hgvs_p=f"p.{three_letter(ref_aa)}{codon + 1}{three_letter(alt_aa)}")
    kind = "inframe_insertion" if delta > 0 else "inframe_deletion"
    return CodingConsequence(hgvs_c=hgvs, consequence=kind,
                             notes=[f"{abs(delta) // 3} codon(s) {'gained' if delta > 0 else 'lost'} near codon {codon + 1}"])
