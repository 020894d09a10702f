"""Layout in a real browser: code fits at 1280 px, a phone never scrolls sideways, and the
numbered equations and figures link where they say (issue 11, items 4, 5 and 7)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.test_site import browser, built_site, html_pages  # noqa: F401  (fixtures)

CHAPTER_PAGES = ("lookup-tables", "discretization", "parametric", "linear-prediction",
                 "control", "semi-gradient", "dqn", "policy-gradient", "pg-theorem",
                 "pg-theorem-proof", "reinforce")

CODE_SCROLLS = """() => [...document.querySelectorAll('.md-content pre > code')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.innerText.split('\\n').reduce((a, b) => a.length >= b.length ? a : b))"""

TAG_OVERLAPS = """() => [...document.querySelectorAll('.katex-display .katex-tag')]
    .filter(t => { const r = t.getBoundingClientRect();
        return [...t.parentElement.querySelectorAll(':scope > .katex-base')].some(b => {
            const q = b.getBoundingClientRect();
            return r.left < q.right - 1 && q.left < r.right - 1
                && r.top < q.bottom - 1 && q.top < r.bottom - 1; }); })
    .map(t => t.innerText)"""

PHONE = """() => ({
    page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    boxes: [...document.querySelectorAll('.md-typeset__scrollwrap, .fa-math-display')]
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .filter(e => !['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
        .map(e => e.className)})"""


def _each_page(site, browser, width: int, script: str, keep) -> dict:  # noqa: F811
    """{page: what `script` returns on it} for the pages where `keep(result)` is true."""
    page = browser.new_page(viewport={"width": width, "height": 800})
    found = {}
    for path in html_pages(site):
        if path.name == "print.html":
            continue  # the paper layout that `make pdf` prints, not a page to read on screen
        page.goto(path.as_uri())
        result = page.evaluate(script)
        if keep(result):
            found[path.name] = result
    page.close()
    return found


def test_no_code_block_scrolls_sideways_at_1280_px(built_site, browser):  # noqa: F811
    wide = _each_page(built_site, browser, 1280, CODE_SCROLLS, bool)
    assert not wide, f"code blocks wider than the column (their longest line): {wide}"


def test_a_phone_never_scrolls_the_page_sideways(built_site, browser):  # noqa: F811
    bad = _each_page(built_site, browser, 390, PHONE, lambda r: r["page"] > 0 or r["boxes"])
    assert not bad, f"at 390 px, wide content must scroll inside its own box: {bad}"


def test_no_equation_number_is_drawn_over_its_formula(built_site, browser):  # noqa: F811
    """KaTeX puts the number at the right edge; on a phone a wide formula ran under it."""
    for width in (390, 1280):
        over = _each_page(built_site, browser, width, TAG_OVERLAPS, bool)
        assert not over, f"at {width} px, equation numbers over their formulas: {over}"


def test_every_equation_and_figure_reference_lands_on_its_anchor(built_site):  # noqa: F811
    ids = {p.name: set(re.findall(r'\bid="([^"]+)"', p.read_text(encoding="utf-8")))
           for p in html_pages(built_site)}
    refs = 0
    for name in CHAPTER_PAGES:
        text = (built_site / f"{name}.html").read_text(encoding="utf-8")
        for href in re.findall(r'<a class="eqref" href="([^"]*)"', text):
            target, _, anchor = href.partition("#")
            assert anchor in ids[target or f"{name}.html"], f"{name}: {href} lands nowhere"
            refs += 1
        figures = re.findall(r'<img alt="[^"]*" id="fig-([\w-]+)"', text)
        labels = re.findall(r"<strong>Figure (\d+a?)\.(\d+)\.</strong>", text)
        assert len(labels) == len(figures), f"{name}: a figure without its label"
        assert [int(k) for _, k in labels] == list(range(1, len(labels) + 1))
    assert refs > 100  # the pages cite their equations; a broken hook would link none


def test_equations_show_their_number_and_name(built_site):  # noqa: F811
    text = (Path(built_site) / "linear-prediction.html").read_text(encoding="utf-8")
    tags = re.findall(r'<div class="eq" id="eq-([A-Za-z0-9.\-]+)">', text)
    assert "MC" in tags and "TD0" in tags
    # KaTeX renders the tag "(4.n MC)"; its MathML keeps the TeX it was given
    assert re.search(r"\\tag\{4\.\d+ MC\}\s*</annotation>", text)


IMAGES = """() => [...document.querySelectorAll('.md-content img')]
    .filter(e => e.getAttribute('src').includes('figures/'))
    .map(e => [e.getAttribute('src'), e.naturalWidth, e.getBoundingClientRect().width])"""


def test_figure_text_is_at_least_10_css_px_at_1280_px(built_site, browser):  # noqa: F811
    """From each figure's smallest font size and dpi (written into the PNG by
    `fa_book.figures._style.save`), its pixel width and the width the page shows it at."""
    from PIL import Image

    from fa_book.figures._style import MIN_TEXT_PX

    page = browser.new_page(viewport={"width": 1280, "height": 800})
    small, seen = {}, 0
    for name in CHAPTER_PAGES:
        page.goto((built_site / f"{name}.html").as_uri())
        for src, natural, shown in page.evaluate(IMAGES):
            info = Image.open(built_site / src).text
            if "fa_book:min_font_pt" not in info:
                small[src] = "saved without fa_book.figures._style.save"
                continue
            px = float(info["fa_book:min_font_pt"]) * int(info["fa_book:dpi"]) / 72
            css = px * shown / natural
            seen += 1
            if css < MIN_TEXT_PX - 0.05:
                small[src] = f"{css:.1f} CSS px"
    page.close()
    assert seen >= 25 and not small, small
