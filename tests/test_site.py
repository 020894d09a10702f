"""The website promise: it builds strictly, and reads offline in a real browser.

The site is built once per test session (into a temporary folder) with
`mkdocs build --strict`; then headless Chromium (Debian's package, driven by Playwright)
opens every page from `file://` and a few from a localhost server, with every outside
request blocked and recorded.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from hooks.zh_search import glossary_synonyms, site_terms
from tests.site_check import (
    CHROMIUM_ARGS,
    check_page,
    cjk_heading_fonts,
    find_chromium,
    search,
    search_many,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-5000:]}"
    warnings = [ln for ln in proc.stderr.splitlines() if ln.startswith(("WARNING", "ERROR"))]
    assert not warnings, "\n".join(warnings)
    return out


@pytest.fixture(scope="module")
def browser():
    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must run the browser test "
                        "(`make test` installs Debian's chromium when run as root)")
        pytest.skip("chromium not found: `sudo apt-get install chromium` enables this test")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def localhost(built_site):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=str(built_site))
    handler.log_message = lambda *a, **k: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


def test_every_page_reads_offline_from_file(built_site, browser):
    context = browser.new_context()
    problems = {}
    pages = html_pages(built_site)
    assert len(pages) >= 20, [p.name for p in pages]
    for path in pages:
        report = check_page(context, path.as_uri(), built_site)
        if report.problems:
            problems[str(path.relative_to(built_site))] = report.problems
    context.close()
    assert not problems, problems


def test_pages_read_offline_from_localhost(built_site, browser, localhost):
    context = browser.new_context()
    for rel in ("index.html", "linear-prediction.html", "api/oracles.html"):
        report = check_page(context, f"{localhost}/{rel}", built_site, origin=localhost)
        assert not report.problems, (rel, report.problems)
    assert search(context, f"{localhost}/index.html", "gradient", built_site,
                  origin=localhost)
    context.close()


@pytest.mark.parametrize("term", ["gradient", "semi-gradient", "离散化", "策略梯度"])
def test_search_works_from_file(built_site, browser, term):
    context = browser.new_context()
    titles = search(context, (built_site / "index.html").as_uri(), term, built_site)
    context.close()
    assert titles, f"no search result for {term!r}"


def test_checker_catches_a_cdn_script(built_site, browser, tmp_path):
    """The check above can fail: a page that loads a CDN script is reported."""
    bad = tmp_path / "bad-site"
    shutil.copytree(built_site, bad)
    page = bad / "index.html"
    html = page.read_text(encoding="utf-8")
    cdn = '<script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js"></script>'
    page.write_text(html.replace("</head>", cdn + "</head>", 1), encoding="utf-8")
    context = browser.new_context()
    report = check_page(context, page.as_uri(), bad)
    context.close()
    assert any("cdn.jsdelivr.net" in u for u in report.outside_requests), report


def test_checker_catches_raw_tex(built_site, browser, tmp_path):
    bad = tmp_path / "raw-tex-site"
    shutil.copytree(built_site, bad)
    page = bad / "index.html"
    html = page.read_text(encoding="utf-8")
    raw = r'<span class="arithmatex">\(x^2\)</span>'
    page.write_text(html.replace("</article>", raw + "</article>", 1), encoding="utf-8")
    context = browser.new_context()
    report = check_page(context, page.as_uri(), bad)
    context.close()
    assert report.raw_math == 1, report


def test_bad_tex_fails_the_build(tmp_path):
    """A TeX error is a build failure, not a red formula in the browser."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Bad\n\n$$\n\\frac{1}{\n$$\n", encoding="utf-8")
    config = tmp_path / "mkdocs.yml"
    config.write_text(
        f"site_name: bad\ndocs_dir: {docs}\nstrict: true\n"
        f"hooks:\n  - {ROOT / 'hooks' / 'offline_math.py'}\n"
        "markdown_extensions:\n  - pymdownx.arithmatex:\n      generic: true\n",
        encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(config),
                           "-d", str(tmp_path / "out")], capture_output=True, text=True,
                          env=dict(os.environ, NO_MKDOCS_2_WARNING="1"))
    assert proc.returncode != 0
    assert "KaTeX could not render" in proc.stderr


