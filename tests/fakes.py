"""Fakes for seams. Each behaves like what it replaces, failures included."""

from __future__ import annotations

import datetime as dt
import gzip
import http.server
import re
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

# One PubMed article as XML, and a file of them: the smallest real input the parsers and the index take.
ARTICLE = """<PubmedArticle><MedlineCitation><PMID Version="{version}">{pmid}</PMID><Article>
<Journal><Title>Test journal</Title><JournalIssue><PubDate><Year>2019</Year></PubDate></JournalIssue></Journal>
<ArticleTitle>Title {pmid}</ArticleTitle><Abstract><AbstractText>{abstract}</AbstractText></Abstract>
</Article></MedlineCitation></PubmedArticle>"""


def write_xml(path: Path, body: str, gz: bool = False) -> Path:
    text = f'<?xml version="1.0"?>\n<PubmedArticleSet>{body}</PubmedArticleSet>'
    if gz:
        with gzip.open(path, "wt") as handle:
            handle.write(text)
    else:
        path.write_text(text)
    return path


# A line `genelit chat` prints for /sources (the References block's lines end in a URL instead).
SOURCE_LINE = re.compile(r"^  \[PMID:\d+\] .+ \((\d{4}|n\.d\.)\)$", re.M)

ESEARCH_DOCTYPE = (
    '<!DOCTYPE eSearchResult PUBLIC "-//NLM//DTD esearch 20060628//EN" '
    '"https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20060628/esearch.dtd">'
)


@dataclass
class FakeArticle:
    pmid: str
    xml: str  # a <PubmedArticle> element
    date: dt.date


def articles_from_medline(path: Path, count: int, start: dt.date = dt.date(2020, 1, 1)) -> list[FakeArticle]:
    """Real citations from a MEDLINE XML file, wrapped as efetch would return them, one day apart."""
    found = []
    with gzip.open(path) as handle:
        for _event, elem in ET.iterparse(handle):
            if elem.tag == "MedlineCitation" and elem.find("Article/Abstract") is not None:
                pmid = elem.findtext("PMID") or ""
                found.append(FakeArticle(pmid, f"<PubmedArticle>{ET.tostring(elem, encoding='unicode')}</PubmedArticle>",
                                         start + dt.timedelta(days=len(found))))
                if len(found) == count:
                    break
    return found


@dataclass
class FakeNCBI:
    """State of the fake E-utilities: the articles, the scripted failures and every request seen."""

    articles: list[FakeArticle]
    failures: list[str] = field(default_factory=list)  # consumed one per request: 429, 500, slow, truncated, ok
    requests: list[dict[str, str]] = field(default_factory=list)
    histories: dict[str, list[FakeArticle]] = field(default_factory=dict)
    slow_s: float = 1.0
    retry_after: str = "2"  # what a 429 asks the client to wait, in seconds
    gene_summaries: dict[str, dict[str, str]] = field(default_factory=dict)
    genbank: dict[str, str] = field(default_factory=dict)  # nuccore accession -> GenBank text
    records: dict[str, dict[str, dict]] = field(default_factory=dict)  # db (clinvar, snp) -> uid -> esummary document
    blast_waiting: int = 0  # status checks that answer WAITING before a search is READY
    blast_xml: str = ""  # what a finished search returns
    blast_rids: dict[str, int] = field(default_factory=dict)  # RID -> status checks so far


