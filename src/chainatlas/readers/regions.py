"""The built-in region reference and the resolution of place names to codes.

Chinese places are identified by 6-digit administrative division codes (adcodes), countries by
ISO 3166-1 alpha-3 codes. The reference of Chinese places is read at run time from the adcode
table shipped inside the installed ``cpca`` package (name, longitude, latitude of every province,
prefecture and county); parents follow from the code itself (``PPCCXX``: province ``PP0000``,
prefecture ``PPCC00``). Chinese place names ("南京市", "桐城", "安徽省桐城市") are resolved with
``cpca.transform``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

__all__ = [
    "COUNTRY_NAMES",
    "ISO3_CODES",
    "region_reference",
    "resolve_region_values",
]

#: ISO 3166-1 alpha-3 codes (officially assigned).
ISO3_CODES: frozenset[str] = frozenset(["ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA", "ATF", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR", "BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN", "BVT", "BWA", "CAF", "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG", "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU", "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH", "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR", "GEO", "GGY", "GHA", "GIB", "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY", "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN", "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM", "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO", "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL", "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS", "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR", "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL", "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU", "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM", "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA", "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT", "VEN", "VGB", "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF", "ZMB", "ZWE"])

#: Chinese and English names of the countries that most often appear as origins in chain data.
COUNTRY_NAMES: dict[str, tuple[str, str]] = {
    "CHN": ("中国", "China"), "JPN": ("日本", "Japan"), "KOR": ("韩国", "Korea, Rep."),
    "USA": ("美国", "United States"), "DEU": ("德国", "Germany"), "NLD": ("荷兰", "Netherlands"),
    "FRA": ("法国", "France"), "GBR": ("英国", "United Kingdom"), "ITA": ("意大利", "Italy"),
    "CHE": ("瑞士", "Switzerland"), "SWE": ("瑞典", "Sweden"), "BEL": ("比利时", "Belgium"),
    "AUT": ("奥地利", "Austria"), "ESP": ("西班牙", "Spain"), "FIN": ("芬兰", "Finland"),
    "DNK": ("丹麦", "Denmark"), "NOR": ("挪威", "Norway"), "IRL": ("爱尔兰", "Ireland"),
    "ISR": ("以色列", "Israel"), "CAN": ("加拿大", "Canada"), "MEX": ("墨西哥", "Mexico"),
    "BRA": ("巴西", "Brazil"), "CHL": ("智利", "Chile"), "ARG": ("阿根廷", "Argentina"),
    "AUS": ("澳大利亚", "Australia"), "NZL": ("新西兰", "New Zealand"),
    "IND": ("印度", "India"), "IDN": ("印度尼西亚", "Indonesia"), "MYS": ("马来西亚", "Malaysia"),
    "SGP": ("新加坡", "Singapore"), "THA": ("泰国", "Thailand"), "VNM": ("越南", "Viet Nam"),
    "PHL": ("菲律宾", "Philippines"), "RUS": ("俄罗斯", "Russia"), "TUR": ("土耳其", "Türkiye"),
    "SAU": ("沙特阿拉伯", "Saudi Arabia"), "ARE": ("阿联酋", "United Arab Emirates"),
    "ZAF": ("南非", "South Africa"), "COD": ("刚果(金)", "Congo, Dem. Rep."),
    "HKG": ("中国香港", "Hong Kong SAR, China"), "MAC": ("中国澳门", "Macao SAR, China"),
    "POL": ("波兰", "Poland"), "HUN": ("匈牙利", "Hungary"), "CZE": ("捷克", "Czechia"),
}

_ADCODE6 = re.compile(r"^\d{6}$")
_ADCODE12 = re.compile(r"^\d{6}0{6}$")
_ISO3 = re.compile(r"^[A-Za-z]{3}$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _level(code: str) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


@lru_cache(maxsize=1)
def region_reference() -> pd.DataFrame:
    """Every Chinese place in ``cpca``'s adcode table plus the ISO-3 countries.

    Columns are those of the ``regions`` table: ``code, name, name_en, level, parent, lon, lat,
    country``. Read from the installed ``cpca`` package on first call (then cached).
    """
    with resources.files("cpca").joinpath("resources/adcodes.csv").open("rb") as fh:
        raw = pd.read_csv(fh, dtype={"adcode": str, "name": str})
    raw["code"] = raw["adcode"].str.slice(0, 6)
    raw = raw.drop_duplicates("code")
    codes = set(raw["code"])
    levels = [_level(c) for c in raw["code"]]
    parents: list[str | None] = []
    for code, level in zip(raw["code"], levels, strict=True):
        if level == "province":
            parents.append("CHN")
            continue
        city, prov = code[:4] + "00", code[:2] + "0000"
        if level == "county" and city in codes:
            parents.append(city)
        else:
            parents.append(prov if prov in codes else None)
    china = pd.DataFrame({
        "code": raw["code"].to_numpy(),
        "name": raw["name"].to_numpy(),
        "name_en": None,
        "level": levels,
        "parent": parents,
        "lon": raw["longitude"].astype("float64").to_numpy(),
        "lat": raw["latitude"].astype("float64").to_numpy(),
        "country": "CHN",
    })
    iso = sorted(ISO3_CODES)
    countries = pd.DataFrame({
        "code": iso,
        "name": [COUNTRY_NAMES.get(c, (c, c))[0] for c in iso],
        "name_en": [COUNTRY_NAMES.get(c, (None, None))[1] for c in iso],
        "level": "country",
        "parent": None,
        "lon": np.nan,
        "lat": np.nan,
        "country": iso,
    })
    out = pd.concat([china, countries], ignore_index=True)
    for c in ("code", "name", "name_en", "level", "parent", "country"):
        out[c] = out[c].astype("string")
    return out


@lru_cache(maxsize=1)
def _country_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, (zh, en) in COUNTRY_NAMES.items():
        out[zh] = code
        out[en.casefold()] = code
    out["全国"] = "CHN"
    out["中华人民共和国"] = "CHN"
    return out


def _resolve_one(value: str) -> str | None:
    s = unicodedata.normalize("NFKC", value).strip()
    if _ADCODE6.match(s):
        return s
    if _ADCODE12.match(s):
        return s[:6]
    if _ISO3.match(s) and s.upper() in ISO3_CODES:
        return s.upper()
    return _country_lookup().get(s) or _country_lookup().get(s.casefold())


def resolve_region_values(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Resolve region cells (adcode, ISO-3 code or Chinese place name) to codes.

    Works on the distinct values only (a million firms in 300 places cost 300 look-ups).

    Returns
    -------
    codes : Series of string
        The resolved code per cell (``<NA>`` where the cell is empty or could not be resolved).
    unresolved : ndarray of bool
        True where a non-empty cell could not be resolved.
    """
    present = values.notna().to_numpy()
    uniques = pd.unique(values[present].astype(str))
    mapping: dict[str, str | None] = {u: _resolve_one(u) for u in uniques}
    names = [u for u, code in mapping.items() if code is None and _CJK.search(u)]
    if names:
        import cpca

        found = cpca.transform([unicodedata.normalize("NFKC", n).strip() for n in names])
        for name, code in zip(names, found["adcode"].tolist(), strict=True):
            if isinstance(code, str) and _ADCODE6.match(code[:6]):
                mapping[name] = code[:6]
    codes = values.astype("string").map(mapping, na_action="ignore").astype("string")
    unresolved = present & codes.isna().to_numpy()
    return codes, unresolved
