"""Rolling China region codes (6-digit adcodes, GB/T 2260) up to one administrative level.

``province``: the first two digits + ``0000`` (320506 → 320000).

``prefecture`` (地级): the first four digits + ``00`` (320506 → 320500), with two documented
exceptions:

- **Municipalities and SARs** (北京 11, 天津 12, 上海 31, 重庆 50; 香港 81, 澳门 82; 台湾 71)
  are one prefecture-level unit each, coded by the province code (110105 → 110000; the older
  ``xx0100`` 市辖区 / ``xx0200`` 县 codes also give ``xx0000``), as city statistical yearbooks
  count them among the cities at prefecture level and above;
- **county-level units administered directly by a province** (省直辖县级行政区划, digits 3–4 =
  ``90``: 仙桃 429004, 济源 419001, 定州 139001, 五指山 469001, 石河子 659001 …) belong to no
  prefecture and stand for themselves.

``county`` (县级): the code itself. Prefectures without counties (不设区的地级市: 东莞 441900,
中山 442000, 儋州 460400, 嘉峪关 620200) stand for themselves at county level.

A code **coarser** than the level asked (a province code at prefecture level; a province or a
prefecture with counties at county level) cannot be assigned to one unit of that level: callers
report such firms and leave them out instead of mixing levels. Codes that are not 6-digit
numbers (foreign ISO-3 codes, a dataset's own labels) are kept unchanged and reported as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

__all__ = ["LEVELS", "MUNICIPALITIES", "RegionLevel", "roll_up"]

RegionLevel = Literal["province", "prefecture", "county"]
LEVELS: tuple[str, ...] = ("province", "prefecture", "county")

#: Province-level units counted as one prefecture-level unit (municipalities, SARs, Taiwan).
MUNICIPALITIES = frozenset({"11", "12", "31", "50", "81", "82", "71"})

_ADCODE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class RolledCode:
    """``code`` at the level asked and how it got there.

    ``status``: ``ok`` (one unit of the level), ``coarser`` (the input names a larger unit;
    ``code`` is then None) or ``not_adcode`` (kept unchanged).
    """

    code: str | None
    status: Literal["ok", "coarser", "not_adcode"]


@lru_cache(maxsize=1)
def _prefectures_with_counties() -> frozenset[str]:
    """Four-digit prefixes of the prefectures that have counties (from the gazetteer)."""
    from chainatlas.places.gazetteer import gazetteer

    out = set()
    for p in gazetteer().places.values():
        if (p.level == "county" and p.country == "CHN" and _ADCODE.match(p.code)
                and p.code[2:4] != "90" and p.code[:2] not in MUNICIPALITIES):
            out.add(p.code[:4])
    return frozenset(out)


def roll_up(code: object, level: str) -> RolledCode:
    """The unit of ``level`` that region ``code`` lies in (see the module docstring).

    Examples
    --------
    >>> roll_up("320506", "prefecture"), roll_up("110105", "prefecture").code
    (RolledCode(code='320500', status='ok'), '110000')
    >>> roll_up("130000", "prefecture").status, roll_up("429004", "prefecture").code
    ('coarser', '429004')
    >>> roll_up("441900", "county").code, roll_up("320500", "county").status
    ('441900', 'coarser')
    """
    if level not in LEVELS:
        from chainatlas.exceptions import InputError

        raise InputError(f"unknown region level {level!r}; expected province, prefecture or "
                         "county")
    s = str(code).strip()
    if not _ADCODE.match(s):
        return RolledCode(s, "not_adcode")
    prov = s[:2] + "0000"
    if level == "province":
        return RolledCode(prov, "ok")
    municipal = s[:2] in MUNICIPALITIES
    if level == "prefecture":
        if municipal:
            return RolledCode(prov, "ok")
        if s == prov:
            return RolledCode(None, "coarser")
        if s[2:4] == "90":
            return RolledCode(s, "ok")
        return RolledCode(s[:4] + "00", "ok")
    # county
    if municipal:
        if s[2:] == "0000" and s[:2] in ("81", "82", "71"):
            return RolledCode(s, "ok")        # no counties in GB/T 2260
        if s[4:] == "00":                    # the municipality, or its old 市辖区/县 codes
            return RolledCode(None, "coarser")
        return RolledCode(s, "ok")
    if s == prov:
        return RolledCode(None, "coarser")
    if s[4:] == "00" and s[2:4] != "90" and s[:4] in _prefectures_with_counties():
        return RolledCode(None, "coarser")
    return RolledCode(s, "ok")
