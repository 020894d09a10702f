"""Every chapter as a notebook: generated from its page, and run top to bottom by a real kernel.

The notebooks are made by the same function the site build calls
(`hooks/notebooks.py`, `build_all`), so they cannot be older than their pages. Each one is
then executed by `nbclient` with an `ipykernel` kernel started from this interpreter
(`sys.executable -m ipykernel_launcher`), in an empty temporary folder where only the
installed package can be imported, and any error in any cell fails its test.
"""

from __future__ import annotations

import json
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from sybil import Document
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from hooks import notebooks
from tests.snippets import expand

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = notebooks.chapter_pages(ROOT / "mkdocs.yml")
PAGES = [page for _, page in CHAPTERS]
CELL_TIMEOUT = 120  # seconds per cell; every page's blocks together take a few seconds


def test_every_chapter_of_the_nav_gets_a_notebook():
    assert len(PAGES) >= 11, CHAPTERS
    assert "linear-prediction.md" in PAGES and "pg-theorem-proof.md" in PAGES
    assert "index.md" not in PAGES and not any(p.startswith("api/") for p in PAGES)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("notebooks")
    paths = notebooks.build_all(out, ROOT / "mkdocs.yml")
    return {p.stem + ".md": p for p in paths}


def page_python_blocks(page: str) -> list[str]:
    """The page's ```python blocks as docs/conftest.py (Sybil) runs them."""
    lexer = RawFencedCodeBlockLexer(
        info_pattern=re.compile(r"(?P<language>python|py)\b[^\n]*$\n", re.M),
        mapping={"language": "language", "source": "source"})
    doc = Document((ROOT / "docs" / page).read_text(encoding="utf-8"), str(page))
    return [expand(str(region.lexemes["source"])) for region in lexer(doc)]


@pytest.mark.parametrize("page", PAGES)
def test_notebook_holds_the_page(generated, page):
    nb = nbformat.read(generated[page], as_version=4)
    nbformat.validate(nb)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    # every Python block, includes expanded, in page order, exactly what Sybil runs
    # (the block's title, if any, is the cell's first comment line)
    blocks = page_python_blocks(page)
    assert len(code) == len(blocks), (len(code), len(blocks))
    for k, (cell, block) in enumerate(zip(code, blocks, strict=True)):
        body = re.sub(r"\A# [^\n]*\n", "", cell) if not block.startswith("#") else cell
        assert body.strip("\n") == block.strip("\n"), f"code cell {k} differs from block {k}"
    raw = (ROOT / "docs" / page).read_text(encoding="utf-8")
    # nothing of the page's markup is left for Jupyter to show raw
    everything = markdown + "\n".join(code)
    assert "--8<--" not in everything.replace('"--8<--"', "")
    assert not re.search(r"^\s*(!!!|\?\?\?\+?|===)\s", markdown, re.M)
    assert not re.search(r"^#+ .*\{ *#", markdown, re.M)
    # math stays TeX: as many display formulas as the page has
    def prose(text: str) -> str:
        return re.sub(r"^[ >]*```.*?^[ >]*```", "", text, flags=re.M | re.S)
    page_text = prose(expand(raw))
    assert prose(markdown).count("$$") == page_text.count("$$") > 0
    assert prose(markdown).count("$") == page_text.count("$")
    # every figure of the page is attached, and shown from its attachment
    figures = re.findall(r"!\[[^\]]*\]\(figures/([^)\s]+)\)", raw)
    attached = {name for c in nb.cells for name in c.get("attachments", {})}
    assert set(figures) <= attached, set(figures) - attached
    assert "](figures/" not in markdown
    for name in figures:
        assert f"(attachment:{name})" in markdown
    # tests shown on the page are code fences in Markdown, never executed
    if "```py3" in raw:
        assert "```python" in markdown
        assert not any(c.lstrip().startswith(("@given", "def test_")) for c in code)


def fake_page(src: str):
    return SimpleNamespace(file=SimpleNamespace(src_uri=src), url=src.replace(".md", ".html"))


def test_a_broken_include_fails_naming_page_and_include(tmp_path):
    from mkdocs.exceptions import PluginError

    snippets = notebooks.snippet_config(ROOT / "mkdocs.yml")
    for target in ("fa_book/prediction.py:no_such_section", "fa_book/no_such_file.py"):
        page = f'# 4. A page\n\nText.\n\n```python\n--8<-- "{target}"\n```\n'
        with pytest.raises(notebooks.NotebookError) as err:
            notebooks.notebook_from_markdown(page, "broken.md", snippets=snippets)
        assert "broken.md" in str(err.value) and target in str(err.value), err.value
        # and the same through the hook: the build stops with the page and include named
        config = {"nav": [{"4. A page": "broken.md"}], "docs_dir": str(ROOT / "docs"),
                  "config_file_path": str(ROOT / "mkdocs.yml"),
                  "mdx_configs": {"pymdownx.snippets": snippets}}
        with pytest.raises(PluginError, match=re.escape(target)) as err:
            notebooks.on_page_markdown(page, fake_page("broken.md"), config, None)
        assert "broken.md" in str(err.value)


