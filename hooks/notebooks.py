"""MkDocs hook: every chapter page as a Jupyter notebook, generated from the page itself.

The notebook is made from the page's Markdown source at build time, so it cannot be older
than its page.  ``notebook_from_markdown`` (also called by ``tests/test_notebooks.py``)
turns one page into an nbformat-4 notebook:

* snippet includes (``--8<--``) are expanded by pymdownx.snippets itself, with the
  configuration of ``mkdocs.yml``, so every cell holds exactly what the page shows; a
  broken include raises ``NotebookError`` naming the page and the include;
* each ```python block (top level, in a list item or in an admonition) becomes a code
  cell, its ``title="..."`` a first comment line;
* prose and math become Markdown cells; ``$...$`` and ``$$...$$`` stay TeX, which
  Jupyter renders with MathJax;
* figures (``![alt](figures/x.png)``) are embedded as cell attachments, so a downloaded
  notebook shows them;
* admonitions and tabs (``!!! note "T"``, ``??? check "T"``, ``=== "T"``) become a bold
  title line and a blockquote; the code cells of a folded one (``???``: a solution, a
  worked answer, a full source), but for a folded exercise stub (``??? example``), are
  collapsed in Jupyter (``metadata.jupyter.source_hidden``), as on the page; ```py3
  blocks (tests shown, not run by the page) and ```text blocks become Markdown code
  fences, never code cells;
* links to another chapter point at its notebook; other links to the site keep their text.

As a hook it writes ``site/notebooks/<page>.ipynb`` and ``site/notebooks/fa_book-notebooks.zip``,
puts a download button under each chapter's title, and adds a "Take it with you" paragraph
(notebooks zip, PDF, offline site) at the end of the home page.
"""

from __future__ import annotations

import base64
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = "notebooks"
ZIP_NAME = "fa_book-notebooks.zip"
PDF_NAME = "fa_book.pdf"
SITE_ZIP_NAME = "fa_book-site.zip"

# A chapter is a nav entry whose title starts with its number: "4. Linear ...", "9a. Proof".
CHAPTER_TITLE = re.compile(r"^\d+[a-z]?\.\s")

FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]*)"
                   r"(?P<info>[^\n`]*)$")
CONTAINER = re.compile(r'^(?P<indent>[ ]*)(?P<kind>!!!|\?\?\?\+?|===\+?)[ \t]*'
                       r'(?P<type>[\w-]*)[ \t]*(?:"(?P<title>[^"]*)")?[ \t]*$')
TITLE_ATTR = re.compile(r'title="(?P<title>[^"]*)"')
HEADING_ATTRS = re.compile(r"^(?P<head>#{1,6}\s.*?)\s*\{\s*[#.:][^}]*\}\s*$")
IMAGE = re.compile(r"!\[(?P<alt>[^\]]*)\]\((?P<src>[^)\s]+)(?:\s+\"[^\"]*\")?\)")
LINK = re.compile(r"(?<!!)\[(?P<text>[^\]]+)\]\((?P<href>[^)\s]+)\)")
INCLUDE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"(?P<target>[^"]+)"[ \t]*$', re.M)
PYTHON_LANGS = {"python", "py"}


class NotebookError(Exception):
    """A page cannot be turned into a notebook (e.g. a broken snippet include)."""


@dataclass
class Cell:
    kind: str                 # "markdown" or "code"
    lines: list[str]
    attachments: dict[str, dict[str, str]] = field(default_factory=dict)
    hidden: bool = False      # a code cell whose input Jupyter shows collapsed


# --------------------------------------------------------------------------- snippets

def snippet_config(mkdocs_yml: Path = ROOT / "mkdocs.yml") -> dict:
    """The ``pymdownx.snippets`` options of ``mkdocs.yml`` (for callers without mkdocs)."""
    import yaml

    conf = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    for ext in conf.get("markdown_extensions", []):
        if isinstance(ext, dict) and "pymdownx.snippets" in ext:
            return dict(ext["pymdownx.snippets"] or {})
    return {}


def nav_chapters(nav) -> list[tuple[str, str]]:
    """``[(nav title, page path)]`` of the chapters in a MkDocs ``nav`` list, in order."""
    out: list[tuple[str, str]] = []

    def walk(items):
        for item in items:
            if isinstance(item, dict):
                for title, value in item.items():
                    if isinstance(value, list):
                        walk(value)
                    elif isinstance(value, str) and CHAPTER_TITLE.match(str(title)):
                        out.append((str(title), value))

    walk(nav or [])
    return out


