"""Expand pymdownx.snippets includes the way the site build does (shared by the tests)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

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
    kept = "".join(line for line in body.splitlines(keepends=True)
                   if not re.search(r"--8<-- \[(start|end):", line))
    return textwrap.dedent(kept)  # as `dedent_subsections: true` in mkdocs.yml


def expand(source: str) -> str:
    def sub(m: re.Match) -> str:
        body = read_snippet(m.group("target"))
        # the include line's own line break stays after the match, as in pymdownx.snippets
        return "\n".join(m.group("indent") + line for line in body.splitlines())
    return INCLUDE.sub(sub, source)
