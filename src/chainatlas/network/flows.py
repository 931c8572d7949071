r"""Link values where the data has none: derived from capacities, outputs and the bill of materials.

The stress models need the yearly value of every supply link (``supply_links.value``). Where a
link has no value (the column is empty or absent) it is derived, link by link, from what the
data does have, and the caller reports a note saying how many links were derived and by which
rule. Known values are never changed.

For a link ``e`` from supplier ``j`` to customer ``i`` carrying segment ``t``:

1. **Cost share** (``segment_inputs.share``: the input's share of the segment's unit cost).
   When ``i``'s rows ``(i, s)`` with a known ``output_value`` have a cost share for ``t``, the
   customer's yearly purchases of ``t`` are :math:`P_{it} = \sum_s \mathrm{share}_{st}\,
   \mathrm{output\_value}_{is}` (output valued at cost) and :math:`v_e = \sigma_e P_{it}`.
2. **Quantities** (``segment_inputs.quantity``: units of ``t`` per unit of ``s``). Otherwise the
   customer's daily output in units :math:`X_{is}` is ``output_value / (365 · unit_cost)`` when
   both are known, else its ``capacity`` (assumed fully used); the supplier's unit price
   :math:`p_{jt}` is its ``unit_cost``, else ``output_value / (365 · capacity)``; and
   :math:`v_e = 365\,\sigma_e\, p_{jt} \sum_s q_{st} X_{is}`.
3. Otherwise the link keeps no value (the note counts those).

:math:`\sigma_e` splits the customer's purchases of ``t`` among its suppliers of ``t`` (all its
links of that segment): ``supply_links.share`` when every one of them has it; else in proportion
to the suppliers' capacities in ``t`` when all are known and positive; else equally.

A ``firm_segments`` row with no ``output_value`` but a ``capacity`` and a ``unit_cost`` gets
``output_value = 365 · capacity · unit_cost`` (noted too). Money is in the unit of the data's
``output_value`` / ``unit_cost`` (10,000 CNY per year by default).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.model.dataset import Dataset

__all__ = ["DAYS_PER_YEAR", "derive_link_values", "with_link_values"]

DAYS_PER_YEAR = 365.0


def _num(frame: pd.DataFrame, col: str) -> pd.Series:
    if col not in frame.columns:
        return pd.Series(np.nan, index=frame.index, dtype=np.float64)
    return pd.to_numeric(frame[col], errors="coerce").astype(np.float64)


def _pos(x: pd.Series) -> pd.Series:
    return x.where(np.isfinite(x) & (x > 0))


def _sum_known(frame: pd.DataFrame, by: list[str], cols: list[str],
               first: list[str] | None = None) -> pd.DataFrame:
    """Group sums that stay NaN where a group has no known value (``sum(min_count=1)``)."""
    g = frame.groupby(by, sort=False)
    out = g[cols].sum()
    known = g[cols].count()
    out = out.where(known > 0)
    if first:
        out = out.join(g[first].first())
    return out.reset_index()


def derive_link_values(ds: Dataset) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Supply links and firm segments with missing values derived (module docstring).

    Returns
    -------
    supply_links : DataFrame
        ``ds.supply_links`` with ``value`` filled where it could be derived (a new frame).
    firm_segments : DataFrame
        ``ds.firm_segments`` with ``output_value`` filled from capacity × unit cost.
    notes : list of str
        What was derived and how; empty when nothing was missing.
    """
    links = ds.supply_links.copy()
    fs = ds.firm_segments.copy()
    notes: list[str] = []
    if len(fs):
        ov0 = _num(fs, "output_value")
        fill_ov = ov0.isna() & _pos(_num(fs, "capacity")).notna() & \
            _pos(_num(fs, "unit_cost")).notna()
        if fill_ov.any():
            fs["output_value"] = ov0.where(~fill_ov, DAYS_PER_YEAR * _num(fs, "capacity")
                                           * _num(fs, "unit_cost"))
            notes.append(f"{int(fill_ov.sum())} firm segment row(s) had no output value: "
                         f"derived as 365 × capacity × unit cost")
    value = _num(links, "value")
    missing = value.isna().to_numpy()
    if not len(links) or not missing.any():
        return links, fs, notes
    bom = ds.segment_inputs
    firm = links["supplier"].astype(str).to_numpy(dtype=object)
    cust = links["customer"].astype(str).to_numpy(dtype=object)
    seg = links["segment"].astype(str).to_numpy(dtype=object)
    member = (pd.to_numeric(links["member"], errors="coerce").fillna(0).to_numpy()
              if "member" in links.columns else np.zeros(len(links)))
    frame = pd.DataFrame({"j": firm, "i": cust, "t": seg, "member": member,
                          "lshare": _num(links, "share").to_numpy()})
    # firm segment rows: price and daily output
    rows = pd.DataFrame({"f": fs["firm"].astype(str).to_numpy(dtype=object),
                         "s": fs["segment"].astype(str).to_numpy(dtype=object),
                         "cap": _num(fs, "capacity").to_numpy(),
                         "ov": _num(fs, "output_value").to_numpy(),
                         "uc": _num(fs, "unit_cost").to_numpy()})
    cap, ov, uc = _pos(rows["cap"]), _pos(rows["ov"]), _pos(rows["uc"])
    rows["price"] = uc.fillna(ov / (DAYS_PER_YEAR * cap))
    rows["units"] = (ov / (DAYS_PER_YEAR * uc)).fillna(cap)
    rows = _sum_known(rows, ["f", "s"], ["cap", "ov", "units"], first=["price"])
    # the customer's needs of t: cost share × output value, and quantity × units
    b = pd.DataFrame({"s": bom["segment"].astype(str).to_numpy(dtype=object),
                      "t": bom["input_segment"].astype(str).to_numpy(dtype=object),
                      "q": _num(bom, "quantity").fillna(1.0).to_numpy(),
                      "bshare": _num(bom, "share").to_numpy()})
    need = rows.rename(columns={"f": "i"}).merge(b, on="s")
    need["by_share"] = need["bshare"] * need["ov"]
    need["by_qty"] = need["q"] * need["units"]
    need = _sum_known(need, ["i", "t"], ["by_share", "by_qty"])
    frame = frame.merge(need, on=["i", "t"], how="left")
    sup = rows.rename(columns={"f": "j", "s": "t"})[["j", "t", "cap", "price"]]
    frame = frame.merge(sup, on=["j", "t"], how="left")
    # split among the customer's suppliers of t
    keys = [frame["i"], frame["t"], frame["member"]]
    n_in = frame["j"].groupby(keys, sort=False).transform("size")
    all_share = frame["lshare"].notna().groupby(keys, sort=False).transform("all")
    capk = frame["cap"].where(frame["cap"] > 0)
    all_cap = capk.notna().groupby(keys, sort=False).transform("all")
    cap_sum = capk.groupby(keys, sort=False).transform("sum")
    split = np.where(all_share.astype(bool), frame["lshare"],
                     np.where(all_cap.astype(bool), capk / cap_sum, 1.0 / n_in))
    v_share = split * frame["by_share"]
    v_qty = DAYS_PER_YEAR * split * frame["price"] * frame["by_qty"]
    use_share = missing & np.isfinite(v_share.to_numpy())
    use_qty = missing & ~use_share & np.isfinite(v_qty.to_numpy())
    derived = np.where(use_share, v_share, np.where(use_qty, v_qty, np.nan))
    links["value"] = np.where(missing, derived, value.to_numpy())
    how = []
    if use_share.any():
        how.append(f"{int(use_share.sum())} from BOM cost shares × the customer's output value")
    if use_qty.any():
        how.append(f"{int(use_qty.sum())} from BOM quantities × the customer's output in units "
                   f"(capacity where its output value or unit cost is unknown) × the supplier's "
                   f"unit price")
    split_how = ("split among a customer's suppliers of a segment by the links' share, else by "
                 "supplier capacity, else equally")
    left = int(missing.sum() - use_share.sum() - use_qty.sum())
    text = f"{int(missing.sum())} supply link(s) had no value; derived per year: "
    text += ("; ".join(how) + f" ({split_how})") if how else "none"
    if left:
        text += (f"; {left} still have no value (no BOM row for the customer's segment and the "
                 f"input, or no customer output / supplier price to value it)")
    notes.append(text)
    return links, fs, notes


def with_link_values(ds: Dataset) -> tuple[Dataset, list[str]]:
    """``ds`` itself when every link has a value, else a copy with derived values and notes."""
    if not len(ds.supply_links) or (_num(ds.supply_links, "value").notna().all()
                                    and _num(ds.firm_segments, "output_value").notna().all()):
        return ds, []
    links, fs, notes = derive_link_values(ds)
    if not notes:
        return ds, []
    tables = dict(ds.tables)
    tables["supply_links"] = links
    tables["firm_segments"] = fs
    return Dataset(ds.name, tables, dict(ds.meta)), notes
