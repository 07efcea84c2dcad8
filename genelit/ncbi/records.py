"""NCBI's databases online, read as GeneGPT reads them: ClinVar and dbSNP through E-utilities, and BLAST
through its URL API. Each request goes through the Entrez client, so NCBI's rate limits, retries on
429/5xx and Retry-After apply to all of them.

BLAST has its own rules (NCBI's usage guidelines for the URL API): at most one request every
10 seconds, and a running search polled at most once a minute. A search that outlives the wait
budget is an error that names its request id, which stays valid on NCBI's side for a day.
"""

from __future__ import annotations

import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any

from genelit.errors import BadInputError, RemoteServiceError
from genelit.ncbi.entrez import EntrezClient, RateLimiter
from genelit.settings import EntrezSettings
from genelit.types import BLAST_PROGRAMS, AlleleFrequency, BlastHit, BlastResult, ClinVarRecord, PopulationData, SnpRecord

_RSID = re.compile(r"^rs(\d+)$", re.IGNORECASE)


def _classification(doc: dict[str, Any]) -> dict[str, Any]:
    """ClinVar's germline classification block; records before 2024 call it clinical_significance."""
    for key in ("germline_classification", "clinical_significance"):
        block = doc.get(key)
        if isinstance(block, dict) and block.get("description"):
            return block
    return {}


def clinvar_record(doc: dict[str, Any]) -> ClinVarRecord:
    """One esummary document of db=clinvar as a typed record."""
    block = _classification(doc)
    traits = block.get("trait_set") or doc.get("trait_set") or []
    return ClinVarRecord(
        accession=str(doc.get("accession") or f"VCV{int(doc.get('uid', 0)):09d}"),
        title=str(doc.get("title", "")),
        genes=[str(g.get("symbol")) for g in doc.get("genes", []) if isinstance(g, dict) and g.get("symbol")],
        classification=str(block.get("description") or "not classified"),
        review_status=str(block.get("review_status", "")),
        conditions=[str(t.get("trait_name")) for t in traits if isinstance(t, dict) and t.get("trait_name")],
        last_evaluated=str(block.get("last_evaluated") or "").split(" ")[0] or None,
        rsid=_dbsnp_xref(doc),
    )


def _dbsnp_xref(doc: dict[str, Any]) -> str | None:
    """The dbSNP rsID a ClinVar record cross-references, from its variation set."""
    for variation in doc.get("variation_set") or []:
        for xref in (variation.get("variation_xrefs") or []) if isinstance(variation, dict) else []:
            if isinstance(xref, dict) and xref.get("db_source") == "dbSNP" and str(xref.get("db_id", "")).isdigit():
                return f"rs{xref['db_id']}"
    return None


_MAF = re.compile(r"^([ACGTN-]+)=([0-9.eE-]+)/(\d+)$")


def allele_frequencies(rsid: str, doc: dict[str, Any]) -> PopulationData:
    """dbSNP's per-study frequencies ('global_mafs': [{"study": "GnomAD", "freq": "A=0.00001/2"}]) as typed rows;
    a study whose frequency is zero over zero alleles measured nothing and is left out."""
    rows = []
    for entry in doc.get("global_mafs") or []:
        found = _MAF.match(str(entry.get("freq", "")).strip()) if isinstance(entry, dict) else None
        if found is None:
            continue
        allele, frequency, count = found.group(1), float(found.group(2)), int(found.group(3))
        if frequency == 0 and count == 0:
            continue
        rows.append(AlleleFrequency(study=str(entry.get("study", "")), allele=allele, frequency=frequency, count=count))
    return PopulationData(rsid=rsid, frequencies=rows, note="" if rows else f"dbSNP reports no population frequency for {rsid}")


