"""Synthetic firm networks for benchmarks: heavy-tailed degrees and weights with sector structure.

The generator is a degree-corrected block model in the spirit of Chung and Lu (2002): every firm
:math:`i` draws a size :math:`s_i` from a Pareto law with tail exponent :math:`\\gamma`,

.. math::

    s_i = (1 - u_i)^{-1/(\\gamma - 1)}, \\qquad u_i \\sim U(0, 1),

and expected out- and in-degree weights :math:`w^{out}_i = s_i \\varepsilon_i`,
:math:`w^{in}_i = s_i \\eta_i` with log-normal noise. Segments (sectors) are arranged in tiers
of a bill of materials (an acyclic ``segment_inputs`` table: tier *t* consumes from tiers < *t*).
A link is drawn in two vectorised steps: a BOM pair (input segment *a* → consuming segment *b*)
with probability

.. math::

    P(a \\to b) \\propto W^{out}_a \\, W^{in}_b, \\qquad W^{out}_a = \\sum_{i \\in a} w^{out}_i,

then a supplier in *a* with probability :math:`w^{out}_i / W^{out}_a` and a customer in *b* with
probability :math:`w^{in}_j / W^{in}_b`. So the expected number of links between *i* and *j* is
proportional to :math:`w^{out}_i w^{in}_j` (Chung–Lu within each block pair) and degrees inherit
the Pareto tail. Duplicate (supplier, customer) pairs are dropped and more links are drawn until
``n_links`` distinct ones exist; since a firm has one segment and a segment never consumes
itself, there are no self-loops and the link's segment is the supplier's segment. Small or dense
networks (few allowed pairs per link) instead draw exactly, without replacement, from every
allowed pair with weight :math:`w^{out}_i w^{in}_j` (Efraimidis and Spirakis 2006).

Attributes follow the size: output value (万元/yr) ∝ :math:`s_i`, capacity = output value / (unit
price × 300 days) with unit prices rising by tier, revenue, employees and tags (链主 = largest
firm of its segment, 规上, 高新, 上市). Firms sit in Zipf-sized cities, half of each segment's
firms in three "home" cities (so location quotients vary); ``foreign_share`` of them abroad.
Each supplier sells 80 % of its output over its links, split by log-normal weights; a link's
``share`` is its value over the customer's purchases of that segment. Lead times grow with
distance: same city 0.5–2 days, same province 1–4, elsewhere in China 2–8, abroad 20–45.

References
----------
F. Chung and L. Lu, "Connected components in random graphs with given expected degree
sequences", *Annals of Combinatorics* 6 (2002) 125–145.
B. Karrer and M. E. J. Newman, "Stochastic blockmodels and community structure in networks",
*Physical Review E* 83 (2011) 016107.
P. S. Efraimidis and P. G. Spirakis, "Weighted random sampling with a reservoir", *Information
Processing Letters* 97 (2006) 181–185.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError, ModelError
from chainatlas.model.tables import TABLES

__all__ = ["generate_network", "write_network", "NETWORK_TABLES"]

#: Tables returned by :func:`generate_network`, in import order.
NETWORK_TABLES: tuple[str, ...] = (
    "regions", "chains", "segments", "segment_inputs", "firms", "firm_segments", "supply_links",
)

#: Two-digit adcode prefixes of the 31 mainland provinces, used to make plausible region codes.
_PROVINCE_PREFIXES = (
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51,
    52, 53, 54, 61, 62, 63, 64, 65,
)
_FOREIGN = ("JPN", "KOR", "DEU", "USA", "NLD", "FRA", "GBR", "ITA", "SGP", "CHE")
_GAMMA = 2.3          # Pareto tail exponent of firm sizes (degree exponent of the network)
_DAYS_PER_YEAR = 300  # working days used to turn capacity (units/day) into output (per year)
_ENUMERATE_SMALL = 2_000_000  # enumerate every allowed pair when there are at most this many …
_ENUMERATE_MAX = 40_000_000   # … or when links fill a third of them (dense), up to this many


def _pa_strings(values: np.ndarray | Sequence[str | None]) -> pd.Series:
    """A pandas string Series backed by Arrow (cheap for millions of ids)."""
    return pd.Series(pd.arrays.ArrowStringArray(pa.array(values, type=pa.large_string())))


def _take_strings(labels: pa.Array, index: np.ndarray) -> pd.Series:
    return pd.Series(pd.arrays.ArrowStringArray(labels.take(pa.array(index))))


def _ids(prefix: str, n: int) -> pa.Array:
    width = max(len(str(max(n, 1))), 1)
    return pa.array(np.char.add(prefix, np.char.zfill(np.arange(1, n + 1).astype(str), width)),
                    type=pa.large_string())


def _tiers(n_sectors: int) -> np.ndarray:
    n_tiers = int(np.clip(round(np.log2(n_sectors)) + 1, 2, 6))
    return (np.arange(n_sectors) * n_tiers) // n_sectors


def _segments(n_sectors: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Segments in tiers and an acyclic bill of materials between them."""
    tier = _tiers(n_sectors)
    top = int(tier.max())
    pos = tier / max(top, 1)
    stage = np.where(pos <= 1 / 3, "upstream", np.where(pos <= 2 / 3, "midstream", "downstream"))
    ids = [f"S{k + 1:0{len(str(n_sectors))}d}" for k in range(n_sectors)]
    pairs: set[tuple[int, int]] = set()  # (consumer, input)
    for b in range(n_sectors):
        if tier[b] == 0:
            continue
        below = np.flatnonzero(tier < tier[b])
        prev = np.flatnonzero(tier == tier[b] - 1)
        k = min(1 + rng.binomial(3, 0.4), len(below))
        for _ in range(k):
            pool = prev if rng.random() < 0.7 else below
            pairs.add((b, int(rng.choice(pool))))
    consumed = {a for _, a in pairs}
    for a in range(n_sectors):
        if tier[a] < top and a not in consumed:
            pairs.add((int(rng.choice(np.flatnonzero(tier > tier[a]))), a))
    bom = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
    share = np.empty(len(bom))
    for b in np.unique(bom[:, 0]):
        rows = np.flatnonzero(bom[:, 0] == b)
        share[rows] = rng.dirichlet(np.ones(len(rows))) * rng.uniform(0.5, 0.8)
    seg = pd.DataFrame({
        "id": _pa_strings(ids),
        "chain": _pa_strings(["syn"] * n_sectors),
        "name": _pa_strings([f"合成环节{k + 1}" for k in range(n_sectors)]),
        "name_en": _pa_strings([f"Synthetic segment {k + 1}" for k in range(n_sectors)]),
        "stage": _pa_strings(stage.tolist()),
        "parent": _pa_strings([None] * n_sectors),
        "essential": pd.array(rng.random(n_sectors) < 0.85, dtype="boolean"),
        "key_technology": pd.array(rng.random(n_sectors) < 0.1, dtype="boolean"),
        "io_sector": _pa_strings([f"T{t}" for t in tier]),
    })
    inputs = pd.DataFrame({
        "segment": _pa_strings([ids[b] for b in bom[:, 0]]),
        "input_segment": _pa_strings([ids[a] for a in bom[:, 1]]),
        "quantity": np.round(rng.lognormal(0.0, 1.0, len(bom)), 3),
        "share": np.round(share, 4),
        "essentiality": pd.array([None] * len(bom), dtype="Int64"),  # the model's default
    })
    return seg, inputs


