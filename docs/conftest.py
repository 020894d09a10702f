"""Run every ```python block of every page, exactly as the reader sees it.

``--8<-- "path:section"`` lines (pymdownx.snippets) are expanded first, from the same
files and named sections that the site build includes, so the test executes the code the
page shows.  Blocks of one page share one namespace, top to bottom, as in a fresh Python
session.
"""

from __future__ import annotations

import re

from sybil import Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from tests.snippets import expand


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
    # dont_inherit: this file's `from __future__ import annotations` must not leak into
    # the page, or a block whose annotations name un-imported things would pass here
    # and fail for the reader.
    code = compile(example.parsed, f"{example.path}:{example.line}", "exec", dont_inherit=True)
    exec(code, example.namespace)


pytest_collect_file = Sybil(parsers=[parse_python_blocks], patterns=["*.md"]).pytest()
