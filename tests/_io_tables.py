"""Small input-output tables written in their published layouts, shared by the reader and API tests."""

from __future__ import annotations


def _group(v: int) -> str:
    """A whole number with spaces between groups of three digits, as WIOD's CSV writes it."""
    return f"{v:,}".replace(",", " ")


def niot_text(years: tuple[int, ...] = (2013, 2014), *, grouped: bool = True) -> str:
    """A WIOD national table (NIOT) as published: UTF-8 with BOM, ';'-separated, a description
    row, one block per year of Domestic, Imports and TOT rows; every year but the last has twice
    the flows and output of the last. ``grouped``: thousands separated by spaces, as WIOD writes."""
    g = _group if grouped else str
    head = "Year;Code;Description;Origin;A01;B;CONS_h;CONS_np;CONS_g;GFCF;INVEN;EXP;GO"
    desc = ";;;;Crops;Mining;Households;NPISH;Government;GFCF;Inventories;Exports;Output"
    lines = ["\ufeff" + head, desc]
    for y in years:
        k = 1 if y == years[-1] else 2
        lines += [f"{y};A01;Crops;Domestic;{150 * k};{500 * k};{350 * k};0;0;0;0;0;{g(1000 * k)}",
                  f"{y};B;Mining;Domestic;{200 * k};{100 * k};{g(1500 * k)};0;0;0;0;{200 * k};"
                  f"{g(2000 * k)}",
                  f"{y};A01;Crops;Imports;10;20;5;0;0;0;0;0;0",
                  f"{y};B;Mining;Imports;30;40;5;0;0;0;0;0;0"]
        vals = {"II_fob": (350 * k + 40, 600 * k + 60), "VA": (650 * k - 40, 1400 * k - 60),
                "GO": (1000 * k, 2000 * k)}
        for code in ("II_fob", "TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM", "GO"):
            a, b = vals.get(code, (0, 0))
            lines.append(f"{y};{code};{code};TOT;{g(a)};{g(b)};0;0;0;0;0;0;0")
    return "\n".join(lines) + "\n"
