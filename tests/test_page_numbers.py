"""A page must not restate a number differently from the generated tables it includes.

CONTRIBUTING.md: numbers in prose come from a generated table or from code on the page.
A page that includes a table *and* retypes one of its numbers can drift from it (the DQN
page once said `n_step = 1` failed on "2 of the tuning seeds 100–102" while its table said
"3 of", and its tuning seeds were 100–109). This checker reads each page's included
generated files (`--8<-- "docs/results/NAME.md"`: tables, captions, generated sentences)
and extracts facts from them; it then reads the page's own prose — outside code fences,
math, hand-written tables and includes — sentence by sentence, and reports a sentence that
restates a fact with a different number. Four kinds of fact:

* **cell**: row label + column header -> the cell's numbers. Claimed by a sentence that
  names the row label (textual labels only) and the column header (without its
  parenthesised part); the claimed number is the first one after the header, compared
  after rounding the cell to the prose's decimals.
* **count** ("k of n seeds/runs/…"): from cells ("3 of 3" under "seeds ending >= 475")
  and from generated sentences. Claimed by a prose "k of [the] [n] … seeds" in a sentence
  that names the same row label, or the same inline-code token (`n_step = 1`) as the
  generated sentence.
* **seeds** (a seed range or list): from captions and generated sentences ("seeds 0-19",
  "Seeds 0, 1, 2", "seed 2024"), from `seed` columns (all values, and the values of each
  group of rows that agree in the label columns before it) and from `seed` config fields.
  A prose seed set that shares a seed with one of them must equal one of them (a single
  seed may name one run of a set); a set disjoint from all of them is not compared.
* **config default**: `field` -> value from config tables (`| field | value | … |`).
  Claimed by `field = value` written as the default: "defaults (`n_step = 5`)",
  "`n_step = 5` (the default)", "by default `n_step = 5`".

It is a heuristic: it catches a restated number only in these shapes, and a page passes
by not restating numbers at all (include the generated sentence instead). It can fail:
`test_checker_reports_*` feed it synthetic pages with contradicting sentences.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.glob("*.md"))
RESULT_INCLUDE = re.compile(r'^[ \t]*--8<--[ \t]+"(docs/results/[^"]+\.md)"[ \t]*$', re.M)

NUMBER = re.compile(r"(?<![\w.\-/])(-?\d{1,3}(?:[ \u2009\u00a0]\d{3})+(?![\d.,])|"
                    r"-?\d+(?:,\d{3})*(?:\.\d+)?)(k)?(?![\w.]*\d)(?![A-Za-z_])")
NOUNS = r"(?:seeds|runs|games|episodes|MDPs|states|variants)"
COUNT = re.compile(r"\b(\d+) of (?:the )?(?:(\d+) )?(?:[\w\-]+ ){0,3}?" + NOUNS + r"\b")
SEED_RANGE = re.compile(r"(?<![-\w])seeds?\s+(\d+)\s*(?:[-–—]|to)\s*(\d+)\b", re.I)
SEED_LIST = re.compile(r"(?<![-\w])seeds\s+(\d+(?:\s*,\s*\d+)+(?:,?\s+and\s+\d+)?)"
                       r"(?!\s*,\s*\d)(?!\s*,?\s*(?:\.\.\.|…|\\ldots))",
                       re.I)  # "seeds 0, 1, 2, ..." is an open list, not a seed set
SEED_ONE = re.compile(r"(?<![-\w])seed\s+(\d+)\b(?!\s*(?:[-–—,]|to\s)\s*\d)", re.I)
CODE_ASSIGN = re.compile(r"`(\w+)\s*=\s*([^`]+?)`")


# ------------------------------------------------------------------------------------
# Reading text
# ------------------------------------------------------------------------------------


def numbers(text: str) -> list[tuple[float, int]]:
    """The numbers in `text` as (value, decimals); "30k", "30,000" and "30 000" are
    30000."""
    out = []
    for m in NUMBER.finditer(text):
        s = re.sub(r"[, \u2009\u00a0]", "", m.group(1))
        decimals = len(s.split(".")[1]) if "." in s else 0
        value = float(s) * (1000 if m.group(2) else 1)
        out.append((value, 0 if m.group(2) else decimals))
    return out


def clean(text: str) -> str:
    """Markdown cell or sentence -> plain text: no math, no emphasis, code unwrapped."""
    text = re.sub(r"\$[^$]*\$", " ", text)                      # inline math
    text = re.sub(r"\]\([^)]*\)", "]", text)                    # link targets
    text = re.sub(r"\[([^\]]*)\]\[[^\]]*\]", r"\1", text)       # [text][ref]
    text = text.replace("**", "").replace("`", "").replace("*", "")
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())


def seed_sets(text: str) -> list[frozenset[int]]:
    """Seed ranges, lists and single seeds stated in `text`."""
    out = []
    for m in SEED_RANGE.finditer(text):
        a, b = int(m.group(1)), int(m.group(2))
        if a <= b:
            out.append(frozenset(range(a, b + 1)))
    for m in SEED_LIST.finditer(text):
        out.append(frozenset(int(v) for v in re.findall(r"\d+", m.group(1))))
    for m in SEED_ONE.finditer(text):
        out.append(frozenset({int(m.group(1))}))
    return out


def split_sentences(paragraph: str) -> list[str]:
    parts = re.split(r"(?<=[.;!?:])\s+(?=[A-Z*(`\"“\[])|;\s+", paragraph)
    return [p for p in parts if p.strip()]


def prose_sentences(page: str) -> list[str]:
    """The page's own sentences: outside fences, display math, tables, includes and
    HTML comments; list items and paragraphs are split into sentences."""
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"\$\$.*?\$\$", " ", page, flags=re.S)
    lines, in_fence, fence = [], False, ""
    for line in page.splitlines():
        stripped = line.strip()
        m = re.match(r"(`{3,}|~{3,})", stripped)
        if m and (not in_fence or stripped.startswith(fence)):
            in_fence, fence = (not in_fence), m.group(1)
            lines.append("")
            continue
        if in_fence or stripped.startswith(("|", "--8<--", "![", "#")):
            lines.append("")
            continue
        if re.match(r"(\d+\.|[*-]|\?{3}|!{3})\s", stripped):     # a new item or admonition
            lines.append("")
        lines.append(stripped)
    paragraphs = " ".join(x if x else "\n" for x in lines).split("\n")
    return [s for p in paragraphs for s in split_sentences(" ".join(p.split()))]


# ------------------------------------------------------------------------------------
# Facts from the generated files
# ------------------------------------------------------------------------------------


@dataclass
class Facts:
    cells: list[tuple[str, str, str, str]] = field(default_factory=list)
    """(source, row label, column header, cell text)"""
    counts: list[tuple[str, frozenset[str], str, int, int | None]] = field(
        default_factory=list)
    """(source, keys naming the subject, noun, k, n)"""
    seeds: list[frozenset[int]] = field(default_factory=list)
    defaults: dict[str, set[str]] = field(default_factory=dict)
    """config field -> the values its tables give"""


def table_blocks(text: str) -> tuple[list[list[list[str]]], list[str]]:
    """(tables as lists of rows of cells, the other lines)."""
    tables, other, current = [], [], []
    for line in text.splitlines():
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                current.append(cells)
            continue
        if current:
            tables.append(current)
            current = []
        other.append(line)
    if current:
        tables.append(current)
    return tables, other


def label_of(cell: str) -> str:
    return clean(cell).rstrip(":").strip()


def is_textual(label: str) -> bool:
    return len(label) >= 4 and sum(c.isalpha() for c in label) >= 3


def counts_in(text: str) -> list[tuple[str, int, int | None]]:
    return [(m.group(0).split()[-1], int(m.group(1)), int(m.group(2)) if m.group(2)
             else None) for m in COUNT.finditer(text)]


def code_tokens(sentence: str) -> frozenset[str]:
    return frozenset(" ".join(t.split()) for t in re.findall(r"`([^`]+)`", sentence))


def facts_of(sources: dict[str, str]) -> Facts:
    """Facts stated by the generated files `sources` (name -> text)."""
    facts = Facts()
    for name, text in sources.items():
        tables, other = table_blocks(text)
        for rows in tables:
            header, body = rows[0], rows[1:]
            heads = [label_of(h) for h in header]
            if heads[:2] == ["field", "value"]:
                for row in body:
                    facts.defaults.setdefault(label_of(row[0]), set()).add(
                        clean(row[1]).strip("'\""))
                    if label_of(row[0]) in ("seed", "seeds"):
                        facts.seeds.append(frozenset(int(v) for v, _ in numbers(row[1])))
                continue
            seed_cols = [j for j, h in enumerate(heads) if h.lower() in ("seed", "seeds")]
            for j in seed_cols:
                groups: dict[tuple, set[int]] = {}
                for row in body:
                    key = tuple(c for i, c in enumerate(row) if i != j and i < j)
                    groups.setdefault(key, set()).update(int(v) for v, _ in numbers(row[j]))
                facts.seeds += [frozenset(g) for g in groups.values()]
                facts.seeds.append(frozenset().union(*groups.values()))
            for row in body:
                label = label_of(row[0])
                for head, cell in zip(heads[1:], row[1:], strict=False):
                    facts.cells.append((name, label, head, cell))
                    for noun, k, n in counts_in(f"{cell} {head}"):
                        facts.counts.append((name, frozenset({label}), noun, k, n))
        prose = " ".join(other)
        facts.seeds += seed_sets(prose)
        for sentence in split_sentences(" ".join(prose.split())):
            for noun, k, n in counts_in(clean(sentence)):
                facts.counts.append((name, code_tokens(sentence), noun, k, n))
    return facts


# ------------------------------------------------------------------------------------
# The check
# ------------------------------------------------------------------------------------


def header_phrase(head: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", " ", head).split()).lower()


def matches(claim: tuple[float, int], cell: str) -> bool:
    value, decimals = claim
    return any(round(v, decimals) == value or v == value for v, _ in numbers(cell))


def check_page(page: str, sources: dict[str, str]) -> list[str]:
    """Sentences of `page` that restate a fact of `sources` with another number."""
    facts = facts_of(sources)
    problems = []
    for raw in prose_sentences(page):
        sentence = clean(raw)
        low = sentence.lower()
        tokens = code_tokens(raw)
        # cells: the row label and the column header named, the first number after the
        # header; wrong if no cell with that label and header has it (labels may repeat)
        claimed: dict[tuple[str, str], tuple[tuple[float, int], list[str]]] = {}
        for name, label, head, cell in facts.cells:
            phrase = header_phrase(head)
            if not (is_textual(label) and len(phrase) >= 6 and numbers(cell)):
                continue
            if label.lower() not in low or phrase not in low:
                continue
            after = numbers(low[low.index(phrase) + len(phrase):])
            if after:
                claim, cells = claimed.setdefault((label, head), (after[0], []))
                cells.append(f"{name}: {cell}")
        for (label, head), (claim, cells) in claimed.items():
            if not any(matches(claim, c.split(": ", 1)[1]) for c in cells):
                problems.append(f"'{label}' / '{head}' is {' or '.join(cells)}, the page "
                                f"says {claim[0]:g}: {sentence!r}")
        # counts: k of n, with the same subject
        for noun, k, n in counts_in(sentence):
            same = [(src, fk, fn) for src, keys, fnoun, fk, fn in facts.counts
                    if fnoun == noun and (keys & tokens or any(
                        is_textual(key) and key.lower() in low for key in keys))]
            if same and not any(fk == k and (n is None or fn in (None, n))
                                for _, fk, fn in same):
                given = ", ".join(sorted({f"{fk} of {fn}" if fn else str(fk)
                                          for _, fk, fn in same}))
                problems.append(f"{same[0][0]}: {given} {noun}, the page says {k}"
                                f"{f' of {n}' if n else ''}: {sentence!r}")
        # seeds: a set that overlaps a generated seed set must be one of them (a single
        # seed may be one run of a set); sets disjoint from all of them are not compared
        for seeds in seed_sets(sentence):
            overlap = [g for g in facts.seeds if g & seeds]
            if len(seeds) == 1 and any(seeds <= g for g in overlap):
                continue
            if overlap and seeds not in facts.seeds:
                    shown = (f"{min(seeds)}-{max(seeds)}" if len(seeds) > 1 else
                             str(min(seeds)))
                    problems.append(f"seeds {shown} are not a seed set of the generated "
                                    f"tables/captions/configs: {sentence!r}")
        # config defaults: "the default `field = value`", "`field = value` (the default)"
        for m in CODE_ASSIGN.finditer(raw):
            before, after = raw[:m.start()].lower(), raw[m.end():].lower()
            if not (re.search(r"defaults?\W{0,3}(?:is\W|are\W|of\W|=)?\W{0,2}$", before)
                    or re.match(r"\W{0,3}(?:is |are )?(?:\(|, )?(?:the |its |our )?"
                                r"defaults?\b", after)
                    or re.search(r"by default\W{0,3}$", before)):
                continue
            fname, value = m.groups()
            given = facts.defaults.get(fname)
            value = value.strip().strip("'\"")
            same_number = [g for g in given or () if numbers(value) and numbers(g)
                           and numbers(value)[0][0] == numbers(g)[0][0]]
            if given and value not in given and not same_number:
                problems.append(f"the config table gives {fname} = "
                                f"{' or '.join(sorted(given))}, the page says "
                                f"{value}: {sentence!r}")
    return problems


def sources_of(page: str) -> dict[str, str]:
    return {m.group(1): (ROOT / m.group(1)).read_text(encoding="utf-8")
            for m in RESULT_INCLUDE.finditer(page)}


# ------------------------------------------------------------------------------------
# The checker can fail
# ------------------------------------------------------------------------------------

TABLE = """| variant | final greedy return (mean over seeds) | seeds ending >= 475 |
|---|---|---|
| no target network | 19.5 | 0 of 3 |
| DQN (replay + target network) | 500.0 | 3 of 3 |