def _page_of(link: str) -> str:
    return link.split("#")[0]


def test_every_chinese_term_is_found_typed_whole(built_site, browser):
    """Issue 11, item 1: every Chinese term of the site's headings, of the notation page and
    of the glossary, typed whole into the search box from `file://`, finds the page that
    defines it (for a glossary term, also the page its row links to); and 梯度 finds every
    page whose text holds it (策略梯度, 半梯度, ...)."""
    terms = site_terms(ROOT / "docs")
    assert {"notation.md", "glossary.md"} <= terms.keys(), sorted(terms)
    # a glossary row's Chinese terms, the notes' and the alternatives (经验回放 for 经验池),
    # also find the section the row links to first
    synonyms = glossary_synonyms((ROOT / "docs" / "glossary.md").read_text("utf-8"))
    expected = [(page.replace(".md", ".html"), t) for page, ts in terms.items() for t in ts]
    expected += [(_page_of(loc), t) for loc, ts in synonyms.items() for t in ts]
    queries = sorted({t for _, t in expected} | {"梯度"})
    assert len(queries) >= 100, len(queries)
    context = browser.new_context()
    found = search_many(context, (built_site / "index.html").as_uri(), queries, built_site)
    context.close()
    missed = [f"{term!r} (defined in {page})" for page, term in expected
              if page not in map(_page_of, found[term])]
    assert not missed, f"{len(missed)} terms miss the page that defines them: {missed}"
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    gradient_pages = {_page_of(d["location"]) for d in index["docs"]
                      if "梯度" in (d["title"] + d["text"]).replace("\u200b", "")}
    assert len(gradient_pages) >= 8, gradient_pages
    assert gradient_pages <= set(map(_page_of, found["梯度"])), (
        gradient_pages - set(map(_page_of, found["梯度"])))


def test_search_checker_can_fail(built_site, browser):
    """The check above can fail: a term on no page finds nothing."""
    context = browser.new_context()
    found = search_many(context, (built_site / "index.html").as_uri(), ["鲸鱼座"], built_site)
    context.close()
    assert found == {"鲸鱼座": []}


def test_search_previews_hold_no_raw_tex(built_site):
    """Issue 11, item 11: the search index (the previews) holds formulas as plain text
    (v̂, γ, Σ), not TeX; only code blocks may hold a `$` or a backslash."""
    index = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))
    bad = []
    for doc in index["docs"]:
        for key in ("title", "text"):
            prose = re.sub(r"<pre>.*?</pre>|<code>.*?</code>", "", doc[key], flags=re.S)
            m = RAW_TEX.search(prose)
            if m:
                bad.append((doc["location"], key, prose[max(0, m.start() - 30):m.end() + 30]))
    assert not bad, f"{len(bad)} index entries hold raw TeX, e.g. {bad[:5]}"


RAW_TEX = re.compile(r"\\[()\[\]]|\$|\\[A-Za-z]{2,}")

CJK_PAGES = ["index.html", "glossary.html", "notation.html", "dqn.html"]


@pytest.mark.parametrize("rel", CJK_PAGES)
def test_chinese_headings_render_in_the_shipped_font(built_site, browser, rel):
    """Issue 11, item 2: every Han character of every Chinese heading is drawn by the web
    font the site ships (Noto Sans SC, from assets/fonts), not by a system font and not as
    an empty box; no request leaves the site (the route in `cjk_heading_fonts` records any)."""
    context = browser.new_context()
    headings = cjk_heading_fonts(context, (built_site / rel).as_uri(), built_site)
    context.close()
    assert headings, f"{rel} has no Chinese heading"
    assert all(h["fonts_check"] for h in headings), "document.fonts.check failed"
    for h in headings:
        web = sum(f["glyphCount"] for f in h["fonts"]
                  if f["isCustomFont"] and f["familyName"].startswith("Noto Sans SC"))
        assert web >= h["han"], (rel, h["text"], h["fonts"])


