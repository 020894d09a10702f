"""MkDocs hook: number the book's equations and figures, and make references to them links.

Chapters are the nav pages whose title starts with a number ("4. Linear prediction ...",
"9a. Proof ..."). On a chapter page:

* every displayed equation tagged ``\\tag{NAME}`` is shown as ``(4.3 NAME)``: the number in
  chapter order, then the name that the code line computing it carries as ``# (NAME)``
  (that contract is unchanged and tested in ``tests/test_docs.py``), so the equation and
  its code line still match by name on the page;
* the equation gets the anchor ``#eq-NAME``; in the prose, ``(NAME)``, ``eq. NAME`` and
  ``eqs. NAME and NAME2`` become links to it, showing the number (``(4.3)``, ``eq. 4.3``),
  and so does a written link with empty text, ``[](#eq-NAME)`` or
  ``[](other-page.md#eq-NAME)``;
* every figure ``![alt](figures/name.png)`` becomes "Figure 4.2", written in bold at the
  start of the paragraph after it (its caption, typed or included from a generated file),
  with the anchor ``#fig-name`` (both added to the HTML, so the page's markdown, which
  the notebooks are made from, is unchanged); ``[](#fig-name)`` (or
  ``[](page.md#fig-name)``) is written out as "Figure 4.2".

A bare ``(NAME)`` links to this page's equation, or to another page's when NAME is at
least three characters long and tagged on one page only (so ``(S)`` or ``(b)`` in prose
stay text). An explicit link to an unknown
equation or figure fails the build.

The numbering is computed from the page sources in ``on_nav``, before any page renders,
so references across pages work in both directions. ``numbering(config)`` exposes it for
the tests.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from mkdocs.exceptions import PluginError

TAG = re.compile(r"\\tag\{([A-Za-z0-9.\-]+)\}")
FIGURE = re.compile(r"^(?P<indent>[ \t]*)!\[(?P<alt>[^\]]*)\]\((?P<src>figures/(?P<name>[\w\-]+)"
                    r"\.png)\)(?P<attrs>\{[^}]*\})?[ \t]*$", re.M)
FENCE = re.compile(r"^[ \t]*(```|~~~)")
CHAPTER = re.compile(r"^\s*(\d+[a-z]?)\.\s")
LINK = re.compile(r"\[\]\((?P<page>[\w\-]+\.md)?#(?P<kind>eq|fig)-(?P<name>[A-Za-z0-9.\-_]+)\)")


@dataclass
class Chapter:
    number: str
    src: str
    url: str = ""  # the built page, e.g. "linear-prediction.html"
    equations: dict[str, str] = field(default_factory=dict)  # NAME -> "4.3"
    figures: dict[str, str] = field(default_factory=dict)  # png stem -> "4.2"


@dataclass
class Numbering:
    chapters: dict[str, Chapter] = field(default_factory=dict)  # src path -> Chapter

    def equation(self, name: str) -> tuple[str, str] | None:
        """(src, number) of a name tagged on exactly one page, else None."""
        hits = [(c.src, c.equations[name]) for c in self.chapters.values()
                if name in c.equations]
        return hits[0] if len(hits) == 1 else None


_NUMBERING = Numbering()


def outside_fences(markdown: str):
    """Yield (line index, line) of the lines not inside a fenced code block."""
    fence = None
    for i, line in enumerate(markdown.splitlines()):
        m = FENCE.match(line)
        if m:
            if fence is None:
                fence = m.group(1)
            elif m.group(1) == fence:
                fence = None
            continue
        if fence is None:
            yield i, line


def number_page(number: str, src: str, markdown: str) -> Chapter:
    """The equations and figures of one chapter page, numbered in page order."""
    chapter = Chapter(number, src)
    text = "\n".join(line for _, line in outside_fences(markdown))
    for m in TAG.finditer(text):
        if m.group(1) not in chapter.equations:
            chapter.equations[m.group(1)] = f"{number}.{len(chapter.equations) + 1}"
    for m in FIGURE.finditer(text):
        chapter.figures.setdefault(m.group("name"), f"{number}.{len(chapter.figures) + 1}")
    return chapter


def _walk(items):
    for item in items:
        if getattr(item, "children", None):
            yield from _walk(item.children)
        elif getattr(item, "file", None) is not None:
            yield item


def on_nav(nav, config, files):
    global _NUMBERING
    _NUMBERING = Numbering()
    docs = Path(config["docs_dir"])
    for page in _walk(nav.items):
        m = CHAPTER.match(page.title or "")
        if m is None:
            continue
        src = page.file.src_uri
        text = (docs / src).read_text(encoding="utf-8")
        _NUMBERING.chapters[src] = number_page(m.group(1), src, text)
        _NUMBERING.chapters[src].url = page.file.url
    return nav


def numbering() -> Numbering:
    return _NUMBERING


def _url(src_here: str, src_there: str) -> str:
    """The markdown link target of another page (MkDocs turns it into its URL)."""
    return "" if src_here == src_there else src_there


def _href(url_here: str, src_there: str) -> str:
    """The HTML href of another chapter page, relative to the page being rendered."""
    there = _NUMBERING.chapters[src_there].url
    if there == url_here:
        return ""
    return posixpath.relpath(there, posixpath.dirname(url_here) or ".")


def _explicit_link(m: re.Match, src: str) -> str:
    target = m.group("page") or src
    chapter = _NUMBERING.chapters.get(target)
    name, kind = m.group("name"), m.group("kind")
    table = None if chapter is None else (chapter.equations if kind == "eq" else chapter.figures)
    if table is None or name not in table:
        what = "equation" if kind == "eq" else "figure"
        raise PluginError(f"{src}: link {m.group(0)} names no {what} {name!r} on {target}")
    label = f"({table[name]})" if kind == "eq" else f"Figure {table[name]}"
    return f"[{label}]({_url(src, target)}#{kind}-{name})"


def on_page_markdown(markdown: str, page, config, files):
    chapter = _NUMBERING.chapters.get(page.file.src_uri)
    src = page.file.src_uri
    lines = markdown.splitlines()
    keep = dict(outside_fences(markdown))
    for i, line in keep.items():
        line = LINK.sub(lambda m: _explicit_link(m, src), line)
        if chapter is not None:
            line = TAG.sub(lambda m: f"\\tag{{{chapter.equations[m.group(1)]} {m.group(1)}}}",
                           line)
        lines[i] = line
    return "\n".join(lines) + ("\n" if markdown.endswith("\n") else "")


# ---------------------------------------------------------------- HTML: anchors and refs

_EQ_DIV = re.compile(r'<div class="arithmatex">(?P<body>(?:(?!</div>).)*?'
                     r'\\tag\{(?P<num>[0-9a-z.]+) (?P<name>[A-Za-z0-9.\-]+)\}.*?)</div>', re.S)
_SKIP = {"pre", "code", "a", "script", "style", "h1", "h2", "h3", "h4", "h5", "h6", "title"}
_TOKEN = re.compile(r"(<[^>]+>)")
_OPEN = re.compile(r"^<(?P<tag>[a-zA-Z0-9]+)(?P<attrs>[^>]*)>$")
_CLOSE = re.compile(r"^</(?P<tag>[a-zA-Z0-9]+)\s*>$")


def _refs(text: str, chapter: Chapter | None, url_here: str) -> str:
    """Links for `(NAME)`, `eq. NAME` and `eqs. NAME and NAME` in a text node."""
    def local(name):
        if chapter is not None and name in chapter.equations:
            return "", chapter.equations[name]
        return None

    def anywhere(name):
        hit = local(name)
        if hit is None:
            found = _NUMBERING.equation(name)
            if found is not None:
                hit = (_href(url_here, found[0]), found[1])
        return hit

    def link(name, hit, fmt):
        url, number = hit
        return (f'<a class="eqref" href="{url}#eq-{html.escape(name)}" '
                f'title="{html.escape(name)}">{fmt % number}</a>')

    def eqs(m):
        names = [m.group("a")] + ([m.group("b")] if m.group("b") else [])
        hits = [anywhere(n) for n in names]
        if any(h is None for h in hits):
            return m.group(0)
        out = m.group("eq") + " " + link(names[0], hits[0], "%s")
        if len(names) == 2:
            out += m.group("and") + link(names[1], hits[1], "%s")
        return out

    text = re.sub(r"(?P<eq>\beqs?\.)\s(?P<a>[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9])"
                  r"(?:(?P<and> and )(?P<b>[A-Za-z][A-Za-z0-9.\-]*[A-Za-z0-9]))?", eqs, text)

    def bare(m):
        name = m.group(1)
        # another page's equation only by a distinctive name: never (S), (b), (MC)
        hit = local(name) if len(name) < 3 or chapter is None else anywhere(name)
        if chapter is None:
            hit = None  # outside the chapters, only `eq. NAME` and explicit links
        return m.group(0) if hit is None else link(m.group(1), hit, "(%s)")

    return re.sub(r"\((?P<n>[A-Za-z][A-Za-z0-9.\-]*)\)", bare, text)


_IMG = re.compile(r'<img (?P<attrs>[^>]*?)src="figures/(?P<name>[\w\-]+)\.png"(?P<rest>[^>]*)>')
_NEXT_P = re.compile(r"<p>")


def _label_figures(output: str, chapter: Chapter, src: str) -> str:
    """Give each figure its anchor and put "Figure 4.2." in bold at the start of the
    paragraph that follows it (its caption, typed or included from a generated file)."""
    out, pos = [], 0
    for m in _IMG.finditer(output):
        name = m.group("name")
        if name not in chapter.figures:
            continue
        out.append(output[pos:m.start()])
        out.append(f'<img {m.group("attrs")}id="fig-{name}" src="figures/{name}.png"'
                   f'{m.group("rest")}>')
        pos = m.end()
        close = output.find("</p>", pos)
        nxt = _NEXT_P.search(output, close if close >= 0 else pos)
        if close < 0 or nxt is None:
            raise PluginError(f"{src}: figure {name}.png has no caption paragraph after it")
        out.append(output[pos:nxt.end()])
        out.append(f"<strong>Figure {chapter.figures[name]}.</strong> ")
        pos = nxt.end()
    out.append(output[pos:])
    return "".join(out)


def on_page_content(output: str, page, config, files):
    src = page.file.src_uri
    chapter = _NUMBERING.chapters.get(src)
    if chapter is not None:
        output = _label_figures(output, chapter, src)
        output = _EQ_DIV.sub(
            lambda m: (f'<div class="eq" id="eq-{m.group("name")}">'
                       f'<div class="arithmatex">{m.group("body")}</div></div>'), output)
    if not _NUMBERING.chapters:
        return output
    out, skip = [], []
    for token in _TOKEN.split(output):
        if not token:
            continue
        if token.startswith("<"):
            close = _CLOSE.match(token)
            opened = _OPEN.match(token)
            if close and skip and skip[-1] == close.group("tag").lower():
                skip.pop()
            elif opened and not token.endswith("/>"):
                tag = opened.group("tag").lower()
                if tag in _SKIP or 'class="arithmatex"' in opened.group("attrs") \
                        or skip and tag == skip[-1]:
                    skip.append(tag)
            out.append(token)
        elif skip:
            out.append(token)
        else:
            out.append(_refs(token, chapter, page.file.url))
    return "".join(out)
