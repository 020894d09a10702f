"""MkDocs hook: Chinese search that finds the site's own terms, typed whole or in part.

How Material's search handles Chinese (mkdocs-material 9.x, read from its sources):

* **Build time.** The search plugin cuts every run of Han characters with jieba's precise
  mode (``jieba.cut``) and joins the words with U+200B (zero-width space).
* **In the browser.** The worker splits the indexed text at ``search.separator``; then a
  typed query's Han runs are cut greedily against the words already in the index: at each
  position it takes the longest *proper* prefix of the rest of the query that is an index
  word (never the whole rest), and adds a trailing ``*`` to each piece.  If no prefix of
  the query is an index word, the query is kept whole.

So, before this hook, a term failed in three ways: the theme's English separator
``[\\s\\-]+`` did not split at U+200B, so a whole run of Han text was one index word; a
term jieba splits (瓦片编码 -> 瓦片/编码) was then looked up whole; and a word inside a
longer one (梯度 in 策略梯度) was never an index word at all.

This hook makes the two sides agree:

1. ``on_files``: every Chinese term of the site (each Han run of every heading, and of the
   tables of the notation page and the glossary) is added to jieba's dictionary, so the
   build keeps it whole, as a reader types it.
2. ``on_post_build`` (after the search plugin writes the index, before the offline plugin
   inlines it): each entry gains two fields that are indexed but never shown,
   ``title_zh`` and ``text_zh``, holding, for every Chinese word of its title and text, the
   dictionary words inside it (梯度 and 策略 for 策略梯度) and the prefixes of at least two
   characters of those words and of the word itself.  ``title_zh`` also holds the
   glossary's terms for the section its row links to first (the notes' term and the common
   alternatives), so that 经验回放 finds the section on 经验池, not only the glossary.
   With the prefixes in the index the browser's greedy cut of a typed term ends one
   character short of the whole term, and its trailing ``*`` completes it: 时序差分误差
   is looked up as ``时序差分误*``.
3. The same step replaces the raw TeX of every formula in the index (``\\(\\hat q\\)``) by a
   plain-text reading (``q̂``), so search previews show no TeX (the pages themselves are
   rendered by KaTeX in ``hooks/offline_math.py``).

The index's separator must split at U+200B (``search.separator`` in ``mkdocs.yml``); the
build fails, saying so, if it does not.
"""

from __future__ import annotations

import html
import json
import logging
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

log = logging.getLogger("mkdocs.hooks.zh_search")

HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
HEADING = re.compile(r"^#{1,6}\s+(?P<text>.+?)\s*(?:\{[^}]*\})?\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")
# Single characters that join a term to the rest of a heading, not part of the term
# (not 对: it starts 对数似然).
EDGE_FUNCTION_CHARS = "与的和及"
# Pages whose tables list terms (every Han run in them is a term).
TERM_TABLE_PAGES = ("notation.md", "glossary.md")
HIDDEN_FIELDS = {"title_zh": "title", "text_zh": "text"}

#: The terms added to jieba by the last build (read by the tests through ``site_terms``).
SITE_TERMS: dict[str, list[str]] = {}
#: ``{index location: [Chinese terms]}``: each glossary row's terms (the notes' and the
#: alternatives) for the section its first link points to, so that 经验回放 finds the
#: section on replay memory (经验池), not only the glossary.
SYNONYMS: dict[str, list[str]] = {}
GLOSSARY_LINK = re.compile(r"\]\((?P<page>[^)#\s]+\.md)(?:#(?P<anchor>[^)\s]+))?\)")


def glossary_synonyms(markdown: str) -> dict[str, list[str]]:
    """``{"dqn.html#replay-memory-d": ["经验池", "经验回放", ...]}`` from the glossary's
    term table (columns: English, the notes' term, also written, symbol, defined in)."""
    out: dict[str, list[str]] = {}
    for row in table_rows(markdown):
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) != 5:
            continue
        m = GLOSSARY_LINK.search(cells[4])
        if not m:
            continue
        location = m.group("page")[:-3] + ".html" + (f"#{m.group('anchor')}"
                                                     if m.group("anchor") else "")
        terms = [t for t in HAN.findall(cells[1] + " " + cells[2]) if len(t) >= 2]
        out.setdefault(location, [])
        out[location] += [t for t in terms if t not in out[location]]
    return out


