"""Reconstruction inputs from a dataset's firms, segments and bill of materials or an IO table.

- **BOM** (``segment_inputs``): sectors are the chain's segments; ``A[a, b]`` is the cost share
  of input *a* in segment *b*. A segment whose inputs have no shares gets an equal split of
  0.6 of its output (an intermediate-input ratio typical of manufacturing), one with some
  shares missing the rest of what the given ones leave below that ratio. ``u[a]`` is set so the
  chain's own demand absorbs what the segment sells, capped at all of its output.
- **IO table**: sectors are the table's; each segment maps to ``segments.io_sector``;
  ``A = Z·diag(x)⁻¹`` and ``u = Z·1 / x``.

Firm size is ``firm_segments.output_value``; where missing, the firm's revenue split equally over
its segments, else the segment's median output. Every such fill is listed in ``assumptions``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from chainatlas.exceptions import InputError
from chainatlas.model.dataset import Dataset
from chainatlas.model.iotable import IOTable
from chainatlas.reconstruct.inputs import ReconstructionInputs

__all__ = ["BOM_INPUT_RATIO", "MAX_PLACES", "firm_places", "inputs_from_dataset", "unit_table"]

#: Intermediate-input ratio assumed where the bill of materials gives no cost shares.
BOM_INPUT_RATIO = 0.6
#: Most distinct firm locations kept (the sampler's tables are places × places); above it the
#: coordinates are snapped to a coarser grid, and the assumptions say so.
MAX_PLACES = 3000
#: Grid of the firms' own coordinates (degrees; 0.001° ≈ 0.1 km).
_GRID_DEG = 1e-3


def _region_coords(ds: Dataset, codes: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Region index per firm and lon/lat per region (parent or adcode prefix as fallback)."""
    reg = ds.regions
    lon = dict(zip(reg["code"].astype(str), pd.to_numeric(reg["lon"], errors="coerce"),
                   strict=True)) if len(reg) else {}
    lat = dict(zip(reg["code"].astype(str), pd.to_numeric(reg["lat"], errors="coerce"),
                   strict=True)) if len(reg) else {}
    parent = dict(zip(reg["code"].astype(str), reg["parent"].astype(object), strict=True)) \
        if len(reg) else {}
    uniq, idx = np.unique(codes.astype(str).to_numpy(dtype=object), return_inverse=True)
    lo, la = np.full(len(uniq), np.nan), np.full(len(uniq), np.nan)
    for k, code in enumerate(uniq.tolist()):
        tries = [code]
        p = parent.get(code)
        if isinstance(p, str) and p:
            tries.append(p)
        if len(code) == 6 and code.isdigit():
            tries += [code[:4] + "00", code[:2] + "0000"]
        for c in tries:
            if c in lon and np.isfinite(lon[c]) and np.isfinite(lat.get(c, np.nan)):
                lo[k], la[k] = lon[c], lat[c]
                break
    return idx.astype(np.int64), lo, la


