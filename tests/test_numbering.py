"""The numbering hook (hooks/numbering.py): equations and figures numbered per chapter,
references turned into links, and the `\\tag` <-> `# (NAME)` pairing kept visible."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("numbering", ROOT / "hooks" / "numbering.py")
numbering = importlib.util.module_from_spec(spec)
sys.modules["numbering"] = numbering  # dataclasses look their module up
spec.loader.exec_module(numbering)

PAGE = """# 4. A chapter

$$
v = \\theta^\\top x \\tag{VLIN}
$$

```python
# a fence: \\tag{NOT} is code, not an equation
```

$$
G = R + \\gamma G' \\tag{RET}
$$

Using (VLIN) and eq. RET, but (S) and (b) stay text; see also [](#fig-curve).

![A curve](figures/curve.png)

*The curve, seed 0.*
"""

OTHER = """# 5. Another

$$
q = 1 \\tag{QHAT}
$$

As in eq. VLIN, and (RET) of chapter 4; [](a.md#eq-RET) too.
"""


def _page(src: str, url: str):
    return SimpleNamespace(file=SimpleNamespace(src_uri=src, url=url), title=None)


@pytest.fixture()
def two_chapters(tmp_path):
    (tmp_path / "a.md").write_text(PAGE, encoding="utf-8")
    (tmp_path / "b.md").write_text(OTHER, encoding="utf-8")
    items = []
    for src, title in (("a.md", "4. A chapter"), ("b.md", "5. Another")):
        page = _page(src, src.replace(".md", ".html"))
        page.title = title
        items.append(page)
    items.append(SimpleNamespace(title="Home", file=SimpleNamespace(src_uri="index.md",
                                                                     url="index.html")))
    numbering.on_nav(SimpleNamespace(items=items), {"docs_dir": str(tmp_path)}, None)
    return numbering.numbering()


def test_equations_and_figures_are_numbered_in_page_order_outside_code(two_chapters):
    a, b = two_chapters.chapters["a.md"], two_chapters.chapters["b.md"]
    assert a.equations == {"VLIN": "4.1", "RET": "4.2"}
    assert a.figures == {"curve": "4.1"}
    assert b.equations == {"QHAT": "5.1"}


def test_tags_show_number_and_name_and_figures_get_a_labelled_caption(two_chapters):
    md = numbering.on_page_markdown(PAGE, _page("a.md", "a.html"), {}, None)
    assert "\\tag{4.1 VLIN}" in md and "\\tag{4.2 RET}" in md
    assert "\\tag{NOT}" in md  # inside a fence: untouched
    assert "![A curve](figures/curve.png)\n" in md  # the markdown keeps the figure as is
    assert "[Figure 4.1](#fig-curve)" in md
    html = numbering.on_page_content(
        '<p><img alt="A curve" src="figures/curve.png" /></p>\n<p><em>The curve.</em></p>',
        _page("a.md", "a.html"), {}, None)
    assert 'id="fig-curve" src="figures/curve.png"' in html
    assert "<p><strong>Figure 4.1.</strong> <em>The curve.</em></p>" in html


def test_references_become_links_to_the_right_page(two_chapters):
    html = numbering.on_page_content(
        "<p>Using (VLIN) and eq. RET, but (S) and (b) stay text.</p>"
        '<div class="arithmatex">\\[v \\tag{4.1 VLIN}\\]</div>'
        '<pre><code><span class="c1"># (VLIN)</span></code></pre>',
        _page("a.md", "a.html"), {}, None)
    assert '<a class="eqref" href="#eq-VLIN" title="VLIN">(4.1)</a>' in html
    assert 'eq. <a class="eqref" href="#eq-RET" title="RET">4.2</a>' in html
    assert "(S) and (b) stay text" in html
    assert '<div class="eq" id="eq-VLIN">' in html
    assert "# (VLIN)</span>" in html  # code is left alone: it pairs with the tag by name
    other = numbering.on_page_content("<p>As in eq. VLIN, and (RET) of chapter 4.</p>",
                                      _page("b.md", "b.html"), {}, None)
    assert 'eq. <a class="eqref" href="a.html#eq-VLIN"' in other
    assert '<a class="eqref" href="a.html#eq-RET" title="RET">(4.2)</a>' in other


def test_no_link_inside_code_math_links_or_headings(two_chapters):
    html = ('<h2>About (VLIN)</h2><p><code>(VLIN)</code> <a href="x">(VLIN)</a> '
            '<span class="arithmatex">\\((VLIN)\\)</span></p>')
    assert numbering.on_page_content(html, _page("a.md", "a.html"), {}, None) == html


def test_outside_the_chapters_only_explicit_references_link(two_chapters):
    html = numbering.on_page_content("<p>(RET) and eq. RET</p>",
                                     _page("index.md", "index.html"), {}, None)
    assert html.count('class="eqref"') == 1 and "<p>(RET) and eq. " in html


def test_a_link_to_an_unknown_equation_or_figure_fails_the_build(two_chapters):
    for bad in ("[](#eq-NOPE)", "[](b.md#eq-VLIN)", "[](#fig-nope)"):
        with pytest.raises(PluginError, match="names no"):
            numbering.on_page_markdown(PAGE + bad + "\n", _page("a.md", "a.html"), {}, None)


def test_a_figure_without_a_caption_fails_the_build(two_chapters):
    page = '<p><img alt="A curve" src="figures/curve.png" /></p>'
    with pytest.raises(PluginError, match="no caption"):
        numbering.on_page_content(page, _page("a.md", "a.html"), {}, None)


def test_every_chapter_page_numbers_each_tag_once():
    """On the real pages: tags are unique on their page (the anchors `#eq-NAME` must be)."""
    for path in sorted((ROOT / "docs").glob("*.md")):
        text = "\n".join(line for _, line in numbering.outside_fences(path.read_text()))
        tags = re.findall(r"\\tag\{([A-Za-z0-9.\-]+)\}", text)
        assert len(tags) == len(set(tags)), f"{path.name}: a tag appears twice"
