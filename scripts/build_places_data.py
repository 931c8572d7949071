"""Build the bundled gazetteer of Chinese places: ``src/chainatlas/places/data/china.tsv``.

Sources, all licence-clean:

- the administrative divisions (provinces, prefectures, counties) with coordinates come from the
  adcode table shipped in the ``cpca`` package (MIT);
- their pinyin spellings are computed with ``pypinyin`` (MIT), every reading of polyphonic
  characters kept (朝阳 → chaoyang and zhaoyang);
- the table below adds what neither has: English spellings in common use (Shaanxi, Inner
  Mongolia, Tibet, Hong Kong, Macau), towns of the prefectures that have no counties (Dongguan,
  Zhongshan) and a few well-known sub-county places, and the cities and counties of Taiwan with
  their ISO 3166-2 codes and Chinese names (facts, written here).

Run: ``python3 scripts/build_places_data.py`` (rewrites the file; a test checks it is current).
"""

from __future__ import annotations

import itertools
import re
import sys
from importlib import resources
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "chainatlas" / "places" / "data" / "china.tsv"

#: Extra Latin spellings (normalised: lower case letters only) of mainland provinces and cities.
ENGLISH = {
    "110000": ["peking"], "150000": ["innermongolia", "neimongol", "nei mongol"],
    "540000": ["tibet", "xizang"], "610000": ["shaanxi"], "140000": ["shansi"],
    "450000": ["guangxizhuang"], "640000": ["ningxiahui"], "650000": ["xinjianguygur",
                                                                       "xinjianguyghur"],
    "440100": ["canton"], "810000": ["hongkong", "hongkongsar", "hk", "kowloon", "newterritories",
                                     "hksar"],
    "820000": ["macau", "macao", "macaosar", "macausar", "taipa", "coloane"],
    "710000": ["taiwan", "formosa"],
    "120000": ["tientsin"], "500000": ["chungking"], "320100": ["nanking"],
    "210000": ["liaoning"], "460000": ["hainan"], "350200": ["amoy"],
}

#: Common slips: a spelling that usually means another place (weight below an exact match).
SLIPS = {"610000": ["shanxi"]}

#: Keys removed because they are wrong readings of a name (pypinyin's first reading).
WRONG = {"610000": ["shanxi"]}

#: Towns and sub-county places: (Chinese name, the region code they lie in).
TOWNS = [(n, "441900") for n in (
    "莞城", "南城", "东城", "万江", "石碣", "石龙", "茶山", "石排", "企石", "横沥", "桥头", "谢岗",
    "东坑", "常平", "寮步", "樟木头", "大朗", "黄江", "清溪", "塘厦", "凤岗", "大岭山", "长安",
    "虎门", "厚街", "沙田", "道滘", "洪梅", "麻涌", "望牛墩", "中堂", "高埗", "松山湖")] + [
    (n, "442000") for n in (
        "石岐", "五桂山", "火炬开发区", "黄圃", "南头", "东凤", "阜沙", "小榄", "东升", "古镇",
        "横栏", "三角", "民众", "南朗", "港口", "大涌", "沙溪", "三乡", "板芙", "神湾", "坦洲")] + [
    ("石岩", "440306"), ("福永", "440306"), ("沙井", "440306"), ("西乡", "440306"),
    ("松岗", "440306"), ("观澜", "440309"), ("坂田", "440307"), ("布吉", "440307"),
    ("横岗", "440307"), ("平湖", "440307"), ("张江", "310115"), ("金桥", "310115"),
    ("外高桥", "310115"), ("漕河泾", "310104"), ("中关村", "110108"), ("亦庄", "110115"),
    ("苏州工业园区", "320571"), ("园区", "320571"), ("张家港保税区", "320582"),
]

