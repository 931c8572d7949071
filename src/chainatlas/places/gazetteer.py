"""The gazetteer: every place the resolver knows, with its names in Chinese and Latin letters.

- Mainland China to county level, Hong Kong (810000), Macao (820000), Taiwan (710000) and Taiwan's
  cities and counties (``TW-TPE`` …), plus towns of the prefectures without counties, from the
  bundled ``data/china.tsv`` (built by ``scripts/build_places_data.py`` from ``cpca``'s adcode
  table and ``pypinyin``);
- every country (ISO 3166-1 alpha-3) and every first-level subdivision (ISO 3166-2) from the
  installed ``pycountry``, with Chinese country names from its ``zh_CN`` translations.

A place is a :class:`Place` (a node of one tree: country → province → city → county; towns hang
under the region they are counted in). Names are indexed normalised: Chinese in simplified form,
Latin as lower-case letters only (``Xi'an`` → ``xian``, ``Gyeongsangbuk-do`` → ``gyeongsangbukdo``).
"""

from __future__ import annotations

import gettext
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["HMT", "Gazetteer", "Place", "gazetteer", "latin_key", "simplify"]

#: Hong Kong, Macao and Taiwan: GB/T 2260 codes.
HMT = frozenset({"810000", "820000", "710000"})

#: Weights of the kinds of name match (an exact full Chinese name is the strongest evidence).
W_FULL, W_SHORT, W_LATIN, W_SLIP = 1.0, 0.9, 0.8, 0.6

