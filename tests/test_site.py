"""The website promise: it builds strictly, and reads offline in a real browser.

The site is built once per test session (into a temporary folder) with
`mkdocs build --strict`; then headless Chromium (Debian's package, driven by Playwright)
opens every page from `file://` and a few from a localhost server, with every outside
request blocked and recorded.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.site_check import CHROMIUM_ARGS, check_page, find_chromium, search

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
