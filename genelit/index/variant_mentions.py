"""Variant mentions in free text: protein changes, DNA changes and rsIDs, each found where it is written
and normalised to one key, so that every paper naming TP53 R175H can be found whichever way it is written.

Authors write one change many ways: p.Arg175His, p.R175H, R175H, Arg175His, Arg 175 His, "arginine 175
to histidine", c.524G>A, 524G>A, G524A, IVS4+1G>A, rs1042522. The grammar below is a set of patterns,
tried together; where two overlap, the longer wins. What it must not take is as important as what it
takes: cell lines (T47D), gene names (E2F), viruses (H1N1), genotypes ("the G/A genotype") and figure
labels are refused by the rules next to the patterns that would otherwise match them.

Keys: protein changes as `p.` + one-letter residues (p.R175H, p.R213*, p.V311fs, p.Y248del); DNA
changes as written, tidied (c.524G>A, c.3472delC, IVS4+1G>A); SNPs as rs + digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from genelit.limits import small_int
from genelit.sequence.variants import THREE_TO_ONE

MentionKind = Literal["protein", "dna", "snp"]
MENTIONS_VERSION = "4"  # bump when recognition or linking changes, so that `index remention` is offered
# A stop at codon 1-3 is no variant a paper names that way; "T2*" is an MRI relaxation time (three of 110 sampled links).
_EARLY_STOP = re.compile(r"^p\.[A-Z][1-3]\*$")

# Amino acids by full name, for "arginine 175 to histidine".
_NAMES = {
    "alanine": "A", "arginine": "R", "asparagine": "N", "aspartate": "D", "aspartic acid": "D", "cysteine": "C",
    "glutamine": "Q", "glutamate": "E", "glutamic acid": "E", "glycine": "G", "histidine": "H", "isoleucine": "I",
    "leucine": "L", "lysine": "K", "methionine": "M", "phenylalanine": "F", "proline": "P", "serine": "S",
    "threonine": "T", "tryptophan": "W", "tyrosine": "Y", "valine": "V",
}
_THREE = {k: v for k, v in THREE_TO_ONE.items() if k not in ("Sec", "Pyl")}
_STOPS = {"X": "*", "*": "*", "Ter": "*", "Stop": "*", "stop": "*", "Term": "*"}

_A3 = "(?:" + "|".join(k for k in _THREE if k != "Ter") + ")"
_A1 = "[ACDEFGHIKLMNPQRSTVWY]"
_STOP = r"(?:X|\*|Ter|[Ss]top)"
_AANAME = "(?:" + "|".join(sorted(_NAMES, key=len, reverse=True)) + ")"
_ARROW = r"\s?(?:-->|->|→|>|/|-|\sto\s|\sfor\s)\s?"
_NT = "[ACGTU]"
_NTS = "[ACGTU]+"
_POS = r"[-+*]?\d+(?:\s?[-+]\s?\d+)?"  # 524, -308, 87+1, 357-3, *12
_RANGE = rf"{_POS}(?:_{_POS})?"
_LEFT = r"(?<![A-Za-z0-9.+_/-])"  # a mention starts a word: not inside 'ABC123' or 'c.'
_RIGHT = r"(?![A-Za-z0-9])"


@dataclass(frozen=True)
class VariantMention:
    """One variant named in a text: where, as written, what kind, and its normalised key."""

    start: int
    end: int
    text: str
    kind: MentionKind
    key: str
    gene: str | None = None  # set by the linker (variant_links.py) from the genes the same text names


def _one(code: str) -> str:
    """One-letter code of a residue written with one or three letters, or as a stop."""
    if code in _STOPS:
        return "*"
    return _THREE.get(code.capitalize(), code) if len(code) == 3 else code


def _protein_key(ref: str, pos: str, alt: str, tail: str = "") -> str:
    return f"p.{_one(ref)}{pos}{_one(alt) if alt else ''}{tail}"


@dataclass(frozen=True)
class _Rule:
    """A pattern, the kind of change it finds, and how to key a match (None refuses it). `needs`: words one of
    which the lowercased text must contain for the rule to run, and `gate` a cheap pattern it must match: most
    abstracts name no variant, and they are spared the costly patterns (ingest runs every rule on every abstract)."""

    kind: MentionKind
    pattern: re.Pattern[str]
    key: Callable[[re.Match[str]], str | None]
    needs: tuple[str, ...] = ()
    gate: re.Pattern[str] | None = None  # a quick pattern the text must contain, for rules too costly to run everywhere


def _p_sub(m: re.Match[str]) -> str | None:
    ref, alt = m.group("ref"), m.group("alt")
    if _one(ref) == _one(alt):
        return None
    return _protein_key(ref, m.group("pos"), alt)


def _p_other(m: re.Match[str]) -> str:
    tail = m.group("tail")
    tail = "fs" if "fs" in tail else tail.split("[")[0].lower()
    span = m.groupdict().get("span")
    if span:  # p.Thr189_Gly193del keeps both ends: p.T189_G193del
        end = re.match(rf"_({_A3}|{_A1})(\d+)", span)
        tail = f"_{_one(end.group(1))}{end.group(2)}{tail}" if end else tail
    return _protein_key(m.group("ref"), m.group("pos"), m.group("alt") or "", tail)


def _p_name(m: re.Match[str]) -> str | None:
    ref, alt = _NAMES[m.group("ref").lower()], m.group("alt")
    alt1 = "*" if alt.lower() == "stop" else _NAMES[alt.lower()]
    return None if ref == alt1 else f"p.{ref}{m.group('pos')}{alt1}"


def _p_codon(m: re.Match[str]) -> str | None:
    ref, alt = m.group("ref"), m.group("alt")
    ref1 = _NAMES.get(ref.lower()) or _one(ref)
    alt1 = _NAMES.get(alt.lower()) or _one(alt)
    return None if ref1 == alt1 else f"p.{ref1}{m.group('pos')}{alt1}"


def _dna(m: re.Match[str]) -> str:
    """One key per DNA change: arrows and slashes become '>', brackets go, a bare position is read as c."""
    text = re.sub(r"\s+|[()]|,", "", m.group(0))
    text = re.sub(r"(?<=[ACGTUacgtu])(?:-->|->|→|/|-|to)(?=[ACGTUacgtu]$)", ">", text)
    text = re.sub(r"^intron(\d+)", r"IVS\1", text)
    if text[:1].isdigit() or text[:1] in "+-*":
        text = "c." + text
    return text


def _dna_letters(m: re.Match[str]) -> str:
    """G1681A, T-189C: the reference base, the position, the new base."""
    return f"c.{m.group('pos')}{m.group('ref')}>{m.group('alt')}"


def _snp(m: re.Match[str]) -> str:
    return "rs" + m.group("id")


_PROTEIN_TAIL = rf"(?P<tail>fs(?:\*|X|Ter)?\d*(?:X|\*)?|del|dup|ins{_A1}*|\[{_A1},\s?{_STOP}\])"

_GATE_THREE = re.compile(rf"{_A3}\s?\(?-?\d")
_GATE_HGVS = re.compile(r"(?<![A-Za-z])[cgmrn]\.\s?[-+*]?\d|(?<![A-Za-z])c\d+[ACGTU]", re.IGNORECASE)
_GATE_CHANGE = re.compile(rf"{_NT}\s?(?:>|-->|->|→|/|-|\sto\s)\s?{_NT}")
_ARROWS = (">", "→")

_RULES: list[_Rule] = [
    # rsIDs: rs1042522, rs 1042522, "reference SNP no. 4359426"
    _Rule("snp", re.compile(r"(?<![A-Za-z0-9])(?:rs\s?|reference SNP (?:no\.|number|ID)\s?)(?P<id>\d{2,})(?!\d)"), _snp, gate=re.compile(r"rs\s?\d|SNP")),
    # HGVS protein with p.: p.Arg175His, p.(Arg175His), p.R175H, p. K237N, p.Glu873Ter
    _Rule("protein", re.compile(rf"{_LEFT}p\.\s?(?P<o>\()?(?P<ref>{_A3}|{_A1})(?P<pos>\d+)(?P<alt>{_A3}|{_A1}|{_STOP})(?(o)\)){_RIGHT}"), _p_sub, needs=("p.",)),
    _Rule("protein", re.compile(rf"{_LEFT}p\.\s?(?P<o>\()?(?P<ref>{_A3}|{_A1})(?P<pos>\d+)(?P<span>_(?:{_A3}|{_A1})\d+)?(?P<alt>{_A3}|{_A1})?"
                           rf"{_PROTEIN_TAIL}(?(o)\))(?![A-Za-z])"), _p_other, needs=("p.",)),
    # three-letter without p.: Arg175His, Arg 175 His, Gly(388)Arg, Ile(146)-->Leu, Glu873Stop, Cys 23-Ser 23
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9])(?P<ref>{_A3})\s?(?P<o>\()?(?P<pos>-?\d+)(?(o)\))\s?(?:-->|->|→|-)?\s?"
                           rf"(?P<alt>{_A3}|Ter|[Ss]top)(?:\s?(?P=pos))?(?![a-z])"), _p_sub, gate=_GATE_THREE),
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9])(?P<ref>{_A3})(?P<pos>\d+)(?P<alt>{_A3})?{_PROTEIN_TAIL}(?![a-z])"), _p_other, gate=_GATE_THREE),
    # one-letter without p.: R175H, Y67X, S133stop, R-4Q; frameshifts and deletions: V311fs, C105Vfs114X, Y248del
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9.+_-])(?P<ref>{_A1})(?P<pos>-?[1-9]\d*)(?P<alt>{_A1}|X|\*|stop)(?![A-Za-z0-9])"), _p_sub),
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9.+_-])(?P<ref>{_A1})(?P<pos>[1-9]\d*)(?P<alt>{_A1})?{_PROTEIN_TAIL}(?![a-z])"), _p_other),
    # by name: "arginine 175 to histidine", "arginine 150 proline"
    _Rule("protein", re.compile(rf"(?i:(?<![a-z])(?P<ref>{_AANAME})\s?(?P<o>\()?(?P<pos>\d+)(?(o)\))\s?(?:to|-->|->|-|by)?\s?(?P<alt>{_AANAME}|stop))(?![a-z])"), _p_name,
          tuple(_NAMES)),
    # "Phe-->Ser at codon 15", "methionine-->valine substitution at codon 404", "Glu 272 to stop"
    _Rule("protein", re.compile(rf"(?P<ref>{_A3}|(?i:{_AANAME}))\s?(?:-->|->|→|to)\s?(?P<alt>{_A3}|(?i:{_AANAME}))"
                           rf"(?:\s(?:substitution|change|mutation|transition|transversion))?\s(?:at|in)\s(?:the\s)?(?:codon|position|residue)\s(?P<pos>\d+)"), _p_codon,
          ("codon", "position", "residue")),
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9])(?P<ref>{_A3})\s(?P<pos>\d+)\s(?:to|-->)\s(?P<alt>[Ss]top|{_A3})(?![a-z])"), _p_sub, gate=_GATE_THREE),
    # Delta forms: DeltaF508 (a protein deletion), CCR5 Delta32 (a DNA deletion of 32 bp)
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9])(?:Delta|Δ)\s?(?P<ref>{_A1})(?P<pos>\d+)(?![A-Za-z0-9])"),
     lambda m: f"p.{m.group('ref')}{m.group('pos')}del", needs=("delta", "δ")),
    _Rule("dna", re.compile(r"(?<![A-Za-z0-9])(?:Delta|Δ)\s?(?P<n>\d+)(?![A-Za-z0-9])"), lambda m: f"del{m.group('n')}", needs=("delta", "δ")),
    # changes with no position: Arg-->Leu, Val-->Ala; kept for completeness, never linked (no position)
    _Rule("protein", re.compile(rf"(?<![A-Za-z0-9])(?P<ref>{_A3})\s?(?:-->|->|→)\s?(?P<alt>{_A3})(?![a-z])"),
     lambda m: f"p.{_one(m.group('ref'))}?{_one(m.group('alt'))}", needs=_ARROWS),
    # a nucleotide change placed in words: "G>A substitution at nucleotide +1 of intron 2", "A > G at nucleotide 313",
    # "(G --> C) substitution at position 1201", "G-->C transversion at 1245 position"
    _Rule("dna", re.compile(rf"(?P<o>\()?{_NT}\s?(?:>|-->|->|→)\s?{_NT}(?(o)\))(?:\s(?:substitution|transition|transversion))?"
                       rf"\s(?:at|in)\s(?:(?:nucleotide|position)\s(?:c\.)?[-+]?\d+(?:\sof\sintron\s\d+)?|[-+]?\d+\sposition)"), _dna, needs=_ARROWS),
    # HGVS DNA: c.524G>A, c.1052delA, c.14_15insC, c.387+107A>T, g.10435_10809del, c2403T --> C, c.899A > T
    _Rule("dna", re.compile(rf"{_LEFT}(?:[cgmrn]\.?)\s?{_RANGE}\s?(?:{_NT}\s?(?:>|-->|->|→)\s?{_NT}|(?:del|dup|ins|delins)(?:{_NTS}|\d+)?(?:ins{_NTS})?)(?![A-Za-z0-9])",
                       re.IGNORECASE), _dna, gate=_GATE_HGVS),
    _Rule("dna", re.compile(rf"{_LEFT}c\.{_RANGE}(?:del|dup|ins)(?:{_NTS}|\d+)?(?![A-Za-z0-9])"), _dna, needs=("c.",)),
    # intronic: IVS8+4 A>G, IVS16+1G>A, IVSI-5 (G-->C), IVS-II-1(G>A), IVS3+1G/A, IVS10+1, g-->t
    _Rule("dna", re.compile(rf"(?<![A-Za-z0-9])IVS\s?-?(?:\d+|[IVX]+)(?:-[IVX]+)?\s?[-+]\s?\d+(?:,?\s?(?P<o>\()?(?i:{_NT})\s?(?:>|-->|->|/)\s?(?i:{_NT})(?(o)\))"
                       rf"|\s?(?:del|ins|dup){_NTS}?|{_NT})(?![A-Za-z0-9])"), _dna, needs=("ivs",)),
    # bare position and change: 524G>A, -308G>A, +113G/C, -491 A/T, 825 + 1 G-->C, 962 G-A, -369 (C>G), -491 A to T
    _Rule("dna", re.compile(rf"(?:intron\s\d+,\s)?(?<![A-Za-z0-9.+_/-])(?:[-+]\s?)?\d+(?:\s?[-+]\s?\d+)?,?\s?(?P<o>\()?{_NT}\s?(?:>|-->|->|→|/|-|\sto\s)\s?{_NT}(?(o)\))(?![A-Za-z0-9])"), _dna, gate=_GATE_CHANGE),
    # bare deletions, insertions, duplications: 3472delC, 1009 delA, 1494del6, 783insG, 2172_2173insCCCC, 1109 ins 8bp
    _Rule("dna", re.compile(rf"(?<![A-Za-z0-9.+_/])[-+]?\d+(?:\s?[-+_]\s?\d+)?\s?(?:del|ins|dup)\s?(?:{_NTS}|\d+\s?(?:bp|nt)?)(?![A-Za-z0-9])"), _dna, needs=("del", "ins", "dup")),
    # a deleted or inserted run with no position: delTTCA, insGCG
    _Rule("dna", re.compile(rf"(?<![A-Za-z0-9])(?:del|ins){_NT}{{2,}}(?![A-Za-z0-9])"), _dna, needs=("del", "ins")),
    # letter-position-letter nucleotides: G1681A, A3243G, T-189C, C-344 T, G-395A
    _Rule("dna", re.compile(rf"(?<![A-Za-z0-9.+_/-])(?P<ref>{_NT})\s?(?P<pos>-?\d+)\s?(?P<alt>{_NT})(?![A-Za-z0-9])"), _dna_letters),
    # a change with no position: G>A, C-->T, "A to G" is too common in prose and is left out
    _Rule("dna", re.compile(rf"(?<![A-Za-z0-9/]){_NT}\s?(?:>|-->|->|→)\s?{_NT}(?![A-Za-z0-9/>-])"), _dna, needs=_ARROWS),
    _Rule("dna", re.compile(rf"(?<![A-Za-z0-9/]){_NT}/{_NT}(?![A-Za-z0-9/])(?!\s(?:genotype|homozyg|heterozyg|carrier))"), _dna, needs=("/",)),
]

# Bare one-letter forms that name things other than variants.
_NOT_PROTEIN = {"T47D", "E2F", "C3G", "H2A", "H2B", "P2X", "G2M", "S1P", "D2R", "A2A", "K2P"}
# A nucleotide pair that is one of several genotypes listed together ("G/G, G/A and A/A") is a genotype.
_GENOTYPE_LIST = re.compile(r"[ACGT]/[ACGT]\W{1,12}[ACGT]/[ACGT]")


def _refused(kind: MentionKind, text: str, whole: str, start: int, end: int) -> bool:
    if kind == "protein" and (text in _NOT_PROTEIN or text.startswith(("Cys2-His2", "Cys2His2"))):
        return True
    bare = re.fullmatch(r"([A-Z])(-?\d+)([A-Z])", text)
    if kind == "protein" and bare:
        # G1681A is a DNA change far more often than Gly1681Ala; T1D, M6P and E2F are not changes at all
        position = small_int(bare.group(2))  # None: a run of digits no sequence is long enough for
        if bare.group(1) in "ACGT" and bare.group(3) in "ACGT" or position is None or 0 <= position < 10:
            return True
    if kind == "dna" and re.fullmatch(r"[ACGTU]/[ACGTU]", text):
        if text[0] == text[2]:
            return True
        window = whole[max(0, start - 16) : end + 16]
        if _GENOTYPE_LIST.search(window) or re.search(r"\b(?:lamin|vs)\b", window):
            return True
    if kind == "dna" and re.fullmatch(r"[ACGTU]\s?-?\d+\s?[ACGTU]", text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 1 or text[0] == text[-1]:  # 'G2A' is a label more often than a change; C1256088C no change
            return True
    return False


_AMBIGUOUS = re.compile(r"^([ACGT])([1-9]\d*)([ACGT])$")  # G12C: Gly12Cys or c.12G>C?
_SHORTHAND = re.compile(r"^[A-Z]\d+[A-Z*]$")
_PROTEIN_CUES = re.compile(r"\b(?:amino acids?|residues?|codons?|proteins?|kinase|domain|inhibitors?|[KHN]RAS)\b", re.I)
_DNA_CUES = re.compile(r"\b(?:nucleotides?|polymorphisms?|SNPs?|promoter|alleles?|genotypes?|transitions?|transversions?|"
                       r"mtDNA|mitochondrial|cDNA|exon|intron)\b", re.I)


def _settle(found: list[VariantMention], text: str) -> list[VariantMention]:
    """Read G12C-like mentions (both letters nucleotides) as protein changes where the text leans that way: it names no
    clear DNA change, no word around it speaks of nucleotides, and it names protein changes or the words around speak
    of residues or codons.
    Otherwise they stay DNA changes, which in tmVar's corpus they are 46 times in 47."""
    votes = {"protein": 0, "dna": 0}
    for m in found:
        if m.kind == "dna" and not _AMBIGUOUS.match(m.text):
            votes["dna"] += 1
        elif m.kind == "protein" and _SHORTHAND.match(m.text):  # G12D beside G12C; p.Asp561Gly beside G1681A is its twin
            votes["protein"] += 1
    settled = []
    for m in found:
        letters = _AMBIGUOUS.match(m.text) if m.kind == "dna" else None
        if letters is not None:
            window = text[max(0, m.start - 80) : m.end + 80]
            leans = not votes["dna"] and not _DNA_CUES.search(window) and (votes["protein"] > 0 or bool(_PROTEIN_CUES.search(window)))
            if leans:
                m = replace(m, kind="protein", key=f"p.{letters.group(1)}{letters.group(2)}{letters.group(3)}")
        settled.append(m)
    return settled


