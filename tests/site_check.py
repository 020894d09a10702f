"""Open built pages in a real headless Chromium and list what is wrong with them.

Used by `tests/test_site.py`.  Every request is routed through `route_request`: pages,
styles, scripts and fonts of the site itself are served; anything else (another host,
another folder) is recorded and aborted, so a page that would fetch a CDN script, a web
font or an API fails the test instead of quietly working online.
"""

from __future__ import annotations

import html as html_module
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

STRAY_TEX = re.compile(r"\$|\\[A-Za-z]{2,}|\\[()\[\]]")

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
    stray_tex: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        out = [f"outside request: {u}" for u in self.outside_requests]
        out += [f"failed local request: {u}" for u in self.failed_requests]
        out += [f"JavaScript error: {e}" for e in self.js_errors]
        if self.raw_math:
            out.append(f"{self.raw_math} formula(s) left as raw TeX (.arithmatex)")
        if self.unstyled_math:
            out.append(f"{self.unstyled_math} formula(s) without KaTeX's stylesheet/fonts")
        out += [f"stray TeX in the text: {t!r}" for t in self.stray_tex]
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
    # Text outside code and rendered formulas holds no `$` and no TeX command: a `$x$`
    # that arithmatex did not take as math (a docstring's broken line, an unclosed `$`).
    text = page.evaluate(
        """() => { const a = document.querySelector('article');
                   if (!a) return '';
                   const c = a.cloneNode(true);
                   c.querySelectorAll('pre, code, .katex, .fa-math, .headerlink')
                    .forEach(e => e.remove());
                   return c.innerText; }""")
    report.stray_tex = [text[max(0, m.start() - 40):m.end() + 20].replace("\n", " ")
                        for m in STRAY_TEX.finditer(text)]
    page.close()
    return report


def search(context, url: str, term: str, site_root: Path, origin: str | None = None) -> list[str]:
    """Type `term` into the site's search box; return the result titles (or raise)."""
    page = context.new_page()
    outside: list[str] = []
    _route_local(page, site_root, origin, outside)
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


def _route_local(page, site_root: Path, origin: str | None, outside: list[str]) -> None:
    def route_request(route):
        if is_local(route.request.url, site_root, origin):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route_request)


SCROLL_RESULTS = """top => {
    const w = document.querySelector('.md-search__scrollwrap');
    w.scrollTop = top ? 0 : w.scrollHeight; w.dispatchEvent(new Event('scroll')); }"""


def search_many(context, url: str, terms: list[str], site_root: Path,
                origin: str | None = None) -> dict[str, list[str]]:
    """Type each of `terms` into one page's search box, as a reader would.

    Returns ``{term: [result link, ...]}`` with every result of each query (the result list
    is scrolled until all of them are shown), each link relative to the site root
    (``dqn.html#replay-memory-d``, without the ``?h=`` highlight query).
    """
    page = context.new_page()
    outside: list[str] = []
    _route_local(page, site_root, origin, outside)
    page.goto(url, wait_until="load")
    box = page.locator("input.md-search__input")
    box.click()
    meta = page.locator(".md-search-result__meta")
    # The worker may still be loading the index: wait until a query is answered.
    for _ in range(40):
        box.fill("gradient")
        box.press("End")
        page.wait_for_timeout(250)
        if "matching" in meta.inner_text():
            break
    else:
        raise AssertionError(f"search never answered on {url}")
    base = url.rsplit("/", 1)[0] + "/"
    out: dict[str, list[str]] = {}
    state = """() => document.querySelector('.md-search-result__meta').innerText + '|' +
                     document.querySelector('.md-search-result__list').innerHTML"""
    for term in terms:
        before = page.evaluate(state)
        box.fill(term)
        box.press("End")  # Material answers on key events, not on a bare fill
        try:  # wait for the answer to this query (unless it is the same as the last one)
            page.wait_for_function(f"() => ({state})() !== {json.dumps(before)}",
                                   timeout=1500)
        except Exception:  # noqa: BLE001 - an unchanged answer
            pass
        # Material renders the first 10 results, then a few more each time its list is
        # scrolled to the end: scroll away and back until all of them are there.
        meta_text = meta.inner_text()
        total = int(meta_text.split()[0]) if meta_text.split()[0].isdigit() else 0
        items = page.locator(".md-search-result__item")
        stuck = 0
        while items.count() < total and stuck < 5:
            n = items.count()
            page.evaluate(SCROLL_RESULTS, True)  # leave the end of the list ...
            page.wait_for_timeout(50)
            page.evaluate(SCROLL_RESULTS, False)  # ... and reach it again
            page.wait_for_timeout(150)
            stuck = stuck + 1 if items.count() == n else 0
        hrefs = page.locator(".md-search-result__link").evaluate_all(
            "links => links.map(a => a.href)")
        out[term] = [h.split("?")[0].split("#")[0].removeprefix(base)
                     + ("#" + h.split("#", 1)[1] if "#" in h else "") for h in hrefs]
    page.close()
    if outside:
        raise AssertionError(f"search made outside requests: {outside}")
    return out


def cjk_heading_fonts(context, url: str, site_root: Path) -> list[dict]:
    """For each heading of the page's article that holds Chinese: how many of its Han
    characters there are, and how many glyphs each font the browser used drew
    (Chrome DevTools Protocol ``CSS.getPlatformFontsForNode``), after fonts loaded, and
    whether ``document.fonts.check('1em "Noto Sans SC"', text)`` holds for its text."""
    page = context.new_page()
    outside: list[str] = []
    _route_local(page, site_root, None, outside)
    page.goto(url, wait_until="load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    ids = cdp.send("DOM.querySelectorAll", {
        "nodeId": root, "selector": "article h1, article h2, article h3"})["nodeIds"]
    out = []
    for nid in ids:
        html = cdp.send("DOM.getOuterHTML", {"nodeId": nid})["outerHTML"]
        text = re.sub(r"<a [^>]*headerlink[^>]*>.*?</a>", "", html)
        text = re.sub(r"<[^>]+>", "", text)
        han = len(HAN.findall(text))
        if not han:
            continue
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": nid})["fonts"]
        text = html_module.unescape(text).strip()
        checked = page.evaluate(
            """t => document.fonts.check('1em "Noto Sans SC"', t)""", text)
        out.append({"text": text, "han": han, "fonts": fonts, "fonts_check": checked})
    page.close()
    if outside:
        raise AssertionError(f"{url} made outside requests: {outside}")
    return out