def test_folded_code_is_collapsed_in_jupyter_but_an_exercise_stub_is_not():
    page = ("# 1. T\n\n??? example \"Check it yourself\"\n    ```python\n    stub = 1\n    ```\n\n"
            "??? success \"Solution\"\n    ```python\n    solution = 1\n    ```\n\n"
            "???+ note \"Open\"\n    ```python\n    shown = 1\n    ```\n\n"
            "```python\nplain = 1\n```\n")
    nb = notebooks.notebook_from_markdown(page, "t.md", snippets={})
    hidden = {c["source"]: c["metadata"].get("jupyter", {}).get("source_hidden", False)
              for c in nb["cells"] if c["cell_type"] == "code"}
    assert hidden == {"stub = 1": False, "solution = 1": True, "shown = 1": False,
                      "plain = 1": False}


def test_admonitions_and_fences_become_readable_markdown():
    page = ("# 1. T\n\n!!! warning \"Mind the seed\"\n    Same seed, same bits.\n\n"
            "??? check \"The test\"\n    ```py3 title=\"tests/x.py\"\n    assert 1\n    ```\n\n"
            "```text\nmake test\n```\n\n1. An item:\n\n    ```python\n    x = 1\n    ```\n\n"
            "    and more of the item, $x^2$.\n\n## Where { #where }\n")
    nb = notebooks.notebook_from_markdown(page, "t.md", snippets={})
    md = [c["source"] for c in nb["cells"] if c["cell_type"] == "markdown"]
    code = [c["source"] for c in nb["cells"] if c["cell_type"] == "code"]
    assert code == ["x = 1"]
    text = "\n".join(md)
    assert "> **Warning: Mind the seed**\n>\n> Same seed, same bits." in text
    assert "> **Check: The test**" in text and "> ```python\n> assert 1\n> ```" in text
    assert "```text\nmake test\n```" in text
    assert "and more of the item, $x^2$." in md[-1] and not md[-1].startswith(" ")
    assert text.rstrip().endswith("## Where")


# ------------------------------------------------------------------ execution by a kernel

def execute(path: Path, workdir: Path) -> tuple[str, float, str | None]:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)
    start = time.perf_counter()
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="fa-book-python",
                            resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute()
        error = None
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as err:
        error = str(err)[-3000:]
    return path.name, time.perf_counter() - start, error


@pytest.fixture(scope="module")
def kernel_spec(tmp_path_factory):
    """A kernel spec that starts this very interpreter (the venv), not whatever `python3`
    a system Jupyter would find; found by nbclient through JUPYTER_PATH."""
    jupyter = tmp_path_factory.mktemp("jupyter")
    spec = jupyter / "kernels" / "fa-book-python"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--log-level=ERROR"],  # not its note on local TCP without encryption
        "display_name": "fa_book (test)", "language": "python",
        "env": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "MPLBACKEND": "Agg"},
    }))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", str(jupyter))
        mp.setenv("JUPYTER_PLATFORM_DIRS", "1")
        yield "fa-book-python"


@pytest.fixture(scope="module")
def executed(generated, kernel_spec, tmp_path_factory) -> dict[str, tuple[float, str | None]]:
    runs = tmp_path_factory.mktemp("runs")
    jobs = []
    for path in generated.values():
        workdir = runs / path.stem          # empty: only the installed package is there
        workdir.mkdir()
        jobs.append((path, workdir))
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda job: execute(*job), jobs))
    wall = time.perf_counter() - start
    timings = ", ".join(f"{name} {t:.1f}s" for name, t, _ in results)
    print(f"\n{len(results)} notebooks executed in {wall:.1f} s (2 at a time): {timings}")
    out = {name.replace(".ipynb", ".md"): (t, err) for name, t, err in results}
    for (path, workdir) in jobs:
        leftovers = sorted(p.name for p in workdir.iterdir())
        if leftovers and out[path.stem + ".md"][1] is None:
            out[path.stem + ".md"] = (out[path.stem + ".md"][0],
                                      f"the notebook left files in its folder: {leftovers}")
    return out


@pytest.mark.parametrize("page", PAGES)
def test_notebook_runs_top_to_bottom_in_a_fresh_kernel(executed, page):
    seconds, error = executed[page]
    assert error is None, f"{page}: the notebook failed after {seconds:.1f} s:\n{error}"


def test_the_kernel_is_this_interpreter_in_an_empty_folder(kernel_spec, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os, sys\nprint(sys.executable)\nprint(os.getcwd())")])
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    workdir = tmp_path / "run"
    workdir.mkdir()
    from nbclient import NotebookClient
    NotebookClient(nb, timeout=60, kernel_name=kernel_spec,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    exe, cwd = nb.cells[0].outputs[0]["text"].split()
    assert Path(exe).resolve() == Path(sys.executable).resolve()
    assert Path(cwd).resolve() == workdir.resolve()


def test_a_failing_cell_fails_the_run(kernel_spec, tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    path = tmp_path / "bad.ipynb"
    nbformat.write(nb, path)
    _, _, error = execute(path, tmp_path)
    assert error is not None and "ZeroDivisionError" in error