def snp_record(rsid: str, doc: dict[str, Any]) -> SnpRecord:
    """One esummary document of db=snp as a typed record: GRCh38 position from chrpos, alleles from the docsum."""
    chromosome, position = None, None
    chrpos = str(doc.get("chrpos", ""))
    if ":" in chrpos:
        chromosome, _, at = chrpos.partition(":")
        position = int(at) if at.isdigit() else None
    seq = re.search(r"SEQ=\[([^\]]+)\]", str(doc.get("docsum", "")))
    alleles = seq.group(1).split("/") if seq else []
    if not alleles and doc.get("spdi"):  # NC_000017.11:7676153:G:C,NC_000017.11:7676153:G:A
        parts = [p.split(":") for p in str(doc["spdi"]).split(",") if p.count(":") == 3]
        alleles = list(dict.fromkeys([parts[0][2], *(p[3] for p in parts)])) if parts else []
    significance = [s for s in str(doc.get("clinical_significance", "")).split(",") if s]
    return SnpRecord(rsid=rsid, chromosome=chromosome or (str(doc.get("chr")) or None), position=position,
                     genes=[str(g.get("name")) for g in doc.get("genes", []) if isinstance(g, dict) and g.get("name")],
                     alleles=alleles, variant_class=str(doc.get("snp_class", "")), clinical_significance=significance)


def parse_blast_xml(body: bytes, program: str, database: str, rid: str, top: int) -> BlastResult:
    """BLAST XML (FORMAT_TYPE=XML) to the top hits; each hit is judged by its best HSP."""
    root = ET.fromstring(body)
    query_length = int(root.findtext("BlastOutput_query-len") or root.findtext(".//Iteration_query-len") or 0)
    hits = []
    for hit in root.iter("Hit"):
        hsps = list(hit.iter("Hsp"))
        if not hsps:
            continue
        best = max(hsps, key=lambda h: float(h.findtext("Hsp_bit-score") or 0))
        length = int(best.findtext("Hsp_align-len") or 0)
        q_from, q_to = int(best.findtext("Hsp_query-from") or 0), int(best.findtext("Hsp_query-to") or 0)
        hits.append(BlastHit(
            accession=hit.findtext("Hit_accession") or hit.findtext("Hit_id") or "",
            title=hit.findtext("Hit_def") or "",
            identity=round(int(best.findtext("Hsp_identity") or 0) / length, 4) if length else 0.0,
            coverage=round((abs(q_to - q_from) + 1) / query_length, 4) if query_length else 0.0,
            evalue=float(best.findtext("Hsp_evalue") or "nan"),
            bit_score=float(best.findtext("Hsp_bit-score") or 0),
            hit_from=int(best.findtext("Hsp_hit-from") or 0),
            hit_to=int(best.findtext("Hsp_hit-to") or 0),
        ))
        if len(hits) >= top:
            break
    return BlastResult(program=program, database=database, rid=rid, query_length=query_length, hits=hits)


