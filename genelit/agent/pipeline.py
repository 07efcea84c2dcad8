"""Pipeline and extractive modes: deterministic tool choice, then at most one LLM call.

Small local models answer better when their job is narrow, so the pipeline does the planning
itself: entities pick the tools, the few sentences that carry the result are selected
(agent/evidence.py), a yes/no verdict is decided from the evidence (agent/verdict.py), and the
model only writes the justification from those labelled sentences.
"""

from __future__ import annotations

from genelit.agent.entities import Entities
from genelit.agent.evidence import Candidate
from genelit.limits import VARIANTS_PER_CALL
from genelit.tools.base import Events, EvidenceLedger, Tool, call_tool
from genelit.tools.quoting import as_data


def gather(question: str, entities: Entities, tools: dict[str, Tool], ledger: EvidenceLedger, k: int,
           on_event: Events | None = None, literature_only: bool = False) -> None:
    """Call the tools the entities call for, and always the literature search (only it, if `literature_only`)."""
    calls: list[tuple[str, dict[str, object]]] = [("search_literature", {"query": question, "k": k})]
    if literature_only:
        entities = Entities()
    for gene in entities.genes:
        calls.append(("gene_info", {"name": gene}))
    paired_gene = entities.genes[0] if entities.genes else None
    if paired_gene:  # a protein change's dossier holds its score, its papers and (online) ClinVar; a c. change needs its CDS
        protein = [v for v in entities.variants if not v.startswith("c.")]
        if protein:
            calls.append(("score_variant", {"gene": paired_gene, "variants": protein[:VARIANTS_PER_CALL]}))
        calls += [("variant_literature", {"gene": paired_gene, "variant": v}) for v in entities.variants if v.startswith("c.")]
    for snp in entities.snps:
        calls.append(("variant_literature", {"variant": snp}))
        if "snp" in tools:
            calls.append(("snp", {"rsid": snp}))
    for sequence in entities.sequences:
        calls.append(("annotate_sequence", {"sequence": sequence}))
    for name, arguments in calls:
        call_tool(tools, ledger, name, arguments, on_event)


def evidence_block(sentences: list[Candidate], ledger: EvidenceLedger) -> str:
    """Numbered, labelled evidence for a prompt: paper sentences by id, then model outputs."""
    lines = []
    by_paper: dict[str, list[str]] = {}
    for s in sentences:
        by_paper.setdefault(s.paper_id, []).append(s.text)
    for pid, texts in by_paper.items():
        lines.append(as_data(f'id="{pid}" year="{ledger.papers[pid].paper.year or ""}"', " ".join(texts), separator=""))
    for output in ledger.model_outputs:
        lines.append(f"[{output.id}] {output.tool} on {output.input}: {output.summary} (model {output.model})")
    return "\n".join(lines)


def extractive_digest(sentences: list[Candidate], ledger: EvidenceLedger) -> str:
    """The evidence itself, each line cited: what extractive mode answers with."""
    lines = [f"- {s.text} [{s.paper_id}]" for s in sentences]
    lines += [f"- {m.tool} ({m.model}) on {m.input}: {m.summary} [{m.id}]" for m in ledger.model_outputs]
    return "\n".join(lines)
