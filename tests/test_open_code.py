"""Only the lines that teach are open (issue 11, item 4), measured in a real browser.

At a 1280×800 viewport, the *open code* of a chapter page is the rendered height of its
`pre` blocks that are not inside a closed `<details>` (a folded "Full source" or "The
test that checks this"), divided by the height of the page's `.md-content`.  Validation,
plumbing and boilerplate are folded, so open code stays at most a quarter of the page;
and every equation's code line, `# (NAME)`, stays in an open block of the page that
displays the equation.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.snippets import read_snippet
from tests.test_docs import INCLUDE, TAG
from tests.test_layout import CHAPTER_PAGES
from tests.test_site import browser, built_site, html_pages  # noqa: F401  (fixtures)

DOCS = Path(__file__).resolve().parent.parent / "docs"

MAX_OPEN_SHARE = 0.25

OPEN_CODE = """() => {
    const content = document.querySelector('.md-content');
    const open = [...content.querySelectorAll('pre')]
        .filter(e => !e.closest('details:not([open])'));
    return {
        page: content.getBoundingClientRect().height,
        code: open.reduce((h, e) => h + e.getBoundingClientRect().height, 0),
        text: open.map(e => e.innerText).join('\\n'),
        tags: [...document.querySelectorAll('.md-content div.eq[id^="eq-"]')]
            .map(e => e.id.slice(3)),
    };
}"""


def measure(page, url: str) -> dict:
    page.goto(url)
    return page.evaluate(OPEN_CODE)


def test_open_code_is_at_most_a_quarter_of_every_chapter_page(built_site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    rows = {name: measure(page, (built_site / f"{name}.html").as_uri())
            for name in CHAPTER_PAGES}
    page.close()
    print(f"\n{'page':<20} {'open code':>10} {'page px':>8} {'screens':>8}")
    for name, r in rows.items():
        print(f"{name:<20} {r['code'] / r['page']:>10.1%} {r['page']:>8.0f} "
              f"{r['page'] / 800:>8.1f}")
    heavy = {name: f"{r['code'] / r['page']:.1%}" for name, r in rows.items()
             if r["code"] > MAX_OPEN_SHARE * r["page"]}
    assert not heavy, f"open code above {MAX_OPEN_SHARE:.0%} of the page's height: {heavy}"


def computed_tags(name: str) -> set[str]:
    """The page's tags whose `# (NAME)` line is in the library code it includes (a bound
    that only a test checks, such as (TvR), may stay in its folded test)."""
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    code = "\n".join(read_snippet(m.group("target")) for m in INCLUDE.finditer(text)
                     if re.match(r"fa_book/", m.group("target")))
    return {m.group("name") for m in TAG.finditer(text) if f"# ({m.group('name')})" in code}


def test_every_equation_shows_its_code_line_open(built_site, browser):  # noqa: F811
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    hidden = {}
    for name in CHAPTER_PAGES:
        r = measure(page, (built_site / f"{name}.html").as_uri())
        tags = computed_tags(name)
        missing = [t for t in r["tags"] if t in tags and f"# ({t})" not in r["text"]]
        if missing:
            hidden[name] = missing
    page.close()
    assert not hidden, f"equations whose `# (NAME)` code line is folded or absent: {hidden}"