def firm_places(ds: Dataset, notes: list[str]
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Where each firm is for the distance term: its own coordinates (``firms.lon``/``lat``)
    where it has both, else its region's centre.

    Returns ``(place per firm, lon, lat, intra_km per place)``; regions come first (intra
    distance NaN: the model's ``intra_region_km``), then one place per distinct point of the
    firms' coordinates on a 0.001° grid (within it, half the grid cell). Where the points would
    be more than :data:`MAX_PLACES`, the grid is doubled until they are not, and said.
    """
    region_idx, lon, lat = _region_coords(ds, ds.firms["region"])
    R = len(lon)
    intra = np.full(R, np.nan)
    firms = ds.firms
    if "lon" not in firms or "lat" not in firms:
        return region_idx, lon, lat, intra
    flon = pd.to_numeric(firms["lon"], errors="coerce").to_numpy(float)
    flat = pd.to_numeric(firms["lat"], errors="coerce").to_numpy(float)
    has = np.isfinite(flon) & np.isfinite(flat)
    if not has.any():
        return region_idx, lon, lat, intra
    step = _GRID_DEG
    while True:
        key = np.round(flon[has] / step).astype(np.int64) * 1_000_000_007 \
            + np.round(flat[has] / step).astype(np.int64)
        uk, inv = np.unique(key, return_inverse=True)
        if len(uk) <= MAX_PLACES:
            break
        step *= 2.0
    cnt = np.bincount(inv)
    p_lon = np.bincount(inv, weights=flon[has]) / cnt
    p_lat = np.bincount(inv, weights=flat[has]) / cnt
    place = region_idx.copy()
    place[has] = R + inv
    half_cell_km = 0.5 * step * 111.2
    note = f"{int(has.sum())} firms placed at their own coordinates ({len(uk)} places"
    if step > _GRID_DEG:
        note += f", snapped to a {step:.3g}° grid (about {2 * half_cell_km:.1f} km) to keep " \
                f"at most {MAX_PLACES} places"
    notes.append(note + f"); {int((~has).sum())} at their region's centre")
    return (place.astype(np.int64), np.concatenate([lon, p_lon]), np.concatenate([lat, p_lat]),
            np.concatenate([intra, np.full(len(uk), half_cell_km)]))


def unit_table(ds: Dataset, notes: list[str]) -> pd.DataFrame:
    """``firm_segments`` rows with a positive output ``X`` (filled where missing)."""
    fs = ds.firm_segments[["firm", "segment", "output_value"]].copy()
    fs["firm"] = fs["firm"].astype(str)
    fs["segment"] = fs["segment"].astype(str)
    x = pd.to_numeric(fs["output_value"], errors="coerce").astype(float)
    miss = ~(x > 0)
    if miss.any():
        rev = pd.to_numeric(ds.firms.set_index(ds.firms["id"].astype(str))["revenue"],
                            errors="coerce")
        nseg = fs.groupby("firm")["segment"].transform("size")
        by_rev = fs["firm"].map(rev).astype(float) / nseg
        use = miss & (by_rev > 0)
        x[use] = by_rev[use]
        if use.any():
            notes.append(f"{int(use.sum())} firm segments without output value: the firm's "
                         "revenue split equally over its segments")
        miss = ~(x > 0)
        if miss.any():
            med = x.where(x > 0).groupby(fs["segment"]).transform("median")
            overall = float(x[x > 0].median()) if (x > 0).any() else 1.0
            x[miss] = med[miss].fillna(overall)
            notes.append(f"{int(miss.sum())} firm segments without output or revenue: the "
                         "segment's median output")
    fs["X"] = x
    return fs[fs["X"] > 0].reset_index(drop=True)


def _bom_technology(ds: Dataset, sectors: list[str], X: np.ndarray, sec: np.ndarray,
                    notes: list[str]) -> tuple[np.ndarray, np.ndarray]:
    S = len(sectors)
    pos = {s: k for k, s in enumerate(sectors)}
    A = np.zeros((S, S))
    si = ds.segment_inputs
    if not len(si):
        raise InputError("the dataset has no bill of materials (segment_inputs); give an IO "
                         "table with --io")
    share = pd.to_numeric(si["share"], errors="coerce") if "share" in si else \
        pd.Series(np.nan, index=si.index)
    filled = 0
    for seg, grp in si.groupby(si["segment"].astype(str)):
        if seg not in pos:
            continue
        sh = share.loc[grp.index]
        known = float(sh.fillna(0).sum())
        n_miss = int(sh.isna().sum())
        fill = max(BOM_INPUT_RATIO - known, 0.0) / n_miss if n_miss else 0.0
        filled += n_miss
        for inp_seg, v in zip(grp["input_segment"].astype(str), sh, strict=True):
            if inp_seg in pos:
                A[pos[inp_seg], pos[seg]] += fill if pd.isna(v) else float(v)
    if filled:
        notes.append(f"{filled} bill-of-materials rows without a cost share: an equal split of "
                     f"what is left of an input ratio of {BOM_INPUT_RATIO:g}")
    x_sec = np.bincount(sec, weights=X, minlength=S)
    demand = A @ x_sec
    u = np.minimum(np.divide(demand, x_sec, out=np.zeros(S), where=x_sec > 0), 1.0)
    short = [sectors[k] for k in range(S) if demand[k] > 0 and x_sec[k] == 0]
    if short:
        notes.append(f"{len(short)} inputs without a firm in the dataset are bought from the "
                     f"rest of the country: {', '.join(short[:8])}{' …' if len(short) > 8 else ''}")
    notes.append("sales to producers u[a] set so the chain's own demand absorbs each segment's "
                 "output (at most all of it); the rest is final or outside demand")
    return A, u


def _bom_essentiality(ds: Dataset, sectors: list[str], essential: np.ndarray,
                      notes: list[str]) -> np.ndarray | None:
    """``[a, b]``: input *a* essential to *b* — ``segment_inputs.essentiality`` 2 (1 and 0 are
    not), empty → the input segment's ``essential`` flag. None when no row sets it."""
    si = ds.segment_inputs
    if "essentiality" not in si or not pd.to_numeric(si["essentiality"], errors="coerce")\
            .notna().any():
        return None
    pos = {s: k for k, s in enumerate(sectors)}
    E = np.repeat(essential[:, None], len(sectors), axis=1)
    cls = pd.to_numeric(si["essentiality"], errors="coerce")
    for seg, inp_seg, c in zip(si["segment"].astype(str), si["input_segment"].astype(str), cls,
                               strict=True):
        if seg in pos and inp_seg in pos and pd.notna(c):
            E[pos[inp_seg], pos[seg]] = c >= 2
    notes.append("essential inputs per bill-of-materials row (segment_inputs.essentiality 2), "
                 "else the input segment's essential flag")
    return E


def inputs_from_dataset(ds: Dataset, *, io: IOTable | None = None,
                        import_share: float = 0.0) -> tuple[ReconstructionInputs, pd.DataFrame]:
    """Arrays for :func:`~chainatlas.reconstruct.reconstruct` and the unit table they index.

    Returns ``(inputs, units)`` where ``units`` has ``firm``, ``segment``, ``X`` per unit, and
    ``inputs.sector_ids`` are segments (BOM) or IO sectors (``io``). Firms are all of
    ``ds.firms``, in its order.
    """
    notes: list[str] = []
    if not 0 <= import_share < 1:
        raise InputError(f"import share must lie in [0, 1), got {import_share}")
    firms = ds.firms
    if not len(firms):
        raise InputError(f"dataset '{ds.name}' has no firms")
    fid = firms["id"].astype(str).to_numpy(dtype=object)
    fpos = pd.Index(fid)
    units = unit_table(ds, notes)
    unit_firm = fpos.get_indexer(units["firm"])
    if (unit_firm < 0).any():
        bad = units["firm"][unit_firm < 0].iloc[0]
        raise InputError(f"firm_segments names firm '{bad}' that is not in firms")
    segs = ds.segments
    seg_ids = segs["id"].astype(str).tolist()
    if io is None:
        sectors = list(dict.fromkeys(seg_ids + units["segment"].tolist()))
        spos = {s: k for k, s in enumerate(sectors)}
        sec = units["segment"].map(spos).to_numpy(np.int64)
        A, u = _bom_technology(ds, sectors, units["X"].to_numpy(float), sec, notes)
        ess_map = dict(zip(seg_ids, segs["essential"].astype("boolean").fillna(True), strict=True))
        essential = np.array([bool(ess_map.get(s, True)) for s in sectors])
        essential_pair = _bom_essentiality(ds, sectors, essential, notes)
    else:
        if io.is_multiregional:
            raise InputError("a multi-regional IO table cannot constrain one dataset's firms; "
                             "aggregate it to one region first")
        sectors = list(io.sectors)
        spos = {s: k for k, s in enumerate(sectors)}
        from chainatlas.reconstruct.concordance import io_sector_of

        io_of = {s: io_sector_of(v, sectors)
                 for s, v in zip(seg_ids, segs["io_sector"].astype(object), strict=True)}
        via = [s for s, v in zip(seg_ids, segs["io_sector"].astype(object), strict=True)
               if isinstance(v, str) and v not in spos and io_of.get(s)]
        if via:
            notes.append(f"{len(via)} segments mapped to the table through their GB/T 4754 "
                         "division (committed concordance)")
        sec_lab = units["segment"].map(io_of)
        sec = sec_lab.map(spos)
        if sec.isna().any():
            bad = units["segment"][sec.isna()].unique().tolist()
            raise InputError(f"segments without an io_sector of table '{io.name}': "
                             f"{', '.join(map(str, bad[:10]))} (set segments.io_sector to one of "
                             f"{', '.join(sectors[:10])} …)")
        sec = sec.to_numpy(np.int64)
        x = np.asarray(io.x, dtype=float)
        Z = np.asarray(io.Z, dtype=float)
        A = np.divide(Z, x[None, :], out=np.zeros_like(Z), where=x[None, :] > 0)
        u = np.clip(np.divide(Z.sum(axis=1), x, out=np.zeros(len(x)), where=x > 0), 0, 1)
        ess_sec: dict[str, bool] = {}
        for s, e in zip([io_of.get(x) for x in seg_ids], segs["essential"].astype("boolean")
                        .fillna(True), strict=True):
            if isinstance(s, str):
                ess_sec[s] = ess_sec.get(s, False) or bool(e)
        essential = np.array([ess_sec.get(s, False) for s in sectors])
        essential_pair = None
        notes.append(f"technology from IO table '{io.name or 'table'}' ({len(sectors)} sectors): "
                     "A = Z/x, sales to producers u = ΣZ/x; an IO sector is essential if one of "
                     "its segments is")
    imports = np.full(len(sectors), float(import_share))
    notes.append(f"import share of every input: {import_share:.0%}")
    region_idx, lon, lat, intra = firm_places(ds, notes)
    used = np.zeros(len(lon), bool)
    used[region_idx] = True
    if np.isnan(lon[used]).any():
        notes.append(f"{int(np.isnan(lon[used]).sum())} regions without coordinates placed at "
                     "the median distance")
    inp = ReconstructionInputs(len(fid), unit_firm.astype(np.int64), np.asarray(sec, np.int64),
                               units["X"].to_numpy(float), region_idx, lon, lat, A, u, imports,
                               essential, sectors, notes, essential_pair,
                               intra if np.isfinite(intra).any() else None)
    inp.check()
    return inp, units
