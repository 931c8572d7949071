"""GB/T 4754-2017 (国民经济行业分类) divisions and their IO sectors (committed concordance).

``data/gbt4754_2017_divisions.csv`` lists the 97 divisions (大类: section letter + two digits,
e.g. ``C38`` 电气机械和器材制造业) with the sector of the built-in 12-sector China 2020 table
they aggregate to (``io12``): A → agriculture, B → mining, C13–24/41/42 → light industry,
C25–30 → chemicals & materials, C31–33 → metals, C34–37/43 → machinery & vehicles, C38–40 →
electrical & electronics, D → utilities, E → construction, F/G/H → trade & transport,
I/J/K/L/M → ICT, finance & business, N–T → public & social services.

>>> division_of("3841")
'C38'
>>> division_of("C26")
'C26'
>>> io_sector_of("C3841", ["Metals 金属", "Electrical & electronics 电气电子"])
'Electrical & electronics 电气电子'
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["division_of", "divisions", "io_sector_of"]

_CODE = re.compile(r"^\s*([A-Ta-t])?\s*(\d{2})(\d{0,2})\s*$")


@lru_cache(maxsize=1)
def divisions() -> pd.DataFrame:
    """The concordance: ``code`` (e.g. C38), ``section``, ``division``, ``name``, ``io12``."""
    ref = resources.files("chainatlas.reconstruct").joinpath("data", "gbt4754_2017_divisions.csv")
    with ref.open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str)


def division_of(code: object) -> str | None:
    """The division (``C38``) of an industry code: ``C38``, ``38``, ``3841``, ``C3841``; None if
    the text is no GB/T 4754 code or its section letter contradicts the digits."""
    if not isinstance(code, str):
        return None
    m = _CODE.match(code)
    if not m:
        return None
    d = divisions()
    row = d[d["division"] == m.group(2)]
    if row.empty:
        return None
    sec = row["section"].iloc[0]
    if m.group(1) and m.group(1).upper() != sec:
        return None
    return str(row["code"].iloc[0])


def io_sector_of(label: object, sectors: list[str]) -> str | None:
    """The table sector for a segment's ``io_sector``: itself if the table has it, else its
    GB/T 4754 division's sector when the table is aggregated like the built-in one."""
    if isinstance(label, str) and label in sectors:
        return label
    div = division_of(label)
    if div is None:
        return None
    d = divisions()
    io12 = d.loc[d["code"] == div, "io12"].iloc[0]
    return str(io12) if io12 in sectors else None
