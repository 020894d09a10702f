"""The glossary 术语表 (issue 11, item 9) covers the site's Chinese terms.

Every Chinese term in a heading of any page, and every term of the notation table, stands
in `docs/glossary.md`; every row of its term table gives an English and a Chinese term and
links to the section that defines it.  (That each link's page and anchor exist in the built
site is checked by `tests/test_site.py::test_glossary_and_api_links_resolve`.)
"""

from __future__ import annotations

import re
from pathlib import Path

from hooks.zh_search import HAN, _strip_function_chars, heading_texts, terms_of_page

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
GLOSSARY = DOCS / "glossary.md"

# Headings whose Chinese is a phrase or a sentence about the section, not a term.  A new
# heading that is a term belongs in the glossary instead.
PHRASES = {
    "查询表为何不再够用", "表格更新只改一个词条", "会泛化的特征", "表格传播价值有多慢",
    "存不下的表格", "离散化后不再是马尔可夫过程", "平均价值用哪个", "各自收敛到哪里",
    "小链上的四个答案", "收敛有多快", "图的设置", "一个", "差别", "含常数",
    "期望更新等于梯度", "梯度蒙特卡洛的结果", "笔记中的更新", "分裂例子",
    "批量标准化的偏差", "山地车与瓦片编码", "查询表之外", "代码命名", "价值与策略", "笔记中的术语",
    "章节之上", "自测练习", "逐个种子的学习曲线",
}

LINK = re.compile(r"\]\((?P<target>[^)#\s]+)(?:#(?P<anchor>[^)\s]+))?\)")


def heading_terms() -> dict[str, str]:
    """``{term: page}`` for each Han run in a heading of a page (and in the notation
    table), without the joining characters at its ends."""
    out: dict[str, str] = {}
    for path in sorted(DOCS.rglob("*.md")):
        rel = path.relative_to(DOCS).as_posix()
        if rel.startswith("results/") or rel == "glossary.md":
            continue
        text = path.read_text(encoding="utf-8")
        runs = [r for h in heading_texts(text) for r in HAN.findall(h)]
        if rel == "notation.md":
            runs += terms_of_page(rel, text)
        for run in runs:
            run = _strip_function_chars(run)
            if len(run) >= 2:
                out.setdefault(run, rel)
    return out


def glossary_rows() -> list[list[str]]:
    """The cells of each row of the glossary's term tables (section "Terms", one table
    per group of letters), without their header and separator rows."""
    text = GLOSSARY.read_text(encoding="utf-8")
    section = text.split("## Terms", 1)[1].split("\n## ", 1)[0]
    rows = [[c.strip() for c in ln.strip().strip("|").split("|")]
            for ln in section.splitlines() if ln.startswith("|")]
    return [r for r in rows if r[0] != "English" and not set(r[0]) <= set("-: ")]


def test_every_heading_term_is_in_the_glossary():
    glossary = GLOSSARY.read_text(encoding="utf-8")
    terms = heading_terms()
    assert len(terms) >= 80, len(terms)
    missing = {t: page for t, page in terms.items() if t not in glossary and t not in PHRASES}
    assert not missing, (
        f"Chinese heading terms missing from docs/glossary.md: {missing}; add each to the "
        "glossary (or, if it is a phrase rather than a term, to PHRASES in this test)")


def test_phrases_are_still_headings():
    """PHRASES lists only phrases that some heading still holds."""
    stale = PHRASES - set(heading_terms())
    assert not stale, f"no heading holds {stale} any more: remove them from PHRASES"


def test_every_row_has_english_chinese_and_a_link():
    rows = glossary_rows()
    assert len(rows) >= 80, len(rows)
    bad = []
    for cells in rows:
        if len(cells) != 5:
            bad.append(("not 5 cells", cells))
            continue
        english, chinese, _alt, _symbol, where = cells
        if not english or not chinese or not LINK.search(where):
            bad.append(("empty English, Chinese or link", cells))
        for m in LINK.finditer(where):
            if not (DOCS / m.group("target")).is_file():
                bad.append(("link to a missing page", m.group("target")))
    assert not bad, bad


def test_the_notes_term_and_the_common_alternative():
    """Where the notes' term differs from the usual one, both are there (the issue's
    example: 经验池 / 经验回放)."""
    rows = {cells[1]: cells[2] for cells in glossary_rows()}
    assert "经验回放" in rows["经验池"]
    assert "维数灾难" in rows["维度灾难"]
    assert "ε-贪婪" in rows["ε-贪心"]