def chapter_pages(mkdocs_yml: Path = ROOT / "mkdocs.yml") -> list[tuple[str, str]]:
    """``[(nav title, page path)]`` of every chapter, in nav order (from ``mkdocs.yml``)."""
    import yaml

    conf = yaml.safe_load(mkdocs_yml.read_text(encoding="utf-8"))
    return nav_chapters(conf.get("nav", []))


def expand_snippets(markdown: str, page: str, config: dict, root: Path = ROOT) -> str:
    """Expand ``--8<--`` includes as the site build does; name page and include on error."""
    import markdown as md_lib
    from pymdownx.snippets import SnippetExtension, SnippetMissingError

    opts = dict(config)
    bases = opts.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else list(bases)
    opts["base_path"] = [str((root / b).resolve()) for b in bases]
    opts["check_paths"] = True  # a notebook is never made from a page with a hole in it

    def run(text: str) -> str:
        md = md_lib.Markdown(extensions=[SnippetExtension(**opts)])
        return "\n".join(md.preprocessors["snippet"].run(text.split("\n")))

    try:
        return run(markdown)
    except (SnippetMissingError, OSError) as err:
        # find the include that fails, to name it
        for m in INCLUDE.finditer(markdown):
            try:
                run(m.group(0).strip())
            except (SnippetMissingError, OSError) as inner:
                raise NotebookError(f"{page}: broken include --8<-- \"{m.group('target')}\": "
                                    f"{inner}") from None
        raise NotebookError(f"{page}: {err}") from None


# --------------------------------------------------------------------------- conversion

def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_end(lines: list[str], start: int, indent: int) -> int:
    """End (exclusive) of the indented body starting at ``start``: lines indented by at
    least ``indent``, or blank; trailing blank lines are not part of it."""
    j = start
    last = start
    while j < len(lines):
        if lines[j].strip() == "":
            j += 1
            continue
        if _indent_of(lines[j]) < indent:
            break
        j += 1
        last = j
    return last


def _dedent(lines: list[str], n: int) -> list[str]:
    return [ln[n:] if ln[:n].strip() == "" else ln.lstrip(" ") for ln in lines]


class _Converter:
    def __init__(self, page: str, docs_dir: Path, chapters: dict[str, str]):
        self.page = page
        self.docs_dir = docs_dir
        self.chapters = chapters          # page path -> notebook file name
        self.page_dir = Path(page).parent

    # inline transforms of one Markdown line (outside code fences)
    def inline(self, line: str, cell: Cell) -> str:
        h = HEADING_ATTRS.match(line.strip())
        if h:
            line = line[:_indent_of(line)] + h.group("head")

        def image(m: re.Match) -> str:
            src = m.group("src")
            if re.match(r"^[a-z]+:", src):
                return m.group(0)
            path = (self.docs_dir / self.page_dir / src).resolve()
            if not path.is_file():
                raise NotebookError(f"{self.page}: figure {src!r} not found")
            mime = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                    ".svg": "image/svg+xml", ".gif": "image/gif"}.get(path.suffix.lower())
            if mime is None:
                raise NotebookError(f"{self.page}: figure {src!r}: unsupported image type")
            name = path.name
            cell.attachments[name] = {mime: base64.b64encode(path.read_bytes()).decode()}
            return f"![{m.group('alt')}](attachment:{name})"

        def link(m: re.Match) -> str:
            text, href = m.group("text"), m.group("href")
            if re.match(r"^[a-z]+:", href):
                return m.group(0)                       # http(s), mailto: unchanged
            target, _, _frag = href.partition("#")
            if not target:
                return text                             # an anchor on this page
            page = (self.page_dir / target).as_posix()
            if page in self.chapters:
                return f"[{text}]({self.chapters[page]})"
            return text                                 # a page with no notebook

        line = IMAGE.sub(image, line)
        return LINK.sub(link, line)

    def convert(self, lines: list[str]) -> list[Cell]:
        cells: list[Cell] = []

        def md(text_lines: list[str], attachments: dict | None = None):
            if cells and cells[-1].kind == "markdown":
                cells[-1].lines.extend(text_lines)
                cells[-1].attachments.update(attachments or {})
            else:
                cells.append(Cell("markdown", list(text_lines), dict(attachments or {})))

        i = 0
        while i < len(lines):
            line = lines[i]
            f = FENCE.match(line)
            c = CONTAINER.match(line)
            if f:
                indent, fence = len(f.group("indent")), f.group("fence")
                close = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
                j = i + 1
                while j < len(lines) and not close.match(lines[j]):
                    j += 1
                if j == len(lines):
                    raise NotebookError(f"{self.page}: unclosed code fence at {line.strip()!r}")
                body = _dedent(lines[i + 1:j], indent)
                lang = f.group("lang").lower()
                t = TITLE_ATTR.search(f.group("info"))
                title = t.group("title") if t else None
                if lang in PYTHON_LANGS:
                    code = ([f"# {title}"] if title else []) + body
                    while code and not code[-1].strip():
                        code.pop()
                    cells.append(Cell("code", code))
                else:
                    shown = "python" if lang in ("py3", "pycon") else lang
                    head = [f"*{title}*", ""] if title else []
                    md(head + [f"```{shown}"] + body + ["```"])
                i = j + 1
            elif c:
                indent = len(c.group("indent"))
                end = _block_end(lines, i + 1, indent + 4)
                body = _dedent(lines[i + 1:end], indent + 4)
                kind, typ = c.group("kind"), c.group("type")
                title = c.group("title")
                inner = self.convert(body)
                if kind.startswith("==="):
                    md(["", f"**{title or typ}**", ""])
                    for cell in inner:
                        if cell.kind == "markdown":
                            md(cell.lines, cell.attachments)
                        else:
                            cells.append(cell)
                else:
                    # folded on the page (a solution, a worked answer, the full source):
                    # collapsed in Jupyter too; a folded exercise stub stays open
                    if kind == "???" and typ != "example":
                        for cell in inner:
                            cell.hidden = cell.hidden or cell.kind == "code"
                    label = typ.capitalize() if typ else "Note"
                    head = f"**{label}: {title}**" if title else f"**{label}**"
                    first = True
                    for cell in inner:
                        if cell.kind == "markdown":
                            quoted = [("> " + ln).rstrip() for ln in cell.lines]
                            if first:
                                quoted = ["", f"> {head}", ">"] + quoted
                            md(quoted + [""], cell.attachments)
                        else:
                            if first:
                                md(["", f"> {head}", ""])
                            cells.append(cell)
                        first = False
                    if first:
                        md(["", f"> {head}", ""])
                i = end
            else:
                cell = Cell("markdown", [])
                text = self.inline(line, cell)
                md([text], cell.attachments)
                i += 1
        return cells


