"""Numbers for people: the one place that turns values into text for a reader.

Used by the dashboard, the HTML report, the Excel workbooks and the CLI, so that a number reads
the same everywhere:

- **money** is stored in 万元 (10,000 CNY) throughout chainatlas; :func:`money` writes it in
  万元 / 亿元 / 万亿元 with thousands separators (``"1,234 万元"``, ``"12.35 亿元"``), in English
  as CNY with ``k`` / ``m`` / ``bn`` (``"CNY 12.3 m"``);
- **shares** (fractions 0–1) as percentages: :func:`share` (``0.1234`` → ``"12.3%"``);
- **ratios** and other measures to 2–3 significant digits without scientific notation:
  :func:`ratio` (``0.7333333362601953`` → ``"0.733"``);
- **years** as integers without separators: :func:`year` (``2022.0`` → ``"2022"``);
- **days** as whole or one-decimal numbers: :func:`days` (``14.999999999999996`` → ``"15"``);
- **counts** with separators: :func:`count`.

Text is for reading only. Exports keep the full-precision value in each cell and attach a
number format instead (:data:`EXCEL_FORMATS`, :func:`column_kind`), so a spreadsheet shows
``12.3%`` but still computes with ``0.12345678``.

>>> money(1234.4), money(123456.0), money(123456.0, "en")
('1,234 万元', '12.35 亿元', 'CNY 1.23 bn')
>>> share(0.1234), ratio(0.7333333362601953), year(2022.0), days(14.999999999999996)
('12.3%', '0.733', '2022', '15')
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["EXCEL_FORMATS", "KINDS", "column_kind", "count", "days", "fmt", "hours",
           "is_missing", "money", "number", "ratio", "share", "year"]

#: What :func:`fmt` and :func:`column_kind` know: ``money`` (万元), ``share`` (fraction),
#: ``percent`` (already ×100), ``ratio``, ``year``, ``days``, ``hours``, ``count``, ``text``.
KINDS = ("money", "share", "percent", "ratio", "year", "days", "hours", "count", "text")

#: openpyxl number formats per kind: the cell keeps its full value, the sheet shows it readably.
EXCEL_FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "share": "0.0%",
    "percent": "0.0",
    "ratio": "0.000",
    "year": "0",
    "days": "0.0",
    "hours": "0.0",
    "count": "#,##0",
}

_DASH = "—"
#: The most decimals any text shows.
MAX_DECIMALS = 4


def is_missing(value: Any) -> bool:
    """``None``, NaN, ``pd.NA`` or an empty string."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip() == ""
    try:
        return bool(value != value)  # NaN and pd.NA-like values
    except (TypeError, ValueError):
        return False


def _float(value: Any) -> float | None:
    if is_missing(value) or isinstance(value, bool):
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def _sig(v: float, digits: int) -> str:
    """``v`` to ``digits`` significant digits, fixed point, separators from 1,000 up."""
    if v == 0:
        return "0"
    a = abs(v)
    if a >= 10 ** digits:  # 12345.6 → "12,346": no digits lost to the left of the point
        return f"{v:,.0f}"
    if a < 0.5 * 10.0 ** -MAX_DECIMALS:  # never more than four decimals on screen
        return f"<{10.0 ** -MAX_DECIMALS:.{MAX_DECIMALS}f}" if v > 0 else \
            f">-{10.0 ** -MAX_DECIMALS:.{MAX_DECIMALS}f}"
    exp = math.floor(math.log10(a))
    decimals = min(MAX_DECIMALS, max(0, digits - 1 - exp))
    text = f"{v:,.{decimals}f}"
    # rounding may carry into a new digit (9.996 → "10.00"): drop the extra decimal
    if decimals and len(text.replace("-", "").replace(",", "").replace(".", "").lstrip("0")) > digits:
        text = f"{v:,.{decimals - 1}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def number(value: Any, digits: int = 3) -> str:
    """A measure: integers with separators, other values to ``digits`` significant digits.

    >>> number(1234567), number(0.00123456), number(0.000123456), number(3.0), number(None)
    ('1,234,567', '0.0012', '0.0001', '3', '—')
    """
    v = _float(value)
    if v is None:
        return _DASH
    if v.is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return _sig(v, digits)