#: Chinese short names of countries as written in lists (pycountry has the official forms).
_ZH_COUNTRIES = {
    "JPN": ["日本"], "KOR": ["韩国", "南韩", "大韩民国"], "PRK": ["朝鲜", "北韩"],
    "USA": ["美国", "美利坚合众国"], "DEU": ["德国"], "NLD": ["荷兰"], "FRA": ["法国"],
    "GBR": ["英国"], "ITA": ["意大利"], "CHE": ["瑞士"], "SWE": ["瑞典"], "BEL": ["比利时"],
    "AUT": ["奥地利"], "ESP": ["西班牙"], "FIN": ["芬兰"], "DNK": ["丹麦"], "NOR": ["挪威"],
    "IRL": ["爱尔兰"], "ISR": ["以色列"], "CAN": ["加拿大"], "MEX": ["墨西哥"], "BRA": ["巴西"],
    "CHL": ["智利"], "ARG": ["阿根廷"], "AUS": ["澳大利亚", "澳洲"], "NZL": ["新西兰"],
    "IND": ["印度"], "IDN": ["印度尼西亚", "印尼"], "MYS": ["马来西亚"], "SGP": ["新加坡"],
    "THA": ["泰国"], "VNM": ["越南"], "PHL": ["菲律宾"], "RUS": ["俄罗斯"], "TUR": ["土耳其"],
    "SAU": ["沙特阿拉伯", "沙特"], "ARE": ["阿联酋", "阿拉伯联合酋长国"], "ZAF": ["南非"],
    "COD": ["刚果(金)", "刚果金"], "POL": ["波兰"], "HUN": ["匈牙利"], "CZE": ["捷克"],
    "PRT": ["葡萄牙"], "GRC": ["希腊"], "EGY": ["埃及"], "PAK": ["巴基斯坦"], "BGD": ["孟加拉国"],
    "KHM": ["柬埔寨"], "MMR": ["缅甸"], "LAO": ["老挝"], "MNG": ["蒙古国"], "KAZ": ["哈萨克斯坦"],
    "UKR": ["乌克兰"], "ROU": ["罗马尼亚"], "SVK": ["斯洛伐克"], "SVN": ["斯洛文尼亚"],
    "LUX": ["卢森堡"], "PER": ["秘鲁"], "COL": ["哥伦比亚"], "NGA": ["尼日利亚"],
    "MAR": ["摩洛哥"], "IRN": ["伊朗"], "IRQ": ["伊拉克"], "QAT": ["卡塔尔"],
}
#: Latin names of countries as written in supplier lists, beyond pycountry's.
_EN_COUNTRIES = {
    "KOR": ["korea", "southkorea", "republicofkorea", "korearep", "rok"],
    "PRK": ["northkorea", "dprk"], "USA": ["usa", "us", "unitedstatesofamerica", "america"],
    "GBR": ["uk", "greatbritain", "britain"],
    "CZE": ["czechrepublic", "czechia"], "VNM": ["vietnam"], "RUS": ["russia"],
    "TUR": ["turkey", "turkiye"], "IRN": ["iran"], "SYR": ["syria"], "LAO": ["laos"],
    "BOL": ["bolivia"], "VEN": ["venezuela"], "TZA": ["tanzania"], "MDA": ["moldova"],
    "NLD": ["holland", "thenetherlands"], "ARE": ["uae"], "CIV": ["ivorycoast"],
    "DEU": ["germany", "deutschland"], "CHE": ["schweiz", "suisse"], "MEX": ["mexico"],
    "CHN": ["china", "prc", "peoplesrepublicofchina", "mainlandchina", "chinamainland"],
}
#: English names of subdivisions that pycountry gives in the local language only.
_EN_SUBDIVISIONS = {
    "DE-BY": ["bavaria"], "DE-NW": ["northrhinewestphalia", "nrw"], "DE-NI": ["lowersaxony"],
    "DE-BW": ["badenwuerttemberg", "badenwurttemberg"], "DE-HE": ["hesse"],
    "DE-SN": ["saxony"], "DE-TH": ["thuringia"], "DE-RP": ["rhinelandpalatinate"],
    "KR-11": ["seoul"], "KR-26": ["busan"], "KR-27": ["daegu"], "KR-28": ["incheon"],
    "KR-29": ["gwangju"], "KR-30": ["daejeon"], "KR-31": ["ulsan"], "KR-41": ["gyeonggi"],
    "KR-43": ["chungbuk", "chungcheongbuk"], "KR-44": ["chungnam", "chungcheongnam"],
    "KR-45": ["jeonbuk", "jeollabuk"], "KR-46": ["jeonnam", "jeollanam"],
    "KR-47": ["gyeongbuk", "gyeongsangbuk", "kyungbuk", "kyongsangbukdo"],
    "KR-48": ["gyeongnam", "gyeongsangnam", "kyungnam", "kyongsangnamdo"], "KR-49": ["jeju"],
    "KR-42": ["gangwon"], "IT-25": ["lombardy"], "IT-21": ["piedmont"], "IT-34": ["veneto"],
    "ES-CT": ["catalonia"], "ES-AN": ["andalusia"], "MX-NLE": ["nuevoleon"],
    "MX-CMX": ["mexicocity"], "TH-10": ["bangkok"], "VN-SG": ["hochiminhcity", "hochiminh",
                                                              "saigon"],
    "VN-HN": ["hanoi"], "VN-HP": ["haiphong"], "VN-DN": ["danang"], "IN-DL": ["delhi", "newdelhi"],
    "JP-13": ["tokyo"], "JP-27": ["osaka"], "JP-26": ["kyoto"], "JP-01": ["hokkaido"],
    "CZ-10": ["prague", "praha"], "CZ-20": ["centralbohemia"], "CZ-64": ["southmoravia"],
    "PL-14": ["masovia", "mazovia"], "HU-BU": ["budapest"], "FR-IDF": ["iledefrance"],
    "BE-BRU": ["brussels"], "NL-NH": ["northholland"], "NL-ZH": ["southholland"],
    "NL-NB": ["northbrabant"], "SG-01": [], "MY-14": ["kualalumpur"], "MY-10": ["selangor"],
    "MY-07": ["penang", "pulaupinang"], "MY-01": ["johor"], "PH-00": ["metromanila", "manila"],
}
#: Admin words after a subdivision name: a key is also made without them.
_SUB_SUFFIXES = ("teukbyeoljachido", "teukbyeoljachisi", "teukbyeolsi", "gwangyeoksi", "do",
                 "prefecture", "province", "state", "ken", "to", "fu")

_opencc: object | None = None


def simplify(text: str) -> str:
    """NFKC-normalised, traditional characters folded to simplified (OpenCC ``t2s``)."""
    global _opencc
    s = unicodedata.normalize("NFKC", text)
    if any("\u4e00" <= ch <= "\u9fff" for ch in s):
        if _opencc is None:
            import opencc

            _opencc = opencc.OpenCC("t2s")
        s = _opencc.convert(s)  # type: ignore[attr-defined]
    return s


_NONLETTER = re.compile(r"[^a-z]+")


def latin_key(text: str) -> str:
    """Lower-case ASCII letters only, accents dropped: ``Xi'an`` → ``xian``, ``Zürich`` → ``zurich``."""
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return _NONLETTER.sub("", s.casefold())


@dataclass(eq=False)
class Place:
    """One place of the gazetteer."""

    id: str                      # unique id (the code, or ``code/name`` for a town)
    code: str                    # the region code a match gives (a town gives its region's)
    name: str                    # the name to show (Chinese where known)
    level: str                   # country, province, city, county, town or other
    country: str                 # ISO-3 of the country it belongs to (CHN for HK/Macao/Taiwan)
    parent: Place | None = None
    name_en: str | None = None
    lon: float | None = None
    lat: float | None = None
    depth: int = 0
    ancestors: frozenset[str] = field(default_factory=frozenset)   # ids of self and all above

    def is_within(self, other: Place) -> bool:
        return other.id in self.ancestors