def find_mentions(text: str) -> list[VariantMention]:
    """Every variant mention in `text`, left to right, with no two overlapping (the longer wins)."""
    found: list[VariantMention] = []
    lowered = text.lower()
    gated: dict[re.Pattern[str], bool] = {}
    for rule in _RULES:
        if rule.needs and not any(word in lowered for word in rule.needs):
            continue
        if rule.gate is not None:
            if rule.gate not in gated:
                gated[rule.gate] = rule.gate.search(text) is not None
            if not gated[rule.gate]:
                continue
        kind, build = rule.kind, rule.key
        for m in rule.pattern.finditer(text):
            written = m.group(0).strip()
            start = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
            end = start + len(written)
            if _refused(kind, written, text, start, end):
                continue
            key = build(m)
            if written.startswith("Δ") and text[end : end + 1] == "-":  # Δ9-THC: chemical nomenclature, no deletion
                continue
            if key is not None and not _EARLY_STOP.match(key):
                found.append(VariantMention(start, end, written, kind, key))
    found.sort(key=lambda v: (v.start, -(v.end - v.start)))
    kept: list[VariantMention] = []
    for mention in found:
        if kept and mention.start < kept[-1].end:
            if mention.end - mention.start > kept[-1].end - kept[-1].start:
                kept[-1] = mention
            continue
        kept.append(mention)
    return _settle(kept, text)


def mention_key(text: str) -> tuple[MentionKind, str] | None:
    """(kind, key) when the whole of `text` is one variant as written ('p.Arg175His', 'R175H', 'c.524G>A',
    'rs1042522'), else None: the key under which the papers naming it are stored."""
    written = " ".join(text.split())
    found = find_mentions(written)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(written):
        return found[0].kind, found[0].key
    return None
