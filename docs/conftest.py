"""Run every ```python block of every page, exactly as the reader sees it.

``--8<-- "path:section"`` lines (pymdownx.snippets) are expanded first, from the same
files and named sections that the site build includes, so the test executes the code the
page shows.  Blocks of one page share one namespace, top to bottom, as in a fresh Python
session.
"""

from __future__ import annotations

import re
from pathlib import Path

from sybil import Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

ROOT = Path(__file__).resolve().parent.parent
INCLUDE = re.compile(r'^(?P<indent>[ \t]*)--8<--[ \t]+"(?P<target>[^"]+)"[ \t]*$', re.M)


def read_snippet(target: str) -> str:
    """Return what pymdownx.snippets would include for ``path`` or ``path:section``."""
    path, _, section = target.partition(":")
    candidates = [ROOT / path, ROOT / "docs" / path]
    file = next((c for c in candidates if c.is_file()), None)
    if file is None:
        raise FileNotFoundError(f"snippet file not found: {path}")
    text = file.read_text(encoding="utf-8")
    if not section:
        return text
    start = re.search(rf"--8<-- \[start:{re.escape(section)}\][^\n]*\n", text)
    end = re.search(rf"[^\n]*--8<-- \[end:{re.escape(section)}\]", text)
    if start is None or end is None or end.start() < start.end():
        raise KeyError(f"section {section!r} not found in {path}")
    body = text[start.end():end.start()]
    # nested section markers are dropped by pymdownx.snippets too
    return "".join(line for line in body.splitlines(keepends=True)
                   if not re.search(r"--8<-- \[(start|end):", line))


def expand(source: str) -> str:
    def sub(m: re.Match) -> str:
        body = read_snippet(m.group("target"))
        return "".join(m.group("indent") + line for line in body.splitlines(keepends=True))
    return INCLUDE.sub(sub, source)


def parse_python_blocks(document):
    lexer = RawFencedCodeBlockLexer(
        info_pattern=re.compile(r"(?P<language>python|py)\b[^\n]*$\n", re.M),
        mapping={"language": "language", "source": "source"},
    )
    for region in lexer(document):
        region.parsed = expand(str(region.lexemes["source"]))
        region.evaluator = evaluate
        yield region


def evaluate(example):
    code = compile(example.parsed, f"{example.path}:{example.line}", "exec")
    exec(code, example.namespace)


pytest_collect_file = Sybil(parsers=[parse_python_blocks], patterns=["*.md"]).pytest()