def _tidy(cell: Cell) -> Cell:
    lines = list(cell.lines)
    if cell.kind == "markdown":
        # a chunk split off an indented container (a list item) starts indented: dedent it
        # so Jupyter does not read it as an indented code block
        first = next((ln for ln in lines if ln.strip()), "")
        n = _indent_of(first)
        if n:
            lines = _dedent(lines, n)
        text = "\n".join(lines)
        text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
        lines = text.split("\n")
    return Cell(cell.kind, lines, cell.attachments, cell.hidden)


def notebook_from_markdown(markdown: str, page: str, *, snippets: dict,
                           docs_dir: Path = ROOT / "docs", root: Path = ROOT,
                           chapters: dict[str, str] | None = None) -> dict:
    """Turn one page's Markdown source into an nbformat-4 notebook (a JSON-ready dict).

    Args:
        markdown: the page source, as in ``docs/<page>``, includes not yet expanded.
        page: its path under ``docs/`` (for messages, relative figures and links).
        snippets: the ``pymdownx.snippets`` options (``snippet_config()``).
        docs_dir: the docs folder (figures are read from it).
        root: the project folder the snippet base paths are relative to.
        chapters: page path -> notebook file name, for links between chapters.

    Raises:
        NotebookError: a broken include, a missing figure or an unclosed fence, naming
            the page.
    """
    text = expand_snippets(markdown, page, snippets, root)
    if chapters is None:
        chapters = {page: notebook_name(page)}
    conv = _Converter(page, docs_dir, chapters)
    cells = [_tidy(c) for c in conv.convert(text.split("\n"))]
    cells = [c for c in cells if any(ln.strip() for ln in c.lines)]
    intro = Cell("markdown", [
        f"*This notebook is generated from the page `docs/{page}` of **fa_book** when the "
        "book is built: the same text, and every Python block of the page as a code cell, "
        "in order. Run it top to bottom in an environment where `fa_book` is installed "
        "(`pip install -e .` in a clone of the repository).*"])
    nb_cells = []
    for k, cell in enumerate([intro] + cells):
        source = "\n".join(cell.lines)
        entry: dict = {"cell_type": cell.kind, "id": f"cell-{k:03d}", "metadata": {},
                       "source": source}
        if cell.kind == "code":
            entry.update(execution_count=None, outputs=[])
            if cell.hidden:
                entry["metadata"] = {"jupyter": {"source_hidden": True}}
        elif cell.attachments:
            entry["attachments"] = cell.attachments
        nb_cells.append(entry)
    return {
        "nbformat": 4, "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
            "fa_book": {"page": page},
        },
        "cells": nb_cells,
    }