class Gazetteer:
    """Places and their name indexes."""

    def __init__(self) -> None:
        self.places: dict[str, Place] = {}
        self.by_code: dict[str, Place] = {}
        self.zh: dict[str, list[tuple[Place, float]]] = {}
        self.latin: dict[str, list[tuple[Place, float]]] = {}
        self.alpha2: dict[str, str] = {}
        self.max_zh = 2
        self.max_latin_tokens = 4

    # ----------------------------------------------------------------- building
    def add(self, place: Place, parent_id: str | None) -> Place:
        if parent_id is not None:
            place.parent = self.places.get(parent_id)
        p = place.parent
        place.depth = 0 if p is None else p.depth + 1
        place.ancestors = frozenset({place.id} | (set(p.ancestors) if p is not None else set()))
        self.places[place.id] = place
        if place.level != "town":
            self.by_code.setdefault(place.code, place)
        return place

    def name_zh(self, name: str, place: Place, weight: float) -> None:
        key = simplify(name).strip()
        if len(key) < 2:
            return
        self._put(self.zh, key, place, weight)
        self.max_zh = max(self.max_zh, len(key))

    def name_latin(self, key: str, place: Place, weight: float) -> None:
        k = latin_key(key)
        if len(k) < 2:
            return
        self._put(self.latin, k, place, weight)

    @staticmethod
    def _put(index: dict[str, list[tuple[Place, float]]], key: str, place: Place,
             weight: float) -> None:
        hits = index.setdefault(key, [])
        for i, (p, w) in enumerate(hits):
            if p is place:
                if weight > w:
                    hits[i] = (p, weight)
                return
        hits.append((place, weight))

    def children(self, place: Place) -> list[Place]:
        return [p for p in self.places.values() if p.parent is place]

    def descendants(self, place: Place) -> list[Place]:
        return [p for p in self.places.values() if place.id in p.ancestors and p is not place]

    def frame(self) -> pd.DataFrame:
        """The places as rows of the ``regions`` table (towns left out)."""
        rows = []
        for p in self.places.values():
            if p.level == "town" or p.id != p.code:
                continue
            parent = p.parent.code if p.parent is not None else None
            level = p.level if p.level in ("country", "province", "city", "county") else "other"
            rows.append((p.code, p.name, p.name_en, level, parent, p.lon, p.lat, p.country))
        out = pd.DataFrame(rows, columns=["code", "name", "name_en", "level", "parent", "lon",
                                          "lat", "country"])
        for c in ("code", "name", "name_en", "level", "parent", "country"):
            out[c] = out[c].astype("string")
        out["lon"] = out["lon"].astype("float64")
        out["lat"] = out["lat"].astype("float64")
        return out


def _f(v: str) -> float | None:
    return float(v) if v else None


def _load_countries(g: Gazetteer) -> None:
    import pycountry

    try:
        zh = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"])
        tr = zh.gettext
    except OSError:
        def tr(s: str) -> str:
            return s
    for c in pycountry.countries:
        code = c.alpha_3
        g.alpha2[c.alpha_2] = code
        if code in ("TWN", "HKG", "MAC"):
            continue
        names_en = [c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)]
        en = getattr(c, "common_name", None) or c.name
        zh_name = _ZH_COUNTRIES.get(code, [tr(c.name)])[0]
        place = g.add(Place(code, code, zh_name if code != "CHN" else "中国", "country", code,
                            name_en=en), None)
        for n in names_en:
            if n:
                g.name_latin(n, place, W_LATIN)
                # "Korea, Republic of" → also "Republic of Korea"
                if ", " in n:
                    a, b = n.split(", ", 1)
                    g.name_latin(b + " " + a, place, W_LATIN)
                    g.name_latin(a, place, W_LATIN * 0.95)
        for n in _EN_COUNTRIES.get(code, []):
            g.name_latin(n, place, W_LATIN)
        for n in _ZH_COUNTRIES.get(code, []):
            g.name_zh(n, place, W_FULL)
        translated = tr(c.name)
        if translated != c.name:
            g.name_zh(translated, place, W_FULL)
    china = g.places["CHN"]
    for n in ("中国", "中华人民共和国", "全国", "中国大陆", "大陆"):
        g.name_zh(n, china, W_FULL)


