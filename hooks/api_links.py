"""MkDocs hook: every API page links to the sections of the book that teach its module.

At ``on_files`` the chapter pages' sources are read: a section *teaches* a module when it
includes the module's code (``--8<-- "fa_book/<module>.py:<name>"``) or, failing that for
the whole book, names it (``fa_book.<module>`` / ``fa_book/<module>.py``; the figures'
commands ``python -m fa_book.figures <chapter>`` name ``fa_book.figures``).  At
``on_page_content`` the box "Taught in" with a link to each such section is put right under
the module's heading on ``api/<module>.md``.  Links are computed from the headings as the
``toc`` extension slugifies them (an explicit ``{ #id }`` wins), so they follow the pages
as they change; ``tests/test_site.py`` checks that each link's anchor exists.
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from pathlib import Path

from markdown.extensions.toc import slugify, unique
from mkdocs.utils import get_relative_url

HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
INCLUDE = re.compile(r'--8<--\s+"fa_book/(?P<module>[\w/]+)\.py(?::[\w-]+)?"')
NAMED = re.compile(r"fa_book[./](?P<module>[a-z_]+)(?:\.py)?\b")
EXPLICIT_ID = re.compile(r"\{[^}]*#(?P<id>[\w.-]+)[^}]*\}\s*$")
INLINE = re.compile(r"`([^`]*)`|\*\*?([^*]+)\*\*?|\[([^\]]*)\]\([^)]*\)")

#: ``{module: [(page src, page title, section title, anchor), ...]}`` of the last build.
TAUGHT: dict[str, list[tuple[str, str, str, str]]] = {}


def heading_text(raw: str) -> str:
    """A heading's text as the reader sees it: inline code, emphasis and links unwrapped."""
    raw = EXPLICIT_ID.sub("", raw).strip()
    return INLINE.sub(lambda m: next(g for g in m.groups() if g is not None), raw)


def sections(markdown: str) -> list[dict]:
    """The page's headings in order, each with its anchor and the lines under it."""
    out: list[dict] = []
    used: set[str] = set()
    current = {"level": 0, "title": "", "id": "", "lines": []}
    fenced = False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            m = HEADING.match(line)
            if m and line.startswith("#"):
                out.append(current)
                raw = line.lstrip("#").strip()
                explicit = EXPLICIT_ID.search(raw)
                text = heading_text(raw)
                anchor = explicit.group("id") if explicit else unique(slugify(text, "-"), used)
                used.add(anchor)
                current = {"level": len(line) - len(line.lstrip("#")), "title": text,
                           "id": anchor, "lines": []}
                continue
        current["lines"].append(line)
    out.append(current)
    return out


def _module_of(name: str) -> str:
    return name.split("/")[0] if name.startswith("figures") else name


def on_files(files, config):
    by_include: dict[str, list] = defaultdict(list)
    by_name: dict[str, list] = defaultdict(list)
    for file in files.documentation_pages():
        src = file.src_uri
        if src.startswith(("api/", "results/")) or src in ("glossary.md", "notation.md"):
            continue
        secs = sections(file.content_string)
        page_title = next((s["title"] for s in secs if s["level"] == 1), src)
        for sec in secs:
            body = "\n".join(sec["lines"])
            where = (src, page_title, sec["title"] or page_title,
                     sec["id"] if sec["level"] > 1 else "")
            for m in INCLUDE.finditer(body):
                module = _module_of(m.group("module"))
                if where not in by_include[module]:
                    by_include[module].append(where)
            for m in NAMED.finditer(body):
                if where not in by_name[m.group("module")]:
                    by_name[m.group("module")].append(where)
            if "python -m fa_book.figures" in body and where not in by_name["figures"]:
                by_name["figures"].append(where)
    order = {src: k for k, src in enumerate(_nav_pages(config.get("nav") or []))}
    TAUGHT.clear()
    for module in set(by_include) | set(by_name):
        places = by_include.get(module) or by_name[module]
        # in reading order: the pages as the nav lists them, a page's sections in order
        TAUGHT[module] = sorted(places, key=lambda w: order.get(w[0], len(order)))
    return files


def _nav_pages(nav) -> list[str]:
    """The page paths of a MkDocs ``nav`` list, in order."""
    out = []
    for item in nav:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            out.extend(_nav_pages(value) if isinstance(value, list) else [value])
    return out


def taught_box(module: str, page, files) -> str:
    places = TAUGHT.get(module, [])
    if not places:
        return ('<div class="admonition info fa-taught"><p class="admonition-title">'
                'Taught in</p><p>No chapter shows this module\'s code; see the '
                f'<a href="{get_relative_url("api/index.html", page.url)}">module ↔ chapter '
                'table</a>.</p></div>')
    items = []
    for src, page_title, title, anchor in places:
        target = files.get_file_from_path(src)
        if target is None:
            continue
        url = get_relative_url(target.url, page.url) + (f"#{anchor}" if anchor else "")
        label = html.escape(title if title == page_title else f"{page_title}: {title}")
        items.append(f'<li><a href="{url}">{label}</a></li>')
    return ('<div class="admonition info fa-taught"><p class="admonition-title">'
            'Taught in</p><ul>' + "".join(items) + "</ul></div>")


def on_page_content(html_out: str, page, config, files) -> str:
    src = page.file.src_uri
    if not (src.startswith("api/") and src != "api/index.md"):
        return html_out
    module = Path(src).stem
    box = taught_box(module, page, files)
    m = re.search(r"</h1>", html_out)
    if m is None:
        return box + html_out
    return html_out[:m.end()] + box + html_out[m.end():]