def notebook_name(page: str) -> str:
    return Path(page).with_suffix(".ipynb").name


def write_notebook(nb: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build_all(out_dir: Path, mkdocs_yml: Path = ROOT / "mkdocs.yml") -> list[Path]:
    """Write every chapter's notebook into ``out_dir`` (what the tests call)."""
    root = mkdocs_yml.parent
    snippets = snippet_config(mkdocs_yml)
    pages = [p for _, p in chapter_pages(mkdocs_yml)]
    chapters = {p: notebook_name(p) for p in pages}
    written = []
    for page in pages:
        src = (root / "docs" / page).read_text(encoding="utf-8")
        nb = notebook_from_markdown(src, page, snippets=snippets, docs_dir=root / "docs",
                                    root=root, chapters=chapters)
        path = out_dir / notebook_name(page)
        write_notebook(nb, path)
        written.append(path)
    return written


# --------------------------------------------------------------------------- mkdocs hook

_notebooks: dict[str, dict] = {}


def _chapters_from_nav(config) -> dict[str, str]:
    return {src: notebook_name(src) for _, src in nav_chapters(config["nav"])}


def on_pre_build(config) -> None:
    _notebooks.clear()


def on_page_markdown(markdown: str, page, config, files) -> str:
    from mkdocs.exceptions import PluginError

    chapters = _chapters_from_nav(config)
    src = page.file.src_uri
    if src in chapters:
        try:
            _notebooks[src] = notebook_from_markdown(
                markdown, src, snippets=config["mdx_configs"].get("pymdownx.snippets", {}),
                docs_dir=Path(config["docs_dir"]), root=Path(config["config_file_path"]).parent,
                chapters=chapters)
        except NotebookError as err:
            raise PluginError(f"notebook: {err}") from None
    return markdown


def _rel(page, target: str) -> str:
    depth = page.url.count("/")
    return "../" * depth + target


BUTTON = ('<p class="fa-download"><a class="md-button" href="{href}" download>'
          'Download this chapter as a Jupyter notebook 下载笔记本</a></p>')


def on_post_page(output: str, page, config) -> str:
    src = page.file.src_uri
    if src in _notebooks:
        href = _rel(page, f"{NOTEBOOK_DIR}/{notebook_name(src)}")
        m = re.search(r"</h1>", output)
        if m is None:
            from mkdocs.exceptions import PluginError
            raise PluginError(
                f"notebook: {src} has no <h1> to put the download button under")
        output = output[:m.end()] + BUTTON.format(href=href) + output[m.end():]
    elif page.is_homepage:
        links = (f'<h2 id="take-it-with-you">Take it with you 离线带走</h2>'
                 f'<p>Every chapter as a Jupyter notebook, generated from its page: '
                 f'<a href="{_rel(page, NOTEBOOK_DIR + "/" + ZIP_NAME)}" download>all '
                 f'notebooks (zip)</a>, or the button under each chapter\'s title. '
                 f'The whole book as one PDF: <a href="{_rel(page, PDF_NAME)}">{PDF_NAME}</a>; '
                 f'this website for offline reading: '
                 f'<a href="{_rel(page, SITE_ZIP_NAME)}" download>{SITE_ZIP_NAME}</a> '
                 f'(both made by <code>make pdf</code>).</p>')
        m = re.search(r"</article>", output)
        if m is not None:
            output = output[:m.start()] + links + output[m.start():]
    return output


def on_post_build(config) -> None:
    out = Path(config["site_dir"]) / NOTEBOOK_DIR
    out.mkdir(parents=True, exist_ok=True)
    for page, nb in _notebooks.items():
        write_notebook(nb, out / notebook_name(page))
    with zipfile.ZipFile(out / ZIP_NAME, "w", zipfile.ZIP_DEFLATED) as z:
        for page in _notebooks:
            name = notebook_name(page)
            z.write(out / name, f"fa_book-notebooks/{name}")


__all__ = ["NotebookError", "build_all", "chapter_pages", "expand_snippets",
           "notebook_from_markdown", "snippet_config"]
