"""The NCBI seam: PubMed search and fetch over E-utilities, politely and robustly.

- One rate limiter per process (NCBI counts requests per client, not per object):
  3 requests/s without an API key, 10/s with one.
- Retries with exponential back-off on 429, 5xx, timeouts, broken connections and
  truncated answers; a `Retry-After` header overrides the back-off.
- esearch keeps results on the history server (WebEnv) and efetch reads them in batches.
- PubMed serves at most 10,000 records of one search, so larger searches are split by
  date range until each part fits.
Answers are parsed with Biopython (`Bio.Entrez.read` for esearch) and with genelit's own
streaming PubMed XML reader for efetch, the same one that reads files.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import http.client
import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from genelit.errors import BadInputError, RemoteServiceError
from genelit.index.medline import Record, parse_xml_stream
from genelit.settings import EntrezSettings

T = TypeVar("T")

MAX_PER_SEARCH = 9999
EARLIEST = dt.date(1800, 1, 1)


class RateLimiter:
    """Spaces calls at least `1/per_second` apart, across threads."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_second
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            if now < self._next:
                self._sleep(self._next - now)
                now = self._next
            self._next = now + self.interval


# NCBI's limit applies to the whole process, so every client in it must share one limiter per rate.
_PROCESS_LIMITERS: dict[float, RateLimiter] = {}
_PROCESS_LIMITERS_LOCK = threading.Lock()


def process_limiter(per_second: float) -> RateLimiter:
    with _PROCESS_LIMITERS_LOCK:
        if per_second not in _PROCESS_LIMITERS:
            _PROCESS_LIMITERS[per_second] = RateLimiter(per_second)
        return _PROCESS_LIMITERS[per_second]


@dataclass(frozen=True)
class SearchResult:
    count: int
    webenv: str
    query_key: str


class _Retry(Exception):
    """A failure worth another try; carries the delay the server asked for, if any."""

    def __init__(self, reason: str, delay: float | None = None) -> None:
        super().__init__(reason)
        self.delay = delay


