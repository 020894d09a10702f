"""The import graph of fa_book flows in chapter order: a module imports only the base
layer and modules of its own or earlier chapters, and there are no cycles."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import fa_book

PKG = Path(fa_book.__file__).parent

# chapter of each lesson module; a companion `<module>_runs` / `<module>_*` module belongs
# to its lesson's chapter.  The base layer (0) may be imported by every chapter.
CHAPTER = {
    "validate": 0, "_doc": 0, "oracles": 0, "envs": 0, "nets": 0,
    "tabular": 1, "discretize": 2,
    "features": 3, "tiles": 3, "approximators": 3,
    "prediction": 4, "control": 5, "semi_gradient": 6, "dqn": 7,
    "policies": 8, "policy_gradient": 8, "reinforce": 10,
}


def chapter_of(module: str) -> int | None:
    """`module` relative to the package, e.g. 'prediction_runs' or 'envs.baird'."""
    head = module.split(".")[0]
    if head in ("figures", "exercises"):
        return None  # figures only plot, exercises only grade: they may import every chapter
    for name in sorted(CHAPTER, key=len, reverse=True):
        if head == name or head.startswith(name + "_"):
            return CHAPTER[name]
    raise AssertionError(f"fa_book.{module} is in no chapter: add it to CHAPTER")


def modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if parts:
            out[".".join(parts)] = path
    return out


def imports(path: Path) -> set[str]:
    """fa_book modules imported by `path` at module level or inside functions."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # `if __name__ == "__main__":` runs the module as a script (`python -m`): not an import
    tree.body = [n for n in tree.body if not (
        isinstance(n, ast.If) and "__main__" in ast.unparse(n.test))]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "fa_book":
                found |= {a.name for a in node.names}
            elif node.module.startswith("fa_book."):
                found.add(node.module.removeprefix("fa_book."))
        elif isinstance(node, ast.Import):
            found |= {a.name.removeprefix("fa_book.") for a in node.names
                      if a.name.startswith("fa_book.")}
    return found


def test_imports_flow_in_chapter_order():
    mods = modules()
    wrong = []
    for mod, path in mods.items():
        here = chapter_of(mod)
        if here is None:
            continue
        for dep in imports(path):
            if dep not in mods and dep.split(".")[0] not in mods:
                continue  # a name imported from the package root
            there = chapter_of(dep)
            if there is None:
                wrong.append(f"fa_book.{mod} imports the figures (fa_book.{dep})")
            elif there > here:
                wrong.append(f"fa_book.{mod} (chapter {here}) imports fa_book.{dep} "
                             f"(chapter {there})")
    assert not wrong, "\n".join(wrong)


def test_no_import_cycles():
    mods = modules()
    graph = {m: {d for d in imports(p) if d in mods and d != m} for m, p in mods.items()}
    state: dict[str, int] = {}

    def visit(m, stack):
        state[m] = 1
        for d in sorted(graph[m]):
            if state.get(d) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack + [m, d]))
            if d not in state:
                visit(d, stack + [m])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [])


def test_chapter_checker_catches_a_backward_import(tmp_path):
    assert chapter_of("prediction_runs") == 4 and chapter_of("envs.baird") == 0
    src = tmp_path / "x.py"
    src.write_text("from fa_book.reinforce import returns\nimport fa_book.dqn\n")
    assert imports(src) == {"reinforce", "dqn"}
    assert re.match(r"figures", "figures.dqn") and chapter_of("figures.dqn") is None