Seeds 0, 1, 2; settings: `DQNConfig()` defaults.
"""
SUMMARY = ("With the defaults (`n_step = 5`), 9 of the 10 tuning seeds end above 475; "
           "with `n_step = 1`, 3 of 5 tuning seeds never stay >= 475.\n")
TUNING = """| n_step | seed | final greedy return |
|---|---|---|
| 5 | 100 | 500.0 |
| 5 | 101 | 500.0 |
| 1 | 100 | 98.2 |
"""
CONFIG = """| field | value | meaning |
|---|---|---|
| `target_update` | `200` | C |
| `n_step` | `5` | n |
"""
SOURCES = {"docs/results/a.md": TABLE, "docs/results/s.md": SUMMARY,
           "docs/results/t.md": TUNING, "docs/results/c.md": CONFIG}


def page_with(sentence: str) -> str:
    includes = "\n\n".join(f'--8<-- "{name}"' for name in SOURCES)
    return (f"# A page\n\n{includes}\n\nSome intro. {sentence} More text.\n\n"
            "```python\nprint('3 of 7 seeds 4-9')  # code is not prose\n```\n")


@pytest.mark.parametrize("sentence", [
    "Without it, the no target network variant ends at a final greedy return of 25.0.",
    "The no target network variant has 1 of 3 seeds ending above 475.",
    "With `n_step = 1`, 2 of the tuning seeds never stay above 475.",
    "The settings were tuned on seeds 100–102.",
    "The figure uses seeds 0–4.",
    "By default `target_update = 100`, a few hundred steps.",
    "With the defaults (`n_step = 4`) the runs end at 500.",
    "Runs with `n_step = 1` (the default) end at 500.",
])
def test_checker_reports_a_contradicting_sentence(sentence):
    problems = check_page(page_with(sentence), SOURCES)
    assert problems, f"not reported: {sentence!r}"


@pytest.mark.parametrize("sentence", [
    "The no target network variant ends at a final greedy return of 19.5.",
    "The no target network variant has 0 of 3 seeds ending above 475.",
    "With `n_step = 1`, 3 of 5 tuning seeds never stay above 475.",
    "The settings were tuned on seeds 100–101.",
    "The figure uses seeds 0, 1, 2, the ablation table's.",
    "By default `target_update = 200`, and `n_step = 1` is a variant.",
    "With the other defaults unchanged and `n_step = 1`, the runs plateau.",
    "With the defaults (`n_step = 5`) the runs end at 500.",
    "We ran 7 of our own experiments with α = 0.05 (S&B §11.6, 2018).",
])
def test_checker_passes_a_consistent_sentence(sentence):
    assert check_page(page_with(sentence), SOURCES) == []


def test_prose_excludes_code_math_and_tables():
    page = ("Text with $3 \\text{ of } 4$ seeds.\n\n$$\nseeds 5-9\n$$\n\n"
            "| seeds 1-2 | x |\n|---|---|\n\n```text\nseed 7\n```\n\nLast seed 3 here.\n")
    sentences = prose_sentences(page)
    assert [s for s in sentences if "seed" in s] == ["Text with $3 \\text{ of } 4$ seeds.",
                                                      "Last seed 3 here."]


# ------------------------------------------------------------------------------------
# The real pages
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_restates_no_generated_number_differently(page):
    text = page.read_text(encoding="utf-8")
    problems = check_page(text, sources_of(text))
    assert not problems, f"{page.name}:\n" + "\n".join(problems)


def test_checker_accepts_any_row_of_a_repeated_label():
    rows = "| implementation | seed | stays >= 475 from step |\n|---|---|---|\n"
    rows += "".join(f"| fa_book | {k} | {v} |\n" for k, v in enumerate((22000, 18000)))
    sources = {"docs/results/b.md": rows}
    page = '--8<-- "docs/results/b.md"\n\n'
    ok = "With fa_book the seed-1 run stays >= 475 from step 18000."
    wrong = "With fa_book the seed-1 run stays >= 475 from step 17000."
    assert check_page(page + ok, sources) == []
    assert check_page(page + wrong, sources)


def test_the_check_is_fast():
    """Every page checked in under 5 s of CPU time (CPU, not wall: the suite shares its
    cores)."""
    start = time.process_time()
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        check_page(text, sources_of(text))
    assert time.process_time() - start < 5.0
