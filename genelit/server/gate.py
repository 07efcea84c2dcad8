"""The line for the language model: one LLM job at a time (the local server answers one request at a time, and
two at once on two cores only make both slow), the others served in the order they came, and past a limit a
clear 'busy' answer instead of a request that waits for minutes. Work that needs no LLM never queues here.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from genelit.errors import GenelitError


class Busy(GenelitError):
    """The model's line is full: the client should try again later."""


class FairGate:
    """First come, first served: each job takes a numbered ticket and runs when its number comes up."""

    def __init__(self, max_waiting: int) -> None:
        self.max_waiting = max_waiting
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0

    @property
    def in_line(self) -> int:
        """Jobs running or waiting."""
        with self._turn:
            return self._issued - self._serving

    def enter(self) -> int:
        """A ticket, or Busy when the running job and `max_waiting` others are already in line."""
        with self._turn:
            ahead = self._issued - self._serving
            if ahead > self.max_waiting:
                raise Busy(f"the language model is busy ({ahead} job(s) in line)",
                           "try again in a minute, or ask in extractive mode, which needs no model")
            self._issued += 1
            return self._issued - 1

    def wait(self, ticket: int) -> None:
        """Block until `ticket` is served."""
        with self._turn:
            self._turn.wait_for(lambda: self._serving == ticket)

    def leave(self) -> None:
        """The served job is done: serve the next ticket."""
        with self._turn:
            self._serving += 1
            self._turn.notify_all()

    @contextmanager
    def turn(self, ticket: int | None) -> Iterator[None]:
        """Wait for `ticket`, hold the model while the block runs, then pass it on, whatever happened. No ticket
        (work that needs no model) runs at once."""
        if ticket is None:
            yield
            return
        try:
            self.wait(ticket)
            yield
        finally:
            self.leave()
