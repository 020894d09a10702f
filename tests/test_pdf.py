"""The book as one PDF: built from the site as `make pdf` does, then read back.

The site is built with `mkdocs build --strict` into a temporary folder, and
`hooks/print_book.py` prints its print page with Debian's Chromium. The PDF is read back
with `pdftotext` (poppler-utils) for the running text and with `pypdf` for the Chinese
headings (Chromium embeds the CJK font as Type 3 glyphs, whose text pdftotext drops),
the images, the fonts and the named destinations.
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import pytest

from hooks import notebooks, print_book
from tests.site_check import find_chromium
from tests.snippets import expand

ROOT = Path(__file__).resolve().parent.parent
# A sensible size for ~12 pages of text, code, tests and ~30 figures (it is ~220 pages
# and ~6 MB when this was written): a broken layout (one figure a page, code cut off,
# tagged-PDF bloat) or a missing half would leave these bounds.
PAGES = (120, 450)
MEGABYTES = (2.0, 20.0)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    if find_chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed, and CI must build the PDF (`make browser`)")
        pytest.skip("chromium not found: `make browser` (as root) enables this test")
    site = tmp_path_factory.mktemp("site")
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-5000:]}"
    build = time.perf_counter() - start
    start = time.perf_counter()
    pdf = print_book.print_pdf(site)
    printed = time.perf_counter() - start
    print(f"\nsite built in {build:.0f} s, PDF printed in {printed:.0f} s "
          f"({pdf.stat().st_size / 1e6:.1f} MB)")
    return site, pdf


@pytest.fixture(scope="module")
def reader(built):
    from pypdf import PdfReader
    return PdfReader(str(built[1]))


@pytest.fixture(scope="module")
def running_text(built, reader) -> list[str]:
    """Text of every page (pdftotext; pypdf where poppler is not installed)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return [p.extract_text() for p in reader.pages]
    out = subprocess.run([exe, "-enc", "UTF-8", str(built[1]), "-"], capture_output=True,
                         text=True, check=True).stdout
    return out.split("\f")[:len(reader.pages)]


@pytest.fixture(scope="module")
def page_text(reader):
    """pypdf's text of page ``n`` (1-based), extracted once (it reads the CJK glyphs)."""
    cache: dict[int, str] = {}

    def text(n: int) -> str:
        if n not in cache:
            cache[n] = reader.pages[n - 1].extract_text()
        return cache[n]
    return text


@pytest.fixture(scope="module")
def dests(built) -> dict[str, int]:
    return print_book.destinations(built[1])


def squash(text: str) -> str:
    """NFKC, no whitespace: line breaks and the PDF's spacing do not matter."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cjk_pattern(text: str) -> re.Pattern:
    # A CJK font maps a radical (U+2E80-U+2FDF) and its ideograph to one glyph, and the
    # PDF's text may name either; NFKC folds the Kangxi radicals, not the supplement.
    return re.compile("".join(f"(?:{re.escape(c)}|[\u2e80-\u2eff])" for c in squash(text)))


def printed_pages() -> list[tuple[str, str]]:
    import yaml
    conf = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return print_book.book_order(conf["nav"])


def source(src: str) -> str:
    return expand((ROOT / "docs" / src).read_text(encoding="utf-8"))


def headings(src: str, levels: str = "12") -> list[str]:
    text = re.sub(r"^\s*```.*?^\s*```", "", source(src), flags=re.M | re.S)
    return [re.sub(r"\s*\{[^}]*\}\s*$", "", m.group(2)).strip()
            for m in re.finditer(rf"^(#{{{levels[0]},{levels[-1]}}}) (.+)$", text, re.M)]


def test_size_and_page_count_are_sensible(built, reader):
    pages, size = len(reader.pages), built[1].stat().st_size / 1e6
    print(f"PDF: {pages} pages, {size:.1f} MB")
    assert PAGES[0] <= pages <= PAGES[1], pages
    assert MEGABYTES[0] <= size <= MEGABYTES[1], size


def test_every_chapter_starts_a_page_with_its_number_and_title(dests, page_text):
    chapters = [(t, s) for t, s in printed_pages() if print_book.CHAPTER_TITLE.match(t)]
    assert len(chapters) >= 11
    for title, src in chapters:
        h1 = headings(src, "1")[0]
        number = print_book.CHAPTER_TITLE.match(title).group("num")
        assert h1.startswith(number + "."), (src, h1)
        anchor = "page-" + print_book.slug(src)
        assert anchor in dests, f"{src}: no destination {anchor}"
        page = page_text(dests[anchor])
        assert cjk_pattern(h1).search(squash(page)), f"{src}: {h1!r} not on its first page"


def test_the_contents_list_every_chapter_with_the_right_page(dests, page_text):
    first_body = min(dests[f"page-{print_book.slug(s)}"] for _, s in printed_pages())
    toc = squash("".join(page_text(n) for n in range(1, first_body)))
    assert "Contents" in toc
    for title, src in printed_pages():
        page = dests[f"page-{print_book.slug(src)}"]
        # the entry is the nav title followed by the page the chapter starts on
        assert cjk_pattern(title + str(page)).search(toc), (title, page)


def test_pages_are_numbered_in_the_footer(running_text):
    n = len(running_text)
    for i in (1, 2, n // 2, n):
        assert re.search(rf"\b{i} / {n}\b", running_text[i - 1]), (i, running_text[i - 1][-80:])


def test_every_chinese_heading_is_drawn_no_tofu(dests, page_text):
    """Every h1/h2 with Chinese, on the page where it starts: its characters are in the
    PDF's text, which a missing CJK font would leave as NULs (boxes)."""
    checked = 0
    for _, src in printed_pages():
        slug = print_book.slug(src)
        on = {k: v for k, v in dests.items() if k.startswith(slug + "--") or k == "page-" + slug}
        text = squash("".join(page_text(n) for n in sorted(set(on.values()))))
        assert "\x00" not in text, f"{src}: glyphs without characters (tofu)"
        for h in headings(src):
            for run in CJK.findall(h):
                assert cjk_pattern(run).search(text), f"{src}: {run!r} ({h!r}) not in the PDF"
                checked += 1
    assert checked >= 60, checked