def _load_china(g: Gazetteer) -> None:
    text = resources.files("chainatlas.places").joinpath("data", "china.tsv").read_text("utf-8")
    lines = text.splitlines()
    header = lines[0].split("\t")
    rows = [dict(zip(header, ln.split("\t"), strict=True)) for ln in lines[1:]]
    en_names = {"810000": "Hong Kong", "820000": "Macao", "710000": "Taiwan"}
    for r in rows:
        code, level = r["code"], r["level"]
        pid = r["parent"]
        if level == "town":
            region = g.places.get(code)
            place = g.add(Place(f"{code}/{r['name']}", code, r["name"], "town", "CHN",
                                name_en=None), code)
            place.parent = region
        else:
            place = g.add(Place(code, code, r["name"], level, "CHN",
                                name_en=en_names.get(code), lon=_f(r["lon"]), lat=_f(r["lat"])),
                          pid)
        # A province is what its short name conventionally means (河北 is Hebei, not Tianjin's
        # 河北区; 海南 is Hainan): a small preference over same-named places below.
        bonus = 0.05 if level == "province" else 0.0
        g.name_zh(r["name"], place, W_FULL)
        if r["short"] != r["name"]:
            g.name_zh(r["short"], place, W_SHORT + bonus)
        for i, k in enumerate(r["keys"].split("|")):
            if k:
                g.name_latin(k, place, (W_LATIN if i == 0 else W_LATIN * 0.95) + bonus)
        for k in r["slips"].split("|"):
            if k:
                g.name_latin(k, place, W_SLIP)
    for name, code in (("香港", "810000"), ("澳门", "820000"), ("台湾", "710000"),
                       ("中国香港", "810000"), ("中国澳门", "820000"), ("中国台湾", "710000"),
                       ("九龙", "810000"), ("新界", "810000")):
        g.name_zh(name, g.places[code], W_FULL)
    for alpha3, code in (("TWN", "710000"), ("HKG", "810000"), ("MAC", "820000")):
        g.by_code.setdefault(alpha3, g.places[code])


def _load_subdivisions(g: Gazetteer) -> None:
    import pycountry

    for s in pycountry.subdivisions:
        if s.parent_code is not None:
            continue
        alpha3 = g.alpha2.get(s.country_code)
        if alpha3 is None or alpha3 not in g.places or s.code.startswith(("CN-", "TW-")):
            continue
        name = re.sub(r"\s*\[.*?\]", "", s.name)
        place = g.add(Place(s.code, s.code, name, "province", alpha3, name_en=name), alpha3)
        g.name_latin(name, place, W_LATIN)
        key = latin_key(name)
        for suffix in _SUB_SUFFIXES:
            if key.endswith(suffix) and len(key) - len(suffix) >= 4:
                g.name_latin(key[: -len(suffix)], place, W_LATIN * 0.95)
                break
        for alias in _EN_SUBDIVISIONS.get(s.code, []):
            g.name_latin(alias, place, W_LATIN)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The built-in gazetteer (built on first use, then cached)."""
    g = Gazetteer()
    _load_countries(g)
    _load_china(g)
    _load_subdivisions(g)
    return g


def extend(base: Gazetteer, regions: Iterable[dict[str, object]]) -> Gazetteer:
    """A gazetteer with a dataset's own ``regions`` rows added (their names take part)."""
    g = Gazetteer()
    g.places = dict(base.places)
    g.by_code = dict(base.by_code)
    g.zh = {k: list(v) for k, v in base.zh.items()}
    g.latin = {k: list(v) for k, v in base.latin.items()}
    g.alpha2 = base.alpha2
    g.max_zh = base.max_zh
    for r in regions:
        code = str(r.get("code") or "").strip()
        if not code:
            continue
        known = g.by_code.get(code)
        name = r.get("name")
        name_en = r.get("name_en")
        if known is None:
            parent = r.get("parent")
            country = r.get("country")
            pid = str(parent) if isinstance(parent, str) and parent in g.by_code else None
            pplace = g.by_code.get(pid) if pid else None
            place = Place(code, code, str(name) if isinstance(name, str) else code,
                          str(r.get("level") or "other"),
                          str(country) if isinstance(country, str) and country else
                          (pplace.country if pplace is not None else "CHN"),
                          name_en=str(name_en) if isinstance(name_en, str) else None)
            place = g.add(place, pplace.id if pplace is not None else None)
            g.by_code[code] = place
        else:
            place = known
        if isinstance(name, str) and name.strip():
            g.name_zh(name, place, W_FULL)
            if not any("\u4e00" <= ch <= "\u9fff" for ch in name):
                g.name_latin(name, place, W_LATIN)
        if isinstance(name_en, str) and name_en.strip():
            g.name_latin(name_en, place, W_LATIN)
    return g
