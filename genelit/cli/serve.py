"""genelit serve (the page and the JSON API) and genelit mcp (tools for MCP clients over stdio)."""

from __future__ import annotations

import ipaddress
import socket
from typing import Annotated

import typer

from genelit.cli.app import FastOpt, app, assistant, err, exit_2_on_user_error
from genelit.errors import BadInputError
from genelit.settings import ServerSettings


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_port(settings: ServerSettings) -> None:
    """A port another program holds is a one-line error, not uvicorn's log line and exit code 3."""
    family = socket.AF_INET6 if ":" in settings.host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((settings.host, settings.port))
        except OSError as exc:
            raise BadInputError(f"cannot listen on {settings.host}:{settings.port}: {exc.strerror}",
                                "choose another --port (0 picks a free one), or stop what holds it") from None


def check_exposure(settings: ServerSettings) -> None:
    """Off loopback, anyone on the network could use the server: refuse to start without a token. A blank token is
    no token (the settings make it None), so a failed `$(openssl rand ...)` gets the same refusal."""
    if not is_loopback(settings.host) and settings.token is None:
        raise BadInputError(f"binding to {settings.host} exposes genelit to the network, and no token is set",
                            "set GENELIT_SERVER__TOKEN to a long random string (clients send it as 'Authorization: Bearer ...'), "
                            "or keep the default --host 127.0.0.1")


@app.command("serve", epilog="Examples:\n\n  genelit serve                     # http://127.0.0.1:8000\n\n"
             "  GENELIT_SERVER__TOKEN=$(openssl rand -hex 24) genelit serve --host 0.0.0.0")
@exit_2_on_user_error
def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option("--host", help="Address to bind (default 127.0.0.1; others need a token).")] = None,
    port: Annotated[int | None, typer.Option("--port", min=0, max=65535, help="Port (default 8000).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option("--allow-host", help="Another host name clients may reach the "
                                                          "server by (a proxy's, say); repeatable; '*' allows any.")] = None,
    fast: FastOpt = False,
) -> None:
    """The chat and report page, and the JSON API (OpenAPI at /docs), over the local index and models."""
    import uvicorn

    from genelit.server.app import create_app

    helper = assistant(ctx, fast)
    allowed = [*helper.settings.server.allowed_hosts, *(allow_host or [])]
    updates = {k: v for k, v in {"host": host, "port": port, "allowed_hosts": allowed}.items() if v is not None}
    settings = helper.settings.server.model_copy(update=updates)
    check_exposure(settings)
    check_port(settings)
    err.print(f"genelit serving on http://{settings.host}:{settings.port}  (API docs: /docs; Ctrl-C stops)")
    uvicorn.run(create_app(helper, settings), host=settings.host, port=settings.port, log_level="warning")


@app.command("mcp", epilog="Examples:\n\n  genelit mcp                       # speaks MCP on stdin/stdout\n\n"
             "  Claude Desktop: {\"mcpServers\": {\"genelit\": {\"command\": \"/path/to/.venv/bin/genelit\", \"args\": [\"mcp\"]}}}")
@exit_2_on_user_error
def mcp(ctx: typer.Context, fast: FastOpt = False) -> None:
    """An MCP server on stdio with genelit's tools: search_literature, get_paper, gene_info, score_variant,
    variant_literature, scan_protein, annotate_sequence, ask. Point an MCP client's command at 'genelit mcp'."""
    from genelit.server.mcp import build_server

    helper = assistant(ctx, fast)
    try:
        build_server(helper).run("stdio")
    finally:
        helper.close()
