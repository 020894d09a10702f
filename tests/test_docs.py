"""The book's structural promises, checked on the Markdown sources.

* every `\\tag{NAME}` displayed on a page is echoed as `# (NAME)` on a code line of a
  file that the page includes (STYLE.md §3), so equation and code cannot drift apart;
* every snippet include names a file and section that exist;
* every public module has an API page, and every API page names a real module;
* no page or config names an outside host that a reader's browser would fetch.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import fa_book

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(p for p in DOCS.rglob("*.md") if "results" not in p.parts)
INCLUDE = re.compile(r'--8<--[ \t]+"(?P<target>[^"]+)"')
TAG = re.compile(r"\\tag\{(?P<name>[^}]+)\}")
OUTSIDE = re.compile(r"https?://(cdn\.|unpkg\.com|cdnjs\.|fonts\.googleapis|fonts\.gstatic|"
                     r"polyfill\.io|api\.github)")


def included_text(page_text: str) -> str:
    from tests.snippets import read_snippet
    return "\n".join(read_snippet(m.group("target")) for m in INCLUDE.finditer(page_text)
                     if not m.group("target").startswith("docs/results/"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_tag_is_computed_by_included_code(page):
    text = page.read_text(encoding="utf-8")
    tags = {m.group("name") for m in TAG.finditer(text)}
    code = included_text(text)
    missing = sorted(t for t in tags if f"# ({t})" not in code)
    assert not missing, (f"{page.name}: equations tagged {missing} have no code line "
                         f"ending in '# (TAG)' among the snippets this page includes")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_include_resolves(page):
    from tests.snippets import read_snippet
    for m in INCLUDE.finditer(page.read_text(encoding="utf-8")):
        read_snippet(m.group("target"))  # raises on a missing file or section


def public_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(fa_book.__path__)
             if not m.name.startswith("_")]
    return sorted(names)


def test_every_public_module_has_an_api_page():
    pages = {p.read_text(encoding="utf-8").strip() for p in (DOCS / "api").glob("*.md")}
    missing = [m for m in public_modules() if f"::: fa_book.{m}" not in pages]
    assert not missing, f"modules without an API page in docs/api/: {missing}"


def test_every_api_page_names_a_module():
    for page in (DOCS / "api").glob("*.md"):
        for m in re.finditer(r"^::: (\S+)", page.read_text(encoding="utf-8"), re.M):
            importlib.import_module(m.group(1))


def test_no_outside_hosts_in_pages_or_config():
    hits = []
    for path in [ROOT / "mkdocs.yml", *DOCS.rglob("*.md"), *DOCS.rglob("*.css")]:
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{i}: {line.strip()}")
    assert not hits, hits


def test_latex_strings_are_raw():
    """In a normal string `\\theta` starts with a tab, `\\nabla` with a newline and
    `\\beta` with a backspace: a string holding LaTeX must be raw (`r\"\"\"`)."""
    import io
    import tokenize
    commands = ("theta|tau|tag|text|textbf|times|tilde|top|to|nabla|nu|neq|beta|bar|big|"
                "bigl|bigr|boldsymbol|frac|rho|right|rangle|alpha|approx|ast|varepsilon|"
                "vec|vert|varphi|bmod|bf")
    # an unescaped backslash before a LaTeX command that starts with an escape letter
    latex = re.compile(rf"(?<!\\)(?:\\\\)*\\({commands})(?![a-zA-Z])")
    bad = []
    for path in sorted((ROOT / "fa_book").rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        for tok in tokens:
            if tok.type != tokenize.STRING:
                continue
            prefix = re.match(r"[a-zA-Z]*", tok.string).group().lower()
            if "r" not in prefix and latex.search(tok.string):
                bad.append(f"{path.relative_to(ROOT)}:{tok.start[0]}")
    assert not bad, bad


PYTHON_BLOCK = re.compile(r"^(?P<indent>[ \t]*)```python[^\n]*\n(?P<body>.*?)^(?P=indent)```",
                          re.M | re.S)


def page_python(page: Path) -> str:
    """Every executed ```python block of `page`, snippet includes expanded, dedented."""
    import textwrap

    from tests.snippets import expand
    blocks = [textwrap.dedent(m.group("body")) for m in PYTHON_BLOCK.finditer(
        page.read_text(encoding="utf-8"))]
    return "\n".join(expand(b) for b in blocks)


def private_imports(source: str) -> list[str]:
    """Imported names or modules that start with `_` (`__future__` aside)."""
    import ast
    bad = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            parts = (node.module or "").split(".")
            bad += [f"{node.module} (module)" for p in parts if p.startswith("_")][:1]
            bad += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
        elif isinstance(node, ast.Import):
            bad += [a.name for a in node.names
                    if any(p.startswith("_") for p in a.name.split("."))]
    return bad


def test_private_import_checker_catches_one():
    assert private_imports("from fa_book.x import a, _b\nimport fa_book._c\n"
                           "from fa_book._d import e") == [
        "fa_book.x._b", "fa_book._c", "fa_book._d (module)"]
    assert private_imports("from __future__ import annotations\nimport numpy") == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_no_page_imports_a_private_name(page):
    bad = private_imports(page_python(page))
    assert not bad, f"{page.name} imports private names: {', '.join(bad)}"


def undefined_globals(source: str) -> list[str]:
    """Global names that a function or method defined in `source` uses but that `source`
    never defines at module level (imports, defs, classes, assignments) and that are not
    builtins: a reader who pastes the blocks would get a NameError on the first call."""
    import builtins
    import symtable

    top = symtable.symtable(source, "<page>", "exec")
    defined = {s.get_name() for s in top.get_symbols() if s.is_assigned() or s.is_imported()}
    defined |= set(dir(builtins)) | {"__name__", "__file__"}
    missing = set()

    def walk(table):
        for child in table.get_children():
            if child.get_type() == "function":
                missing.update(f"{child.get_name()}: {n}" for n in child.get_globals()
                               if n not in defined)
            walk(child)
    walk(top)
    return sorted(missing)


def test_undefined_globals_checker_catches_one():
    assert undefined_globals("import math\ndef f(x):\n    return math.pi * g(x)\n") == ["f: g"]
    assert undefined_globals("def f():\n    return [y for y in range(3)]\n") == []


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_name_a_page_function_uses_is_defined_on_the_page(page):
    bad = undefined_globals(page_python(page))
    assert not bad, f"{page.name}: functions use names the page never defines: {bad}"