def ratio(value: Any, digits: int = 3) -> str:
    """A ratio or score to 2–3 significant digits (``digits``; default 3).

    >>> ratio(0.7333333362601953), ratio(1.05), ratio(12.6, 2), ratio(0)
    ('0.733', '1.05', '13', '0')
    """
    v = _float(value)
    if v is None:
        return _DASH
    if abs(v) < 1e-12:
        return "0"
    return _sig(v, digits)


def share(value: Any, digits: int = 1, *, percent: bool = False) -> str:
    """A share (fraction 0–1; ``percent=True`` when already ×100) as a percentage.

    Tiny non-zero shares read ``<0.1%`` rather than ``0.0%``.

    >>> share(0.1234), share(1.0), share(0.0004), share(0), share(45.0, percent=True)
    ('12.3%', '100%', '<0.1%', '0%', '45%')
    """
    v = _float(value)
    if v is None:
        return _DASH
    p = v if percent else 100.0 * v
    if p == 0:
        return "0%"
    smallest = 10.0 ** -digits
    if 0 < abs(p) < smallest:
        return f"{'<' if p > 0 else '>-'}{smallest:.{digits}f}%"
    text = f"{p:,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}%"


def year(value: Any) -> str:
    """A year as an integer without separators (``2018.5`` → ``"2018"``, floor).

    >>> year(2022), year("2019"), year(2018.5)
    ('2022', '2019', '2018')
    """
    v = _float(value)
    if v is None:
        return _DASH
    return str(math.floor(v + 1e-9))


def days(value: Any, lang: str | None = None) -> str:
    """Days as a whole number, or to one decimal when the fraction matters; with ``lang`` the
    unit follows (``"15 天"`` / ``"15 days"``).

    >>> days(14.999999999999996), days(2.46), days(1, "en"), days(20, "zh"), days(None)
    ('15', '2.5', '1 day', '20 天', '—')
    """
    v = _float(value)
    if v is None:
        return _DASH
    r = round(v, 1)
    text = f"{r:,.0f}" if abs(r - round(r)) < 0.05 else f"{r:,.1f}"
    if lang is None:
        return text
    if lang == "zh":
        return f"{text} 天"
    return f"{text} day" if text == "1" else f"{text} days"


def hours(value: Any, lang: str | None = None) -> str:
    """Hours like :func:`days` (``"2.5 小时"`` / ``"2.5 h"``)."""
    text = days(value)
    if lang is None or text == _DASH:
        return text
    return f"{text} 小时" if lang == "zh" else f"{text} h"


def count(value: Any) -> str:
    """A count with separators (``12345`` → ``"12,345"``)."""
    v = _float(value)
    return _DASH if v is None else f"{round(v):,}"


def money(value_wan: Any, lang: str = "zh") -> str:
    """An amount stored in 万元 (10,000 CNY) for a reader.

    Chinese: below 1 亿元 in 万元 (whole numbers from 100 万元 up, else up to two decimals),
    then 亿元 and 万亿元 with two decimals. English: CNY with ``k``, ``m``, ``bn`` and ``tn`` to
    three significant digits.

    >>> money(0.5), money(85.25), money(9999.6), money(12345.678), money(2.5e8), money(-300)
    ('0.5 万元', '85.25 万元', '1.00 亿元', '1.23 亿元', '2.50 万亿元', '-300 万元')
    >>> money(0.5, "en"), money(85.26, "en"), money(12345.678, "en"), money(-3e4, "en")
    ('CNY 5,000', 'CNY 853k', 'CNY 123 m', 'CNY -300 m')
    """
    v = _float(value_wan)
    if v is None:
        return _DASH
    if lang != "zh":
        return _money_en(v * 1e4, 3)
    a = abs(v)
    if round(a / 1e4, 2) >= 1e4:
        return f"{v / 1e8:,.2f} 万亿元"
    if round(a) >= 1e4:
        return f"{v / 1e4:,.2f} 亿元"
    if a >= 100:
        return f"{v:,.0f} 万元"
    text = f"{v:,.2f}".rstrip("0").rstrip(".")
    return f"{text} 万元"


