"""The line for the language model: one LLM job at a time (the local server answers one request at a time, and
two at once on two cores only make both slow), the others served in the order they came, and past a limit a
clear 'busy' answer instead of a request that waits for minutes. Work that needs no LLM never queues here.

A job whose client has gone is cancelled: while it waits it leaves the line at once, so it neither delays the
jobs behind it nor counts towards the limit; while it runs, it stops at its next stage (`Ticket.check`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from genelit.errors import GenelitError


class Busy(GenelitError):
    """The model's line is full: the client should try again later."""


class Cancelled(GenelitError):
    """The client that asked for this job has gone, so nobody would read its result."""


@dataclass
class Ticket:
    """One job's place in the line (`number` None: work that needs no model) and its cancellation flag."""

    number: int | None
    cancelled: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        """Raise Cancelled if the job's client has gone: called between stages, so an abandoned job stops there."""
        if self.cancelled.is_set():
            raise Cancelled("the client went away; the job was stopped", None)


class FairGate:
    """First come, first served: each job takes a numbered ticket and runs when its number comes up."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0
        self._abandoned: set[int] = set()  # waiting tickets that were cancelled: skipped when their turn comes

    @property
    def in_line(self) -> int:
        """Jobs running or waiting, cancelled ones not counted."""
        with self._turn:
            return self._issued - self._serving - len(self._abandoned)

    def enter(self, needs_model: bool = True) -> Ticket:
        """A ticket, or Busy when the running job and `max_waiting` others are already in line. Work that needs no
        model gets a ticket without a number, only so that it can be cancelled like the rest."""
        if not needs_model:
            return Ticket(None)
        with self._turn:
            ahead = self._issued - self._serving - len(self._abandoned)
            if ahead > self.max_waiting:
                raise Busy(f"the language model is busy ({ahead} job(s) in line)",
                           "try again in a minute, or ask in extractive mode, which needs no model")
            self._issued += 1
            return Ticket(self._issued - 1)

    def cancel(self, ticket: Ticket) -> None:
        """The client has gone: a waiting ticket leaves the line now; a running job stops at its next check."""
        with self._turn:
            ticket.cancelled.set()
            if ticket.number is not None and ticket.number > self._serving:
                self._abandoned.add(ticket.number)
                self._turn.notify_all()

    def _wait(self, ticket: Ticket) -> None:
        """Block until `ticket` is served; Cancelled if it was cancelled while it waited."""
        with self._turn:
            self._turn.wait_for(lambda: self._serving == ticket.number or ticket.cancelled.is_set())
            if self._serving != ticket.number:  # cancelled while waiting: _leave skips (or skipped) its number
                raise Cancelled("the client went away while the job waited for the model", None)

    def _leave(self) -> None:
        """The served job is done: serve the next ticket that is still wanted."""
        with self._turn:
            self._serving += 1
            while self._serving in self._abandoned:
                self._abandoned.discard(self._serving)
                self._serving += 1
            self._turn.notify_all()

    @contextmanager
    def turn(self, ticket: Ticket) -> Iterator[None]:
        """Wait for `ticket`, hold the model while the block runs, then pass it on, whatever happened. A ticket
        without a number (work that needs no model) runs at once."""
        if ticket.number is None:
            ticket.check()
            yield
            return
        self._wait(ticket)
        try:
            ticket.check()
            yield
        finally:
            self._leave()
