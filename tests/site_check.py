"""Open built pages in a real headless Chromium and list what is wrong with them.

Used by `tests/test_site.py`.  Every request is routed through `route_request`: pages,
styles, scripts and fonts of the site itself are served; anything else (another host,
another folder) is recorded and aborted, so a page that would fetch a CDN script, a web
font or an API fails the test instead of quietly working online.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def find_chromium() -> str | None:
    """Debian's Chromium (never a browser download, which cannot work offline)."""
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


@dataclass
class PageReport:
    url: str
    outside_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    js_errors: list[str] = field(default_factory=list)
    raw_math: int = 0
    unstyled_math: int = 0

    @property
    def problems(self) -> list[str]:
        out = [f"outside request: {u}" for u in self.outside_requests]
        out += [f"failed local request: {u}" for u in self.failed_requests]
        out += [f"JavaScript error: {e}" for e in self.js_errors]
        if self.raw_math:
            out.append(f"{self.raw_math} formula(s) left as raw TeX (.arithmatex)")
        if self.unstyled_math:
            out.append(f"{self.unstyled_math} formula(s) without KaTeX's stylesheet/fonts")
        return out


def is_local(url: str, site_root: Path, origin: str | None) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    if parsed.scheme == "file":
        return os.path.abspath(parsed.path).startswith(str(site_root))
    if origin is not None:
        return url.startswith(origin)
    return False


def check_page(context, url: str, site_root: Path, origin: str | None = None) -> PageReport:
    """Load one page in a fresh tab and collect every problem seen."""
    report = PageReport(url)
    page = context.new_page()

    def route_request(route):
        if is_local(route.request.url, site_root, origin):
            route.continue_()
        else:
            report.outside_requests.append(route.request.url)
            route.abort()

    page.route("**/*", route_request)
    page.on("pageerror", lambda exc: report.js_errors.append(str(exc)))
    page.on("console", lambda msg: report.js_errors.append(msg.text)
            if msg.type == "error" and "net::ERR_FAILED" not in msg.text else None)
    page.on("requestfailed", lambda req: None if req.url in report.outside_requests
            else report.failed_requests.append(f"{req.url} ({req.failure})"))
    page.goto(url, wait_until="load")
    page.wait_for_timeout(150)
    report.raw_math = page.locator(".arithmatex").count()
    report.unstyled_math = page.evaluate(
        """() => [...document.querySelectorAll('.fa-math .katex')]
                 .filter(e => !getComputedStyle(e).fontFamily.includes('KaTeX')).length""")
    page.close()
    return report


def search(context, url: str, term: str, site_root: Path, origin: str | None = None) -> list[str]:
    """Type `term` into the site's search box; return the result titles (or raise)."""
    page = context.new_page()
    outside: list[str] = []

    def route_request(route):
        if is_local(route.request.url, site_root, origin):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route_request)
    page.goto(url, wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    meta = page.locator(".md-search-result__meta")
    # The search worker may still be loading its index: type again until it answers.
    for _ in range(20):
        box.fill(term)
        box.press("End")
        page.wait_for_timeout(250)
        if "matching" in meta.inner_text():
            break
    page.wait_for_selector(".md-search-result__item", state="attached", timeout=5000)
    titles = page.locator(".md-search-result__item h1, .md-search-result__item h2"
                          ).all_inner_texts()
    page.close()
    if outside:
        raise AssertionError(f"search made outside requests: {outside}")
    return titles
