"""The LLM seam: an OpenAI-protocol chat model through LangChain, local by default.

With no endpoint configured, genelit runs llama-cpp-python's OpenAI-compatible server itself,
on 127.0.0.1 and a free port, with a packaged GGUF model. The server starts on first use, is
reused by every question the Assistant asks, is restarted once if it crashes, and is stopped
when the process exits, however it exits (genelit.lifeline). Any other OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, a remote
llama.cpp) is used as given through `GENELIT_LLM__BASE_URL`, `GENELIT_LLM__MODEL` and an API key.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from typing import Any, Protocol

from genelit import lifeline
from genelit.agent.gguf import MODELS, ensure_model
from genelit.errors import MissingResourceError, RemoteServiceError
from genelit.settings import LLMSettings
from genelit.types import ModelInfo


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalLlamaServer:
    """One llama-cpp-python server process for one GGUF model."""

    def __init__(self, model_path: Path, alias: str, settings: LLMSettings, log_path: Path) -> None:
        self.model_path = model_path
        self.alias = alias
        self.n_ctx = settings.n_ctx
        self.log_path = log_path
        self.start_timeout_s = settings.start_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.restarts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def _healthy(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.base_url}/models", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def _start(self) -> None:
        try:
            import llama_cpp.server  # noqa: F401
        except ImportError:
            raise MissingResourceError(
                "llama-cpp-python is not installed, so the local LLM cannot run",
                "run scripts/setup.sh (it builds and caches the wheel), or set GENELIT_LLM__BASE_URL to an endpoint",
            ) from None
        self.port = free_port()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        command = lifeline.command("llama_cpp.server", [
            "--model", str(self.model_path), "--model_alias", self.alias,
            "--host", "127.0.0.1", "--port", str(self.port), "--n_ctx", str(self.n_ctx),
            "--n_threads", str(os.cpu_count() or 2),
        ])
        # Its own session keeps a Ctrl-C meant for genelit from killing it mid-answer; the lifeline ends it with us.
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        deadline = time.monotonic() + self.start_timeout_s
        while not self._healthy():
            if self.process.poll() is not None:
                raise RemoteServiceError(
                    f"the local LLM server exited with code {self.process.returncode} while starting",
                    f"see {self.log_path}",
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RemoteServiceError(f"the local LLM server did not answer within {self.start_timeout_s:.0f} s", f"see {self.log_path}")
            time.sleep(0.25)
        atexit.register(self.stop)

    def ensure_running(self) -> str:
        """Start on first use; after a crash, restart once, then report."""
        if self.process is not None and self.process.poll() is None:
            return self.base_url
        if self.process is not None:
            if self.restarts >= 1:
                raise RemoteServiceError(f"it died again after a restart: {self.exit_reason()}", f"see {self.log_path}")
            self.restarts += 1
        self._start()
        return self.base_url

    def exit_reason(self) -> str | None:
        """Why the server is gone, if it is: a client only sees a refused connection. SIGILL has one usual cause,
        a llama-cpp-python build that uses CPU instructions this machine does not grant (AMX under some hypervisors,
        or a wheel compiled on another machine), and one remedy."""
        code = None if self.process is None else self.process.poll()
        if code is None:
            return None
        if code == -signal.SIGILL:
            return ("the local LLM server died of an illegal instruction (SIGILL): its llama-cpp-python build uses CPU "
                    "instructions this machine refuses; rebuild it with GENELIT_REBUILD_LLAMA=1 scripts/setup.sh")
        if code < 0:
            return f"the local LLM server was killed by {signal.Signals(-code).name} (see {self.log_path})"
        return f"the local LLM server exited with code {code} (see {self.log_path})"

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def unreachable_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean 'no model to talk to', after which genelit answers extractively."""
    import openai

    return (MissingResourceError, RemoteServiceError, openai.APIConnectionError, openai.APITimeoutError)


class ChatProvider(Protocol):
    """What the answerer needs from a model provider; tests give it a scripted one."""

    @property
    def is_local(self) -> bool: ...

    @property
    def model_name(self) -> str: ...

    def chat_model(self) -> Any: ...

    def unreachable_errors(self) -> tuple[type[BaseException], ...]: ...

    def refusal(self, exc: BaseException) -> RemoteServiceError | None: ...

    def unreachable_reason(self, exc: BaseException) -> str: ...

    def stop(self) -> None: ...