def _regions(n_regions: int, rng: np.random.Generator) -> pd.DataFrame:
    prov = np.array(_PROVINCE_PREFIXES)
    per_prov = int(np.ceil(n_regions / len(prov)))
    if per_prov > 99:
        raise InputError(f"n_regions={n_regions} is too many; at most {99 * len(prov)}")
    k = np.arange(n_regions)
    pref = prov[k % len(prov)]
    city = k // len(prov) + 1
    codes = (pref * 10000 + city * 100).astype(str)
    prov_codes = (prov * 10000).astype(str)
    nf = len(_FOREIGN)
    return pd.DataFrame({
        "code": _pa_strings([*prov_codes, *codes, *_FOREIGN]),
        "name": _pa_strings([*(f"合成省{c}" for c in prov_codes), *(f"合成市{c}" for c in codes),
                             *_FOREIGN]),
        "name_en": _pa_strings([*(f"Province {c}" for c in prov_codes),
                                *(f"City {c}" for c in codes), *_FOREIGN]),
        "level": _pa_strings(["province"] * len(prov) + ["city"] * n_regions + ["country"] * nf),
        "parent": _pa_strings([None] * len(prov) + list(np.char.add(pref.astype(str), "0000"))
                              + [None] * nf),
        "lon": np.round(np.r_[rng.uniform(98, 122, len(prov) + n_regions),
                              rng.uniform(-120, 140, nf)], 4),
        "lat": np.round(np.r_[rng.uniform(21, 45, len(prov) + n_regions),
                              rng.uniform(1, 55, nf)], 4),
        "country": _pa_strings(["CHN"] * (len(prov) + n_regions) + list(_FOREIGN)),
    })


