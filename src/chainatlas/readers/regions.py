"""The built-in region reference and the resolution of region cells to codes.

Mainland places are identified by 6-digit administrative division codes (adcodes); Hong Kong,
Macao and Taiwan by their GB/T 2260 codes (810000, 820000, 710000) and Taiwan's cities and
counties by ISO 3166-2 codes (``TW-TPE``); countries by ISO 3166-1 alpha-3 codes and their
first-level subdivisions by ISO 3166-2 codes (``JP-46``, ``US-TX``). A dataset may add regions of
its own with any code; their names then resolve too.

Cells are resolved by :mod:`chainatlas.places` (codes, Chinese names simplified or traditional,
English and pinyin names and addresses, country names): a cell that names more than one place
equally well is *ambiguous* and reported with its candidates, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from chainatlas.places import Resolver, extend, gazetteer

__all__ = [
    "COUNTRY_NAMES",
    "ISO3_CODES",
    "RegionResolution",
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


@lru_cache(maxsize=1)
def region_reference() -> pd.DataFrame:
    """Every place of the built-in gazetteer as rows of the ``regions`` table.

    Mainland provinces, prefectures and counties (``cpca``'s adcode table, with coordinates),
    Hong Kong, Macao, Taiwan and Taiwan's cities and counties, every ISO-3 country and every
    first-level ISO 3166-2 subdivision. Columns: ``code, name, name_en, level, parent, lon, lat,
    country``. Built on first call, then cached.
    """
    return gazetteer().frame()


@dataclass
class RegionResolution:
    """Region cells resolved: codes, and what could not be."""

    codes: pd.Series                       # the code per cell (<NA> where empty or not resolved)
    unresolved: np.ndarray                 # a non-empty cell that names no known place
    ambiguous: np.ndarray                  # a cell that names several places equally well
    candidates: dict[str, list[str]] = field(default_factory=dict)   # value → "code name" list
    corrected: dict[str, str] = field(default_factory=dict)          # value → code (a slip)


def resolver_for(regions: Iterable[dict[str, object]] | None = None) -> Resolver:
    """A resolver over the built-in gazetteer plus a dataset's own ``regions`` rows."""
    rows = list(regions or [])
    return Resolver(extend(gazetteer(), rows) if rows else gazetteer())


def resolve_region_values(values: pd.Series, resolver: Resolver | None = None,
                          country: pd.Series | None = None) -> RegionResolution:
    """Resolve region cells (codes, Chinese/English/pinyin names or addresses) to codes.

    Works on the distinct values only (a million firms in 300 places cost 300 look-ups).
    ``country``: an optional country column, used as context.
    """
    r = resolver if resolver is not None else resolver_for()
    present = values.notna().to_numpy()
    text = values.astype("string")
    if country is not None:
        ctx = country.astype("string").reindex(values.index)
        pairs = pd.DataFrame({"v": text, "c": ctx})[present]
        uniq = pairs.drop_duplicates()
        mapping: dict[tuple[str, object], str | None] = {}
        status: dict[tuple[str, object], str] = {}
        cands: dict[str, list[str]] = {}
        corrected: dict[str, str] = {}
        for v, c in zip(uniq["v"], uniq["c"], strict=True):
            c2 = None if c is pd.NA else c
            res = r.resolve(v, c2)
            mapping[(v, c2)] = res.region
            status[(v, c2)] = res.status
            if res.status == "ambiguous":
                cands[str(v)] = [f"{x['region']} {x['label']}" for x in res.candidates]
            elif res.region is not None and res.confidence < 0.6:
                corrected[str(v)] = f"{res.region} {res.name}"
        keys = [(v, None if c is pd.NA else c) if p else None
                for v, c, p in zip(text, ctx, present, strict=True)]
        codes = pd.Series([mapping.get(k) if k else None for k in keys], index=values.index,
                          dtype="string")
        amb = np.array([bool(k) and status.get(k) == "ambiguous" for k in keys], dtype=bool)
    else:
        uniques = pd.unique(text[present])
        results = {u: r.resolve(u) for u in uniques}
        mapping1 = {u: res.region for u, res in results.items()}
        cands = {str(u): [f"{x['region']} {x['label']}" for x in res.candidates]
                 for u, res in results.items() if res.status == "ambiguous"}
        corrected = {str(u): f"{res.region} {res.name}" for u, res in results.items()
                     if res.region is not None and res.confidence < 0.6}
        codes = text.map(mapping1, na_action="ignore").astype("string")
        amb_values = [u for u, res in results.items() if res.status == "ambiguous"]
        amb = present & text.isin(amb_values).fillna(False).to_numpy(dtype=bool)
    unresolved = present & codes.isna().to_numpy() & ~amb
    return RegionResolution(codes, unresolved, amb, cands, corrected)