def _money_en(cny: float, digits: int) -> str:
    a = abs(cny)
    for scale, suffix in ((1e12, " tn"), (1e9, " bn"), (1e6, " m"), (1e3, "k")):
        if a >= scale * 0.9995 and (scale > 1e3 or a >= 1e4):
            return f"CNY {_sig(cny / scale, digits)}{suffix}"
    return f"CNY {cny:,.0f}"


def fmt(value: Any, kind: str, lang: str = "zh") -> str:
    """``value`` written for a reader as ``kind`` (one of :data:`KINDS`)."""
    if kind == "money":
        return money(value, lang)
    if kind == "share":
        return share(value)
    if kind == "percent":
        return share(value, percent=True)
    if kind == "ratio":
        return ratio(value)
    if kind == "year":
        return year(value)
    if kind == "days":
        return days(value)
    if kind == "hours":
        return hours(value)
    if kind == "count":
        return count(value)
    if is_missing(value):
        return _DASH
    if isinstance(value, float):
        return number(value)
    return str(value)


_EXACT: dict[str, str] = {
    "year": "year", "period_year": "year", "founded": "year",
    "lq": "ratio", "score": "ratio", "health": "ratio", "pci": "ratio", "eci": "ratio", "cog": "ratio",
    "density": "ratio", "rca": "ratio", "hhi": "ratio", "hhi_firm": "ratio", "gap": "ratio",
    "output_multiplier": "ratio", "backward_linkage": "ratio", "forward_linkage": "ratio",
    "index": "ratio", "D": "ratio", "C": "ratio", "T": "ratio", "value": "ratio",
    "ratio_to_end": "ratio", "bound_shared": "ratio", "bound_not_shared": "ratio",
    "min_output_ratio": "share", "output_ratio": "share", "share": "share",
    "firms": "count", "firms_local": "count", "firms_within": "count", "firms_lost": "count",
    "segments": "count", "n_firms": "count", "rank": "count", "customers": "count",
    "capacity": "ratio", "tts": "days", "ttr": "days", "tts_days": "days", "ttr_days": "days",
    "gap_days": "days", "recovery_day": "days", "min_output_day": "days", "horizon_days": "days",
    "total_output_loss_days": "days", "lead_time_days": "days", "inventory_days": "days",
    "nearest_hours": "hours", "hours": "hours",
    "max_firms_below_half": "count",
    "employees": "count", "rd_intensity": "share", "hours_away": "hours",
    "esri": "share", "esri_downstream": "share", "esri_upstream": "share",
}
_MONEY = re.compile(r"(^|_)(output|output_value|value_added|loss|value_total|value_within|"
                    r"output_loss|bought_local|bought_outside|final_demand|revenue)(_|$)")
_SHARE = re.compile(r"(^|_)(share|local_share|self_sufficiency|foreign_share)(_|$)")


def column_kind(column: str) -> str:
    """The :data:`KINDS` entry a column named ``column`` holds (``text`` when unknown): the one
    rule the dashboard grids, the report tables and the workbooks use to format numbers.

    >>> [column_kind(c) for c in ("output_loss", "share_within", "lq", "year", "name")]
    ['money', 'share', 'ratio', 'year', 'text']
    """
    c = str(column)
    if c in _EXACT:
        return _EXACT[c]
    if c.startswith("h_"):
        return "share"
    if c.endswith("_days"):
        return "days"
    if c.endswith("_hours"):
        return "hours"
    if c.endswith("_pct"):
        return "percent"
    if _SHARE.search(c) or c.endswith("_ratio"):
        return "share"
    if _MONEY.search(c):
        return "money"
    return "text"
