"""Location classes as Chinese statistics use them: 境内, 港澳台, 国外, 未知.

- ``mainland`` (境内): a mainland adcode (or ``CHN``);
- ``hmt`` (港澳台): Hong Kong 810000, Macao 820000, Taiwan 710000 and what lies below them
  (``TW-TPE`` …), also written ``HKG``/``MAC``/``TWN``;
- ``foreign`` (国外): another country (ISO-3) or one of its subdivisions (ISO 3166-2);
- ``unknown`` (未知): no region, or a code that no gazetteer or dataset region explains. An
  unknown location is never counted as local or domestic.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = ["HMT_MODES", "LOCATION_CLASSES", "location_class", "location_classes"]

#: How 港澳台 counts: shown on its own (default), as foreign, or as domestic.
HMT_MODES = ("separate", "foreign", "domestic")

#: Class id → Chinese label.
LOCATION_CLASSES = {"mainland": "境内", "hmt": "港澳台", "foreign": "国外", "unknown": "未知"}

_HMT_PREFIX = ("71", "81", "82")
_ADCODE = re.compile(r"^\d{6}(?:\d{6})?(?:-.*)?$")   # an adcode, or a code below one
_ISO3 = re.compile(r"^[A-Z]{3}$")
_ISO2 = re.compile(r"^([A-Z]{2})-[A-Z0-9]{1,3}(?:-.*)?$")


def location_class(code: object, country: object = None) -> str:
    """The class of one region code (``country``: the region's country where known)."""
    if not isinstance(code, str) or not code.strip():
        return "unknown"
    c = code.strip()
    if c.upper() in ("XXX", "UNK"):
        return "unknown"
    if c in ("HKG", "MAC", "TWN") or c.startswith(("TW-", "HK-", "MO-")):
        return "hmt"
    if _ADCODE.match(c):
        if c.startswith(_HMT_PREFIX):
            return "hmt"
        if c.startswith("000000"):
            return "unknown"
        return "mainland"
    if c == "CHN":
        return "mainland"
    if _ISO3.match(c):
        return "foreign"
    m = _ISO2.match(c)
    if m:
        return "mainland" if m.group(1) == "CN" else "foreign"
    if isinstance(country, str) and country.strip():
        k = country.strip().upper()
        if k == "CHN":
            return "unknown"  # a custom code in China: mainland or not cannot be told
        if k in ("HKG", "MAC", "TWN"):
            return "hmt"
        return "foreign"
    return "unknown"


def location_classes(codes: Iterable[object], countries: Mapping[str, str] | None = None,
                     hmt: str = "separate") -> list[str]:
    """The class of each code (worked out once per distinct code); ``countries`` maps custom
    codes to their country; ``hmt`` (see :data:`HMT_MODES`) folds 港澳台 into foreign or
    mainland when asked."""
    if hmt not in HMT_MODES:
        raise ValueError(f"hmt must be one of {', '.join(HMT_MODES)}, not {hmt!r}")
    cmap = countries or {}
    fold = {"foreign": "foreign", "domestic": "mainland"}.get(hmt, "hmt")
    memo: dict[object, str] = {}
    out = []
    for c in codes:
        k = c if isinstance(c, str) or c is None else str(c)
        v = memo.get(k)
        if v is None:
            v = location_class(k, cmap.get(k) if isinstance(k, str) else None)
            if v == "hmt":
                v = fold
            memo[k] = v
        out.append(v)
    return out
