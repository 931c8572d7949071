"""Text pipeline: normalisation, tokenisation, stop words, synonyms, bad input."""

from __future__ import annotations

import subprocess
import sys
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas.matching.text import (
    Analyzer,
    TextTruncatedWarning,
    normalize_text,
    stop_words,
)


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    return Analyzer(["动力电池电芯", "隔膜", "车载软件测试"])


def test_normalize_full_width_case_and_punctuation() -> None:
    assert normalize_text("ＳｉＣ　ＭＯＳＦＥＴ，功率模块！") == "sic mosfet 功率模块"
    assert normalize_text("Li-ion（锂离子）电池；ＬＦＰ") == "li ion 锂离子 电池 lfp"
    assert normalize_text("  \t\n ") == ""


@given(st.text(max_size=60))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert normalize_text(once) == once


def test_domain_words_stay_whole_and_emit_their_parts(analyzer: Analyzer) -> None:
    toks = analyzer.tokens("提升动力电池电芯的循环寿命")
    assert "动力电池电芯" in toks
    assert {"动力电池", "电池", "电芯"} <= set(toks)
    assert "的" not in toks  # stop word


def test_english_tokens_are_stemmed_and_stop_words_dropped(analyzer: Analyzer) -> None:
    toks = analyzer.tokens("The coatings of the separators")
    assert toks == ["coating", "隔膜"]  # 'separator' is a built-in synonym of 隔膜


def test_english_phrase_synonym_maps_to_chinese(analyzer: Analyzer) -> None:
    en = set(analyzer.tokens("lithium iron phosphate batteries"))
    zh = set(analyzer.tokens("磷酸铁锂电池"))
    assert "磷酸铁锂" in en and "磷酸铁锂" in zh


def test_mixed_scripts(analyzer: Analyzer) -> None:
    toks = analyzer.tokens("SiC功率模块用于800V平台, IGBT替代")
    assert "碳化硅" in toks  # sic → canonical Chinese term
    assert "igbt" in toks
    assert "800v" in toks
    assert "功率" in toks and "模块" in toks


def test_full_width_text_gives_same_tokens(analyzer: Analyzer) -> None:
    assert analyzer.tokens("ＩＧＢＴ模块，ＳｉＣ") == analyzer.tokens("IGBT模块,SiC")


@pytest.mark.parametrize("text", ["", "   ", None, float("nan"), "的了和与", "the of and", "，。！？"])
def test_empty_or_stop_word_only_text_gives_no_tokens(analyzer: Analyzer, text: object) -> None:
    assert analyzer.tokens(text) == []


def test_long_text_is_truncated_with_warning() -> None:
    a = Analyzer(max_chars=100)
    with pytest.warns(TextTruncatedWarning, match="truncated to 100"):
        toks = a.tokens("隔膜" * 80 + "电解液" * 80)
    assert "隔膜" in toks and "电解液" not in toks


def test_short_text_does_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Analyzer(max_chars=100).tokens("隔膜涂覆")


def test_private_tokenizer_leaves_global_jieba_alone() -> None:
    import jieba

    a = Analyzer(["一个很特别的领域词"])
    assert "一个很特别的领域词" in a.tokens("这是一个很特别的领域词")
    assert jieba.dt.FREQ.get("一个很特别的领域词", 0) == 0


def test_import_does_no_work() -> None:
    code = ("import sys, chainatlas.matching, chainatlas.services.match; "
            "print('jieba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_analyzer_pickles_without_tokenizer(analyzer: Analyzer) -> None:
    import pickle

    analyzer.tokens("隔膜")
    clone = pickle.loads(pickle.dumps(analyzer))
    assert clone._tk is None
    assert clone.tokens("动力电池电芯隔膜") == analyzer.tokens("动力电池电芯隔膜")


def test_stop_words_are_normalised() -> None:
    sw = stop_words()
    assert "的" in sw and "the" in sw and "本发明" in sw
    assert all(w == normalize_text(w) for w in sw)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("隔膜电池芯片软件测试ab1 ，。")), max_size=40))
def test_tokens_are_deterministic_and_clean(analyzer: Analyzer, text: str) -> None:
    a = analyzer
    t1 = a.tokens(text)
    assert t1 == a.tokens(text)
    assert all(t and t == t.strip() and t not in stop_words() for t in t1)


def _full_width(s: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c)
                   for c in s)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("abcXYZ019 ,.-隔膜电池芯")), max_size=30))
def test_full_width_forms_are_folded(analyzer: Analyzer, text: str) -> None:
    assert analyzer.tokens(_full_width(text)) == analyzer.tokens(text)


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("隔膜电池芯片软件测试abc ")), max_size=30),
       st.sampled_from(["的", "，", " the ", "。本发明"]))
def test_stop_words_and_punctuation_add_nothing(analyzer: Analyzer, text: str, noise: str) -> None:
    assert analyzer.tokens(text + " " + noise) == analyzer.tokens(text)


def test_worker_processes_give_the_same_tokens(analyzer: Analyzer) -> None:
    from chainatlas.matching import text as text_mod

    texts = [f"第{i}号动力电池电芯隔膜涂覆 SiC模块 batteries" for i in range(4 * text_mod._CHUNK)]
    texts[5] = "隔膜" * 30_000  # too long: the warning comes from the calling process
    with pytest.warns(TextTruncatedWarning):
        par = analyzer.tokens_many(texts, n_jobs=2)
    with pytest.warns(TextTruncatedWarning):
        ser = analyzer.tokens_many(texts)
    assert par == ser
