"""Build a report: sections planned from the topic, each written and checked as an answer is, then the
gene and variant sections from local data, figures, numbered references and a methods note.

The literature sections reuse the answer machinery whole (evidence selection, verdict-free drafting,
citation and support checks): one retrieval and, in pipeline mode, one LLM call per section. A sentence
one section used as evidence is not offered to later sections, so no finding is stated twice; a paper
may still be cited in two sections for two different points.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from genelit.agent.answer import NOT_ANSWERED, Answerer
from genelit.agent.concepts import COVERAGE_NOTE, coverage_line, uncovered
from genelit.agent.entities import extract
from genelit.agent.readable import ABOUT_THE_EVIDENCE
from genelit.errors import BadInputError, MissingResourceError
from genelit.report.figures import matplotlib_missing, scan_figure, score_table, years_figure
from genelit.report.references import number_references
from genelit.services.literature import Literature
from genelit.services.sequences import Sequences
from genelit.settings import Settings
from genelit.text import require_text
from genelit.text.citations import UNSUPPORTED, citation_ids, without_citations
from genelit.text.sentences import split_text
from genelit.tools.base import Events, EvidenceLedger
from genelit.tools.quoting import score_reading
from genelit.types import Evidence, Figure, Report, ReportSection, SectionKind, UnscoredVariant, VariantScore

LITERATURE_SECTIONS: list[tuple[SectionKind, str, str]] = [
    ("summary", "Summary", "What is known about {topic}?"),
    ("background", "Background", "What is the background of {topic}: which genes, functions and diseases are involved?"),
    ("findings", "Key findings", "What did studies find about {topic}?"),
    ("conflicts", "Open questions and conflicting findings", "Which findings about {topic} are uncertain, conflicting or debated?"),
]


def supported_only(text: str) -> tuple[str, int]:
    """A section as a report shows it: without the sentences the support check marked [unsupported], sentences with
    no citation or about the evidence itself, runs of bare citations, or a sentence said twice. An answer marks such
    sentences so a reader can weigh them; a report is read as a summary of what the evidence says, so they go, and
    the section says how many went."""
    lines: list[str] = []
    seen: set[str] = set()
    dropped = 0
    for line in text.split("\n"):
        kept = []
        for sentence in split_text(line):
            words = without_citations(sentence).strip(" -.;,:")
            if not any(ch.isalpha() for ch in words):
                continue  # citations with no sentence around them
            if UNSUPPORTED in sentence or not citation_ids(sentence) or ABOUT_THE_EVIDENCE.search(sentence) or words.lower() in seen:
                dropped += 1
                continue
            seen.add(words.lower())
            kept.append(sentence)
        if kept or not line.strip():
            lines.append(" ".join(kept))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(), dropped


class _Budget:
    """The time an LLM may spend on a report: a section starts with the model only while the time left covers
    one more section as long as the slowest so far took, so the budget bounds the whole report, not just its start."""

    def __init__(self, seconds: float, started: float) -> None:
        self.seconds = seconds
        self.started = started
        self.slowest = 0.0
        self.noted = False

    def section_took(self, seconds: float) -> None:
        self.slowest = max(self.slowest, seconds)

    def allows_another(self) -> bool:
        return time.perf_counter() - self.started + self.slowest <= self.seconds


@dataclass
class _Gathered:
    """What a report's literature sections have gathered so far: the papers, the sentences already used (the next
    section does not repeat them), the modes that ran, and the report's notes."""

    wanted: str
    budget: _Budget
    papers: dict[str, Evidence] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    ran: str = ""
    notes: list[str] = field(default_factory=list)


