"""Resolve free-text places to region codes: the most specific consistent reading, or ambiguity.

A string is read as *mentions*: the names of places it contains (Chinese names matched longest
first in the simplified text; Latin names matched on runs of up to four words joined, so that
``Xi'an``, ``Xian`` and ``Gyeongsangbuk-do`` all match). Every mention may mean several places
(``Suzhou``: 苏州 or 宿州). A candidate place is scored by the mentions it is consistent with: a
mention supports it when one of the mention's places is the candidate or lies above it (``Jiangsu``
supports 苏州; ``Shanghai`` supports 浦东). The best-supported candidate wins; candidates that tie
with it and are not on its line of ancestors make the string *ambiguous*, and all of them are
reported, none guessed. Among candidates on one line (吉林省, 吉林市 for "吉林") the one the
string names least specifically is taken.

Slips are tolerated where the context is clear: a known slip (``Shanxi`` written for Shaanxi)
counts as a weaker mention, and a word that matches nothing inside a province or city that the
string names is compared, fuzzily (rapidfuzz), with the places below it ("Puding Shanghai" →
浦东新区).

Names of a street (中山路, Xinhua Road) are not places: a short name followed by a street word is
skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from chainatlas.places.gazetteer import Gazetteer, Place, gazetteer, latin_key, simplify

__all__ = ["PlaceResult", "Resolver", "resolve", "resolve_many"]

_ADCODE6 = re.compile(r"^\d{6}$")
_ADCODE12 = re.compile(r"^\d{12}$")
_ALPHA = re.compile(r"^[A-Za-z]{2,3}$")
_ISO2 = re.compile(r"^[A-Za-z]{2}-[A-Za-z0-9]{1,3}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_STREET_ZH = set("路街道巷弄桥里村")
#: District names that many cities use (东区, 城区 …): evidence only together with their city.
_GENERIC_ZH = {"东区", "西区", "南区", "北区", "中区", "城区", "郊区", "矿区", "新区", "市中区",
               "城中区", "城北区", "城南区", "城东区", "城西区", "高新区", "开发区"}
_STREET_EN = {"road", "rd", "street", "str", "st", "avenue", "ave", "lu", "jie", "dadao",
              "boulevard", "blvd", "lane", "ln", "way", "highway", "hwy", "bridge", "alley",
              "xiang", "hutong", "building", "bldg", "plaza", "tower", "mansion", "dasha",
              "industrial", "garden"}
_LEVEL_WORDS = {"district": "county", "qu": "county", "county": "county", "xian": "county",
                "city": "city", "shi": "city", "prefecture": "city", "province": "province",
                "sheng": "province", "town": "town", "zhen": "town", "township": "town"}
_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")
_FUZZY_CUTOFF = 80.0
_FUZZY_WEIGHT = 0.45


@dataclass
class PlaceResult:
    """The reading of one input string."""

    input: str
    region: str | None
    level: str | None
    name: str | None
    country: str | None
    confidence: float
    candidates: list[dict[str, str]] = field(default_factory=list)
    status: str = "resolved"          # resolved, ambiguous, unresolved or empty

    def to_dict(self) -> dict[str, Any]:
        return {"input": self.input, "region": self.region, "level": self.level,
                "name": self.name, "country": self.country,
                "confidence": round(self.confidence, 3), "candidates": self.candidates,
                "status": self.status}


@dataclass
class _Mention:
    places: list[tuple[Place, float]]
    start: int
    end: int
    fuzzy: bool = False


def _describe(p: Place) -> dict[str, str]:
    chain = []
    q: Place | None = p
    while q is not None and q.level != "country":
        if q.level != "town" or q is p:
            chain.append(q.name)
        q = q.parent
    label = "".join(reversed(chain)) if p.country == "CHN" else " / ".join(reversed(chain))
    if p.level == "country":
        label = p.name
    return {"region": p.code, "name": p.name, "label": label or p.name,
            "level": _level(p), "country": p.country}


def _level(p: Place) -> str:
    if p.level == "town":
        return p.parent.level if p.parent is not None else "other"
    return p.level


class Resolver:
    """Resolves strings against a gazetteer; results are cached per distinct input."""

    def __init__(self, gaz: Gazetteer | None = None) -> None:
        self.g = gaz if gaz is not None else gazetteer()
        self._cache: dict[tuple[str, str | None], PlaceResult] = {}
        self._desc_keys: dict[str, tuple[list[str], list[Place]]] = {}

    # ----------------------------------------------------------------- public
    def resolve(self, text: object, country: object = None) -> PlaceResult:
        """Read one place string (``country``: an optional country column's value)."""
        raw = "" if text is None or (isinstance(text, float) and text != text) else str(text)
        ctx = None if country is None or (isinstance(country, float) and country != country) \
            else str(country).strip() or None
        key = (raw, ctx)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._resolve(raw, ctx)
            if len(self._cache) < 1_000_000:
                self._cache[key] = hit
        return PlaceResult(**{**hit.__dict__, "candidates": list(hit.candidates)})

    def resolve_many(self, texts: Sequence[object],
                     countries: Sequence[object] | None = None) -> list[PlaceResult]:
        """One result per input, in input order."""
        if countries is None:
            return [self.resolve(t) for t in texts]
        return [self.resolve(t, c) for t, c in zip(texts, countries, strict=True)]

    # ----------------------------------------------------------------- reading
    def _code(self, s: str) -> Place | None:
        g = self.g
        if s in g.by_code:
            return g.by_code[s]
        if _ADCODE12.match(s) and s[:6] in g.by_code:
            return g.by_code[s[:6]]
        up = s.upper()
        if up in g.by_code and (_ALPHA.match(s) or _ISO2.match(s) or up == s):
            return g.by_code[up]
        if len(s) == 2 and _ALPHA.match(s) and up in g.alpha2:
            return g.by_code.get(g.alpha2[up])
        return None

    def _country_place(self, ctx: str | None) -> Place | None:
        if not ctx:
            return None
        res = self._resolve(ctx, None, top=True)
        if res.region is None:
            return None
        p = self.g.by_code.get(res.region)
        if p is None:
            return None
        while p.parent is not None and p.level not in ("country",) and p.code not in \
                ("810000", "820000", "710000"):
            p = p.parent
        return p

    def _resolve(self, raw: str, ctx: str | None, top: bool = False) -> PlaceResult:
        s = simplify(raw).strip()
        if not s:
            return PlaceResult(raw, None, None, None, None, 0.0, status="empty")
        code = self._code(s)
        if code is not None:
            return self._result(raw, code, 1.0)
        context = None if top else self._country_place(ctx)
        mentions = self._mentions_zh(s) if _CJK.search(s) else []
        mentions += self._mentions_latin(s)
        if context is not None:
            mentions.append(_Mention([(context, 0.5)], -1, -1))
        if not mentions:
            return PlaceResult(raw, None, None, None, None, 0.0, status="unresolved")
        best, ties, support = self._choose(mentions)
        slips = [m for m in (self._fuzzy(s, mentions, c) for c in ties) if m is not None]
        if slips:
            mentions = [*mentions, *slips]
            best, ties, support = self._choose(mentions)
        if best is not None and len(ties) == 1 and best.level == "country":
            best = self._subdivision_code(raw, best)
        if best is None:
            return PlaceResult(raw, None, None, None, None, 0.0, status="unresolved")
        if len(ties) > 1:
            cands = [_describe(p) for p in ties]
            return PlaceResult(raw, None, None, None, None, round(1.0 / len(ties), 3),
                               candidates=cands, status="ambiguous")
        own = max((w for m in mentions for p, w in m.places if p is best), default=0.5)
        confidence = min(1.0, own + 0.1 * (support - own) / 0.8) if support > own else own
        return self._result(raw, best, confidence)

    def _result(self, raw: str, p: Place, confidence: float) -> PlaceResult:
        region = p.parent if p.level == "town" and p.parent is not None else p
        return PlaceResult(raw, region.code, _level(p), region.name, p.country, confidence)

    def _subdivision_code(self, raw: str, country: Place) -> Place:
        """A country named with a subdivision code in capitals ("Austin, TX 78701, USA")."""
        alpha2 = next((a2 for a2, a3 in self.g.alpha2.items() if a3 == country.code), None)
        if alpha2 is None:
            return country
        found = {self.g.by_code[f"{alpha2}-{w}"] for w in re.findall(r"\b[A-Z]{2,3}\b", raw)
                 if f"{alpha2}-{w}" in self.g.by_code and w != country.code}
        return found.pop() if len(found) == 1 else country

    def _mentions_zh(self, s: str) -> list[_Mention]:
        g = self.g
        text = re.sub(r"\s+", "", s)
        out: list[_Mention] = []
        i, n = 0, len(text)
        while i < n:
            found = None
            for length in range(min(g.max_zh, n - i), 1, -1):
                hits = g.zh.get(text[i:i + length])
                if hits:
                    found = (length, hits)
                    break
            if found is None:
                i += 1
                continue
            length, hits = found
            nxt = text[i + length] if i + length < n else ""
            full = any(p.name == text[i:i + length] for p, _ in hits)
            if not full and nxt in _STREET_ZH:
                i += 1
                continue
            places = list(hits)
            if text[i:i + length] in _GENERIC_ZH:
                places = [(p, w * 0.5) for p, w in places]
            if i > 0 and _CJK.match(text[i - 1]) and (not out or out[-1].end != i):
                # preceded by characters that name no place: part of a longer word (土城区
                # holds 城区), weaker evidence
                places = [(p, w * 0.5) for p, w in places]
            out.append(_Mention(places, i, i + length))
            i += length
        return out

    def _mentions_latin(self, s: str) -> list[_Mention]:
        g = self.g
        words = [latin_key(w) for w in _WORD.findall(s.replace("'", "").replace("’", ""))]
        words = [w for w in words if w]
        out: list[_Mention] = []
        i, n = 0, len(words)
        while i < n:
            found = None
            for k in range(min(g.max_latin_tokens, n - i), 0, -1):
                hits = g.latin.get("".join(words[i:i + k]))
                if hits:
                    found = (k, hits)
                    break
            if found is None:
                i += 1
                continue
            k, hits = found
            nxt = words[i + k] if i + k < n else ""
            if nxt in _STREET_EN:
                i += k
                continue
            places = list(hits)
            want = _LEVEL_WORDS.get(nxt)
            if want is not None:
                kept = [(p, w) for p, w in places if _level(p) == want or p.level == want]
                if kept:
                    places = kept
            out.append(_Mention(places, 1000 + i, 1000 + i + k))
            i += k
        return out

    @staticmethod
    def _choose(mentions: list[_Mention]) -> tuple[Place | None, list[Place], float]:
        candidates: dict[str, Place] = {}
        for m in mentions:
            for p, _ in m.places:
                candidates[p.id] = p
        scored: list[tuple[float, Place]] = []
        for c in candidates.values():
            total = 0.0
            for m in mentions:
                best = 0.0
                for p, w in m.places:
                    if w > best and p.id in c.ancestors:
                        best = w
                total += best
            scored.append((total, c))
        if not scored:
            return None, [], 0.0
        top = max(t for t, _ in scored)
        tied = [c for t, c in scored if t >= top - 1e-9]
        # candidates on one line of ancestors: the least specific the string names
        tied.sort(key=lambda c: c.depth)
        lines: list[Place] = []
        for c in tied:
            if not any(c.is_within(other) or other.is_within(c) for other in lines):
                lines.append(c)
        if len(lines) == 1:
            return lines[0], lines, top
        # several lines: distinct codes only (a town and its own region are one answer)
        codes: dict[str, Place] = {}
        for c in lines:
            codes.setdefault(c.code, c)
        uniq = list(codes.values())
        return uniq[0], uniq, top

    def _fuzzy(self, s: str, mentions: list[_Mention], best: Place) -> _Mention | None:
        """A slip below ``best`` (a province or city the string names): words that name no
        place inside it, compared with the names of the places below it."""
        if best.level not in ("province", "city") or best.country != "CHN":
            return None
        if any(best.id in p.ancestors and p is not best for m in mentions for p, _ in m.places
               if m.start >= 0 and all(best.id in q.ancestors for q, _ in m.places)):
            return None
        words = [latin_key(w) for w in _WORD.findall(s.replace("'", "").replace("’", ""))]
        spans = []
        covered = {j for m in mentions if m.start >= 1000 for j in range(m.start - 1000,
                                                                          m.end - 1000)}
        for j, w in enumerate(words):
            if len(w) >= 4 and w not in _STREET_EN and w not in _LEVEL_WORDS:
                in_ctx = j in covered and any(
                    best.id in p.ancestors or p.id in best.ancestors
                    for m in mentions if m.start <= 1000 + j < m.end for p, _ in m.places)
                if not in_ctx:
                    spans.append(w)
        if not spans:
            return None
        keys, places = self._below(best)
        if not keys:
            return None
        from rapidfuzz import fuzz, process

        top: tuple[float, Place] | None = None
        for w in spans:
            hit = process.extractOne(w, keys, scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF)
            if hit is not None and (top is None or hit[1] > top[0]):
                top = (float(hit[1]), places[hit[2]])
        if top is None:
            return None
        return _Mention([(top[1], _FUZZY_WEIGHT * top[0] / 100.0)], -2, -2, fuzzy=True)

    def _below(self, place: Place) -> tuple[list[str], list[Place]]:
        got = self._desc_keys.get(place.id)
        if got is None:
            keys: list[str] = []
            places: list[Place] = []
            for k, hits in self.g.latin.items():
                for p, _ in hits:
                    if place.id in p.ancestors and p is not place:
                        keys.append(k)
                        places.append(p)
            got = (keys, places)
            self._desc_keys[place.id] = got
        return got


_default: Resolver | None = None


def _resolver() -> Resolver:
    global _default
    if _default is None:
        _default = Resolver()
    return _default


def resolve(text: object, country: object = None) -> PlaceResult:
    """Resolve one string with the built-in gazetteer."""
    return _resolver().resolve(text, country)


def resolve_many(texts: Iterable[object], countries: Iterable[object] | None = None
                 ) -> list[PlaceResult]:
    """Resolve many strings with the built-in gazetteer, one result per input, in order."""
    t = list(texts)
    return _resolver().resolve_many(t, None if countries is None else list(countries))