class LLMProvider:
    """Builds chat models for the configured endpoint, or for the local server it owns."""

    def __init__(self, settings: LLMSettings, cache_dir: Path) -> None:
        self.settings = settings
        self.cache_dir = cache_dir
        self._server: LocalLlamaServer | None = None

    @property
    def is_local(self) -> bool:
        return not self.settings.base_url

    @property
    def model_name(self) -> str:
        return self.settings.model or (MODELS[self.settings.local_model].description if self.is_local else "")

    def local_server(self) -> LocalLlamaServer:
        if self._server is None:
            spec = MODELS[self.settings.local_model]
            path = ensure_model(spec, self.settings.model_dir or self.cache_dir / "models")
            self._server = LocalLlamaServer(path, spec.key, self.settings, self.cache_dir / "llm-server.log")
        return self._server

    def endpoint(self) -> tuple[str, str, str]:
        """(base URL, model name, API key) to talk to."""
        if self.is_local:
            server = self.local_server()
            return server.ensure_running(), server.alias, "local"
        key = self.api_key()
        if not self.settings.model:
            raise MissingResourceError("GENELIT_LLM__BASE_URL is set but no model is named", "name one: --model NAME, or GENELIT_LLM__MODEL")
        return self.settings.base_url or "", self.settings.model, key

    def chat_model(self) -> Any:
        """A LangChain ChatOpenAI for the endpoint; the only place genelit imports langchain_openai."""
        from langchain_openai import ChatOpenAI

        base_url, model, key = self.endpoint()
        return ChatOpenAI(
            base_url=base_url,
            model=model,
            api_key=key,
            timeout=self.settings.timeout_s,
            temperature=self.settings.temperature,
            max_tokens=self.settings.max_tokens,
            max_retries=self.settings.max_retries,
            stream_usage=True,  # a streamed reply still reports its token counts
        )

    def unreachable_errors(self) -> tuple[type[BaseException], ...]:
        return unreachable_errors()

    def api_key(self) -> str:
        secret = self.settings.api_key
        return secret.get_secret_value() if secret is not None else os.environ.get("OPENAI_API_KEY") or "none"

    def catalogue(self) -> list[ModelInfo]:
        """The packaged local models and, with an endpoint configured, what it serves; nothing is downloaded or started."""
        model_dir = self.settings.model_dir or self.cache_dir / "models"
        runnable = importlib.util.find_spec("llama_cpp") is not None
        found = []
        for spec in MODELS.values():
            path = model_dir / spec.filename
            status = ("on disk" if path.exists() else "assembled from its packages on first use") + (
                "" if runnable else "; llama-cpp-python is not installed (scripts/setup.sh builds it)")
            found.append(ModelInfo(name=spec.key, source="local", location=str(path), ready=path.exists() and runnable,
                                   status=status, selected=self.is_local and spec.key == self.settings.local_model))
        if self.settings.base_url:
            found += self._served()
        return found

    def _served(self) -> list[ModelInfo]:
        """The endpoint's /models list, with the configured model marked (and named even when the endpoint lacks it)."""
        import json

        url = self.settings.base_url or ""
        wanted = self.settings.model or ""
        request = urllib.request.Request(f"{url.rstrip('/')}/models", headers={"Authorization": f"Bearer {self.api_key()}"})
        try:
            with urllib.request.urlopen(request, timeout=min(self.settings.timeout_s, 10)) as response:
                served = [str(m.get("id", "")) for m in json.load(response).get("data", [])]
        except (OSError, ValueError, AttributeError) as exc:
            reason = getattr(exc, "reason", None) or exc
            return [ModelInfo(name=wanted or "(no model named)", source="endpoint", location=url, ready=False,
                              status=f"endpoint unreachable: {str(reason)[:160]}", selected=True)]
        rows = [ModelInfo(name=m, source="endpoint", location=url, ready=True, status="served", selected=m == wanted)
                for m in served]
        if wanted not in served:
            status = "not served by this endpoint" if wanted else "no model named: add --model NAME"
            rows.insert(0, ModelInfo(name=wanted or "(no model named)", source="endpoint", location=url, ready=False,
                                     status=status, selected=True))
        return rows

    def unreachable_reason(self, exc: BaseException) -> str:
        """One line on why no model answered: the local server's own death when it died, else the client's error."""
        died = self._server.exit_reason() if self._server is not None else None
        return died or str(exc).splitlines()[0][:160]

    def refusal(self, exc: BaseException) -> RemoteServiceError | None:
        """The endpoint answered but refused (bad key, unknown model, rate limit) as an error a user can act on;
        None for anything else. A refusal is a setting to fix, so it is reported rather than answered around."""
        import openai

        if not isinstance(exc, openai.APIStatusError):
            return None
        where = self.settings.base_url or "the local server"
        code = exc.status_code
        if code in (401, 403):
            return RemoteServiceError(f"{where} rejected the API key (HTTP {code})",
                                      "set GENELIT_LLM__API_KEY (or OPENAI_API_KEY) to a key that endpoint accepts")
        if code == 404:
            return RemoteServiceError(f"{where} has no model {self.model_name!r} (HTTP 404)",
                                      "set GENELIT_LLM__MODEL to a model the endpoint lists at /v1/models")
        if code == 429:
            return RemoteServiceError(f"{where} is rate-limiting this key or its quota is spent (HTTP 429)",
                                      "wait a minute and ask again, or check the account's quota")
        return RemoteServiceError(f"{where} answered HTTP {code}: {str(exc.message)[:200]}",
                                  "check GENELIT_LLM__BASE_URL and the endpoint's logs")

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