class ReportBuilder:
    """Writes one report from the services an Assistant holds."""

    def __init__(self, answerer: Answerer, literature: Literature, sequences: Sequences, settings: Settings,
                 on_event: Events | None = None) -> None:
        self.answerer = answerer
        self.literature = literature
        self.sequences = sequences
        self.settings = settings
        self.emit = on_event or (lambda _kind, _text: None)

    def build(self, topic: str, mode: str | None = None) -> Report:
        if mode == "agent":  # refused before anything loads: the agent's model may be a download away
            raise BadInputError("reports have no agent mode: each section is one planned model call, with no tool loop",
                                "use --mode pipeline (the model writes), extractive (no model) or auto")
        topic = require_text((topic or "").strip(), "topic")
        if not topic:
            raise BadInputError("empty topic", "name a gene, a variant or a question, e.g. 'TP53 missense variants'")
        self.literature.index.require()
        started = time.perf_counter()
        wanted = self.answerer.resolve_mode(mode)
        gathered = _Gathered(wanted="pipeline" if wanted == "agent" else wanted,  # one LLM call a section, no tool loop
                             budget=_Budget(self.settings.answer.report_budget_s, started))
        sections = [self._literature_section(number, spec, topic, gathered) for number, spec in enumerate(LITERATURE_SECTIONS, 1)]
        missing = uncovered(topic, [e.paper for e in gathered.papers.values()])
        if missing:  # said first, in the summary and above the report, rather than padded over with what is there
            gathered.notes.insert(0, coverage_line(missing))
            sections[0] = sections[0].model_copy(update={"text": f"{coverage_line(missing)}\n\n{sections[0].text}".strip()})
        ledger = EvidenceLedger()  # the gene and variant sections' model outputs, cited as [Mn]
        figures: list[Figure] = []
        entities = extract(topic, self.sequences.genes)
        if entities.genes:
            sections.insert(2, self._genes_section(entities.genes, ledger))
            variants_section, figures = self._variants(entities.genes[0], entities.variants, list(gathered.papers.values()),
                                                       ledger, gathered.notes)
            sections.insert(4, variants_section)
        references = number_references([s.text for s in sections], gathered.papers)
        if matplotlib_missing():
            gathered.notes.append("figures of years and scans need matplotlib: install genelit's plot extra")
        else:
            cited_ids = {r.id for r in references}
            figures.insert(0, years_figure([e.paper.year for e in gathered.papers.values()],
                                           [e.paper.year for pid, e in gathered.papers.items() if pid in cited_ids]))
        sections.append(self._methods(gathered.ran, len(gathered.papers)))
        return Report(topic=topic, title=f"{topic[0].upper()}{topic[1:]}: an evidence summary",
                      created=dt.datetime.now().isoformat(timespec="seconds"), mode=gathered.ran, sections=sections,
                      references=references, model_outputs=list(ledger.model_outputs), figures=figures, notes=gathered.notes,
                      seconds=round(time.perf_counter() - started, 2), settings_hash=self.settings.fingerprint())

    def _literature_section(self, number: int, spec: tuple[SectionKind, str, str], topic: str, gathered: _Gathered) -> ReportSection:
        """One section answered from the literature, by the model while the budget lasts, else quoted; it adds its
        papers and sentences to `gathered`, so the next section does not repeat them."""
        kind, title, template = spec
        budget, wanted = gathered.budget, gathered.wanted
        section_mode = wanted if wanted == "extractive" or budget.allows_another() else "extractive"
        if section_mode != wanted and not budget.noted:
            budget.noted = True
            gathered.notes.append(f"the {budget.seconds:g} s budget for LLM-written sections ran out before '{title}'; "
                                  "from there on the sections quote their evidence (extractive)")
        self.emit("step", f"section {number} of {len(LITERATURE_SECTIONS)}: {title} ({section_mode})")
        t0 = time.perf_counter()
        answer = self.answerer.answer(template.format(topic=topic), section_mode, on_event=self.emit, literature_only=True,
                                      exclude=gathered.used, search_k=self.settings.answer.report_search_k, fill=False)
        if answer.mode != "extractive":
            budget.section_took(time.perf_counter() - t0)
        if answer.text.endswith(NOT_ANSWERED):  # abstained (the topic's disease unmentioned, or weak evidence): say so
            text, dropped = NOT_ANSWERED, 0
        else:
            text, dropped = supported_only(answer.text)
        dropped += len(answer.dropped)  # the answer's own checks left these out already
        notes = [n for n in answer.notes if not n.startswith(("extractive mode", "removed citations"))
                 and not n.endswith(COVERAGE_NOTE)]  # said once, above the report
        if dropped:
            notes.append(f"left out {dropped} sentence(s) that the cited papers do not support")
        if section_mode != wanted:
            notes.append(f"quoted, not written: the {budget.seconds:g} s the model may spend on a report was spent before "
                         "this section")
        if answer.mode != "extractive" and not text:  # nothing the model wrote held up: quote the evidence instead
            self.emit("step", f"section {number}: no supported sentence from the model; quoting the evidence")
            answer = self.answerer.answer(template.format(topic=topic), "extractive", literature_only=True,
                                          exclude=gathered.used, search_k=self.settings.answer.report_search_k)
            text = answer.text
            notes.append("the model's draft had no supported sentence, so this section quotes the evidence")
        gathered.ran = answer.mode if gathered.ran in ("", answer.mode) else "mixed"
        gathered.papers.update({e.id: e for e in answer.evidence})
        gathered.used |= set(answer.evidence_sentences)
        return ReportSection(kind=kind, title=title, text=text, supported_share=answer.supported_share, dropped=dropped,
                             notes=notes)

    def _genes_section(self, symbols: list[str], ledger: EvidenceLedger) -> ReportSection:
        """HGNC facts of each gene the topic names, each cited as the lookup that gave it."""
        lines = []
        for symbol in symbols:
            g = self.sequences.gene_one(symbol)
            output_id = ledger.add_model_output("gene_info", self.sequences.genes.source, "none", symbol,
                                                f"{g.symbol}: {g.name}; {g.locus_group}")
            aliases = ", ".join(g.aliases) or "none"
            previous = ", ".join(g.previous_symbols) or "none"
            lines.append(f"{g.symbol} ({g.name}; {g.hgnc_id}) is a {g.locus_group} [{output_id}]. Aliases: {aliases}; "
                         f"previous symbols: {previous}. Location: {g.location or 'not in the offline HGNC table'} [{output_id}].")
        return ReportSection(kind="genes", title="Genes", text="\n\n".join(lines))

    def _variants(self, gene: str, named: list[str], papers: list[Evidence], ledger: EvidenceLedger,
                  notes: list[str]) -> tuple[ReportSection, list[Figure]]:
        """The variants the topic names, then those the retrieved abstracts name beside the gene, read and scored."""
        found: Counter[str] = Counter()
        genes = self.sequences.genes
        for evidence in papers:
            text = f"{evidence.paper.title} {evidence.paper.abstract}"
            mentioned = extract(text, genes)
            if gene in mentioned.genes:
                found.update(set(mentioned.variants))
        chosen = list(dict.fromkeys(named + [v for v, _ in found.most_common(self.settings.answer.report_variants)]))
        if not chosen:
            return ReportSection(kind="variants", title="Variants", text=f"Neither the topic nor the retrieved abstracts "
                                 f"name a protein variant of {gene}."), []
        try:
            scores = self.sequences.score(gene, chosen)
        except MissingResourceError as exc:
            notes.append(f"variants were not scored: {exc}")
            scores = [UnscoredVariant(variant=v, error="no protein sequence on this machine") for v in chosen]
        lines: list[str] = []
        rows: list[tuple[VariantScore | UnscoredVariant, str | None]] = []
        for text, score in zip(chosen, scores):
            origin = "named in the topic" if text in named else f"named in {found[text]} retrieved abstract(s)"
            named_by = self._papers_naming(gene, text)
            if isinstance(score, VariantScore):
                output_id = ledger.add_model_output("score_variant", f"{score.scorer}: {score.model}", score.weights_hash,
                                                    f"{gene} {score.variant.hgvs}", score_reading(score))
                lines.append(f"- {gene} {score.variant.hgvs} ({score.variant.kind}; {origin}): {score_reading(score)} "
                             f"[{output_id}].{named_by}")
                rows.append((score, output_id))
            else:
                lines.append(f"- {gene} {text} ({origin}): not scored ({score.error}).{named_by}")
                rows.append((score, None))
        text = "\n".join(lines) + ("\n\nEach score is read as ACMG computational evidence (PP3/BP4) at the strength its "
                                   "calibrated posterior reaches, or none; `genelit variant` gives each variant's whole "
                                   "dossier. Evidence, not a clinical classification.")
        figures = [score_table(rows)]
        markable = [(s.variant.position, s.variant.alt) for s, _ in rows if isinstance(s, VariantScore)]
        if markable and not matplotlib_missing():
            try:
                figures.insert(0, scan_figure(self.sequences.scan(gene), markable))
            except MissingResourceError as exc:
                notes.append(f"no scan figure: {exc}")
        return ReportSection(kind="variants", title="Variants", text=text), figures

    def _papers_naming(self, gene: str, variant: str) -> str:
        """' N indexed papers name it: 3 functional, 2 clinical.' from the local mention index, or ''."""
        try:
            found = self.literature.variant_literature(gene, variant, top=0)
        except (BadInputError, MissingResourceError):
            return ""
        if not found.papers:
            return " No indexed paper names it."
        kinds = ", ".join(f"{n} {k}" for k, n in found.kinds.items())
        return f" {found.papers} indexed paper(s) name it ({kinds})."

    def _methods(self, mode: str, retrieved: int) -> ReportSection:
        stats = self.literature.stats()
        scorer = self.sequences.scorer()
        model = self.answerer.llm.model_name
        written = {"extractive": "quote the evidence sentences themselves (extractive mode, no LLM)",
                   "pipeline": f"were written by {model}",
                   "mixed": f"were written by {model} where its draft held up, and quote the evidence where it did not"}[mode]
        text = (f"Literature: {stats.papers:,} indexed PubMed abstracts ({stats.embedding_model} embeddings, BM25 and dense "
                f"retrieval fused by reciprocal rank); {retrieved} papers were retrieved for this report, "
                f"{self.settings.answer.report_search_k} per section. The literature sections {written}. Every citation was "
                "checked against the papers the run collected and every sentence against what it cites; sentences with no "
                "citation or not supported by their citations were left out, and each section's note counts them. "
                f"Variant scores: {scorer.name} ({scorer.model}, weights {scorer.weights_hash}). "
                f"Genes: {self.sequences.genes.source}. Settings {self.settings.fingerprint()}.")
        return ReportSection(kind="methods", title="Methods", text=text)
