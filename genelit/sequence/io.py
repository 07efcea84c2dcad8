"""Reading sequences (FASTA, GenBank, plain strings) and telling DNA, RNA and protein apart.

Validation is against the IUPAC alphabets, ambiguity codes included, and a bad letter is
reported with its 1-based position so the user can find it in their file.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from genelit.errors import BadInputError
from genelit.types import Alphabet

DNA = set("ACGTRYSWKMBDHVN")
RNA = set("ACGURYSWKMBDHVN")
PROTEIN = set("ACDEFGHIKLMNPQRSTVWYBZXJUO*")
_ALPHABETS: dict[Alphabet, set[str]] = {"dna": DNA, "rna": RNA, "protein": PROTEIN}
_GAPS = set("-.")


@dataclass(frozen=True)
class SequenceRecord:
    """One named sequence, upper-cased, with its alphabet decided; GenBank records keep what annotation needs."""

    id: str
    sequence: str
    alphabet: Alphabet
    description: str = ""
    features: list[object] = field(default_factory=list, compare=False)
    lineage: list[str] = field(default_factory=list, compare=False)
    organelle: str | None = None
    genetic_code: int | None = field(default=None, compare=False)


def guess_alphabet(sequence: str) -> Alphabet:
    """Nucleotides when at least 90% of letters are ACGTUN (proteins are rarely that poor in other letters)."""
    letters = [c for c in sequence if c.isalpha()]
    if not letters:
        raise BadInputError("the sequence has no letters", "give a DNA, RNA or protein sequence")
    nucleotide = sum(c in "ACGTUN" for c in letters) / len(letters)
    if nucleotide >= 0.9:
        return "rna" if "U" in sequence and "T" not in sequence else "dna"
    return "protein"


def validate(sequence: str, alphabet: Alphabet, name: str = "sequence", max_length: int | None = None) -> str:
    """Return the cleaned sequence, or raise naming the first bad letter and its position."""
    cleaned = "".join(sequence.split()).upper()
    if not cleaned:
        raise BadInputError(f"{name} is empty", "give at least one residue")
    allowed = _ALPHABETS[alphabet]
    for position, letter in enumerate(cleaned, start=1):
        if letter not in allowed and letter not in _GAPS:
            raise BadInputError(
                f"{name}: {letter!r} at position {position} is not an IUPAC {alphabet.upper() if alphabet != 'protein' else 'protein'} letter",
                f"allowed: {''.join(sorted(allowed))}",
            )
    cleaned = "".join(c for c in cleaned if c not in _GAPS)
    if max_length is not None and len(cleaned) > max_length:
        raise BadInputError(
            f"{name} has {len(cleaned):,} residues, over the {'protein ' if alphabet == 'protein' else ''}limit of {max_length:,}",
            f"split it, or raise GENELIT_SEQUENCE__{'MAX_LENGTH' if alphabet == 'protein' else 'MAX_DNA_LENGTH'}",
        )
    return cleaned


def _limit(kind: Alphabet, max_length: int | None, max_dna_length: int | None) -> int | None:
    """`max_dna_length`, when given, is the limit for DNA and RNA, and `max_length` for proteins (and for all when alone)."""
    return max_dna_length if max_dna_length is not None and kind != "protein" else max_length


def from_string(text: str, name: str = "sequence", alphabet: Alphabet | None = None, max_length: int | None = None,
                max_dna_length: int | None = None) -> SequenceRecord:
    """A sequence typed or pasted by the user; a FASTA header is accepted. Pasted FASTA of several records is
    refused here, where one sequence is meant (see `records_from_string` for the commands that take many)."""
    records = records_from_string(text, name, alphabet, max_length, max_dna_length)
    if len(records) > 1:
        raise BadInputError(f"{name}: {len(records)} FASTA records, where one sequence is meant", "give only one record")
    return records[0]


def records_from_string(text: str, name: str = "sequence", alphabet: Alphabet | None = None, max_length: int | None = None,
                        max_dna_length: int | None = None) -> list[SequenceRecord]:
    """Sequences typed or pasted by the user: one bare sequence, or FASTA of one or more records."""
    text = text.lstrip("\ufeff").strip()
    if not text.startswith(">"):
        return [_record(name, text, alphabet, max_length, max_dna_length)]
    records = []
    for number, block in enumerate(text[1:].split("\n>"), start=1):
        header, _, body = block.partition("\n")
        record_name = header.split()[0] if header.split() else f"{name}{number}"
        records.append(_record(record_name, body, alphabet, max_length, max_dna_length))
    return records


def _record(name: str, text: str, alphabet: Alphabet | None, max_length: int | None, max_dna_length: int | None) -> SequenceRecord:
    raw = "".join(text.split()).upper()
    kind = alphabet or guess_alphabet(raw)
    return SequenceRecord(id=name, sequence=validate(raw, kind, name, _limit(kind, max_length, max_dna_length)), alphabet=kind)


def read_file(path: Path, alphabet: Alphabet | None = None, max_length: int | None = None,
              max_dna_length: int | None = None) -> list[SequenceRecord]:
    """Every record of a FASTA or GenBank file (by content, not extension), through Biopython."""
    return list(iter_records(path, alphabet, max_length, max_dna_length))


def iter_records(path: Path, alphabet: Alphabet | None = None, max_length: int | None = None,
                 max_dna_length: int | None = None) -> Iterator[SequenceRecord]:
    """The records of a FASTA or GenBank file one at a time, so a file of many genomes is never held whole."""
    from Bio import SeqIO

    try:
        with _open_text(path) as handle:
            head = handle.read(200).lstrip()
    except OSError as exc:
        raise BadInputError(f"cannot read {path}: {exc.strerror or exc}", "check the path") from None
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text", "save it as UTF-8 (sequence files are plain ASCII)") from None
    if head.startswith(">"):
        fmt = "fasta"
    elif head.startswith("LOCUS"):
        fmt = "genbank"
    else:
        raise BadInputError(f"{path}: not FASTA ('>') or GenBank ('LOCUS')", "convert it, or give the sequence itself as text (annotate takes it with --seq)")
    count = 0
    try:
        with _open_text(path) as handle:
            for rec in SeqIO.parse(handle, fmt):
                count += 1
                yield _from_biopython(rec, path, fmt, alphabet, max_length, max_dna_length)
    except UnicodeDecodeError:
        raise BadInputError(f"{path}: not UTF-8 text", f"save the {fmt} file as UTF-8 (sequence files are plain ASCII)") from None
    except ValueError as exc:
        raise BadInputError(f"{path}: {exc}", f"the {fmt} file is malformed") from None
    except (EOFError, OSError) as exc:  # a gzip cut short, or damaged
        raise BadInputError(f"{path}: cannot be read to its end ({exc})", "the file is truncated or damaged; fetch it again") from None
    if not count:
        raise BadInputError(f"{path}: no sequences in it", "check the file")


def _open_text(path: Path) -> TextIO:
    """A file as text whether or not it is gzipped (.fa.gz), with a UTF-8 byte-order mark dropped: an editor's BOM
    or a compressed download is still the FASTA its user thinks it is."""
    with open(path, "rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        return gzip.open(path, "rt", encoding="utf-8-sig")
    return open(path, encoding="utf-8-sig")


def _from_biopython(rec: Any, path: Path, fmt: str, alphabet: Alphabet | None, max_length: int | None,
                    max_dna_length: int | None) -> SequenceRecord:
    raw = str(rec.seq).upper()
    kind = alphabet or guess_alphabet(raw)
    source = next((f for f in rec.features if f.type == "source"), None) if fmt == "genbank" else None
    tables = {int(t) for f in rec.features if f.type == "CDS" for t in f.qualifiers.get("transl_table", [])}
    return SequenceRecord(
        id=rec.id,
        sequence=validate(raw, kind, f"{path.name}:{rec.id}", _limit(kind, max_length, max_dna_length)),
        alphabet=kind,
        description=rec.description,
        features=list(rec.features) if fmt == "genbank" else [],
        lineage=list(rec.annotations.get("taxonomy", [])),
        organelle=(source.qualifiers.get("organelle") or [None])[0] if source is not None else None,
        genetic_code=tables.pop() if len(tables) == 1 else None,
    )


def header_symbols(description: str) -> list[str]:
    """The words of a FASTA header that may name the gene, most likely first: '>NP_000537.3 TP53 ...' names TP53,
    and a header of one word ('>TP53') names itself. The one rule for every protein FASTA genelit reads."""
    words = description.split()
    return words[1:2] + words[:1]