def _strip_function_chars(run: str) -> str:
    while len(run) > 2 and run[0] in EDGE_FUNCTION_CHARS:
        run = run[1:]
    while len(run) > 2 and run[-1] in EDGE_FUNCTION_CHARS:
        run = run[:-1]
    return run


def heading_texts(markdown: str) -> list[str]:
    """The text of every ATX heading of a Markdown page, outside fenced code."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            m = HEADING.match(line)
            if m:
                out.append(m.group("text"))
    return out


def table_rows(markdown: str) -> list[str]:
    """Every table row of a Markdown page (lines that start with ``|``), outside fences."""
    out, fenced = [], False
    for line in markdown.splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced and line.lstrip().startswith("|"):
            out.append(line)
    return out


def terms_of_page(src_path: str, markdown: str) -> list[str]:
    """The Chinese terms a page defines: the Han runs of its headings (and of its tables,
    for the notation page and the glossary), each also without the joining characters at
    its ends (笔记的出入 for 与笔记的出入)."""
    texts = heading_texts(markdown)
    if Path(src_path).name in TERM_TABLE_PAGES:
        texts += table_rows(markdown)
    terms = []
    for text in texts:
        for run in HAN.findall(text):
            # the term without its joining characters first, then the run as printed
            # (jieba keeps the last word added whole, and a reader may type either)
            for term in (_strip_function_chars(run), run):
                if len(term) >= 2 and term not in terms:
                    terms.append(term)
    return terms


def site_terms(docs_dir: Path) -> dict[str, list[str]]:
    """``{page: [terms]}`` for every Markdown page under ``docs_dir`` (for the tests)."""
    out = {}
    for path in sorted(docs_dir.rglob("*.md")):
        rel = path.relative_to(docs_dir).as_posix()
        if rel.startswith("results/"):
            continue
        terms = terms_of_page(rel, path.read_text(encoding="utf-8"))
        if terms:
            out[rel] = terms
    return out


def _jieba():
    try:
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency of the book
        raise PluginError("jieba is not installed: Chinese search needs it "
                          "(`pip install jieba`)") from None
    return jieba


def on_files(files, config):
    jieba = _jieba()
    SITE_TERMS.clear()
    for file in files.documentation_pages():
        if file.src_uri.startswith("results/"):
            continue
        terms = terms_of_page(file.src_uri, file.content_string)
        if terms:
            SITE_TERMS[file.src_uri] = terms
        if file.src_uri == "glossary.md":
            SYNONYMS.clear()
            SYNONYMS.update(glossary_synonyms(file.content_string))
    added = 0
    for terms in SITE_TERMS.values():
        for term in terms:
            jieba.add_word(term)  # freq: jieba.suggest_freq, just enough to keep it whole
            added += 1
    log.debug("added %d site terms to jieba's dictionary", added)
    return files


# ---------------------------------------------------------------------------------------
# The search index


def _known_words():
    jieba = _jieba()
    jieba.dt.check_initialized()
    freq = jieba.dt.FREQ
    return lambda w: freq.get(w, 0) > 0


def word_parts(word: str, is_word) -> set[str]:
    """What a Chinese index word adds to the hidden fields: its prefixes of >= 2 characters,
    the dictionary words inside it, and their prefixes of >= 2 characters."""
    parts = {word[:k] for k in range(2, len(word))}
    n = len(word)
    for i in range(n):
        for j in range(i + 2, n + 1):
            if (i, j) == (0, n):
                continue
            sub = word[i:j]
            if is_word(sub):
                parts.add(sub)
                parts.update(sub[:k] for k in range(2, len(sub)))
    parts.discard(word)
    return parts


TAG = re.compile(r"<[^>]*>")


def hidden_field(value: str, separator: re.Pattern, is_word) -> str:
    parts: list[str] = []
    seen: set[str] = set()
    for token in separator.split(TAG.sub(" ", value)):
        for run in HAN.findall(token):
            if len(run) < 2:
                continue
            for part in sorted(word_parts(run, is_word)):
                if part not in seen:
                    seen.add(part)
                    parts.append(part)
    return " ".join(parts)


# --- raw TeX -> plain text, for previews ----------------------------------------------

TEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "Gamma": "Γ", "delta": "δ", "Delta": "Δ",
    "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ",
    "vartheta": "θ", "Theta": "Θ", "iota": "ι", "kappa": "κ", "lambda": "λ",
    "Lambda": "Λ", "mu": "μ", "nu": "ν", "xi": "ξ", "Xi": "Ξ", "pi": "π", "Pi": "Π",
    "rho": "ρ", "varrho": "ρ", "sigma": "σ", "Sigma": "Σ", "tau": "τ", "upsilon": "υ",
    "phi": "φ", "varphi": "φ", "Phi": "Φ", "chi": "χ", "psi": "ψ", "Psi": "Ψ",
    "omega": "ω", "Omega": "Ω", "nabla": "∇", "partial": "∂", "infty": "∞",
    "sum": "Σ", "prod": "Π", "int": "∫", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "approx": "≈", "sim": "~", "propto": "∝", "equiv": "≡",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩",
    "times": "×", "cdot": "·", "cdots": "⋯", "ldots": "…", "dots": "…", "dotsc": "…",
    "dotsb": "…", "vdots": "⋮", "pm": "±", "mp": "∓", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "Rightarrow": "⇒", "Leftarrow": "⇐", "leftrightarrow": "↔",
    "mapsto": "↦", "gets": "←", "mid": "|", "vert": "|", "Vert": "‖", "|": "‖",
    "lVert": "‖", "rVert": "‖", "lvert": "|", "rvert": "|", "langle": "⟨",
    "rangle": "⟩", "top": "ᵀ", "intercal": "ᵀ", "prime": "′", "forall": "∀",
    "exists": "∃", "neg": "¬", "land": "∧", "lor": "∨", "circ": "∘", "ell": "ℓ",
    "emptyset": "∅", "varnothing": "∅", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈",
    "rceil": "⌉", "star": "⋆", "ast": "∗", "odot": "⊙", "otimes": "⊗", "oplus": "⊕",
    "sqrt": "√", "{": "{", "}": "}", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_",
    ",": " ", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": " ",
    "log": "log", "ln": "ln", "exp": "exp", "max": "max", "min": "min", "arg": "arg",
    "argmax": "argmax", "argmin": "argmin", "sup": "sup", "inf": "inf", "lim": "lim",
    "Pr": "Pr", "det": "det", "sin": "sin", "cos": "cos", "tanh": "tanh",
}
# Accents: \hat q -> q̂ (a combining mark after the first character of the argument).
TEX_ACCENTS = {"hat": "\u0302", "widehat": "\u0302", "bar": "\u0304",
               "overline": "\u0305", "tilde": "\u0303", "widetilde": "\u0303",
               "dot": "\u0307", "ddot": "\u0308", "vec": "\u20d7"}
# Commands whose braced argument is kept as it is (fonts, text, operators).
TEX_KEEP_ARG = {"mathbf", "mathrm", "mathcal", "mathbb", "mathit", "mathsf", "mathtt",
                "boldsymbol", "bm", "text", "textrm", "textbf", "textit", "texttt",
                "operatorname", "mathop", "underline", "displaystyle", "left", "right",
                "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
                "limits", "nolimits", "tfrac", "dfrac"}
TEX_DROP_WITH_ARG = {"tag", "label", "color", "textcolor", "hspace", "vspace",
                     "begin", "end"}
MATH_SPAN = re.compile(r"\\\((?P<i>.*?)\\\)|\\\[(?P<d>.*?)\\\]", re.S)


def _read_group(tex: str, i: int) -> tuple[str, int]:
    """The argument starting at ``tex[i]`` (a braced group or one token) and the end."""
    while i < len(tex) and tex[i] == " ":
        i += 1
    if i >= len(tex):
        return "", i
    if tex[i] == "{":
        depth, j = 0, i
        while j < len(tex):
            if tex[j] == "{":
                depth += 1
            elif tex[j] == "}":
                depth -= 1
                if depth == 0:
                    return tex[i + 1:j], j + 1
            j += 1
        return tex[i + 1:], len(tex)
    if tex[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
        return m.group(0), i + len(m.group(0))
    return tex[i], i + 1


SUB = dict(zip("0123456789+-=()aehijklmnoprstuvx",
               "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
SUP = dict(zip("0123456789+-=()abcdefghijklmnoprstuvwxyzT",
               "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᵀ", strict=True))


def _script(text: str, kind: str) -> str:
    """``t+1`` as a Unicode subscript (``ₜ₊₁``) where every character has one, else
    ``_(t+1)`` / ``^(t+1)``; a prime or a transpose stays as it is."""
    table = SUB if kind == "_" else SUP
    text = text.replace(" ", "")
    if text in ("′", "ᵀ", "∗", "⋆"):
        return text
    if text and all(ch in table for ch in text):
        return "".join(table[ch] for ch in text)
    return f"{kind}{text}" if len(text) == 1 else f"{kind}({text})"


def tex_to_text(tex: str) -> str:
    """A plain-text reading of a TeX formula: ``\\hat v(s, \\mathbf w)`` -> ``v̂(s, w)``."""
    out: list[str] = []
    i = 0
    while i < len(tex):
        c = tex[i]
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+|.)", tex[i:])
            name = m.group(1)
            i += len(m.group(0))
            if name in TEX_ACCENTS:
                arg, i = _read_group(tex, i)
                arg = tex_to_text(arg)
                mark = TEX_ACCENTS[name]
                if name in ("overline", "bar", "widehat", "widetilde"):
                    out.append("".join(ch + mark for ch in arg))  # over every character
                else:
                    out.append(arg[:1] + mark + arg[1:])
            elif name in ("frac", "dfrac", "tfrac", "binom"):
                num, i = _read_group(tex, i)
                den, i = _read_group(tex, i)
                num, den = tex_to_text(num), tex_to_text(den)
                out.append("/".join(x if len(x) == 1 or x.isalnum() else f"({x})"
                                    for x in (num, den)))
            elif name in TEX_KEEP_ARG:
                if name in ("left", "right", "big", "Big", "bigg", "Bigg", "bigl",
                            "bigr", "Bigl", "Bigr"):
                    continue  # the delimiter that follows is read as usual
                if name in ("displaystyle", "limits", "nolimits"):
                    continue
                arg, i = _read_group(tex, i)
                out.append(tex_to_text(arg))
            elif name in TEX_DROP_WITH_ARG:
                _, i = _read_group(tex, i)
            elif name in TEX_SYMBOLS:
                out.append(TEX_SYMBOLS[name])
            elif name == "\\":
                out.append("; ")
            else:
                out.append(name)
        elif c in "{}":
            i += 1
        elif c == "&":
            out.append(" ")
            i += 1
        elif c == "~":
            out.append(" ")
            i += 1
        elif c in "_^":
            arg, i = _read_group(tex, i + 1)
            out.append(_script(tex_to_text(arg), c))
        else:
            out.append(c)
            i += 1
    return re.sub(r"\s+", " ", "".join(out)).strip()


def untex(value: str) -> str:
    """Replace each ``\\(...\\)`` / ``\\[...\\]`` formula of an index string by plain text."""
    def repl(m):
        body = m.group("i") if m.group("i") is not None else m.group("d")
        return html.escape(tex_to_text(html.unescape(body)), quote=False)
    return MATH_SPAN.sub(repl, value)


@event_priority(-50)  # after the search plugin writes the index, before `offline` inlines it
def on_post_build(config) -> None:
    path = Path(config["site_dir"]) / "search" / "search_index.json"
    if not path.is_file():
        return
    data = json.loads(path.read_text(encoding="utf-8"))
    index_config = data["config"]
    try:
        separator = re.compile(index_config["separator"])
    except re.error as err:
        raise PluginError(f"search.separator {index_config['separator']!r} is not a "
                          f"regular expression: {err}") from None
    if not separator.fullmatch("\u200b"):
        raise PluginError(
            "search.separator in mkdocs.yml must split at U+200B, the zero-width space the "
            "search plugin puts between the Chinese words jieba cuts (else a run of Chinese "
            f"is one index word and whole terms are not found); it is "
            f"{index_config['separator']!r}")
    fields = index_config["fields"]
    for hidden, shown in HIDDEN_FIELDS.items():
        fields[hidden] = dict(fields.get(shown, {"boost": 1.0}))
    is_word = _known_words()
    for doc in data["docs"]:
        for key in ("title", "text"):
            doc[key] = untex(doc[key])
        for hidden, shown in HIDDEN_FIELDS.items():
            # the glossary's terms for this section count as words of its title
            synonyms = SYNONYMS.get(doc["location"], []) if hidden == "title_zh" else []
            parts = hidden_field(" ".join([doc[shown], *synonyms]), separator, is_word)
            words = list(dict.fromkeys([*synonyms, *parts.split()]))
            if words:
                doc[hidden] = " ".join(words)
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
