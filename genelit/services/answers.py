"""Questions in, cited answers out: the tools bound to the other services, the model, and the answerer."""

from __future__ import annotations

from genelit.agent.answer import Answerer
from genelit.agent.conversation import Conversation
from genelit.agent.llm import ChatProvider, LLMProvider
from genelit.services.capabilities import Capabilities
from genelit.services.history import History
from genelit.services.reports import ReportBuilder
from genelit.services.toolbox import Toolbox
from genelit.settings import Settings
from genelit.tools.base import Events
from genelit.types import Answer, Report


class Answers:
    """Builds the answerer on first use; `llm` replaces the configured model (a test's scripted one, say)."""

    def __init__(self, settings: Settings, capabilities: Capabilities, llm: ChatProvider | None = None) -> None:
        self.settings = settings
        self.capabilities = capabilities
        self.literature = capabilities.literature
        self.sequences = capabilities.sequences
        self.llm: ChatProvider = llm or LLMProvider(settings.llm, settings.cache_dir)
        self._answerer: Answerer | None = None
        self.history = History(settings.history_path, settings.fallback_history_path)

    @property
    def toolbox(self) -> Toolbox:
        """The capabilities as the model's tools."""
        return Toolbox(self.capabilities, self.settings.sequence.question_min_orf_aa)

    @property
    def answerer(self) -> Answerer:
        if self._answerer is None:
            self._answerer = Answerer(
                self.toolbox.tools(),
                self.llm,
                self.literature.read,
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
