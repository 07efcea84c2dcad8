"""Questions in, cited answers out: the tools bound to the other services, the model, and the answerer."""

from __future__ import annotations

from genelit.agent.answer import Answerer
from genelit.agent.conversation import Conversation
from genelit.agent.llm import ChatProvider, LLMProvider
from genelit.services.history import History
from genelit.services.literature import Literature
from genelit.services.ncbi import OnlineRecords
from genelit.services.reports import ReportBuilder
from genelit.services.sequences import Sequences
from genelit.settings import Settings
from genelit.tools.base import Events
from genelit.tools.toolbox import Backends, OnlineBackends, Toolbox
from genelit.types import Answer, Report, UnscoredVariant, VariantScore


class Answers:
    """Builds the answerer on first use; `llm` replaces the configured model (a test's scripted one, say)."""

    def __init__(self, settings: Settings, literature: Literature, sequences: Sequences, llm: ChatProvider | None = None,
                 ncbi: OnlineRecords | None = None) -> None:
        self.settings = settings
        self.literature = literature
        self.sequences = sequences
        self.ncbi = ncbi
        self.llm: ChatProvider = llm or LLMProvider(settings.llm, settings.cache_dir)
        self._answerer: Answerer | None = None
        self.history = History(settings.history_path, settings.fallback_history_path)

    def backends(self) -> Backends:
        """The services' functions, shaped as the tools call them."""
        sequences = self.sequences

        def score_one(gene: str, variant: str, scorer: str | None) -> VariantScore | UnscoredVariant:
            return sequences.score(gene, [variant], scorer)[0]

        return Backends(
            search=lambda query, k, year: self.literature.search(query, k, year=year),
            get_paper=self.literature.paper,
            gene=sequences.gene,
            score=score_one,
            scan=lambda gene, region: sequences.scan(gene, region).summary,
            annotate=lambda sequence, table: sequences.annotate(
                sequence=sequence, table=table, min_orf_aa=self.settings.sequence.question_min_orf_aa
            ),
            align=sequences.align,
            variant_literature=lambda gene, variant: self.literature.variant_literature(
                sequences.gene_one(gene).symbol if gene else None, variant
            ),
            gene_source=sequences.genes.source,
            online=self._online_backends(),
        )

    def _online_backends(self) -> OnlineBackends | None:
        ncbi = self.ncbi
        if ncbi is None or not ncbi.online:
            return None
        return OnlineBackends(
            clinvar=lambda gene, variant: ncbi.clinvar(self.sequences.gene_one(gene).symbol, variant),
            snp=ncbi.snp,
            blast=lambda sequence, program, database: ncbi.blast(self.sequences.one(sequence, "query"), program, database),
        )

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            self._answerer = Answerer(
                Toolbox(self.backends()).tools(),
                self.llm,
                lambda: self.sequences.genes,
                self.literature.embed,
                self.settings.answer,
                self.settings.llm,
                self.settings.fingerprint(),
            )
        return self._answerer

    def ask(self, question: str, mode: str | None = None, on_event: Events | None = None) -> Answer:
        self.literature.index.require()
        return self._kept(self.answerer.answer(question, mode, None, None, on_event))

    def _kept(self, answer: Answer) -> Answer:
        """The answer, after adding it to the history (unless the settings turn that off)."""
        if self.settings.history:
            self.history.add(answer)
        return answer

    def report(self, topic: str, mode: str | None = None, on_event: Events | None = None) -> Report:
        return ReportBuilder(self.answerer, self.literature, self.sequences, self.settings, on_event).build(topic, mode)

    def conversation(self, mode: str | None = None) -> Conversation:
        self.literature.index.require()
        return Conversation(self.answerer, mode, self._kept)

    def close(self) -> None:
        self.llm.stop()