class NCBIRecords:
    """ClinVar, dbSNP and BLAST lookups over one Entrez client (and a slower one for BLAST)."""

    def __init__(self, settings: EntrezSettings, sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.entrez = EntrezClient(settings, sleep=sleep)
        self.blast_client = EntrezClient(settings, limiter=RateLimiter(1 / settings.blast_interval_s, clock, sleep), sleep=sleep)
        self._sleep, self._clock = sleep, clock

    # -- ClinVar ----------------------------------------------------------------------------
    def clinvar(self, gene: str, hgvs_protein: str, limit: int = 5) -> list[ClinVarRecord]:
        """ClinVar's records for one protein change of one gene (p.Arg175His); only those whose title names exactly
        that change in that gene, since ClinVar's text search also matches neighbours."""
        ids = self.entrez.search_ids("clinvar", f'{gene}[gene] AND "{hgvs_protein}"', retmax=20)
        docs = self.entrez.summaries("clinvar", ids)
        records = [clinvar_record(docs[uid]) for uid in ids if uid in docs]
        exact = [r for r in records if f"({hgvs_protein})" in r.title and (not r.genes or gene in r.genes)]
        return exact[:limit]

    # -- dbSNP ------------------------------------------------------------------------------
    def snp(self, rsid: str) -> SnpRecord:
        """dbSNP's record of one rsID: GRCh38 chromosome and position, genes, alleles."""
        number, doc = self._snp_doc(rsid)
        return snp_record(f"rs{number}", doc)

    def frequencies(self, rsid: str) -> PopulationData:
        """dbSNP's allele frequencies of one rsID, per study (ALFA, gnomAD, 1000 Genomes, TOPMed...)."""
        number, doc = self._snp_doc(rsid)
        return allele_frequencies(f"rs{number}", doc)

    def _snp_doc(self, rsid: str) -> tuple[str, dict[str, Any]]:
        found = _RSID.match(rsid.strip())
        if not found:
            raise BadInputError(f"{rsid!r} is not an rsID", "write rs followed by digits, e.g. rs1042522")
        docs = self.entrez.summaries("snp", [found.group(1)])
        if found.group(1) not in docs:
            raise BadInputError(f"dbSNP has no record rs{found.group(1)}", "check the number; merged rsIDs keep their new number")
        return found.group(1), docs[found.group(1)]

    # -- BLAST ------------------------------------------------------------------------------
    def blast(self, sequence: str, program: str = "blastn", database: str = "nt", top: int = 5,
              on_wait: Callable[[str, float], None] | None = None) -> BlastResult:
        """Submit, poll within NCBI's limits, and read the top hits. `on_wait(rid, seconds waited)` reports progress."""
        if program not in BLAST_PROGRAMS:
            raise BadInputError(f"unknown BLAST program {program!r}", f"use one of {', '.join(BLAST_PROGRAMS)}")
        put = {"CMD": "Put", "PROGRAM": "blastn" if program == "megablast" else program, "DATABASE": database, "QUERY": sequence}
        if program == "megablast":
            put["MEGABLAST"] = "on"
        rid, estimate = self.blast_client.call("blast put", dict(put), _put_answer, url=self.settings.blast_url)
        started = self._clock()
        self._sleep(min(max(estimate, 1.0), self.settings.blast_poll_s))
        while True:
            status = self.blast_client.call("blast status", {"CMD": "Get", "FORMAT_OBJECT": "SearchInfo", "RID": rid},
                                            _status_answer, url=self.settings.blast_url)
            waited = self._clock() - started
            if status == "READY":
                break
            if status != "WAITING":
                raise RemoteServiceError(f"BLAST search {rid} ended with status {status}", "check the sequence and the database name")
            if waited >= self.settings.blast_max_wait_s:
                raise RemoteServiceError(f"BLAST search {rid} still running after {waited:.0f} s",
                                         "NCBI keeps it for a day: try again later, or raise GENELIT_ENTREZ__BLAST_MAX_WAIT_S")
            if on_wait is not None:
                on_wait(rid, waited)
            self._sleep(self.settings.blast_poll_s)
        get = {"CMD": "Get", "FORMAT_TYPE": "XML", "RID": rid, "HITLIST_SIZE": top}
        return self.blast_client.call("blast results", get, lambda body: parse_blast_xml(body, program, database, rid, top),
                                      url=self.settings.blast_url)


def _put_answer(body: bytes) -> tuple[str, float]:
    text = body.decode("utf-8", errors="replace")
    rid = re.search(r"RID = (\S+)", text)
    if rid is None:
        message = re.search(r'class="error"[^>]*>([^<]+)', text)
        raise RemoteServiceError(f"BLAST refused the search{': ' + message.group(1).strip() if message else ''}",
                                 "check the sequence, the program and the database")
    estimate = re.search(r"RTOE = (\d+)", text)
    return rid.group(1), float(estimate.group(1)) if estimate else 30.0


def _status_answer(body: bytes) -> str:
    found = re.search(r"Status=(\w+)", body.decode("utf-8", errors="replace"))
    if found is None:
        raise ValueError("no Status in BLAST's answer")
    return found.group(1)