def _retry_after(headers: object) -> float | None:
    value = getattr(headers, "get", lambda _k: None)("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def _date(value: dt.date) -> str:
    return value.strftime("%Y/%m/%d")


def parse_date(text: str) -> dt.date:
    """Accept YYYY-MM-DD, YYYY/MM/DD, YYYY-MM or YYYY."""
    cleaned = text.strip().replace("/", "-")
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            return dt.datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
    raise BadInputError(f"bad date {text!r}", "use YYYY-MM-DD, e.g. --since 2024-01-31")


class EntrezClient:
    """PubMed over E-utilities. All network access of genelit's literature side goes through here."""

    def __init__(
        self,
        settings: EntrezSettings,
        limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings
        self.limiter = limiter or process_limiter(10.0 if settings.api_key else 3.0)
        self._sleep = sleep

    # -- transport ----------------------------------------------------------------------
    def _params(self, params: dict[str, object]) -> bytes:
        full = {"tool": self.settings.tool, "email": self.settings.email, "api_key": self.settings.api_key.get_secret_value() if self.settings.api_key else None, **params}
        return urllib.parse.urlencode({k: v for k, v in full.items() if v is not None}).encode()

    def _fetch_once(self, utility: str, params: dict[str, object], url: str | None = None) -> bytes:
        url = url or self.settings.base_url.rstrip("/") + f"/{utility}.fcgi"
        request = urllib.request.Request(url, data=self._params(params), method="POST")
        self.limiter.wait()
        try:
            with urllib.request.urlopen(request, timeout=self.settings.timeout_s) as response:
                return response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 429 or exc.code >= 500:
                raise _Retry(f"HTTP {exc.code}", _retry_after(exc.headers)) from None
            raise RemoteServiceError(
                f"NCBI {utility} answered HTTP {exc.code} {exc.reason}",
                "check the query syntax; an invalid API key also gives 4xx",
            ) from None
        except (urllib.error.URLError, TimeoutError, http.client.HTTPException, ConnectionError) as exc:
            raise _Retry(f"{type(exc).__name__}: {exc}") from None

    def call(self, utility: str, params: dict[str, object], parse: Callable[[bytes], T], url: str | None = None) -> T:
        """One E-utility request (or, with `url`, one request to another NCBI service such as BLAST), retried until
        `parse` accepts the answer or the retries run out."""
        last = ""
        for attempt in range(self.settings.max_retries + 1):
            try:
                return parse(self._fetch_once(utility, params, url))
            except _Retry as retry:
                last, delay = str(retry), retry.delay
            except (ET.ParseError, BadInputError, ValueError, RuntimeError) as exc:
                last, delay = f"unreadable answer ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})", None
            if attempt < self.settings.max_retries:
                self._sleep(delay if delay is not None else self.settings.backoff_s * (2**attempt))
        raise RemoteServiceError(
            f"NCBI {utility} failed after {self.settings.max_retries + 1} tries: {last}",
            "try again later; an NCBI API key (GENELIT_ENTREZ__API_KEY) allows more requests",
        )

    # -- E-utilities --------------------------------------------------------------------
    def esearch(self, term: str, mindate: dt.date | None = None, maxdate: dt.date | None = None, datetype: str = "pdat") -> SearchResult:
        params: dict[str, object] = {"db": "pubmed", "term": term, "usehistory": "y", "retmax": 0}
        if mindate or maxdate:
            params.update(datetype=datetype, mindate=_date(mindate or EARLIEST), maxdate=_date(maxdate or dt.date.today()))

        def parse(body: bytes) -> SearchResult:
            from Bio import Entrez

            record = Entrez.read(io.BytesIO(body))
            if "ERROR" in record and record["ERROR"]:
                raise RemoteServiceError(f"NCBI esearch error: {record['ERROR']}", "check the query syntax")
            return SearchResult(int(record["Count"]), str(record["WebEnv"]), str(record["QueryKey"]))

        return self.call("esearch", params, parse)

    def split_search(self, term: str, since: dt.date | None = None) -> Iterator[SearchResult]:
        """Searches covering `term`, each small enough to fetch in full (split by date when needed)."""
        datetype = "edat" if since else "pdat"
        first = self.esearch(term, since, None, datetype) if since else self.esearch(term)
        if first.count <= MAX_PER_SEARCH:
            yield first
            return
        stack = [(since or EARLIEST, dt.date.today())]
        while stack:
            low, high = stack.pop()
            part = self.esearch(term, low, high, datetype)
            if part.count <= MAX_PER_SEARCH or low >= high:
                yield part
                continue
            middle = low + (high - low) // 2
            stack.append((middle + dt.timedelta(days=1), high))
            stack.append((low, middle))

    def efetch(self, search: SearchResult, start: int, size: int) -> list[Record]:
        params: dict[str, object] = {
            "db": "pubmed",
            "WebEnv": search.webenv,
            "query_key": search.query_key,
            "retstart": start,
            "retmax": size,
            "retmode": "xml",
        }
        return self.call("efetch", params, lambda body: list(parse_xml_stream(io.BytesIO(body), "efetch")))

    def fetch(
        self,
        term: str,
        max_records: int | None = None,
        since: dt.date | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> Iterator[Record]:
        """Yield the PubMed records matching `term` (newer than `since`), at most `max_records`."""
        if not term.strip():
            raise BadInputError("empty PubMed query", "e.g. genelit index pubmed 'BRCA1[gene] AND variant'")
        searches = list(self.split_search(term, since))
        total = sum(s.count for s in searches)
        if max_records is not None:
            total = min(total, max_records)
        done = 0
        for search in searches:
            available = min(search.count, MAX_PER_SEARCH)
            for start in range(0, available, self.settings.batch_size):
                size = min(self.settings.batch_size, available - start, total - done)
                if size <= 0:
                    return
                records = self.efetch(search, start, size)
                yield from records[:size]
                done += size
                if on_progress is not None:
                    on_progress(done, total)

    def refseq_protein(self, mrna_accession: str) -> tuple[str, str]:
        """(protein accession, sequence) of the CDS annotated on a RefSeq mRNA (NM_...) record."""

        def parse(body: bytes) -> tuple[str, str]:
            from Bio import SeqIO

            record = SeqIO.read(io.StringIO(body.decode("utf-8", errors="replace")), "genbank")
            for feature in record.features:
                if feature.type == "CDS" and "translation" in feature.qualifiers:
                    return feature.qualifiers.get("protein_id", [mrna_accession])[0], feature.qualifiers["translation"][0]
            raise ValueError(f"{mrna_accession} has no translated CDS")

        params: dict[str, object] = {"db": "nuccore", "id": mrna_accession, "rettype": "gb", "retmode": "text"}
        return self.call("efetch", params, parse)

    def gene_summaries(self, entrez_ids: list[str]) -> dict[str, dict[str, str]]:
        """NCBI Gene esummary fields (summary, maplocation, chromosome, description) by Entrez id."""
        found = self.summaries("gene", entrez_ids)
        return {uid: {k: str(v) for k, v in doc.items() if isinstance(v, (str, int))} for uid, doc in found.items()}

    def summaries(self, db: str, ids: list[str]) -> dict[str, dict[str, Any]]:
        """esummary documents (JSON) of any Entrez database, by uid; ids it does not know are absent."""

        def parse(body: bytes) -> dict[str, dict[str, Any]]:
            result = json.loads(body).get("result", {})
            return {uid: result[uid] for uid in result.get("uids", []) if isinstance(result.get(uid), dict)}

        if not ids:
            return {}
        return self.call("esummary", {"db": db, "id": ",".join(ids), "retmode": "json"}, parse)

    def search_ids(self, db: str, term: str, retmax: int = 20) -> list[str]:
        """The uids an esearch of any Entrez database returns (ClinVar, dbSNP, ...), best first."""

        def parse(body: bytes) -> list[str]:
            found = json.loads(body).get("esearchresult", {})
            if "ERROR" in found:
                raise RemoteServiceError(f"NCBI esearch error: {found['ERROR']}", "check the query")
            return [str(uid) for uid in found.get("idlist", [])]

        return self.call("esearch", {"db": db, "term": term, "retmax": retmax, "retmode": "json"}, parse)

