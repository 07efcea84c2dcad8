"""Run a Python module as a child process that ends when its parent does, however the parent ends.

The local LLM server runs in its own session (so that a Ctrl-C meant for genelit does not reach it mid-answer),
which also means no signal of the parent's reaches it: a parent killed with SIGTERM or SIGKILL left it running,
holding 3 GB. Linux's PR_SET_PDEATHSIG is no cure, as it fires when the *thread* that started the child ends,
and genelit starts the server from whichever worker thread first needs it. So the child watches instead: a
thread polls its parent's pid and, once the parent is gone, stops the child with SIGTERM (then for good).

    python -m genelit.lifeline PARENT_PID MODULE [ARGS...]
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time

POLL_S = 1.0
GRACE_S = 10.0


def command(module: str, args: list[str]) -> list[str]:
    """The argv that runs `python -m module args...` tied to this process."""
    return [sys.executable, "-m", "genelit.lifeline", str(os.getpid()), module, *args]


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_S)
    os.kill(os.getpid(), signal.SIGTERM)  # the module's own shutdown, where it has one
    time.sleep(GRACE_S)
    os._exit(1)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or not argv[0].isdigit():
        sys.exit("usage: python -m genelit.lifeline PARENT_PID MODULE [ARGS...]")
    parent, module = int(argv[0]), argv[1]
    if os.getppid() != parent:  # the parent died before this child got going
        sys.exit(1)
    threading.Thread(target=_watch, args=(parent,), name="lifeline", daemon=True).start()
    sys.argv = [module, *argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