def test_the_font_ships_with_its_licence(built_site):
    font = built_site / "assets" / "fonts" / "noto-sans-sc"
    css = (font / "noto-sans-sc.css").read_text(encoding="utf-8")
    files = re.findall(r"url\(\./([^)]+)\)", css)
    assert files and all((font / f).is_file() for f in files), files
    assert "http" not in css
    assert "SIL OPEN FONT LICENSE" in (font / "LICENSE.txt").read_text(encoding="utf-8").upper()


def _links(page: Path) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]+)"', page.read_text(encoding="utf-8"))


@functools.cache
def _ids(page: Path) -> frozenset[str]:
    """The ids of a built page (read once: the link check asks for them per link)."""
    return frozenset(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))


def test_glossary_and_api_links_resolve(built_site):
    """Issues 11, items 8 and 9: each link of the glossary and of the API pages (the
    "Taught in" boxes, the module ↔ chapter table) reaches a page and an anchor that
    exist in the built site."""
    pages = [built_site / "glossary.html", *sorted((built_site / "api").glob("*.html"))]
    broken = []
    for page in pages:
        for href in _links(page):
            if re.match(r"[a-z]+:", href):
                continue
            path, _, anchor = href.partition("#")
            target = (page.parent / path).resolve() if path else page
            if path.endswith("/") or not target.is_file():
                broken.append((page.name, href, "no such page"))
            elif anchor and anchor not in _ids(target):
                broken.append((page.name, href, "no such anchor"))
    assert not broken, broken


def test_every_api_page_links_to_the_sections_that_teach_it(built_site):
    """Issue 11, item 8: under its heading each API page has a "Taught in" box; every
    module that a chapter shows (lesson and runner modules) links to a chapter page."""
    api = built_site / "api"
    without = []
    for page in sorted(api.glob("*.html")):
        if page.name == "index.html":
            continue
        html = page.read_text(encoding="utf-8")
        box = re.search(r'<div class="admonition info fa-taught">(.*?)</div>', html, re.S)
        assert box, f"{page.name} has no 'Taught in' box"
        if not re.search(r'href="\.\./[\w-]+\.html', box.group(1)):
            without.append(page.stem)
    # Only a module no page shows or names may lack a chapter link.
    # discretize_studies: experiments only
    assert set(without) <= {"discretize_studies"}, without
    index = (api / "index.html").read_text(encoding="utf-8")
    for module in ("tabular", "prediction", "control", "dqn", "reinforce", "validate"):
        assert f'href="{module}.html"' in index, module


def test_checker_catches_stray_tex(built_site, browser, tmp_path):
    """The page check reports a `$...$` left in the text (as the API pages had)."""
    bad = tmp_path / "stray-tex-site"
    shutil.copytree(built_site, bad)
    page = bad / "api" / "control.html"
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace("</article>", r"<p>for $k = 0, \dots,$</p></article>", 1),
                    encoding="utf-8")
    context = browser.new_context()
    report = check_page(context, page.as_uri(), bad)
    context.close()
    assert len(report.stray_tex) >= 2, report


def test_home_page_commands_name_real_files():
    """Issue 11, item 10: each chapter's test command on the home page names test files
    and pages that exist (a glob matches at least one file), and every chapter has one."""
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    commands = re.findall(r"`pytest ([^`]+)`", home)
    assert len(commands) >= 10, commands
    for command in commands:
        for arg in command.split():
            assert sorted(ROOT.glob(arg)), f"{arg!r} in `pytest {command}` matches no file"
    nav_chapters = re.findall(r"^\s+- \d+a?\. [^:]+: (\S+\.md)$",
                              (ROOT / "mkdocs.yml").read_text(encoding="utf-8"), re.M)
    assert nav_chapters
    for page in nav_chapters:
        assert any(f"docs/{page}" in c for c in commands), f"no test command for {page}"
    # no repo_url (every page would call the GitHub API), and no invented address
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert not re.search(r"^repo_url:", config, re.M)
    assert "github.com" not in config + home
