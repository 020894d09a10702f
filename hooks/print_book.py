"""The whole book as one PDF: a print-layout page built with the site, printed by Chromium.

As a MkDocs hook (registered after ``offline_math.py``, so formulas are already KaTeX HTML):

* ``on_post_page`` keeps the rendered ``<article>`` of every page of the printed book —
  Home (as the preface), Notation, every chapter in nav order, Results; not the API
  reference;
* ``on_post_build`` writes ``site/print.html``: a title page, a table of contents
  (chapters and their sections, numbered), then each page on a new page, with its ids
  prefixed so that links between chapters point inside the document, folded tests
  unfolded, and ``docs/stylesheets/print.css`` for the paper layout.

As a program (``make pdf``)::

    python hooks/print_book.py site      # site/fa_book.pdf and site/fa_book-site.zip

opens ``site/print.html`` in Debian's Chromium (Playwright, ``executable_path``; every
request outside the site is refused) and prints it with ``page.pdf()``: A4, page numbers
in the footer, chapters and sections as PDF bookmarks.  It prints twice: the first PDF
tells on which page each chapter and section starts (Chromium writes a named destination
for each link target); the page numbers are then written into the table of contents and
only the front pages are printed again, to replace the first print's.
"""

from __future__ import annotations

import html as html_lib
import re
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRINT_PAGE = "print.html"
PDF_NAME = "fa_book.pdf"
SITE_ZIP_NAME = "fa_book-site.zip"
PRINT_CSS = "stylesheets/print.css"
FRONT = ("index.md", "notation.md")
BACK = ("results.md",)
CHAPTER_TITLE = re.compile(r"^(?P<num>\d+[a-z]?)\.\s")

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(?P<body>.*?)</article>',
                     re.S)
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(?P<href>[^"]+)"\s*/?>')
HEADING = re.compile(r'<h(?P<level>[12]) id="(?P<id>[^"]+)"[^>]*>(?P<inner>.*?)</h(?P=level)>',
                     re.S)


@dataclass
class PrintedPage:
    src: str                 # docs path, e.g. "linear-prediction.md"
    title: str               # nav title
    number: str | None       # chapter number ("4", "9a") or None for front/back matter
    body: str                # article HTML, ids prefixed
    sections: list[tuple[str, str]] = field(default_factory=list)   # (anchor, text)

    @property
    def anchor(self) -> str:
        return "page-" + slug(self.src)


def slug(src: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", Path(src).with_suffix("").as_posix()).strip("-")


def book_order(nav) -> list[tuple[str, str]]:
    """``[(title, src)]`` of the printed pages: front matter, chapters in nav order, back."""
    flat: list[tuple[str, str]] = []

    def walk(items):
        for item in items:
            if isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, list):
                        walk(value)
                    elif isinstance(value, str):
                        flat.append((str(title), value))
            elif isinstance(item, str):
                flat.append((item, item))

    walk(nav or [])
    front = [t for t in flat if t[1] in FRONT]
    chapters = [t for t in flat if CHAPTER_TITLE.match(t[0])]
    back = [t for t in flat if t[1] in BACK]
    return front + chapters + back


def _text(fragment: str) -> str:
    """Visible text of a heading (permalinks and KaTeX's MathML copy removed)."""
    fragment = re.sub(r'<a class="headerlink".*?</a>', "", fragment, flags=re.S)
    fragment = re.sub(r'<span class="katex-mathml">.*?</span>(?=<span class="katex-html")', "",
                      fragment, flags=re.S)
    return html_lib.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def prepare(body: str, src: str, printed: dict[str, str]) -> tuple[str, list[tuple[str, str]]]:
    """Prefix the ids of one page, point its links inside the document, unfold details.

    ``printed`` maps each printed page's HTML file (``x.html``) to its slug.
    """
    me = slug(src)
    # code-line anchors: one link per line of code would only bloat the PDF
    body = re.sub(r'<a id="__codelineno-[^"]*" name="[^"]*" href="[^"]*"></a>', "", body)
    body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body, flags=re.S)
    body = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{me}--{m.group(1)}"', body)
    body = re.sub(r'\bname="__[^"]*"', "", body)

    def href(m: re.Match) -> str:
        target = html_lib.unescape(m.group(1))
        if re.match(r"^[a-z]+:", target):
            return m.group(0)                                   # outside links stay
        file, _, frag = target.partition("#")
        if not file:
            return f'href="#{me}--{frag}"'
        if file in printed:
            return f'href="#{printed[file]}--{frag}"' if frag else f'href="#page-{printed[file]}"'
        return 'data-href-dropped=""'     # a page not in the PDF (API reference): text only

    body = re.sub(r'\bhref="([^"]*)"', href, body)
    body = re.sub(r"<details(?![^>]*\bopen\b)", "<details open", body)
    sections = [(m.group("id"), _text(m.group("inner")))
                for m in HEADING.finditer(body) if m.group("level") == "2"]
    return body, sections


# ----------------------------------------------------------------------------- mkdocs hook

_pages: dict[str, str] = {}
_head: dict[str, list[str]] = {}


def on_pre_build(config) -> None:
    _pages.clear()
    _head.clear()


def on_post_page(output: str, page, config) -> str:
    src = page.file.src_uri
    if src in {s for _, s in book_order(config["nav"])}:
        m = ARTICLE.search(output)
        if m is None:
            from mkdocs.exceptions import PluginError
            raise PluginError(f"print_book: {src}: no <article> in the rendered page")
        if "/" in page.url:
            from mkdocs.exceptions import PluginError
            raise PluginError(f"print_book: {src}: printed pages must sit at the site root")
        _pages[src] = m.group("body")
        if not _head:
            _head["css"] = [h for h in STYLESHEET.findall(output)]
    return output


def assemble(pages: list[PrintedPage], stylesheets: list[str], site_name: str) -> str:
    """The print document.  The table of contents holds a placeholder page number for
    each entry, filled in by ``print_pdf`` once a first print tells the pages."""
    def num(anchor: str) -> str:
        return f'<span class="toc-page" data-for="{anchor}">000</span>'

    toc = []
    for p in pages:
        toc.append(f'<li class="toc-chapter"><a href="#{p.anchor}">'
                   f'<span class="toc-title">{html_lib.escape(p.title)}</span>'
                   f"{num(p.anchor)}</a>")
        if p.sections:
            toc.append('<ol class="toc-sections">')
            for k, (anchor, text) in enumerate(p.sections, 1):
                label = f"{p.number}.{k} " if p.number is not None else ""
                toc.append(f'<li><a href="#{anchor}"><span class="toc-title">'
                           f"{label}{html_lib.escape(text)}</span>{num(anchor)}</a></li>")
            toc.append("</ol>")
        toc.append("</li>")
    links = "\n".join(f'<link rel="stylesheet" href="{h}">' for h in stylesheets)
    parts = [f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{html_lib.escape(site_name)}</title>
{links}
<link rel="stylesheet" href="{PRINT_CSS}">
</head>
<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="indigo"
      data-md-color-accent="deep-orange" class="fa-print">
<section class="title-page">
<h1 class="book-title">{html_lib.escape(site_name)}</h1>
<p class="book-subtitle">值函数近似与策略梯度</p>
<p class="book-note">Printed from the website: the same pages, formulas rendered by KaTeX
when the book was built, figures made by the package's own code.</p>
</section>
<nav class="toc md-typeset"><h1 id="contents">Contents 目录</h1>
<ol class="toc-chapters">
{"".join(toc)}
</ol></nav>
"""]
    for p in pages:
        cls = "chapter" if p.number is not None else "matter"
        style = f' style="--chapter: \'{p.number}\'"' if p.number else ""
        parts.append(f'<section class="{cls} md-typeset" id="{p.anchor}"{style}>\n'
                     f"{p.body}\n</section>\n")
    parts.append("</body></html>\n")
    return "".join(parts)


def collect(nav, rendered: dict[str, str]) -> list[PrintedPage]:
    order = book_order(nav)
    printed = {Path(src).with_suffix(".html").as_posix(): slug(src) for _, src in order}
    pages = []
    for title, src in order:
        if src not in rendered:
            raise KeyError(f"print_book: {src} is in the nav but was not rendered")
        body, sections = prepare(rendered[src], src, printed)
        m = CHAPTER_TITLE.match(title)
        pages.append(PrintedPage(src, title, m.group("num") if m else None, body, sections))
    return pages


def on_post_build(config) -> None:
    site = Path(config["site_dir"])
    pages = collect(config["nav"], _pages)
    (site / PRINT_PAGE).write_text(
        assemble(pages, _head.get("css", []), config["site_name"]), encoding="utf-8")


# ----------------------------------------------------------------------------- the printer

FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;'
          'font-family:sans-serif"><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')
HEADER = ('<div style="font-size:7px;width:100%;text-align:center;color:#888;'
          'font-family:sans-serif">{title}</div>')


class PrintError(Exception):
    """The PDF cannot be made (no Chromium, a page that asks for the network...)."""


def find_chromium() -> str:
    import shutil
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise PrintError("Debian's chromium is not installed: `make browser` (as root) or "
                     "`sudo apt-get install chromium fonts-noto-cjk`")


def _open(browser, page_file: Path, site: Path):
    """Open the print page with every request outside the site refused (and recorded)."""
    outside: list[str] = []
    page = browser.new_page()

    def route(r):
        url = r.request.url
        if url.startswith(("data:", "about:")) or (
                url.startswith("file://") and Path(url[7:].split("#")[0]).resolve()
                .is_relative_to(site.resolve())):
            r.continue_()
        else:
            outside.append(url)
            r.abort()

    page.route("**/*", route)
    page.goto(page_file.as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    page.emulate_media(media="print")
    if outside:
        raise PrintError(f"the print page asked for outside resources: {outside[:5]}")
    return page


def _pdf(page, out: Path, title: str, page_ranges: str = "") -> None:
    page.pdf(path=str(out), format="A4", print_background=True,
             display_header_footer=True, footer_template=FOOTER,
             header_template=HEADER.format(title=html_lib.escape(title)),
             page_ranges=page_ranges,
             margin={"top": "16mm", "bottom": "16mm", "left": "15mm", "right": "15mm"})


def _quiet_pypdf() -> None:
    # Chromium's trailer undercounts its objects; pypdf reads the file fine but says so
    import logging
    logging.getLogger("pypdf").setLevel(logging.ERROR)


def destinations(pdf: Path) -> dict[str, int]:
    """Named destination -> page number (1-based) of a PDF printed by Chromium."""
    from pypdf import PdfReader
    _quiet_pypdf()
    reader = PdfReader(str(pdf))
    out = {}
    for name, dest in reader.named_destinations.items():
        try:
            out[str(name).lstrip("/")] = reader.get_destination_page_number(dest) + 1
        except Exception:  # noqa: BLE001 - a destination without a page is just skipped
            continue
    return out


def replace_front_pages(full: Path, front: Path, out: Path,
                        outline: list[tuple[str, int, bool]]) -> int:
    """Put the first pages of ``front`` (the contents, numbered) over those of ``full``,
    and add the bookmarks ``outline`` = ``[(title, page, is_section)]``.

    The page objects of ``full`` are kept (its named destinations point at them); their
    content, resources and links are taken from ``front``.  (Chromium writes an outline
    only into a tagged PDF, which is three times larger; so the bookmarks are added here.)
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject
    _quiet_pypdf()

    writer = PdfWriter(clone_from=str(full))
    reader = PdfReader(str(front))
    for i, new in enumerate(reader.pages):
        old = writer.pages[i]
        for key in ("/Contents", "/Resources"):
            old[NameObject(key)] = new.raw_get(key).clone(writer)
        annots = new.get("/Annots")
        if annots:
            old[NameObject("/Annots")] = ArrayObject(
                a.clone(writer) if not hasattr(a, "idnum") else a.get_object().clone(writer)
                for a in annots)
        elif "/Annots" in old:
            del old["/Annots"]
    parent = None
    for title, page, is_section in outline:
        if is_section and parent is not None:
            writer.add_outline_item(title=title, page_number=page - 1, parent=parent)
        else:
            parent = writer.add_outline_item(title=title, page_number=page - 1)
    writer.page_mode = "/UseOutlines"
    with open(out, "wb") as f:
        writer.write(f)
    return len(reader.pages)


def print_pdf(site: Path, out: Path | None = None) -> Path:
    """Print ``site/print.html`` to ``site/fa_book.pdf`` (see the module docstring).

    One layout, two prints: the whole book once, which tells on which page every chapter
    and section starts; then, with those numbers written into the table of contents (a
    fixed-width box, so nothing moves), only the front pages again, which replace the
    first print's front pages.
    """
    site = Path(site)
    page_file = site / PRINT_PAGE
    if not page_file.is_file():
        raise PrintError(f"{page_file} is missing: build the site first "
                         "(mkdocs build --strict, with hooks/print_book.py registered)")
    out = Path(out) if out else site / PDF_NAME
    title = html_lib.unescape(re.search(r"<title>(.*?)</title>",
                                        page_file.read_text(encoding="utf-8")).group(1))
    exe = find_chromium()
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"]
    full = out.with_name(out.stem + ".full.pdf")
    front = out.with_name(out.stem + ".front.pdf")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=exe, headless=True, args=args)
            try:
                page = _open(browser, page_file, site)
                _pdf(page, full, title)
                numbers = destinations(full)
                anchors = page.evaluate(
                    "[...document.querySelectorAll('.toc-page')].map(e => e.dataset.for)")
                missing = [a for a in anchors if a not in numbers]
                if missing:
                    raise PrintError(f"Chromium wrote no PDF destination for {missing[:5]}")
                first_body = min(numbers[a] for a in anchors)
                entries = page.evaluate("""[...document.querySelectorAll('.toc a')].map(a => [
                    a.getAttribute('href').slice(1), a.querySelector('.toc-title').textContent,
                    a.closest('.toc-sections') !== null])""")
                outline = [(title.strip(), numbers[a], sec) for a, title, sec in entries]
                page.evaluate("""(numbers) => document.querySelectorAll('.toc-page')
                                 .forEach(e => { e.textContent = numbers[e.dataset.for]; })""",
                              {a: numbers[a] for a in anchors})
                _pdf(page, front, title, page_ranges=f"1-{first_body - 1}")
            finally:
                browser.close()
        replace_front_pages(full, front, out, outline)
    finally:
        full.unlink(missing_ok=True)
        front.unlink(missing_ok=True)
    return out


def zip_site(site: Path, out: Path | None = None) -> Path:
    """The built site (with the PDF and notebooks) as one zip, for offline reading."""
    site = Path(site)
    out = Path(out) if out else site / SITE_ZIP_NAME
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(site.rglob("*")):
            if path.is_file() and path not in (out, tmp):
                z.write(path, "fa_book-site/" + path.relative_to(site).as_posix())
    tmp.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python hooks/print_book.py SITE_DIR", file=sys.stderr)
        return 2
    site = Path(argv[0])
    start = time.perf_counter()
    try:
        pdf = print_pdf(site)
    except PrintError as err:
        print(f"make pdf: {err}", file=sys.stderr)
        return 1
    from pypdf import PdfReader
    n = len(PdfReader(str(pdf)).pages)
    printed = time.perf_counter() - start
    zipped = zip_site(site)
    print(f"{pdf}: {n} pages, {pdf.stat().st_size / 1e6:.1f} MB, printed in {printed:.0f} s; "
          f"{zipped}: {zipped.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
