"""A report's HTML printed to PDF: by headless Chromium where one is installed, else by WeasyPrint (the `pdf`
extra). Both are optional, so the engine is looked for before a report is built, and a machine with neither
gets a message that says how to get one instead of minutes of work thrown away at the end.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from genelit.errors import MissingResourceError
from genelit.types import PageSize

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_ENGINE_HINT = ("install Chromium (Debian/Ubuntu: apt install chromium) or WeasyPrint (pip install 'genelit[pdf]'), "
                  "or set GENELIT_ANSWER__REPORT_BROWSER to a Chromium or Chrome binary; or write .html and print it")
# Flags that keep a headless run quiet and offline: no sync, no component updates, no first-run pages.
QUIET_FLAGS = ["--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-pdf-header-footer"]
PRINT_TIMEOUT_S = 120


def find_browser(configured: str = "") -> str | None:
    """The Chromium-family binary to print with: the configured one, else the first on PATH."""
    if configured:
        return shutil.which(configured) or (configured if Path(configured).is_file() else None)
    return next((found for name in BROWSER_NAMES if (found := shutil.which(name))), None)


def weasyprint_installed() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def pdf_engine(configured_browser: str = "") -> str:
    """'chromium' or 'weasyprint', whichever this machine has, or a MissingResourceError saying how to get one."""
    return _engine(configured_browser)[0]


def _engine(configured_browser: str) -> tuple[str, str | None]:
    """The engine, and the browser binary when the engine is Chromium."""
    browser = find_browser(configured_browser)
    if browser:
        return "chromium", browser
    if weasyprint_installed():
        return "weasyprint", None
    if configured_browser:
        raise MissingResourceError(f"no browser at {configured_browser!r} to print a PDF with", NO_ENGINE_HINT)
    raise MissingResourceError("a PDF needs headless Chromium or WeasyPrint, and neither is on this machine", NO_ENGINE_HINT)


def write_pdf(html: str, path: Path, configured_browser: str = "", page_size: PageSize = "A4") -> str:
    """Print `html` to `path` on `page_size` paper; return the engine that printed it."""
    engine, browser = _engine(configured_browser)
    html = html.replace("</head>", f"<style>@page{{size:{page_size};margin:16mm}}</style></head>", 1)
    if browser is None:
        from weasyprint import HTML

        HTML(string=html).write_pdf(str(path))
        return engine
    with tempfile.TemporaryDirectory(prefix="genelit-pdf-") as scratch:
        page = Path(scratch) / "report.html"
        page.write_text(html, encoding="utf-8")
        # Chromium will not start its sandbox as root; a root user (a container, CI) must go without it.
        sandbox = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
        command = [browser, *QUIET_FLAGS, *sandbox, f"--user-data-dir={Path(scratch) / 'profile'}",
                   f"--print-to-pdf={path.resolve()}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired:
            raise MissingResourceError(f"{browser} did not print the PDF within {PRINT_TIMEOUT_S} s",
                                       "write .html and print it from a browser") from None
    if done.returncode != 0 or not path.is_file() or path.stat().st_size == 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise MissingResourceError(f"{browser} could not print the PDF (exit {done.returncode}: {last})",
                                   "write .html and print it from a browser")
    return engine
