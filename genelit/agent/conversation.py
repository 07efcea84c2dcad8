"""A conversation: follow-up questions see the earlier turns and the evidence gathered so far.

Every turn shares one evidence ledger, so a paper found in turn one can be cited in turn
three with the same id, and `sources` lists everything the conversation may cite.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from genelit.tools.base import Events, EvidenceLedger
from genelit.types import Answer, AnswerMode, ConversationSources

if TYPE_CHECKING:
    from genelit.agent.answer import Answerer


class Conversation:
    """Questions in turn, with memory; `clear` forgets the turns and the evidence."""

    def __init__(self, answerer: Answerer, mode: str | None = None,
                 on_answer: Callable[[Answer], object] | None = None) -> None:
        self.answerer = answerer
        self.on_answer = on_answer
        self.mode: AnswerMode = answerer.resolve_mode(mode)
        self.ledger = EvidenceLedger()
        self.history: list[Any] = []

    def set_mode(self, mode: str | None) -> AnswerMode:
        """Switch mode for the following turns ('auto' or None picks the default again); returns the mode that will run."""
        self.mode = self.answerer.resolve_mode(mode)
        return self.mode

    def ask(self, question: str, on_event: Events | None = None) -> Answer:
        """Answer a follow-up; the question and the answer join the history the next turn sees."""
        from langchain_core.messages import AIMessage, HumanMessage

        answer = self.answerer.answer(question, self.mode, self.ledger, self.history, on_event)
        self.history += [HumanMessage(question), AIMessage(answer.text)]
        if self.on_answer is not None:
            self.on_answer(answer)
        return answer

    @property
    def sources(self) -> ConversationSources:
        """Every paper and model output gathered so far, with the ids answers cite them by."""
        return ConversationSources(papers=list(self.ledger.papers.values()), model_outputs=list(self.ledger.model_outputs))

    def clear(self) -> None:
        self.ledger = EvidenceLedger()
        self.history = []
