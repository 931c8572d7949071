"""The text encoding of an imported file, told from its bytes or given by the user.

Chinese lists arrive in five encodings: UTF-8 (with or without a byte-order mark), UTF-16 (what
Excel saves as "Unicode text"), GB18030/GBK (mainland Windows) and Big5/CP950 (Taiwan and Hong
Kong Windows). Big5 bytes are nearly always *valid* GB18030 as well, so decoding "whatever works"
silently turns 鴻海精密工業 into 翬弘盞穨…. Detection therefore goes:

1. a byte-order mark decides (UTF-8, UTF-16 LE/BE);
2. UTF-16 without a mark is recognised by its zero bytes;
3. strict UTF-8 (which legacy double-byte text practically never is) is taken as it is;
4. otherwise each of GB18030 and CP950 that decodes strictly is *scored*: the mean log frequency
   of its non-ASCII characters in ordinary Chinese (traditional text is first folded to simplified
   with OpenCC; frequencies are those of jieba's dictionary). Real text scores about -3, text
   decoded with the wrong table -6 or lower. The best candidate is taken only when it is plausible
   and clearly ahead of the other; else the file is refused and the user is told to name the
   encoding (``--encoding``).

A given encoding is applied strictly: bytes it cannot decode are an error naming the line.
"""

from __future__ import annotations

import codecs
import io
import math
import os
from functools import lru_cache
from pathlib import Path

from chainatlas.exceptions import InputError, Problem, ValidationError

__all__ = ["ENCODING_HINT", "check_encoding", "csv_source", "decode_bytes", "detect_encoding",
           "read_text"]

#: How the user names the encoding (shown in every refusal).
ENCODING_HINT = ("name it with --encoding (API: the 'encoding' field), e.g. --encoding big5, "
                 "gb18030, utf-8, utf-16")

#: A candidate decoding is plausible when its mean log10 character frequency is at least this …
_PLAUSIBLE = -4.6
#: … and it is taken over another decodable candidate only this far ahead.
_MARGIN = 1.2
#: Legacy double-byte encodings tried, in order (CP950 is Microsoft's Big5 with its extensions).
_LEGACY = ("gb18030", "cp950")
_NAMES = {"gb18030": "GB18030/GBK", "cp950": "Big5 (CP950)"}
_FLOOR = -9.0


def _fail(file: str, message: str, *, row: int | None = None,
          expected: str | None = None) -> ValidationError:
    return ValidationError([Problem(message, file, row, None, None, expected)],
                           title=f"cannot read {file}")


def check_encoding(name: str) -> str:
    """A user-given encoding name, checked; Python's canonical codec name is returned."""
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        raise InputError(f"unknown encoding {name!r}: use e.g. utf-8, utf-8-sig, utf-16, "
                         "gb18030, gbk, big5 or cp950") from None
    canon = info.name
    return {"big5": "cp950"}.get(canon, canon)


@lru_cache(maxsize=1)
def _char_logfreq() -> dict[str, float]:
    """log10 relative frequency of each character in jieba's dictionary (word counts summed)."""
    import jieba

    counts: dict[str, int] = {}
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            word, freq, _ = line.split(" ", 2)
            f = int(freq)
            for ch in word:
                counts[ch] = counts.get(ch, 0) + f
    total = float(sum(counts.values()))
    return {ch: math.log10(n / total) for ch, n in counts.items()}


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def _plausibility(text: str, sample: int = 20000) -> tuple[float, int]:
    """Mean log10 frequency of the non-ASCII, non-space characters (and how many there were)."""
    chars = [c for c in text if ord(c) > 0x7F and not c.isspace()][:sample]
    if not chars:
        return 0.0, 0
    folded = _t2s().convert("".join(chars))  # type: ignore[attr-defined]
    table = _char_logfreq()
    # Letters and punctuation outside the CJK block (full-width forms aside) are not scored as
    # words but must not be free either: a wrong table yields kana, bopomofo and Greek.
    total = 0.0
    for c in folded:
        v = table.get(c)
        if v is None:
            if c >= "\U00020000" or "\u3400" <= c <= "\u4dbf":
                # Rare ideographs of the extension blocks: GB18030 writes them as four-byte
                # sequences (second and fourth byte an ASCII digit), which no mis-decoded
                # Big5 or Latin text produces; their presence speaks for the decoding.
                v = -4.0
            elif "\uff00" <= c <= "\uffef" or "\u3000" <= c <= "\u303f":
                v = -6.0
            else:
                v = _FLOOR
        total += max(v, _FLOOR)
    return total / len(folded), len(folded)


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) > 0.3 * half and even.count(0) < 0.05 * half:
        return "utf-16-le"
    if even.count(0) > 0.3 * half and odd.count(0) < 0.05 * half:
        return "utf-16-be"
    return None


