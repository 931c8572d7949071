"""Text pipeline for matching: normalisation, Chinese/English tokenisation, stop words, synonyms.

The pipeline turns a title or abstract into a list of index terms:

1. **Truncate** texts longer than ``max_chars`` (a :class:`TextTruncatedWarning` says so).
2. **Normalise** with Unicode NFKC (full-width letters, digits and punctuation become half-width),
   case-fold, and replace every punctuation or symbol character by a space.
3. **Rewrite English phrases** that a synonym group lists (``lithium iron phosphate`` → ``磷酸铁锂``)
   so that Chinese and English texts share index terms.
4. **Split into script runs**: runs of CJK ideographs go to a private :class:`jieba.Tokenizer`
   (never jieba's global one) whose dictionary is extended with the dataset's segment names and the
   synonym terms; ASCII runs are English words or codes (``igbt``, ``4680``), lightly stemmed.
5. **Map synonyms** to their canonical term, **drop stop words**, and for every Chinese word of more
   than two characters also emit the shorter dictionary words inside it (``动力电池电芯`` →
   ``动力电池``, ``动力``, ``电池``, ``电芯``), the "search mode" of jieba generalised to any
   length, so that a need written with a short word still meets an abstract using the long one.

The jieba dictionary is loaded lazily on the first call (about one second), never at import time.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any

__all__ = [
    "DEFAULT_MAX_CHARS",
    "Analyzer",
    "TextTruncatedWarning",
    "default_synonyms",
    "normalize_text",
    "pipeline_fingerprint",
    "stop_words",
]

#: Texts longer than this many characters are truncated (with a warning) before analysis.
DEFAULT_MAX_CHARS = 20_000

#: Frequency given to domain words added to the jieba dictionary (enough to keep them whole).
_DOMAIN_FREQ = 5_000

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[0-9a-z]+|[^\W\d_{_CJK}a-z]+")
_CJK_RUN = re.compile(rf"[{_CJK}]+")
_SPACES = re.compile(r"\s+")


class TextTruncatedWarning(UserWarning):
    """A text was longer than the analyser's ``max_chars`` and was cut."""


def normalize_text(text: str) -> str:
    """Normalise a text for indexing.

    NFKC folds full-width forms to half-width (``ＡＢＣ１２３，`` → ``ABC123,``), ``casefold`` lowers
    the case, and every character of a Unicode punctuation (``P*``) or symbol (``S*``) category becomes
    a space; runs of white space collapse to one space.

    Examples
    --------
    >>> normalize_text("ＳｉＣ　ＭＯＳＦＥＴ，功率模块！")
    'sic mosfet 功率模块'
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    out = [" " if unicodedata.category(ch)[0] in "PSZC" else ch for ch in text]
    return _SPACES.sub(" ", "".join(out)).strip()


def _read_lines(name: str) -> list[str]:
    raw = resources.files("chainatlas.matching").joinpath("data", name).read_text("utf-8")
    return [s.strip() for s in raw.splitlines() if s.strip() and not s.lstrip().startswith("#")]


@cache
def stop_words() -> frozenset[str]:
    """The built-in Chinese and English stop words (package data, normalised)."""
    words = _read_lines("stopwords_zh.txt") + _read_lines("stopwords_en.txt")
    return frozenset(normalize_text(w) for w in words)


@cache
def default_synonyms() -> dict[str, str]:
    """The built-in synonym groups as a mapping ``variant → canonical`` (normalised terms)."""
    out: dict[str, str] = {}
    for line in _read_lines("synonyms.txt"):
        terms = [normalize_text(t) for t in line.split("|") if t.strip()]
        for variant in terms[1:]:
            out.setdefault(variant, terms[0])
    return out


_ASCII_WORD = re.compile(r"[a-z]+")


@cache
def pipeline_fingerprint() -> str:
    """A short hash of the stop words, synonyms and pipeline settings (changes invalidate indexes)."""
    import hashlib

    parts = [*sorted(stop_words()), "|", *sorted(f"{k}>{v}" for k, v in default_synonyms().items()),
             "|", str(_DOMAIN_FREQ), _RUN.pattern]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def _stem_words(text: str) -> str:
    """Apply :func:`_stem` to every ASCII word of a normalised text."""
    return _ASCII_WORD.sub(lambda m: _stem(m.group(0)), text)


def _stem(word: str) -> str:
    """A light English plural stemmer: ``batteries`` → ``battery``, ``cells`` → ``cell``."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