#: Taiwan's cities and counties: ISO 3166-2 code, Chinese name, English name.
TAIWAN = [
    ("TW-TPE", "台北市", "Taipei"), ("TW-NWT", "新北市", "New Taipei"),
    ("TW-TAO", "桃园市", "Taoyuan"), ("TW-TXG", "台中市", "Taichung"),
    ("TW-TNN", "台南市", "Tainan"), ("TW-KHH", "高雄市", "Kaohsiung"),
    ("TW-KEE", "基隆市", "Keelung"), ("TW-HSZ", "新竹市", "Hsinchu City"),
    ("TW-HSQ", "新竹县", "Hsinchu County"), ("TW-MIA", "苗栗县", "Miaoli"),
    ("TW-CHA", "彰化县", "Changhua"), ("TW-NAN", "南投县", "Nantou"),
    ("TW-YUN", "云林县", "Yunlin"), ("TW-CYI", "嘉义市", "Chiayi City"),
    ("TW-CYQ", "嘉义县", "Chiayi County"), ("TW-PIF", "屏东县", "Pingtung"),
    ("TW-ILA", "宜兰县", "Yilan"), ("TW-HUA", "花莲县", "Hualien"),
    ("TW-TTT", "台东县", "Taitung"), ("TW-PEN", "澎湖县", "Penghu"),
    ("TW-KIN", "金门县", "Kinmen"), ("TW-LIE", "连江县", "Lienchiang"),
]

_ETHNIC = re.compile(r"^(.{2,}?)(?:[\u4e00-\u9fff]{1,4}族)*(?:蒙古|维吾尔)?自治(?:区|州|县|旗)$")
_SUFFIXES = ("特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "林区", "新区",
             "地区", "矿区", "省", "市", "区", "县", "旗", "盟")


def short_name(name: str) -> str:
    """The name without its administrative suffix (江苏省 → 江苏, 延边朝鲜族自治州 → 延边)."""
    m = _ETHNIC.match(name)
    if m:
        return m.group(1)
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def pinyin_keys(name: str, limit: int = 4) -> list[str]:
    """Every reading of ``name`` in toneless pinyin, letters only (at most ``limit``)."""
    from pypinyin import Style, pinyin

    readings = pinyin(name, style=Style.NORMAL, heteronym=True, errors="ignore")
    best = "".join(r[0] for r in readings)
    out = [best]
    for combo in itertools.islice(itertools.product(*readings), 64):
        key = "".join(combo)
        if key not in out:
            out.append(key)
        if len(out) >= limit:
            break
    return [re.sub("[^a-z]", "", k) for k in out]


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def build_rows() -> list[list[str]]:
    import pandas as pd

    with resources.files("cpca").joinpath("resources/adcodes.csv").open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"adcode": str, "name": str})
    raw["code"] = raw["adcode"].str.slice(0, 6)
    raw = raw.drop_duplicates("code").sort_values("code")
    raw = raw[~raw["name"].isin(["市辖区", "县", "省直辖县级行政区划",
                                 "自治区直辖县级行政区划"])]
    codes = set(raw["code"])
    rows: list[list[str]] = []
    for code, name, lon, lat in zip(raw["code"], raw["name"], raw["longitude"], raw["latitude"],
                                    strict=True):
        level = _level(code)
        if level == "province":
            parent = "CHN"
        else:
            city, prov = code[:4] + "00", code[:2] + "0000"
            parent = city if level == "county" and city in codes else prov
        short = short_name(name)
        keys = pinyin_keys(short) + [k for k in pinyin_keys(name)[:1]]
        keys = [k for k in keys if k not in WRONG.get(code, [])]
        keys += [re.sub("[^a-z]", "", k.lower()) for k in ENGLISH.get(code, [])]
        slips = SLIPS.get(code, [])
        rows.append([code, parent, level, name, short, "|".join(dict.fromkeys(keys)),
                     "|".join(slips), _num(lon), _num(lat)])
    for name, code in TOWNS:
        rows.append([code, code, "town", name, name, "|".join(pinyin_keys(name)), "", "", ""])
    for code, zh, en in TAIWAN:
        level = "city"
        base = en.replace(" City", "").replace(" County", "")
        keys = [re.sub("[^a-z]", "", en.lower())]
        if en.endswith((" City", " County")):
            keys.append(re.sub("[^a-z]", "", base.lower()))
        keys += pinyin_keys(short_name(zh))[:1]
        rows.append([code, "710000", level, zh, short_name(zh), "|".join(dict.fromkeys(keys)),
                     "", "", ""])
    return rows


def _num(v: object) -> str:
    try:
        f = float(v)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""
    return "" if f != f else f"{f:.6f}"


HEADER = ["code", "parent", "level", "name", "short", "keys", "slips", "lon", "lat"]


def render() -> str:
    lines = ["\t".join(HEADER)] + ["\t".join(r) for r in build_rows()]
    return "\n".join(lines) + "\n"


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
