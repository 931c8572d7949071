r"""Industrial chains from Python: the chain map, chokepoints (卡脖子), throughput and tiers.

The functions take an in-memory dataset (:func:`chainatlas.load_demo`,
:meth:`chainatlas.Store.load`) and call the same code as ``chainatlas chain map|chokepoints|
throughput|tiers`` (:mod:`chainatlas.services.chain`, which calls :mod:`chainatlas.network`).
On a reconstructed dataset (:func:`chainatlas.reconstruct_network`) :func:`chokepoints` and
:func:`health` run on every member network and report the median, the 90 % band and P(top-k).

Money is in 万元 (10,000 CNY) per year, shares are fractions 0–1, capacity in the dataset's units.

>>> import chainatlas
>>> ds = chainatlas.load_demo()
>>> len(chainatlas.chain.map(ds).to_frame())  # the demo chain has 48 segments
48
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chainatlas._results import Result, bands_result, region_label

if TYPE_CHECKING:
    from chainatlas.model.dataset import Dataset

__all__ = ["chokepoints", "health", "map", "throughput", "tiers"]


def map(ds: Dataset, *, region: str | None = None, within_hours: float | None = None,
        of: str | None = None, chain: str | None = None, hmt: str = "separate",
        detour: float = 1.2, speed_kmh: float = 90.0) -> Result:
    r"""The chain map of an area: per segment its firms, local share, concentration, anchors.

    Parameters
    ----------
    ds : Dataset
        The firms, segments and supply links (e.g. :func:`chainatlas.load_demo`).
    region : str, optional
        Area = one region (code, or a name such as ``"苏州"``); default the mainland.
    within_hours, of : float and str, optional
        Area = the firms within ``within_hours`` hours' drive of region ``of`` (the N-hour
        circle): great-circle distance × ``detour`` / ``speed_kmh`` (km/h).
    chain : str, optional
        Only the segments of one chain.
    hmt : {"separate", "foreign", "domestic"}
        Whether 港澳台 firms are shown apart, counted as foreign or as domestic.

    Returns
    -------
    Result
        One row per segment: ``local_share`` (share of the segment's size in the area),
        ``lq`` (location quotient), ``hhi_firm``/``hhi_region`` (Herfindahl
        :math:`\sum_i s_i^2` of firm/region shares), ``foreign_share``, anchors and ``status``
        (strong, weak, missing …). ``summary`` holds the chain health (0–100) and its parts;
        ``tables["health"]`` the same as a frame.

    Examples
    --------
    >>> import chainatlas
    >>> cm = map(chainatlas.load_demo(), within_hours=4, of="上海")
    >>> cm.summary["area"]
    'within 4 h of 上海市 310000'
    >>> bool(cm.to_frame()["local_share"].between(0, 1).all())
    True
    """
    from chainatlas.services.chain import MAP_COLUMNS, chain_map_of

    cm = chain_map_of(ds, region=region, within_hours=within_hours, of=of, chain=chain,
                      detour=detour, speed_kmh=speed_kmh, hmt=hmt)
    seg = cm.segments
    frame = seg[[c for c in MAP_COLUMNS if c in seg.columns]].reset_index(drop=True)
    health = cm.health.reset_index(drop=True)
    summary: dict[str, Any] = {"area": region_label(ds.regions, str(cm.area.get("label", ""))),
                               "firms_in_area": cm.area.get("firms_local"),
                               "firms": cm.area.get("firms")}
    if len(health):
        summary.update({k: health[k].iloc[0] for k in health.columns})
    return Result(f"Chain map 产业链图谱 · {summary['area']}", frame, tables={"health": health},
                  summary=summary, figure=("name", "local_share"), figure_order="smallest",
                  raw=cm)


def chokepoints(ds: Dataset, target: str | None = None, *, limit: int | None = 20,
                top_k: int = 10, max_members: int | None = None, **options: Any) -> Result:
    r"""Ranked chokepoints: segments, firms and regions whose loss cuts the chain's output most.

    A firm produces only with every essential input (the BOM's ``segment_inputs``); when a
    candidate's firms fail, the failure cascade runs to its fixed point and the share lost is

    .. math::

        s_v = \frac{\sum_{i \in F(v)} w_i}{\sum_i w_i}

    with :math:`F(v)` the failed firms and :math:`w` the target weights (final output, 万元/yr).
    Seven kinds (``type``): ``dominator`` (on every supply path into the target),
    ``sole_supplier`` (only supplier of an essential input to some customer), ``import_only``
    and ``foreign_dominated`` segments, ``key_technology_no_domestic``,
    ``geographic_concentration`` (a segment in one region) and ``region``. The ranking is exact,
    also with a ``limit`` (see :mod:`chainatlas.network.chokepoints`).

    Parameters
    ----------
    ds : Dataset
    target : str, optional
        A final segment or firm id; default the whole chain's final output.
    limit : int or None
        Rows listed (``None``: all); a list cut short says so in ``notes``.
    top_k, max_members : int
        For a reconstructed dataset: P(in the top ``top_k``) and how many members to use.
    options
        Passed to :func:`chainatlas.network.chokepoints.find_chokepoints`
        (``foreign_threshold``, ``region_threshold``, ``max_exact``, ``hmt`` …).

    Returns
    -------
    Result
        One row per chokepoint with ``share`` (fraction of output lost) and reasons in Chinese
        and English (``reason_zh``, ``reason_en``); on a reconstructed dataset ``share_median``,
        ``share_p5``, ``share_p95``, ``p_chokepoint`` and ``p_top_k``.

    Examples
    --------
    >>> import chainatlas
    >>> cp = chokepoints(chainatlas.load_demo(), limit=5)
    >>> cp.to_frame()["rank"].tolist()
    [1, 2, 3, 4, 5]
    """
    if ds.is_reconstructed:
        from chainatlas.services.bands import chokepoint_bands_of

        b = chokepoint_bands_of(ds, target, top_k=top_k, max_members=max_members, **options)
        return bands_result(f"Chokepoints 卡脖子 over {b.members} networks", b,
                             ("name", "share_median"))
    from chainatlas.services.chain import chokepoints_of

    res = chokepoints_of(ds, target, limit=limit, **options)
    summary: dict[str, Any] = {f"target_{k}": v for k, v in res.target.items()}
    summary.update({k: res.params[k] for k in ("method", "exact", "listed", "truncated")
                    if k in res.params})
    return Result("Chokepoints 卡脖子", res.table.reset_index(drop=True), summary=summary,
                  notes=res.notes, figure=("name", "share"), raw=res)


def health(ds: Dataset, *, max_members: int | None = None) -> Result:
    """Chain health (0–100) and its parts; over the members of a reconstructed dataset, with
    the median and the 90 % band.

    Examples
    --------
    >>> import chainatlas
    >>> h = health(chainatlas.load_demo())
    >>> bool(0 <= h.summary["health"] <= 100)
    True
    """
    if ds.is_reconstructed:
        from chainatlas.services.bands import chain_health_bands_of

        b = chain_health_bands_of(ds, max_members=max_members)
        return bands_result(f"Chain health 产业链健康度 over {b.members} networks", b, None)
    cm = map(ds)
    frame = cm.tables["health"]
    return Result("Chain health 产业链健康度", frame,
                  summary={k: frame[k].iloc[0] for k in frame.columns} if len(frame) else {},
                  raw=cm.raw)


def throughput(ds: Dataset, segment: str | None = None, *, region: str | None = None,
               within_hours: float | None = None, of: str | None = None,
               import_outside: bool = False, hours_per_day: float = 24.0) -> Result:
    r"""Throughput (units/day) and takt (seconds/unit) of a final segment, with bottlenecks.

    The network LP maximises finished units per day subject to every firm's capacity and
    the BOM (units of each input per unit); takt :math:`= 3600 \cdot h / q` seconds for
    :math:`q` units/day over ``hours_per_day`` :math:`h`. ``shadow_price`` > 0 marks a
    binding capacity (a bottleneck).

    Examples
    --------
    >>> import chainatlas
    >>> tp = throughput(chainatlas.load_demo())
    >>> tp.summary["units_per_day"] <= tp.summary["segment_bound"] + 1e-6
    True
    """
    from chainatlas.services.chain import throughput_of

    res = throughput_of(ds, segment=segment, region=region, within_hours=within_hours, of=of,
                        import_outside=import_outside, hours_per_day=hours_per_day)
    summary = {"segment": res.segment, "units_per_day": res.units_per_day,
               "segment_bound": res.segment_bound, "takt_seconds": res.takt_seconds}
    tables = {k: v for k, v in (("mix", getattr(res, "mix", None)),
                                ("bottleneck_firms", getattr(res, "bottleneck_firms", None)))
              if v is not None}
    return Result(f"Throughput and takt 产能节拍 · {res.segment}",
                  res.segments.reset_index(drop=True), tables=tables, summary=summary,
                  notes=res.notes,
                  figure=("segment", "shadow_price"), raw=res)


def tiers(ds: Dataset, firm: str, depth: int = 3) -> Result:
    """Tier-1 … ``depth`` suppliers of ``firm`` with names, regions and segments.

    Examples
    --------
    >>> import chainatlas
    >>> ds = chainatlas.load_demo()
    >>> t = tiers(ds, ds.firms["id"].iloc[0], depth=2)
    >>> bool(t.to_frame()["tier"].between(1, 2).all())
    True
    """
    from chainatlas.services.chain import tiers_of

    frame = tiers_of(ds, firm, depth)
    return Result(f"Supplier tiers 供应商层级 of {firm}", frame.reset_index(drop=True),
                  summary={"firm": firm, "depth": depth, "suppliers": len(frame)}, raw=frame)