def test_every_figure_is_in_the_pdf(built, reader):
    figures = []
    for _, src in printed_pages():
        for name in re.findall(r"!\[[^\]]*\]\((figures/[^)\s]+\.png)\)", source(src)):
            with open(ROOT / "docs" / name, "rb") as f:
                head = f.read(24)
            figures.append((name, struct.unpack(">II", head[16:24])))
    assert len(figures) >= 25, len(figures)
    images = []
    seen = set()
    for page in reader.pages:
        xobjects = page["/Resources"].get("/XObject")
        for ref in (xobjects.get_object().values() if xobjects else []):
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image" and ref.idnum not in seen:
                seen.add(ref.idnum)
                images.append((int(obj["/Width"]), int(obj["/Height"])))
    # every figure of the printed pages is there, at its own pixel size
    remaining = list(images)
    for name, size in figures:
        assert size in remaining, f"{name} {size} is not in the PDF (images: {images})"
        remaining.remove(size)


def test_no_raw_tex_outside_code(built, running_text):
    """Formulas are KaTeX glyphs: the only TeX left in the text is in the code listings
    (docstrings), so no TeX word is more frequent in the PDF than in its code blocks."""
    import html
    doc = (built[0] / print_book.PRINT_PAGE).read_text(encoding="utf-8")
    assert 'class="arithmatex"' not in doc
    assert doc.count('class="katex"') > 500
    code = html.unescape(re.sub(r"<[^>]+>", "", " ".join(
        re.findall(r"<code[^>]*>.*?</code>", doc, flags=re.S))))
    text = "\n".join(running_text)
    for token in (r"\frac", r"\mathbf", "$$", r"\theta", r"\hat", r"\sum", r"\tag{",
                  r"\begin{", r"\nabla", r"\mathbb"):
        assert text.count(token) <= code.count(token), (
            f"{token!r}: {text.count(token)} in the PDF, {code.count(token)} in its code")


def test_formulas_use_katex_fonts(reader):
    fonts = set()
    for page in reader.pages[:60]:
        res = page["/Resources"].get("/Font")
        for ref in (res.get_object().values() if res else []):
            base = ref.get_object().get("/BaseFont")
            if base:
                fonts.add(str(base).split("+")[-1])
    assert any(f.startswith("KaTeX_Main") for f in fonts), fonts
    assert any(f.startswith("KaTeX_Math") for f in fonts), fonts


def test_bookmarks_name_every_chapter_and_section(reader, dests):
    top = [(squash(item.title), reader.get_destination_page_number(item) + 1)
           for item in reader.outline if not isinstance(item, list)]
    sections = [squash(i.title) for group in reader.outline if isinstance(group, list)
                for i in group]
    for title, src in printed_pages():
        assert (squash(title), dests[f"page-{print_book.slug(src)}"]) in top, (title, top)
    n_h2 = sum(len(headings(src, "2")) for _, src in printed_pages())
    assert len(sections) == n_h2 > 50, (len(sections), n_h2)


def test_the_site_links_the_pdf_the_zips_and_the_notebooks(built):
    site, pdf = built
    home = (site / "index.html").read_text(encoding="utf-8")
    for href in (print_book.PDF_NAME, print_book.SITE_ZIP_NAME,
                 f"{notebooks.NOTEBOOK_DIR}/{notebooks.ZIP_NAME}"):
        assert f'href="{href}"' in home, href
    zipped = print_book.zip_site(site)
    with zipfile.ZipFile(zipped) as z:
        names = set(z.namelist())
    assert {"fa_book-site/index.html", f"fa_book-site/{print_book.PDF_NAME}",
            f"fa_book-site/{notebooks.NOTEBOOK_DIR}/{notebooks.ZIP_NAME}"} <= names
    chapters = notebooks.chapter_pages(ROOT / "mkdocs.yml")
    with zipfile.ZipFile(site / notebooks.NOTEBOOK_DIR / notebooks.ZIP_NAME) as z:
        assert len(z.namelist()) == len(chapters)
    for _, src in chapters:
        page = (site / src.replace(".md", ".html")).read_text(encoding="utf-8")
        name = notebooks.notebook_name(src)
        assert f'href="{notebooks.NOTEBOOK_DIR}/{name}" download' in page, src
        assert (site / notebooks.NOTEBOOK_DIR / name).is_file()
