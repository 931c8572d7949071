r"""The top-level front-door functions: data in (demo, store, generated), and the analyses whose
engine packages keep their own names (:mod:`chainatlas.risk`, :mod:`chainatlas.reconstruct`,
:mod:`chainatlas.places` are the engines; :func:`esri`, :func:`reconstruct_network` and
:func:`resolve_places` are their front doors).
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from chainatlas._results import Result, bands_result

if TYPE_CHECKING:
    import pandas as pd

    from chainatlas._types import PathArg
    from chainatlas.io import Table
    from chainatlas.model.dataset import Dataset

__all__ = ["StoreHandle", "decide_interventions", "esri", "generate_network", "load_demo",
           "open_store", "reconstruct_network", "resolve_places"]


def load_demo(name: str = "yrd-nev") -> Dataset:
    """A built-in demo dataset in memory, without a store.

    ``yrd-nev``: the Yangtze River Delta new-energy-vehicle chain (48 segments, 205
    illustrative firms, 1,176 supply links, …); ``gd-clusters``: Guangdong's 20 strategic
    industry clusters. Firm names start with ``示例·`` (illustrative); what is real is stated in
    ``docs/demo.md``.

    Examples
    --------
    >>> ds = load_demo()
    >>> len(ds.firms), len(ds.segments), len(ds.supply_links)
    (205, 48, 1176)
    """
    from chainatlas.datasets import load_demo as _load

    return _load(name)


def generate_network(n_firms: int, n_links: int, *, n_sectors: int = 50, seed: int = 0,
                     n_regions: int = 300, foreign_share: float = 0.05) -> Dataset:
    """A synthetic national firm network: heavy-tailed degrees and link values, ``n_sectors``
    segments in 2–6 tiers of an acyclic bill of materials, ``n_regions`` city regions.

    The same arguments give the same network (``seed``). Money in 万元/yr.

    Examples
    --------
    >>> ds = generate_network(500, 2000, n_sectors=10, seed=1)
    >>> len(ds.firms), len(ds.supply_links)
    (500, 2000)
    """
    from chainatlas.datasets.synthetic import generate_network as _gen
    from chainatlas.model.dataset import Dataset

    frames = _gen(n_firms, n_links, n_sectors, seed, foreign_share=foreign_share,
                  n_regions=n_regions)
    return Dataset.from_frames(f"synthetic-{n_firms}-{n_links}-{seed}", frames)


class StoreHandle:
    """An open chainatlas store (the DuckDB file the CLI, API and dashboard use).

    Use it as a context manager or call :meth:`close`. One writer at a time; open with
    ``read_only=True`` (the default) to read beside a running ``chainatlas serve``.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> db = pathlib.Path(tempfile.mkdtemp()) / "atlas.duckdb"
    >>> with open_store(db, read_only=False) as st:
    ...     _ = st.save(load_demo(), "yrd")
    ...     st.datasets()["name"].tolist()
    ['yrd']
    """

    def __init__(self, store: Any) -> None:
        self._store = store

    def __enter__(self) -> StoreHandle:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<StoreHandle {self._store.path}>"

    def close(self) -> None:
        """Close the store."""
        self._store.close()

    def datasets(self) -> pd.DataFrame:
        """One row per dataset: name, tables and row counts."""
        from chainatlas.services.datasets import list_datasets

        return list_datasets(self._store)

    def load(self, name: str, *, member: int | None = None, ensemble: bool = False) -> Dataset:
        """Dataset ``name``; a reconstructed one as member ``member`` (default 1) or, with
        ``ensemble=True``, every member (for the bands of :mod:`chainatlas.chain`)."""
        from chainatlas.services.datasets import load_dataset

        return load_dataset(self._store, name, member=member, ensemble=ensemble)

    def save(self, ds: Dataset, name: str | None = None, *, mode: str = "append") -> dict[str, int]:
        """Import every table of ``ds`` into dataset ``name`` (default ``ds.name``), validated
        as a whole (all or nothing); returns rows written per table."""
        from chainatlas.services.datasets import import_frames

        frames = {t: ds.tables[t] for t in ds.present()}
        rep = import_frames(self._store, name or ds.name, frames, mode)  # type: ignore[arg-type]
        return dict(rep.tables)

    def io_table(self, dataset: str, table_name: str) -> Table:
        """The IO table ``table_name`` stored with ``dataset`` (``chainatlas io store``)."""
        from chainatlas.io import Table
        from chainatlas.services.io import load_stored_table

        return Table(load_stored_table(self._store, dataset, table_name))


def open_store(path: PathArg | None = None, *, read_only: bool = True) -> StoreHandle:
    """Open the store at ``path`` (default ``$CHAINATLAS_DB`` or ``./chainatlas.duckdb``).

    See :class:`StoreHandle` for an example.
    """
    from chainatlas.services.datasets import open_store as _open

    return StoreHandle(_open(path, read_only=read_only))


def esri(ds: Dataset, *, top: int | None = 20, epsilon: float = 0.01,
         substitution: bool = True, reasons: int = 5, top_k: int = 10,
         max_members: int | None = None) -> Result:
    r"""Every firm's economic systemic risk index (ESRI, Diem et al. 2022), ranked.

    Firm :math:`i` fails (:math:`\psi_i = 0`); the loss spreads downstream (customers lose
    inputs: essential ones stop them, non-essential ones cut output in proportion) and upstream
    (suppliers lose sales) until it settles (change below ``epsilon``). Then

    .. math::

        \text{ESRI}_i = \sum_j \frac{s^{out}_j}{\sum_k s^{out}_k}\,
                        \big(1 - \min(h^d_j, h^u_j)\big)

    the out-strength-weighted share of the economy's output lost (0–1). Links carry
    ``supply_links.value`` (万元/yr); a firm's sector is its main segment.

    Parameters
    ----------
    ds : Dataset
        With valued supply links. A reconstructed dataset gives per firm the median ESRI, the
        90 % band and P(in the top ``top_k``) over its members.
    top : int or None
        Rows listed (``None``: all); ``summary["truncated"]`` says when cut.
    epsilon : float
        Convergence threshold of the cascade.
    substitution : bool
        Whether customers may replace a lost supplier from others of the same sector.
    reasons : int
        For the top firms, the firms that carry most of the loss (``tables["reasons"]``).

    Examples
    --------
    >>> r = esri(generate_network(300, 1500, n_sectors=8, seed=2), top=5)
    >>> f = r.to_frame()
    >>> f["rank"].tolist(), bool(f["esri"].between(0, 1).all())
    ([1, 2, 3, 4, 5], True)
    >>> bool(f["esri"].is_monotonic_decreasing)
    True
    """
    import pandas as pd

    if ds.is_reconstructed:
        from chainatlas.services.bands import esri_bands_of

        b = esri_bands_of(ds, top_k=top_k, epsilon=epsilon, substitution=substitution,
                          max_members=max_members)
        return bands_result(f"Systemic risk ESRI over {b.members} networks", b,
                             ("name", "esri_median"))
    from chainatlas.services.risk import risk_input_of, run_esri

    out = run_esri(risk_input_of(ds), epsilon=epsilon, substitution=substitution, top=top,
                   reasons=reasons)
    rows = out["results"]
    cols = ["rank", "firm", "name", "sector", "esri", "esri_downstream", "esri_upstream",
            "firms_touched", "iterations", "capped"]
    frame = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    why = [{"firm": r["firm"], **w} for r in rows for w in r.get("reasons", [])]
    reason_cols = ["firm", "name", "sector", "loss", "output_lost", "direction"]
    summary = {k: out[k] for k in ("n_firms", "n_links", "epsilon", "substitution", "truncated",
                                   "capped")}
    return Result("Systemic risk ESRI 系统性风险", frame,
                  tables={"reasons": pd.DataFrame(why, columns=["firm", *reason_cols[1:]])
                          if why else pd.DataFrame(columns=reason_cols)},
                  summary=summary, figure=("name", "esri"), raw=out)


def reconstruct_network(ds: Dataset, *, io: Table | None = None, members: int = 20,
                        seed: int = 0, mean_degree: float | None = None,
                        import_share: float = 0.0, keep_observed: bool = True) -> Dataset:
    r"""An ensemble of plausible supply networks for firms whose suppliers are unknown.

    Links are drawn per member from an IO- or BOM-constrained, size- and distance-aware model
    (``docs/reconstruct.md``): supplier :math:`i` of input sector :math:`a` links to buyer
    :math:`j` with probability :math:`p_{ij} = 1 - e^{-\lambda_{ij}}`,

    .. math::

        \lambda_{ij} = z\, s_{out,i}^{\alpha}\, D_{j,a}^{\alpha}\,
                       (1 + d_{ij}/d_0)^{-\gamma}

    (:math:`s_{out,i}` sales to producers, :math:`D_{j,a}` the buyer's purchases of the input,
    :math:`d_{ij}` distance in km, :math:`d_0` = 10 km, :math:`z` solved for the mean degree),
    every essential input supplied, and link values fitted so each member reproduces the
    sector flows exactly (万元/yr). Mean degree, α and the median link distance (which fixes
    γ) are drawn per member from their priors.

    Returns
    -------
    Dataset
        In memory; its ``supply_links`` carry ``member`` (1 … ``members``; 0 = observed) and
        ``probability``. :func:`chainatlas.chain.chokepoints`, :func:`chainatlas.stress.run`
        and :func:`esri` on it report the median, the 90 % band and P(top-k). Save it with
        :meth:`StoreHandle.save`.

    Examples
    --------
    >>> rec = reconstruct_network(load_demo(), members=3, seed=1)
    >>> rec.is_reconstructed, rec.members()
    (True, [1, 2, 3])
    """
    from chainatlas.model.dataset import Dataset
    from chainatlas.services.reconstruct import ensemble_frames, reconstruct_of

    ens, units, obs = reconstruct_of(ds, io=None if io is None else io.iotable, members=members,
                                     seed=seed, mean_degree=mean_degree,
                                     import_share=import_share, keep_observed=keep_observed)
    frames = ensemble_frames(ds, ens, units, obs)
    meta = {"reconstructed": {"source": ds.name, "members": int(members), "seed": int(seed),
                              "mode": "io" if io is not None else "bom",
                              "assumptions": list(ens.notes)}}
    return Dataset.from_frames(f"{ds.name}-reconstructed", frames, meta)


def resolve_places(values: Sequence[object], countries: Sequence[object] | None = None, *,
                   ds: Dataset | None = None) -> Result:
    """Free-text places to region codes: Chinese addresses (simplified or traditional), English
    and pinyin, country names and codes; ambiguity reported with candidates.

    ``confidence`` is 0–1; ``status`` is ``resolved``, ``ambiguous`` or ``unresolved``. With
    ``ds``, the dataset's own regions take part.

    Examples
    --------
    >>> r = resolve_places(["江苏省苏州市吴中区", "Suzhou"]).to_frame()
    >>> r["region"].iloc[0], r["status"].tolist()
    ('320506', ['resolved', 'ambiguous'])
    """
    from chainatlas.services.places import results_frame

    if ds is None:
        from chainatlas.services.places import resolve_values

        rows = resolve_values(values, countries)
    else:
        from chainatlas.exceptions import InputError
        from chainatlas.readers.regions import resolver_for

        if countries is not None and len(countries) != len(values):
            raise InputError(f"{len(countries)} countries for {len(values)} values")
        regions = ds.table("regions")
        recs = [{str(k): v for k, v in r.items()} for r in
                regions.astype(object).where(regions.notna(), None).to_dict(orient="records")]
        rows = [r.to_dict() for r in resolver_for(recs).resolve_many(
            list(values), None if countries is None else list(countries))]
    frame = results_frame(rows)
    counts = {str(k): int(v) for k, v in frame["status"].value_counts().items()} \
        if len(frame) else {}
    return Result("Places 地名解析", frame, summary={"values": len(frame), **counts}, raw=rows)


def decide_interventions(ds: Dataset, *, region: str | None = None,
                         kinds: Sequence[str] = ("dual_sourcing", "inventory", "attract",
                                                 "localisation"),
                         measures: Sequence[str] = ("stress", "esri"), by: str = "stress",
                         budgets: Sequence[float] = (500.0, 3000.0, 10000.0),
                         scenarios: Sequence[dict[str, Any]] | PathArg | None = None,
                         lang: str = "zh") -> Result:
    r"""Interventions ranked by the resilience they buy, and a portfolio per budget
    (``chainatlas decide``).

    Each candidate — dual sourcing (双源采购), more inventory (增加库存), attracting a plant
    (补链/强链招商) to ``region``, localisation (本地化替代) — is applied to its own copy of the
    network and simulated; its gain on a measure is the loss it removes,

    .. math::

        g_k = L(	ext{baseline}) - L(	ext{network with intervention } k)

    e.g. for ``stress`` the total output loss (万元) summed over the scenario set (the
    standard set from the chain's chokepoints without ``scenarios``). A budget's portfolio is
    chosen greedily by gain per 万元 of cost, the combination re-simulated at every step.

    Returns
    -------
    Result
        One row per intervention: ``gain_<measure>``, ``cost`` (万元), ``gain_per_wan``, which
        losses fall and why (in Chinese, ``lang="en"`` for English); ``tables["portfolio"]``
        (per budget: each step's single and measured marginal gain) and
        ``tables["settings"]`` (scenarios with seeds, cost model: what reproduces it).

    Examples
    --------
    One row per candidate, ranked (here against one short scenario):

    >>> cells = {"name": "cells", "horizon_days": 20,
    ...          "shocks": [{"segment": "cells", "capacity_loss": 0.5, "duration_days": 10}]}
    >>> r = decide_interventions(load_demo(), kinds=("inventory",), measures=("stress",),
    ...                          budgets=(1000.0,), scenarios=[cells])
    >>> len(r.to_frame()) == r.summary["candidates"], r.to_frame()["rank"].tolist()[:3]
    (True, [1, 2, 3])
    """
    from chainatlas.services.decide import decide_of, items_frame, portfolio_frame, settings_frame
    from chainatlas.shock.scenario import parse_scenario

    given: Any = scenarios
    if isinstance(scenarios, Sequence) and not isinstance(scenarios, str):
        given = [parse_scenario(s) for s in scenarios]
    out = decide_of(ds, region=region, kinds=tuple(kinds), measures=tuple(measures), by=by,
                    budgets=tuple(float(b) for b in budgets), scenarios=given)
    frame = items_frame(out, lang=lang)
    from chainatlas._results import region_label

    wan = {"stress": "money", "lp": "money", "esri": "ratio", "esri_total": "ratio",
           "gap": "days"}
    summary: dict[str, Any] = {"dataset": out["dataset"],
                               "region": region_label(ds.regions, str(out["region"])),
                               "ranked_by": out["ranked_by"], "candidates": out["n_candidates"],
                               f"baseline_{by}": out["baseline"].get(by)}
    shown = {f"gain_{m}": wan.get(m, "ratio") for m in measures}
    shown.update({"cost": "money", "budget": "money", "single_gain": wan.get(by, "ratio"),
                  "marginal_gain": wan.get(by, "ratio"), "gain_per_wan": "ratio",
                  f"baseline_{by}": wan.get(by, "ratio")})
    for p in out["portfolios"]:
        key = f"gain_with_budget_{p['budget']:g}"
        summary[key] = p["gain"]
        shown[key] = wan.get(by, "ratio")
    return Result("Interventions 措施清单 (gains: loss removed)", frame,
                  tables={"portfolio": portfolio_frame(out, lang=lang),
                          "settings": settings_frame(out)},
                  summary=summary, notes=out["notes"], figure=("what", f"gain_{by}"), raw=out,
                  kinds=shown)