def _enumerated_links(n_links: int, order: np.ndarray, start: np.ndarray, counts: np.ndarray,
                      a: np.ndarray, b: np.ndarray, w_out: np.ndarray, w_in: np.ndarray,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Exact weighted sampling without replacement over every allowed (supplier, customer) pair.

    Used for small or dense networks, where drawing with replacement and dropping duplicates
    would stall. Pair *(i, j)* has weight :math:`w^{out}_i w^{in}_j` — the Chung–Lu expected
    count — and the ``n_links`` pairs with the smallest exponential race keys
    :math:`E_{ij} / (w^{out}_i w^{in}_j)` are kept (Efraimidis and Spirakis 2006).
    """
    sizes = counts[a].astype(np.int64) * counts[b]
    pair = np.repeat(np.arange(len(a)), sizes)
    offset = np.arange(int(sizes.sum()), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes,
                                                                     sizes)
    width = counts[b][pair]
    i = order[start[a][pair] + offset // width].astype(np.int64)
    j = order[start[b][pair] + offset % width].astype(np.int64)
    key = rng.exponential(size=len(i)) / (w_out[i] * w_in[j])
    pick = np.argpartition(key, n_links - 1)[:n_links] if n_links < len(i) else np.arange(len(i))
    pick = pick[np.argsort(key[pick], kind="stable")]
    return i[pick], j[pick]


def _sample_links(n_links: int, firm_seg: np.ndarray, w_out: np.ndarray, w_in: np.ndarray,
                  bom: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Distinct (supplier, customer) index pairs drawn by block Chung–Lu; see module docstring."""
    n = len(firm_seg)
    n_seg = int(firm_seg.max()) + 1 if n else 0
    order = np.argsort(firm_seg, kind="stable")
    counts = np.bincount(firm_seg, minlength=n_seg)
    start = np.r_[0, np.cumsum(counts)[:-1]]
    cum_out = np.cumsum(w_out[order])
    cum_in = np.cumsum(w_in[order])
    tot_out = np.bincount(firm_seg, weights=w_out, minlength=n_seg)
    tot_in = np.bincount(firm_seg, weights=w_in, minlength=n_seg)
    base_out = np.r_[0.0, cum_out][start]
    base_in = np.r_[0.0, cum_in][start]
    a, b = bom[:, 1], bom[:, 0]  # input segment a is supplied to consuming segment b
    possible = int((counts[a].astype(np.int64) * counts[b]).sum())
    if n_links > possible:
        raise InputError(
            f"n_links={n_links} exceeds the {possible} distinct supplier→customer pairs the "
            "sector structure allows; use more firms or fewer links")
    if n_links == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    if possible <= _ENUMERATE_MAX and (possible <= 3 * n_links or possible <= _ENUMERATE_SMALL):
        return _enumerated_links(n_links, order, start, counts, a, b, w_out, w_in, rng)
    p_pair = tot_out[a] * tot_in[b]
    p_pair = p_pair / p_pair.sum()
    kept: list[np.ndarray] = []            # distinct keys i·n + j, in order of first draw
    seen = np.empty(0, dtype=np.int64)      # the same keys, sorted, for membership tests
    need = n_links
    for _ in range(60):
        draw = int(need * 1.15) + 64
        pair = rng.choice(len(bom), size=draw, p=p_pair)
        sa, sb = a[pair], b[pair]
        u = base_out[sa] + rng.random(draw) * tot_out[sa]
        v = base_in[sb] + rng.random(draw) * tot_in[sb]
        i = np.minimum(np.searchsorted(cum_out, u, side="right"), start[sa] + counts[sa] - 1)
        j = np.minimum(np.searchsorted(cum_in, v, side="right"), start[sb] + counts[sb] - 1)
        new = order[i].astype(np.int64) * n + order[j]
        uniq, first = np.unique(new, return_index=True)
        if len(seen):
            pos = np.minimum(np.searchsorted(seen, uniq), len(seen) - 1)
            fresh = seen[pos] != uniq
            uniq, first = uniq[fresh], first[fresh]
        add = new[np.sort(first)][:need]
        kept.append(add)
        seen = np.sort(np.concatenate([seen, np.sort(add)]), kind="stable")  # merge two runs
        need -= len(add)
        if need == 0:
            keys = np.concatenate(kept)
            return keys // n, keys % n
    raise ModelError(
        f"could not draw {n_links} distinct links (got {n_links - need}); the network is too dense "
        "for its heavy-tailed weights — use more firms or fewer links")


def generate_network(n_firms: int, n_links: int, n_sectors: int = 50, seed: int = 0, *,
                     foreign_share: float = 0.05, n_regions: int = 300) -> dict[str, pd.DataFrame]:
    """A synthetic firm network with heavy-tailed degrees, link values and sector structure.

    Parameters
    ----------
    n_firms : int
        Number of firms (≥ ``n_sectors``; every segment gets at least one firm).
    n_links : int
        Number of distinct supply links (supplier, customer, segment).
    n_sectors : int
        Number of segments, arranged in 2–6 tiers of an acyclic bill of materials.
    seed : int
        Seed of the random generator; the same arguments give identical frames.
    foreign_share : float
        Expected share of firms located abroad (ISO-3 region, ``ownership="foreign"``).
    n_regions : int
        Number of synthetic Chinese city regions (6-digit codes under real province prefixes).

    Returns
    -------
    dict[str, pandas.DataFrame]
        Frames ``regions``, ``chains``, ``segments``, ``segment_inputs``, ``firms``,
        ``firm_segments`` and ``supply_links`` with exactly the columns of
        :mod:`chainatlas.model.tables`. Units: capacity in units/day, output value, revenue and
        link value in 10,000 CNY per year, lead time in days.

    Examples
    --------
    >>> net = generate_network(200, 800, n_sectors=8, seed=1)
    >>> len(net["firms"]), len(net["supply_links"])
    (200, 800)
    """
    for name, value, low in (("n_firms", n_firms, 1), ("n_links", n_links, 0),
                             ("n_sectors", n_sectors, 2), ("n_regions", n_regions, 1)):
        if not isinstance(value, (int, np.integer)) or value < low:
            raise InputError(f"{name} must be a whole number ≥ {low}, got {value!r}")
    if n_firms < n_sectors:
        raise InputError(f"n_firms={n_firms} must be at least n_sectors={n_sectors}")
    if not isinstance(foreign_share, (int, float)) or not 0.0 <= foreign_share <= 1.0:
        raise InputError(f"foreign_share must be between 0 and 1, got {foreign_share!r}")
    rng = np.random.default_rng(seed)

    segments, seg_inputs = _segments(n_sectors, rng)
    regions = _regions(n_regions, rng)
    seg_index = {s: k for k, s in enumerate(segments["id"])}
    bom = np.column_stack([seg_inputs["segment"].map(seg_index).to_numpy(np.int64),
                           seg_inputs["input_segment"].map(seg_index).to_numpy(np.int64)])
    tier = _tiers(n_sectors)

    # Firms: a segment each (Dirichlet-sized sectors, at least one firm each) and a Pareto size.
    sizes = rng.multinomial(n_firms - n_sectors, rng.dirichlet(np.full(n_sectors, 1.5))) + 1
    firm_seg = rng.permutation(np.repeat(np.arange(n_sectors), sizes))
    size = (1.0 - rng.random(n_firms)) ** (-1.0 / (_GAMMA - 1.0))
    w_out = size * rng.lognormal(0.0, 0.4, n_firms)
    w_in = size * rng.lognormal(0.0, 0.4, n_firms)

    # Regions: Zipf-sized cities; half of each segment's firms sit in its three home cities
    # (specialised clusters, so location quotients vary); some firms abroad.
    city_p = 1.0 / np.arange(1, n_regions + 1) ** 0.9
    city = rng.choice(n_regions, size=n_firms, p=city_p / city_p.sum())
    home = rng.choice(n_regions, size=(n_sectors, 3), p=city_p / city_p.sum())
    clustered = rng.random(n_firms) < 0.5
    city = np.where(clustered, home[firm_seg, rng.integers(0, 3, n_firms)], city)
    foreign = rng.random(n_firms) < foreign_share
    n_prov = len(_PROVINCE_PREFIXES)
    reg_idx = np.where(foreign, n_prov + n_regions + rng.integers(0, len(_FOREIGN), n_firms),
                       n_prov + city)
    reg_codes = pa.array(regions["code"].to_numpy(), type=pa.large_string())
    prov_of = np.where(foreign, -1, city % n_prov)

    # Economics: unit price rises with tier; output value ∝ size.
    price = 10.0 ** (1.0 + 0.6 * tier) * rng.lognormal(0.0, 0.5, n_sectors)  # CNY per unit
    output_value = np.round(300.0 * size * rng.lognormal(0.0, 0.3, n_firms), 1)  # 万元/yr
    capacity = np.round(output_value * 1e4 / (price[firm_seg] * _DAYS_PER_YEAR), 2)  # units/day
    revenue = np.round(output_value * rng.uniform(1.0, 1.3, n_firms), 1)
    employees = np.maximum(5, np.round(revenue / rng.uniform(60, 150, n_firms))).astype(np.int64)
    rd = np.round(rng.beta(2.0, 40.0, n_firms), 4)
    founded = (2024 - np.minimum(rng.geometric(0.06, n_firms), 44)).astype(np.int64)

    # Tags: 链主 = largest firm of each segment, 规上 = output ≥ 2,000 万元, 高新 by R&D, 上市 top 1 %.
    anchor = np.zeros(n_firms, dtype=bool)
    by_seg = np.lexsort((-output_value, firm_seg))
    first = np.r_[True, firm_seg[by_seg][1:] != firm_seg[by_seg][:-1]]
    anchor[by_seg[first]] = True
    flags = np.column_stack([anchor, output_value >= 2000, rd >= 0.06,
                             output_value >= np.quantile(output_value, 0.99)])
    names = ("链主", "规上", "高新", "上市")
    code = flags @ (1 << np.arange(4))
    combos = [[names[b] for b in range(4) if c >> b & 1] for c in range(16)]
    tags = pd.Series([list(combos[c]) for c in code.tolist()], dtype=object)

    firm_ids = _ids("F", n_firms)
    firms = pd.DataFrame({
        "id": pd.Series(pd.arrays.ArrowStringArray(firm_ids)),
        "name": pd.Series(pd.arrays.ArrowStringArray(
            pc.binary_join_element_wise(pa.scalar("示例·合成企业", pa.large_string()), firm_ids,
                                        pa.scalar("", pa.large_string())))),
        "region": _take_strings(reg_codes, reg_idx),
        "country": _take_strings(pa.array(["CHN", *_FOREIGN], type=pa.large_string()),
                                 np.where(foreign, reg_idx - n_prov - n_regions + 1, 0)),
        "ownership": _take_strings(pa.array(["domestic", "foreign"], type=pa.large_string()),
                                   foreign.astype(np.int64)),
        "tags": tags,
        "employees": pd.array(employees, dtype="Int64"),
        "revenue": revenue,
        "rd_intensity": rd,
        "founded": pd.array(founded, dtype="Int64"),
        "lon": np.full(n_firms, np.nan),  # no site coordinates: the region's are used
        "lat": np.full(n_firms, np.nan),
    })
    seg_ids = pa.array(segments["id"].to_numpy(), type=pa.large_string())
    units = pa.array(["件"], type=pa.large_string())
    firm_segments = pd.DataFrame({
        "firm": firms["id"],
        "segment": _take_strings(seg_ids, firm_seg),
        "capacity": capacity,
        "unit": _take_strings(units, np.zeros(n_firms, dtype=np.int64)),
        "output_value": output_value,
    })
    for col in ("final_demand", "demand_std", "cost_added", "unit_cost"):
        firm_segments[col] = np.full(n_firms, np.nan)

    sup, cus = _sample_links(n_links, firm_seg, w_out, w_in, bom, rng)
    m = len(sup)
    # Each supplier sells 80 % of its output over its links, split by log-normal weights.
    weight = rng.lognormal(0.0, 1.0, m)
    sold = np.bincount(sup, weights=weight, minlength=n_firms)
    value = np.round(0.8 * output_value[sup] * weight / sold[sup], 2)
    group = firm_seg[sup].astype(np.int64) * n_firms + cus  # (customer, segment) purchases
    _, inv = np.unique(group, return_inverse=True)
    share = np.round(value / np.bincount(inv, weights=value)[inv], 4)
    same_city = reg_idx[sup] == reg_idx[cus]
    same_prov = (prov_of[sup] == prov_of[cus]) & (prov_of[sup] >= 0)
    lead = np.where(foreign[sup] | foreign[cus], rng.uniform(20, 45, m),
                    np.where(same_city, rng.uniform(0.5, 2, m),
                             np.where(same_prov, rng.uniform(1, 4, m), rng.uniform(2, 8, m))))
    links = pd.DataFrame({
        "supplier": _take_strings(firm_ids, sup),
        "customer": _take_strings(firm_ids, cus),
        "segment": _take_strings(seg_ids, firm_seg[sup]),
        "value": value,
        "share": np.clip(share, 0.0, 1.0),
        "lead_time_days": np.round(lead * 2) / 2,
        "member": np.zeros(m, dtype=np.int64),  # observed links
        "probability": np.full(m, np.nan),
    })
    chains = pd.DataFrame({"id": _pa_strings(["syn"]), "name": _pa_strings(["合成产业链"]),
                           "name_en": _pa_strings(["Synthetic chain"])})
    out = {"regions": regions, "chains": chains, "segments": segments,
           "segment_inputs": seg_inputs, "firms": firms, "firm_segments": firm_segments,
           "supply_links": links}
    return out


def write_network(frames: dict[str, pd.DataFrame], out_dir: PathArg) -> dict[str, Path]:
    """Write each frame as ``<out_dir>/<table>.parquet``; returns the paths written.

    ``tags`` columns are written as Parquet lists of strings.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    for table, frame in frames.items():
        if table not in TABLES:
            raise InputError(f"unknown table {table!r}")
        path = out / f"{table}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        paths[table] = path
    return paths