def _bad_bytes(raw: bytes, err: UnicodeDecodeError, file: str, encoding: str) -> ValidationError:
    line = raw[: err.start].count(b"\n") + 1
    bad = raw[err.start: err.start + 4]
    return _fail(file, f"undecodable bytes {bad!r} at byte {err.start} (line {line}) in "
                 f"{encoding}", row=line,
                 expected=f"text in {encoding}; if the file is in another encoding, "
                 + ENCODING_HINT)


def detect_encoding(raw: bytes, file: str = "<bytes>", encoding: str | None = None) -> str:
    """The text encoding of ``raw``: a codec name Python decodes it with, strictly.

    With ``encoding`` given, that encoding is checked (it must decode every byte). Without it:
    ``utf-8-sig``, ``utf-16`` (marked), ``utf-16-le``/``-be`` (unmarked), ``utf-8``, ``gb18030``
    or ``cp950`` (Big5).

    Raises
    ------
    ValidationError
        When the bytes decode in none of them, or when two decodings are about as plausible and
        the file cannot be read without being told (the message names ``--encoding``).
    """
    if encoding is not None:
        enc = check_encoding(encoding)
        if enc in ("utf-8", "utf_8") and raw.startswith(codecs.BOM_UTF8):
            enc = "utf-8-sig"
        try:
            raw.decode(enc)
        except UnicodeDecodeError as err:
            raise _bad_bytes(raw, err, file, enc) from None
        return enc
    if raw.startswith(codecs.BOM_UTF8):
        try:
            raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise _bad_bytes(raw, err, file, "UTF-8") from None
        return "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise _bad_bytes(raw, err, file, "UTF-16") from None
        return "utf-16"
    unmarked = _utf16_without_bom(raw)
    if unmarked is not None:
        try:
            raw.decode(unmarked)
            return unmarked
        except UnicodeDecodeError:
            pass
    try:
        raw.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as err:
        utf8_error = err
    scored: list[tuple[float, int, str]] = []
    failures: list[UnicodeDecodeError] = [utf8_error]
    for enc in _LEGACY:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError as err:
            failures.append(err)
            continue
        score, n = _plausibility(text)
        scored.append((score, n, enc))
    if not scored:
        worst = max(failures, key=lambda e: e.start)
        raise _bad_bytes(raw, worst, file, "UTF-8, GB18030 or Big5")
    scored.sort(reverse=True)
    best_score, _, best = scored[0]
    second = scored[1][0] if len(scored) > 1 else None
    if best_score >= _PLAUSIBLE and (second is None or best_score - second >= _MARGIN):
        return best
    if best_score < _PLAUSIBLE:
        tried = ", ".join(f"{_NAMES[e]} reads as unusual characters" for _, _, e in scored)
        why = f"it is not UTF-8 and {tried}"
    else:
        why = (f"it reads as ordinary Chinese in both {_NAMES[scored[0][2]]} and "
               f"{_NAMES[scored[1][2]]}")
    raise _fail(file, f"cannot tell the text encoding of {file} for sure: {why}",
                expected="a file whose encoding is certain: " + ENCODING_HINT)


def decode_bytes(raw: bytes, file: str = "<bytes>",
                 encoding: str | None = None) -> tuple[str, str]:
    """``raw`` decoded (detected or given ``encoding``, see :func:`detect_encoding`), BOM removed.

    Returns the text and the encoding used.
    """
    enc = detect_encoding(raw, file, encoding)
    text = raw.decode(enc)
    return text.removeprefix("\ufeff"), enc


def read_text(path: str | Path, encoding: str | None = None) -> str:
    """The text of the file at ``path``, decoded as :func:`decode_bytes` does."""
    p = Path(path)
    if not p.exists():
        raise InputError(f"file not found: {p}")
    return decode_bytes(p.read_bytes(), p.name, encoding)[0]


def csv_source(path: str | Path, encoding: str | None = None) -> io.StringIO:
    """The decoded text of a CSV file, ready for ``pandas.read_csv`` (encoding as
    :func:`read_text`: detected, or refused when not certain)."""
    return io.StringIO(read_text(path, encoding))