def _handler(state: FakeNCBI) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            params = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            params["_path"] = self.path
            state.requests.append(params)
            action = state.failures.pop(0) if state.failures else "ok"
            if action == "429":
                self._send(429, b"Too Many Requests", {"Retry-After": state.retry_after})
                return
            if action == "500":
                self._send(500, b"Internal error")
                return
            if action == "slow":
                time.sleep(state.slow_s)
            if self.path.endswith("Blast.cgi"):
                body = self._blast(params)
            elif self.path.endswith("esearch.fcgi") and params.get("db") in state.records:
                body = self._search_records(params)
            elif self.path.endswith("esearch.fcgi"):
                body = self._esearch(params)
            elif self.path.endswith("esummary.fcgi"):
                body = self._esummary(params)
            elif params.get("db") == "nuccore":
                body = state.genbank[params["id"]].encode()
            else:
                body = self._efetch(params)
            if action == "truncated":
                self.send_response(200)
                self.send_header("Content-Type", "text/xml")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
            self._send(200, body, {"Content-Type": "text/xml"})

        def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
            self.send_response(code)
            for key, value in (headers or {}).items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _esearch(self, params: dict[str, str]) -> bytes:
            hits = list(state.articles)
            if "mindate" in params:
                low = dt.datetime.strptime(params["mindate"], "%Y/%m/%d").date()
                high = dt.datetime.strptime(params["maxdate"], "%Y/%m/%d").date()
                hits = [a for a in hits if low <= a.date <= high]
            webenv = uuid.uuid4().hex
            state.histories[webenv] = hits
            return (
                f'<?xml version="1.0" encoding="UTF-8" ?>\n{ESEARCH_DOCTYPE}\n'
                f"<eSearchResult><Count>{len(hits)}</Count><RetMax>0</RetMax><RetStart>0</RetStart>"
                f"<QueryKey>1</QueryKey><WebEnv>{webenv}</WebEnv><IdList></IdList>"
                f"<TranslationSet></TranslationSet><QueryTranslation>{params.get('term', '')}</QueryTranslation>"
                f"</eSearchResult>"
            ).encode()

        def _esummary(self, params: dict[str, str]) -> bytes:
            import json

            known = state.records.get(params.get("db", ""), state.gene_summaries)
            ids = [i for i in params["id"].split(",") if i in known]
            return json.dumps({"result": {"uids": ids, **{i: known[i] for i in ids}}}).encode()

        def _search_records(self, params: dict[str, str]) -> bytes:
            """esearch as Entrez's text search behaves: each quoted phrase must occur as whole words, any case, in one of
            the record's values (not in its field names), and GENE[gene] must be one of the record's genes."""
            import json
            import re as regex

            def values(node: object) -> list[str]:
                if isinstance(node, dict):
                    return [v for item in node.values() for v in values(item)]
                if isinstance(node, list):
                    return [v for item in node for v in values(item)]
                return [str(node)]

            term = params["term"]
            phrases = regex.findall(r'"([^"]+)"', term)
            genes = {g.upper() for g in regex.findall(r"(\w+)\[gene\]", term)}
            hits = []
            for uid, doc in state.records[params["db"]].items():
                texts = values(doc)
                own = {str(g.get("symbol") or g.get("name") or "").upper() for g in doc.get("genes", [])}
                said = all(any(regex.search(rf"(?<!\w){regex.escape(p)}(?!\w)", t, regex.I) for t in texts) for p in phrases)
                if said and genes <= own:
                    hits.append(uid)
            return json.dumps({"esearchresult": {"count": str(len(hits)), "idlist": hits}}).encode()

        def _blast(self, params: dict[str, str]) -> bytes:
            """NCBI BLAST's URL API: Put answers a RID in a QBlastInfo comment, SearchInfo a Status, Get the XML."""
            if params.get("CMD") == "Put":
                if not params.get("QUERY"):
                    return b'<html><p class="error">Message ID#24 Error: Query is empty</p></html>'
                rid = uuid.uuid4().hex[:11].upper()
                state.blast_rids[rid] = 0
                return f"<html><!--QBlastInfoBegin\n    RID = {rid}\n    RTOE = 12\nQBlastInfoEnd\n--></html>".encode()
            rid = params["RID"]
            if params.get("FORMAT_OBJECT") == "SearchInfo":
                if rid not in state.blast_rids:
                    return b"QBlastInfoBegin\n\tStatus=UNKNOWN\nQBlastInfoEnd"
                state.blast_rids[rid] += 1
                ready = state.blast_rids[rid] > state.blast_waiting
                return f"QBlastInfoBegin\n\tStatus={'READY' if ready else 'WAITING'}\nQBlastInfoEnd".encode()
            return state.blast_xml.encode()

        def _efetch(self, params: dict[str, str]) -> bytes:
            hits = state.histories[params["WebEnv"]]
            start, size = int(params.get("retstart", 0)), int(params.get("retmax", 20))
            inner = "".join(a.xml for a in hits[start : start + size])
            return f'<?xml version="1.0" ?>\n<PubmedArticleSet>{inner}</PubmedArticleSet>'.encode()

    return Handler


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 and a free port, for as long as a `with` block lasts."""

    path = "/"

    def __init__(self, handler: type[http.server.BaseHTTPRequestHandler]) -> None:
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{self.path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeNCBIServer(LoopbackServer):
    """Plays NCBI E-utilities (esearch with history, efetch, esummary) and the BLAST URL API."""

    path = "/entrez/eutils/"

    def __init__(self, state: FakeNCBI) -> None:
        super().__init__(_handler(state))
        self.state = state

    @property
    def blast_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/Blast.cgi"


class RecordingSleep:
    """Stands in for time.sleep in retry loops: records the delays instead of waiting them out."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class HashingEmbedder:
    """Stands in for the sentence-transformers model behind the `embed` seam: unit float32 vectors of its width (384),
    the same text always the same vector, and texts that share words (and word pairs) close in cosine, so a copied
    line scores 1.0 and an unrelated one near 0. It knows no synonyms: tests that need meaning use the real model."""

    dim = 384

    def __call__(self, texts: list[str]):
        import hashlib

        import numpy as np

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = re.findall(r"[a-z0-9]+", text.lower())
            for gram in words + [f"{a} {b}" for a, b in zip(words, words[1:])]:
                digest = hashlib.blake2b(gram.encode(), digest_size=8).digest()
                out[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0 if digest[4] & 1 else -1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


def scripted_chat_model(*replies: object):
    """A LangChain chat model that returns the given replies in order, like simonw/llm's mock model.

    Each reply is an AIMessage, a string, or a callable taking the messages and returning one of those.
    It records every list of messages it was sent. bind_tools/bind return a bound copy, as a real model's do (a
    RunnableBinding that passes the bound arguments to every call), and record what was bound; the copy runs the same
    script, so a test scripts the conversation once.
    """
    from langchain_core.language_models.chat_models import BaseChatModel
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, ChatResult

    class ScriptedChatModel(BaseChatModel):
        script: list = []
        seen: list = []
        bound_tools: list = []
        bound_kwargs: dict = {}
        called_with: list = []  # the bound arguments each call arrived with, as an endpoint would receive them

        @property
        def _llm_type(self) -> str:
            return "scripted"

        def enqueue(self, *more: object) -> None:
            self.script.extend(more)

        def bind_tools(self, tools, **kwargs):
            self.bound_tools = list(tools)
            return super().bind(tools=self.bound_tools, **kwargs)

        def bind(self, **kwargs):
            self.bound_kwargs = kwargs
            return super().bind(**kwargs)

        def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
            self.seen.append(list(messages))
            self.called_with.append(kwargs)
            if not self.script:
                raise AssertionError("the scripted chat model ran out of replies")
            reply = self.script.pop(0)
            if callable(reply):
                reply = reply(messages)
            if isinstance(reply, str):
                reply = AIMessage(reply)
            return ChatResult(generations=[ChatGeneration(message=reply)])

    model = ScriptedChatModel()
    model.script = list(replies)
    model.seen = []
    model.called_with = []
    return model


class FakeProvider:
    """Stands in for LLMProvider: hands out a given chat model; `local` decides what 'auto' means."""

    def __init__(self, chat_model, local: bool = False) -> None:
        self._chat_model = chat_model
        self.is_local = local
        self.model_name = "scripted"

    def chat_model(self):
        return self._chat_model

    def unreachable_errors(self):
        from genelit.agent.llm import unreachable_errors

        return unreachable_errors()  # the same errors as the real provider: openai's, not built-ins

    def unreachable_reason(self, exc: BaseException) -> str:
        return str(exc)  # a scripted model has no server to die

    def refusal(self, exc: BaseException):
        return None  # a scripted model never refuses; LLMProvider's refusals are tested against a fake endpoint

    def stop(self) -> None:
        pass


@dataclass
class FakeOpenAI:
    """What a loopback OpenAI-compatible endpoint answers: a script of replies, and every request it was sent.

    Each reply is a string (the assistant's text), a dict with `tool_calls` [(name, arguments)], an int
    (an HTTP error status, answered the way OpenAI's API answers it), or a callable taking the request body.
    """

    replies: list[object] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    model: str = "fake-model"


def _openai_handler(state: FakeOpenAI) -> type[http.server.BaseHTTPRequestHandler]:
    import json

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._send(200, {"object": "list", "data": [{"id": state.model, "object": "model"}]})
            else:
                self._send(404, {"error": {"message": "not found", "type": "invalid_request_error"}})

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            state.requests.append(body)
            if not state.replies:
                self._send(500, {"error": {"message": "the fake endpoint ran out of replies", "type": "server_error"}})
                return
            reply = state.replies.pop(0)
            if callable(reply):
                reply = reply(body)
            if isinstance(reply, int):
                messages = {401: ("Incorrect API key provided", "invalid_api_key"),
                            404: (f"The model `{body.get('model')}` does not exist", "model_not_found")}
                text, code = messages.get(reply, ("error", "error"))
                self._send(reply, {"error": {"message": text, "type": "invalid_request_error", "code": code}})
                return
            message: dict[str, object] = {"role": "assistant", "content": reply if isinstance(reply, str) else ""}
            if isinstance(reply, dict):
                message["tool_calls"] = [
                    {"id": f"call_{i}", "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
                    for i, (name, args) in enumerate(reply["tool_calls"])
                ]
            finish = "tool_calls" if "tool_calls" in message else "stop"
            usage = {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120}
            head = {"id": f"chatcmpl-{uuid.uuid4().hex[:8]}", "created": int(time.time()), "model": body.get("model", state.model)}
            if body.get("stream"):
                self._stream(head, message, finish, usage if (body.get("stream_options") or {}).get("include_usage") else None)
                return
            self._send(200, {**head, "object": "chat.completion",
                             "choices": [{"index": 0, "message": message, "finish_reason": finish}], "usage": usage})

        def _stream(self, head: dict, message: dict, finish: str, usage: dict | None) -> None:
            """Server-sent events as OpenAI streams them: the text in small pieces, tool calls whole, a last chunk
            with the finish reason, the usage when asked for (stream_options), then [DONE]."""
            text = str(message["content"])
            deltas: list[dict] = [{"role": "assistant", "content": ""}]
            deltas += [{"content": text[i:i + 8]} for i in range(0, len(text), 8)]
            if "tool_calls" in message:
                deltas.append({"tool_calls": [{"index": i, **call} for i, call in enumerate(message["tool_calls"])]})
            chunks = [{**head, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": d, "finish_reason": None}]}
                      for d in deltas]
            chunks.append({**head, "object": "chat.completion.chunk", "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
            if usage is not None:
                chunks.append({**head, "object": "chat.completion.chunk", "choices": [], "usage": usage})
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            for chunk in chunks:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
            self.wfile.write(b"data: [DONE]\n\n")

        def _send(self, code: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class FakeOpenAIServer(LoopbackServer):
    """Plays an OpenAI-compatible chat endpoint, as vLLM or Ollama would."""

    path = "/v1"

    def __init__(self, state: FakeOpenAI) -> None:
        super().__init__(_openai_handler(state))
        self.state = state

    def env(self) -> dict[str, str]:
        """The variables that point genelit at this endpoint."""
        return {"GENELIT_LLM__BASE_URL": self.base_url, "GENELIT_LLM__MODEL": self.state.model, "GENELIT_LLM__API_KEY": "sk-test"}


def evidence_label(prompt: str, containing: str) -> tuple[str, str]:
    """(label, cited id) of the first numbered evidence line of a grounded prompt whose text contains `containing`."""
    import re

    for label, cited, text in re.findall(r"^(E\d+|M\d+|ClinVar:\S+) \[([^\]]+)\] (.*)$", prompt, re.M):
        if containing in text:
            return label, cited
    raise AssertionError(f"no evidence line contains {containing!r}")


def grounded_reply(answer: tuple[str, str] | None = None, answers: tuple[tuple[str, str], ...] = (),
                   findings: tuple[tuple[str, str], ...] = ()):
    """A scripted reply to a grounded prompt, as the local server's grammar shapes it: JSON whose every object names
    the evidence line it draws on. Each entry is (text its line contains, the name or claim)."""
    import json

    def reply(messages) -> str:
        prompt = str(messages[-1].content)

        def tied(key: str, entry: tuple[str, str]) -> dict[str, str]:
            return {"evidence": evidence_label(prompt, entry[0])[0], key: entry[1]}

        body: dict[str, object] = {}
        if answer is not None:
            body["answer"] = tied("name", answer)
        if answers:
            body["answers"] = [tied("name", a) for a in answers]
        body["findings"] = [tied("claim", f) for f in findings]
        return json.dumps(body)

    return reply
