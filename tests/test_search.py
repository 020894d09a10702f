"""Unit checks of hooks/zh_search.py: the parts a Chinese term is indexed under, the terms a
page defines, the plain-text reading of formulas for search previews, and the build error
when the index would not split at U+200B.  The browser side is in tests/test_site.py."""

from __future__ import annotations

import json

import pytest
from mkdocs.exceptions import PluginError

from hooks import zh_search
from hooks.zh_search import on_post_build, terms_of_page, tex_to_text, untex, word_parts

WORDS = {"策略", "梯度", "策略梯度", "时序", "差分", "时序差分", "误差"}


def test_parts_of_a_term_are_its_prefixes_and_the_words_inside_it():
    parts = word_parts("策略梯度", WORDS.__contains__)
    assert {"策略", "梯度", "策略梯"} <= parts
    assert "策略梯度" not in parts  # the word itself is in the shown text already
    assert all(len(p) >= 2 for p in parts)
    parts = word_parts("时序差分误差", WORDS.__contains__)
    # the longest proper prefix lets the browser's greedy cut complete the whole term
    assert {"时序差分误", "时序差分", "差分", "误差"} <= parts


def test_terms_of_a_page():
    page = "# 4. Linear prediction 状态值函数近似\n\n```text\n# 不是标题\n```\n" \
           "## Where the notes differ 与笔记的出入\n## Replay memory 经验池 D\n"
    assert terms_of_page("x.md", page) == ["状态值函数近似", "笔记的出入", "与笔记的出入", "经验池"]
    table = "| a | 折扣因子 |\n"
    assert terms_of_page("x.md", table) == []
    assert terms_of_page("notation.md", table) == ["折扣因子"]
    # 对 starts 对数似然: it is not stripped as a joining character
    assert terms_of_page("x.md", "## Log-likelihood 对数似然\n") == ["对数似然"]


@pytest.mark.parametrize(("tex", "text"), [
    (r"\hat v(s, \mathbf w)", "v̂(s, w)"),
    (r"R_{t+1} + \gamma \hat v(S_{t+1}) - \hat v(S_t)", "Rₜ₊₁ + γ v̂(Sₜ₊₁) - v̂(Sₜ)"),
    (r"0 \le \gamma \le 1", "0 ≤ γ ≤ 1"),
    (r"\mathbf x(s)^\top", "x(s)ᵀ"),
    (r"\frac{1}{2}", "1/2"),
    (r"k = 0, \dots, K", "k = 0, …, K"),
    (r"\overline{VE}", "V̅E̅"),
])
def test_formulas_read_as_plain_text(tex, text):
    assert tex_to_text(tex) == text


def test_index_text_loses_its_tex_but_not_its_code():
    value = r"<p>the value \(\hat q(s, a)\) and \[x^2\]</p><pre><code>$x$</code></pre>"
    out = untex(value)
    assert "\\(" not in out and "\\[" not in out and "q̂(s, a)" in out and "x²" in out
    assert "<pre><code>$x$</code></pre>" in out


def test_a_separator_that_does_not_split_at_u200b_fails_the_build(tmp_path):
    search = tmp_path / "search"
    search.mkdir()
    index = {"config": {"separator": r"[\s\-]+", "fields": {}}, "docs": []}
    (search / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    with pytest.raises(PluginError, match="U\\+200B"):
        on_post_build({"site_dir": str(tmp_path)})


def test_hidden_fields_are_added_to_the_index(tmp_path, monkeypatch):
    search = tmp_path / "search"
    search.mkdir()
    index = {"config": {"separator": "[\\s\\u200b\\-]+",
                        "fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
             "docs": [{"location": "dqn.html#replay-memory-d",
                       "title": "Replay memory \u200b经验池\u200b D",
                       "text": r"<p>\(D\) holds 策略梯度</p>"}]}
    (search / "search_index.json").write_text(json.dumps(index), encoding="utf-8")
    monkeypatch.setattr(zh_search, "SYNONYMS", {"dqn.html#replay-memory-d": ["经验回放"]})
    monkeypatch.setattr(zh_search, "_known_words", lambda: WORDS.__contains__)
    on_post_build({"site_dir": str(tmp_path)})
    out = json.loads((search / "search_index.json").read_text(encoding="utf-8"))
    assert out["config"]["fields"]["title_zh"] == {"boost": 1000.0}
    doc = out["docs"][0]
    assert doc["title_zh"].split()[0] == "经验回放"
    assert {"经验", "策略"} & set(doc["title_zh"].split() + doc["text_zh"].split())
    assert {"策略", "梯度", "策略梯"} <= set(doc["text_zh"].split())
    assert doc["text"] == "<p>D holds 策略梯度</p>"