class Analyzer:
    """Turns texts into index terms (see the module docstring for the steps).

    Parameters
    ----------
    domain_terms : iterable of str
        Words to keep whole in Chinese segmentation (segment names, product names).
    synonyms : mapping of str to str, optional
        Extra ``variant → canonical`` rewrites; they take precedence over the built-in groups.
    max_chars : int
        Longer texts are truncated with a :class:`TextTruncatedWarning`.
    builtin_synonyms : bool
        Whether to use the built-in synonym groups (package data).

    Notes
    -----
    Nothing is loaded in the constructor; the jieba dictionary is built on the first
    :meth:`tokens` call. The analyser pickles without its tokenizer, so it can be sent to worker
    processes.
    """

    def __init__(self, domain_terms: Iterable[str] = (), synonyms: Mapping[str, str] | None = None,
                 *, max_chars: int = DEFAULT_MAX_CHARS, builtin_synonyms: bool = True) -> None:
        self.domain_terms = tuple(dict.fromkeys(t for t in (normalize_text(x) for x in domain_terms) if t))
        self.synonyms = dict(synonyms or {})
        self.max_chars = int(max_chars)
        self.builtin_synonyms = builtin_synonyms
        self._lock = threading.Lock()
        self._tk: Any = None
        self._syn: dict[str, str] = {}
        self._phrase: re.Pattern[str] | None = None
        self._freq: dict[str, int] = {}
        self._stop: frozenset[str] = frozenset()
        self._emitted: dict[str, tuple[str, ...]] = {}

    # -- pickling without the tokenizer --------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        return {"domain_terms": self.domain_terms, "synonyms": self.synonyms,
                "max_chars": self.max_chars, "builtin_synonyms": self.builtin_synonyms}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["domain_terms"], state["synonyms"],  # type: ignore[misc]
                      max_chars=state["max_chars"], builtin_synonyms=state["builtin_synonyms"])

    def config(self) -> dict[str, Any]:
        """A JSON-able description (used to tell whether a stored index is still valid)."""
        return {"domain_terms": list(self.domain_terms), "synonyms": self.synonyms,
                "max_chars": self.max_chars, "builtin_synonyms": self.builtin_synonyms}

    # -- lazy set-up ---------------------------------------------------------------------------
    def _ensure(self) -> None:
        if self._tk is not None:
            return
        with self._lock:
            if self._tk is not None:
                return
            import jieba

            syn = dict(default_synonyms()) if self.builtin_synonyms else {}
            syn.update({normalize_text(k): normalize_text(v) for k, v in self.synonyms.items()})
            syn = {_stem_words(k): _stem_words(v) for k, v in syn.items()}
            syn = {k: v for k, v in syn.items() if k and v and k != v}
            tk = jieba.Tokenizer()
            logger = logging.getLogger("jieba")
            level = logger.level
            logger.setLevel(logging.WARNING)
            try:
                tk.initialize()
            finally:
                logger.setLevel(level)
            words = set(self.domain_terms) | set(syn) | set(syn.values())
            for w in sorted(words):
                for run in _CJK_RUN.findall(w):
                    if len(run) > 1:
                        tk.add_word(run, freq=max(tk.FREQ.get(run, 0), _DOMAIN_FREQ))
            phrases = sorted((k for k in syn if " " in k or not _CJK_RUN.search(k)),
                             key=len, reverse=True)
            multi = [p for p in phrases if " " in p]
            self._phrase = (re.compile(r"\b(?:" + "|".join(map(re.escape, multi)) + r")\b")
                            if multi else None)
            self._syn = syn
            self._freq = tk.FREQ
            self._stop = stop_words()
            self._tk = tk

    # -- analysis ------------------------------------------------------------------------------
    def prepare(self, text: object) -> str:
        """Truncate (with a warning) and normalise one text; ``None``/NaN give ``""``."""
        if text is None or (isinstance(text, float) and text != text):
            return ""
        s = str(text)
        if len(s) > self.max_chars:
            warnings.warn(f"text of {len(s):,} characters truncated to {self.max_chars:,}",
                          TextTruncatedWarning, stacklevel=3)
            s = s[: self.max_chars]
        return normalize_text(s)

    def tokens(self, text: object) -> list[str]:
        """The index terms of one text, in order, with repeats (term frequency matters)."""
        self._ensure()
        s = self.prepare(text)
        if not s:
            return []
        syn, stop = self._syn, self._stop
        s = _stem_words(s)
        if self._phrase is not None:
            s = self._phrase.sub(lambda m: " " + syn[m.group(0)] + " ", s)
        out: list[str] = []
        for run in _RUN.findall(s):
            if _CJK_RUN.fullmatch(run):
                for w in self._tk.cut(run, HMM=False):
                    self._emit_cjk(syn.get(w, w), out)
            elif run.isascii():
                if run in stop:
                    continue
                w = syn.get(run, run)
                if _CJK_RUN.search(w):
                    for part in self._tk.cut(w, HMM=False):
                        self._emit_cjk(part, out)
                elif w not in stop:
                    out.append(w)
            elif run not in stop:
                out.append(run)
        return out

    def _emit_cjk(self, w: str, out: list[str]) -> None:
        cached = self._emitted.get(w)
        if cached is None:
            cached = self._expand(w)
            self._emitted[w] = cached
        out.extend(cached)

    def _expand(self, w: str) -> tuple[str, ...]:
        """``w`` preceded by the dictionary words inside it (nothing for a stop word)."""
        if w in self._stop or not w.strip():
            return ()
        n = len(w)
        parts: list[str] = []
        if n > 2:
            freq = self._freq
            for k in range(n - 1, 1, -1):
                for i in range(n - k + 1):
                    g = w[i: i + k]
                    if freq.get(g, 0) > 0 and g not in self._stop:
                        parts.append(g)
        parts.append(w)
        return tuple(parts)

    def tokens_many(self, texts: Sequence[object], n_jobs: int = 1) -> list[list[str]]:
        """:meth:`tokens` for each text; with ``n_jobs > 1`` and many texts, in worker processes.

        Segmentation is pure Python (jieba), so large collections gain from processes; each
        worker loads its own tokenizer (about a second). Truncation warnings are issued here, in
        the calling process, either way.
        """
        if n_jobs <= 1 or len(texts) < 4 * _CHUNK:
            return [self.tokens(t) for t in texts]
        from concurrent.futures import ProcessPoolExecutor

        for t in texts:
            if isinstance(t, str) and len(t) > self.max_chars:
                warnings.warn(f"text of {len(t):,} characters truncated to {self.max_chars:,}",
                              TextTruncatedWarning, stacklevel=2)
        chunks = [list(texts[i: i + _CHUNK]) for i in range(0, len(texts), _CHUNK)]
        with ProcessPoolExecutor(n_jobs, initializer=_init_worker, initargs=(self,)) as pool:
            parts = list(pool.map(_tokens_of_chunk, chunks))
        return [toks for part in parts for toks in part]

    def vocabulary_terms(self) -> set[str]:
        """Canonical terms the analyser knows specially (domain words and synonym targets)."""
        self._ensure()
        return set(self.domain_terms) | set(self._syn.values())


#: Texts per task when tokenising in worker processes.
_CHUNK = 2_000

_worker_analyzer: Analyzer | None = None


def _init_worker(analyzer: Analyzer) -> None:
    global _worker_analyzer
    _worker_analyzer = analyzer
    warnings.simplefilter("ignore", TextTruncatedWarning)


def _tokens_of_chunk(texts: list[object]) -> list[list[str]]:
    assert _worker_analyzer is not None
    return [_worker_analyzer.tokens(t) for t in texts]
