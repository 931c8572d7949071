"""Data-sharing use cases: signals upload and scoped reads, agreements, aggregates, analytics.

Who sees what
-------------
- A **firm** account sees its own signals and the signals a *direct partner* (a supplier or
  customer in ``supply_links``) shares with it under an active agreement, of the kinds agreed.
  It uploads only its own signals and grants or revokes only its own agreements.
- A **planner** account sees k-anonymous aggregates (:mod:`chainatlas.sharing.aggregate`, k ≥ 3)
  and analytics computed from them, never firm-level rows.
- An **admin** account manages accounts and may read everything.
- Every read of firm-level data writes one audit-log row per firm read (in the same call,
  before the data is returned); a firm reads the entries about its own data.

Nothing is shared by default. The CLI, run by whoever holds the store file, acts as the local
admin unless given an account token (``--token``); the API always needs a token.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._types import PathArg
from chainatlas.exceptions import (
    DataNotFound,
    Forbidden,
    InputError,
    Problem,
    ValidationError,
)
from chainatlas.model.dataset import Dataset
from chainatlas.model.tables import SIGNAL_KINDS, TABLES
from chainatlas.services.datasets import DbArg, ImportReport, import_file, import_frames, open_store
from chainatlas.sharing import (
    FLOW_KINDS,
    LEVELS,
    AggregateResult,
    Bom,
    InitialState,
    aggregate_signals,
    demand_along_tiers,
    detect,
    end_segments,
    initial_state_from_signals,
    propagate_demand,
    segment_tiers,
    tier_bullwhip,
)
from chainatlas.store import Store, access

__all__ = [
    "DEFAULT_K",
    "LOCAL_ADMIN",
    "Account",
    "add_account",
    "aggregate",
    "audit_log",
    "authenticate",
    "bullwhip_by_tier",
    "demand_tiers",
    "demo_section",
    "disable_account",
    "early_warnings",
    "grant",
    "import_signals",
    "list_accounts",
    "list_agreements",
    "read_signals",
    "released_aggregates",
    "revoke",
    "stress_seed",
    "warnings_of",
]

Account = access.Account
#: Minimum number of firms behind any figure a planner sees.
DEFAULT_K = 3
#: The identity of whoever runs the CLI on the store file without a token.
LOCAL_ADMIN = Account("local", "admin")
_PERIOD_DAYS = {"day": 1.0, "week": 7.0, "month": 30.4, "quarter": 91.3}


@contextmanager
def _store(db: DbArg) -> Iterator[Store]:
    if isinstance(db, Store):
        yield db
        return
    store = open_store(db)
    try:
        yield store
    finally:
        store.close()


# ---------------------------------------------------------------------- accounts
def authenticate(db: DbArg, token: str | None) -> Account:
    """The account of ``token`` (:class:`AccessDenied` if missing, wrong or disabled)."""
    with _store(db) as store:
        return access.authenticate(store, token)


def _require(account: Account, *roles: str) -> None:
    if account.role not in roles:
        raise Forbidden(f"account '{account.id}' ({account.role}) may not do this; "
                           f"needs role {' or '.join(roles)}")


def _scope(account: Account, dataset: str) -> None:
    if account.dataset is not None and account.dataset != dataset:
        raise Forbidden(f"account '{account.id}' has no access to dataset '{dataset}'")


def add_account(db: DbArg, by: Account, account_id: str, role: str, *,
                dataset: str | None = None, firm: str | None = None) -> str:
    """Create an account (admins only); returns its token, shown once."""
    _require(by, "admin")
    with _store(db) as store:
        if firm is not None:
            if dataset is None:
                raise InputError("a firm account needs a dataset")
            firms = store.read_table(dataset, "firms", ["id"])["id"].astype(str)
            if firm not in set(firms):
                raise DataNotFound(f"no firm '{firm}' in dataset '{dataset}'")
        elif dataset is not None and not store.has_dataset(dataset):
            raise DataNotFound(f"no dataset '{dataset}'")
        return access.create_account(store, account_id, role, dataset=dataset, firm=firm,
                                     by=by.id)


def disable_account(db: DbArg, by: Account, account_id: str) -> None:
    """Disable an account (admins only): its token stops working at once."""
    _require(by, "admin")
    with _store(db) as store:
        access.disable_account(store, account_id, by=by.id)


def list_accounts(db: DbArg, by: Account) -> pd.DataFrame:
    """Every account (admins only; hashes are never returned)."""
    _require(by, "admin")
    with _store(db) as store:
        return access.list_accounts(store)


# ---------------------------------------------------------------------- signals
def import_signals(db: DbArg, dataset: str, by: Account, path: PathArg | None = None, *,
                   frame: pd.DataFrame | None = None, mode: str = "append",
                   sheet: str | None = None, encoding: str | None = None) -> ImportReport:
    """Upload signals from a file (CSV/Excel/Parquet/JSON) or a frame, validated like any import.

    A firm account may upload only rows of its own firm; planners may not upload. ``mode``
    ``append`` adds periods (a repeated ``firm, segment, period, kind`` is refused).
    """
    _require(by, "admin", "firm")
    _scope(by, dataset)
    if (path is None) == (frame is None):
        raise InputError("give either a file or a frame of signals")
    if by.role == "firm" and mode != "append":
        raise Forbidden("a firm account may only append its signals")
    if path is not None:
        from chainatlas.config import get_settings
        from chainatlas.readers.tabular import read_file

        raw = read_file(path, sheet=sheet, table="signals", max_rows=get_settings().max_rows,
                        encoding=encoding)
        table, source, base = raw.frame, raw.file, raw.row_base
    else:
        assert frame is not None
        table, source, base = frame.reset_index(drop=True), "<upload>:signals", 1
    columns = _canonical_columns(table)
    if by.role == "firm":
        if "firm" not in columns:
            raise InputError("the signals have no firm column")
        others = sorted({str(v) for v in table[columns["firm"]].dropna()} - {by.firm})
        if others:
            raise Forbidden(f"account '{by.id}' may upload only signals of firm {by.firm}, "
                               f"not of {', '.join(others[:5])}")
    _check_signal_values(table, columns, source, base)
    with _store(db) as store:
        if path is not None:
            report = import_file(store, dataset, "signals", path, sheet=sheet, mode=mode,  # type: ignore[arg-type]
                                 create=False, encoding=encoding)
        else:
            assert frame is not None
            report = import_frames(store, dataset, {"signals": frame}, mode=mode,  # type: ignore[arg-type]
                                   create=False, source="<upload>")
        access.write_audit(store, [access.AuditEntry(by.id, "signals.upload", dataset, by.firm,
                                                     "signals", report.rows)])
        return report


#: Plausible upper bounds per kind (a utilisation of 85 is a percentage typed for a share).
_KIND_MAX = {"utilisation": (1.5, "a share of capacity between 0 and 1.5 (0.85, not 85)"),
             "inventory_days": (3650.0, "days of use between 0 and 3650"),
             "lead_time": (3650.0, "days between 0 and 3650")}


def _canonical_columns(table: pd.DataFrame) -> dict[str, Any]:
    """Canonical column name → the header used in ``table`` (Chinese and alias headers too)."""
    header = TABLES["signals"].header_map()
    out: dict[str, Any] = {}
    for c in table.columns:
        name = header.get(str(c).strip().casefold())
        if name is not None and name not in out:
            out[name] = c
    return out


def _check_signal_values(table: pd.DataFrame, columns: dict[str, Any], source: str,
                         base: int) -> None:
    """Kind-specific ranges the generic validation cannot know (it checks value ≥ 0)."""
    if "kind" not in columns or "value" not in columns:
        return  # the generic validation reports the missing column
    kinds = table[columns["kind"]].astype(str).str.strip()
    values = pd.to_numeric(table[columns["value"]], errors="coerce")
    problems = []
    for kind, (hi, expected) in _KIND_MAX.items():
        bad = (kinds == kind) & (values > hi)
        for i in map(int, np.flatnonzero(bad.to_numpy())):
            problems.append(Problem(f"{kind} value out of range", file=source,
                                    row=int(table.index[i]) + base, column=str(columns["value"]),
                                    value=table[columns["value"]].iloc[i], expected=expected))
    if problems:
        raise ValidationError(problems, title=f"{source}: signals failed validation")


def _partners(store: Store, dataset: str, firm: str) -> set[str]:
    links = store.read_table(dataset, "supply_links", ["supplier", "customer", "member"])
    # only observed links make partners: a reconstructed (guessed) link grants no access
    links = links[pd.to_numeric(links["member"], errors="coerce").fillna(0) == 0]
    sup = links["supplier"].astype(str)
    cus = links["customer"].astype(str)
    return set(sup[cus == firm]) | set(cus[sup == firm])


def read_signals(db: DbArg, dataset: str, by: Account, *, firm: str | None = None,
                 kinds: Sequence[str] | None = None, segment: str | None = None,
                 start: str | None = None, end: str | None = None) -> pd.DataFrame:
    """Firm-level signals the account may see, filtered; every firm read is audit-logged.

    Raises :class:`AccessDenied` for planners, and for a firm asking for another firm's
    signals it has no active agreement for.
    """
    _require(by, "admin", "firm")
    _scope(by, dataset)
    _check_kinds(kinds)
    with _store(db) as store:
        sig = store.read_table(dataset, "signals")
        sig = sig.assign(firm=sig["firm"].astype(str))
        if by.role == "firm":
            assert by.firm is not None
            grants = access.active_grants(store, dataset, by.firm)
            partners = _partners(store, dataset, by.firm) if grants else set()
            allowed = {by.firm: set(SIGNAL_KINDS)}
            allowed.update({o: k for o, k in grants.items() if o in partners})
            if firm is not None and firm not in allowed:
                raise Forbidden(f"firm {by.firm} has no agreement to read signals of {firm}")
            keep = np.zeros(len(sig), dtype=bool)
            for owner, ks in allowed.items():
                keep |= (sig["firm"] == owner).to_numpy() & sig["kind"].isin(list(ks)).to_numpy()
            sig = sig[keep]
        if firm is not None:
            sig = sig[sig["firm"] == firm]
        if kinds:
            sig = sig[sig["kind"].isin(list(kinds))]
        if segment is not None:
            sig = sig[sig["segment"].astype(str) == segment]
        if start is not None:
            sig = sig[sig["period"].astype(str) >= start]
        if end is not None:
            sig = sig[sig["period"].astype(str) <= end]
        sig = sig.sort_values(["firm", "segment", "kind", "period"], kind="stable")
        counts = sig.groupby("firm").size()
        what = "signals:" + (",".join(kinds) if kinds else "*")
        access.write_audit(store, [access.AuditEntry(by.id, "signals.read", dataset, str(f),
                                                     what, int(n)) for f, n in counts.items()])
        return sig.reset_index(drop=True)


def _check_kinds(kinds: Sequence[str] | None) -> None:
    bad = [k for k in (kinds or []) if k not in SIGNAL_KINDS]
    if bad:
        raise InputError(f"unknown signal kind(s) {bad}; use {', '.join(SIGNAL_KINDS)}")


# ---------------------------------------------------------------------- agreements
def _owner(by: Account, dataset: str, owner: str | None, may: str, which: str) -> str:
    """The firm whose agreements ``by`` acts on: ``owner``, else its own firm; a firm account
    acts on its own firm only (``may`` / ``which`` complete the error messages)."""
    _require(by, "admin", "firm")
    _scope(by, dataset)
    owner = owner or by.firm
    if owner is None:
        raise InputError(f"name the firm {which} (--owner)")
    if by.role == "firm" and owner != by.firm:
        raise Forbidden(f"account '{by.id}' may {may} of firm {by.firm}")
    return owner


def grant(db: DbArg, dataset: str, by: Account, owner: str | None, partner: str,
          kinds: Sequence[str]) -> pd.DataFrame:
    """Let ``partner`` read ``owner``'s signals of ``kinds``; returns the owner's agreements.

    A firm grants only its own data (``owner`` defaults to its firm) and only to a direct
    partner (a supplier or customer in ``supply_links``).
    """
    owner = _owner(by, dataset, owner, "share only the signals", "whose signals are shared")
    kinds = list(kinds) or list(SIGNAL_KINDS)
    _check_kinds(kinds)
    with _store(db) as store:
        if partner not in _partners(store, dataset, owner):
            raise InputError(f"{partner} is not a direct supplier or customer of {owner} in "
                             f"dataset '{dataset}'; signals are shared along supply links only")
        access.grant(store, dataset, owner, partner, kinds, by=by.id)
        return access.list_agreements(store, dataset, firm=owner)


def revoke(db: DbArg, dataset: str, by: Account, owner: str | None, partner: str) -> int:
    """End ``owner``'s active agreements with ``partner``; returns how many ended."""
    owner = _owner(by, dataset, owner, "revoke only agreements", "whose agreement ends")
    with _store(db) as store:
        return access.revoke(store, dataset, owner, partner, by=by.id)


def list_agreements(db: DbArg, dataset: str, by: Account, *,
                    active_only: bool = False) -> pd.DataFrame:
    """Agreements the account may see: a firm's own (given or received), all for an admin."""
    _require(by, "admin", "firm")
    _scope(by, dataset)
    with _store(db) as store:
        return access.list_agreements(store, dataset, firm=by.firm if by.role == "firm" else None,
                                      active_only=active_only)


def audit_log(db: DbArg, dataset: str, by: Account, *, firm: str | None = None) -> pd.DataFrame:
    """Audit entries: a firm sees those about its own data; an admin sees all (or one firm's)."""
    _require(by, "admin", "firm")
    _scope(by, dataset)
    if by.role == "firm":
        if firm is not None and firm != by.firm:
            raise Forbidden(f"firm {by.firm} may read only the audit log of its own data")
        firm = by.firm
    with _store(db) as store:
        return access.read_audit(store, dataset=dataset, firm=firm)


# ---------------------------------------------------------------------- aggregates
def _aggregate_of(ds: Dataset, k: int, levels: Sequence[str] = LEVELS) -> AggregateResult:
    firms = ds.firms
    region = pd.Series(firms["region"].astype(str).to_numpy(), index=firms["id"].astype(str))
    return aggregate_signals(ds.table("signals"), region, k=k, levels=levels)


def _k_for(by: Account, k: int | None) -> int:
    k = DEFAULT_K if k is None else int(k)
    if k < DEFAULT_K and by.role != "admin":
        raise Forbidden(f"k may not be below {DEFAULT_K} for a {by.role} account")
    return k


def _period_end(period: pd.Series, freq: pd.Series) -> pd.Series:
    start = pd.to_datetime(period.astype(str), errors="coerce")
    days = freq.astype(object).map(lambda f: _PERIOD_DAYS.get(str(f), 7.0)).astype(float)
    return start + pd.to_timedelta(np.ceil(days), unit="D")


def released_aggregates(store: Store, dataset: str, k: int = DEFAULT_K, *,
                        today: str | None = None) -> tuple[Dataset, AggregateResult]:
    """The dataset and its aggregates as released: each ``(kind, period)`` is frozen when first
    released and only once the period has ended.

    Freezing closes the differencing-over-time attack: without it a planner could aggregate,
    wait for one firm to upload a late figure for the same period and aggregate again. A
    period still open (its end after ``today``) is not released at all; a released period keeps
    the cells of its first release (late uploads for it reach firms and partners, never the
    aggregates). Released cells live in the dataset's frame ``sharing/released/k<k>``.
    """
    ds = store.load_dataset(dataset)
    fresh = _aggregate_of(ds, k)
    key = f"sharing/released/k{k}"
    try:
        old = store.read_frame(dataset, key)
    except DataNotFound:
        old = fresh.cells.iloc[:0]
    sig = ds.table("signals")
    now = pd.Timestamp(today) if today else pd.Timestamp.now().normalize()
    spans = pd.DataFrame({"period": sig["period"].astype(str), "kind": sig["kind"].astype(str),
                          "end": _period_end(sig["period"], sig["freq"])})
    ends = spans.groupby(["kind", "period"])["end"].max()
    closed = {kp for kp, end in ends.items() if pd.notna(end) and end <= now}
    done = set(zip(old["kind"].astype(str), old["period"].astype(str), strict=True))
    cells = fresh.cells
    pairs = list(zip(cells["kind"].astype(str), cells["period"].astype(str), strict=True))
    new_mask = np.array([(kp in closed) and (kp not in done) for kp in pairs], dtype=bool)
    if new_mask.any():
        old = pd.concat([old, cells[new_mask]], ignore_index=True)
        store.write_frame(dataset, key, old, bump_version=False)
    return ds, AggregateResult(old.reset_index(drop=True), k)


def aggregate(db: DbArg, dataset: str, by: Account, *, level: str = "segment",
              kind: str | None = None, k: int | None = None) -> pd.DataFrame:
    """k-anonymous aggregates at ``level`` (chain, region, segment, segment_region), as
    released (see :func:`released_aggregates`)."""
    _scope(by, dataset)
    _check_kinds([kind] if kind else None)
    if level not in LEVELS:
        raise InputError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
    with _store(db) as store:
        _, res = released_aggregates(store, dataset, _k_for(by, k))
    out = res.published(level)
    return out[out["kind"] == kind].reset_index(drop=True) if kind else out


# ---------------------------------------------------------------------- analytics
def _segment_orders(res: AggregateResult, kind: str = "orders") -> pd.DataFrame:
    c = res.cells
    c = c[(c["level"] == "segment") & (c["kind"] == kind) & c["value"].notna()]
    return c[["segment", "period", "value"]].reset_index(drop=True)


def _bom(ds: Dataset) -> Bom:
    return Bom.from_frame(ds.segment_inputs, ds.segments["id"].astype(str).tolist())


def _lead_days(ds: Dataset) -> pd.Series:
    return ds.supply_links.groupby(ds.supply_links["segment"].astype(str))[
        "lead_time_days"].median().dropna()


def demand_tiers_of(ds: Dataset, k: int = DEFAULT_K,
                    res: AggregateResult | None = None) -> pd.DataFrame:
    """Implied (BOM-propagated end demand) vs received orders per segment and period, from the
    k-anonymous segment aggregates (``res``, default: computed from ``ds``)."""
    res = res if res is not None else _aggregate_of(ds, k, ("segment",))
    return demand_along_tiers(_segment_orders(res), _bom(ds))


def demand_tiers(db: DbArg, dataset: str, by: Account, k: int | None = None) -> pd.DataFrame:
    _scope(by, dataset)
    with _store(db) as store:
        ds, res = released_aggregates(store, dataset, _k_for(by, k))
    return demand_tiers_of(ds, res=res)


def bullwhip_by_tier_of(ds: Dataset, k: int = DEFAULT_K, p: int = 4,
                        res: AggregateResult | None = None) -> pd.DataFrame:
    """Variance amplification of orders by tier (end-product units), with the Chen et al.
    bounds with and without shared end demand for the chain's lead times (in weeks)."""
    bom = _bom(ds)
    res = res if res is not None else _aggregate_of(ds, k, ("segment",))
    orders = _segment_orders(res)
    ends = end_segments(bom, orders["segment"])
    if not ends:
        return tier_bullwhip(orders.iloc[:0], segment_tiers(bom), pd.Series(dtype=float))
    # The chain's end product: the end segment with the most upstream segments.
    reach = {e: int((propagate_demand(bom, {e: 1.0}) > 0).sum()) for e in ends}
    end = max(ends, key=lambda e: (reach[e], e))
    mult = propagate_demand(bom, {end: 1.0})
    inside = mult[mult > 0].index
    orders = orders[orders["segment"].isin(inside)]
    tiers = segment_tiers(bom, among=inside)
    lead = 1.0 + _lead_days(ds) / 7.0  # weekly review: lead-time demand covers L + 1 periods
    return tier_bullwhip(orders, tiers[tiers.index.isin(inside)], mult, lead, p=p)


def bullwhip_by_tier(db: DbArg, dataset: str, by: Account, k: int | None = None,
                     p: int = 4) -> pd.DataFrame:
    _scope(by, dataset)
    with _store(db) as store:
        ds, res = released_aggregates(store, dataset, _k_for(by, k))
    return bullwhip_by_tier_of(ds, p=p, res=res)


@dataclass
class _Series:
    level: str
    segment: str
    region: str
    kind: str
    periods: list[str]
    values: np.ndarray
    freq_days: float


def _upstream_days(ds: Dataset) -> pd.Series:
    """Longest cumulative replenishment lead time (days) from each segment to the top of the BOM."""
    bom = _bom(ds)
    lead = _lead_days(ds)
    Q = bom.Q.tocsc()
    memo: dict[int, float] = {}

    def up(j: int) -> float:  # the BOM is acyclic (checked on import)
        if j not in memo:
            memo[j] = max((float(lead.get(bom.ids[int(i)], 0.0)) + up(int(i))
                           for i in Q.indices[Q.indptr[j]:Q.indptr[j + 1]]), default=0.0)
        return memo[j]

    return pd.Series({s: up(j) for j, s in enumerate(bom.ids)})


def warnings_of(ds: Dataset, *, method: str = "cusum", k: int = DEFAULT_K, window: int = 26,
                threshold: float | None = None, since: str | None = None,
                res: AggregateResult | None = None) -> pd.DataFrame:
    """Early warnings on the k-anonymous segment and region series.

    Series watched: segment orders and forecasts, segment and region inventory days. For orders
    the lead time bought is the upstream replenishment time (longest cumulative median lead
    time up the BOM) minus the detection delay; for inventory days it is the runway (latest
    days of cover) minus the delay.

    Returns
    -------
    DataFrame
        ``level, segment, region, kind, method, period, direction, score, change_period,
        delay_periods, delay_days, lead_time_bought_days``.
    """
    res = res if res is not None else _aggregate_of(ds, k)
    c = res.cells[res.cells["value"].notna()]
    sig = ds.table("signals")
    freq = sig.groupby("kind")["freq"].agg(lambda f: f.dropna().mode().iloc[0]
                                           if f.notna().any() else "week")
    watch = c[((c["level"] == "segment") & c["kind"].isin(["orders", "forecast",
                                                            "inventory_days"]))
              | ((c["level"] == "region") & (c["kind"] == "inventory_days"))]
    upstream = _upstream_days(ds)
    rows = []
    min_p = max(3, min(8, window))
    for (level, seg, reg, kind), g in watch.groupby(["level", "segment", "region", "kind"]):
        g = g.sort_values("period")
        x = g["value"].to_numpy(dtype=float)
        if len(x) <= min_p:
            continue
        periods = g["period"].astype(str).tolist()
        days = _PERIOD_DAYS.get(str(freq.get(kind, "week")), 7.0)
        for a in detect(x, method, window=window, min_periods=min_p, threshold=threshold):
            if since is not None and periods[a.index] < since:
                continue
            delay = a.index - a.change_index
            if kind in FLOW_KINDS:
                buy = float(upstream.get(seg, 0.0)) - delay * days
            else:
                buy = float(x[a.index]) - delay * days
            rows.append({"level": level, "segment": seg, "region": reg, "kind": kind,
                         "method": method, "period": periods[a.index],
                         "direction": "up" if a.direction > 0 else "down",
                         "score": round(a.score, 2), "change_period": periods[a.change_index],
                         "delay_periods": delay, "delay_days": delay * days,
                         "lead_time_bought_days": round(buy, 1)})
    cols = ["level", "segment", "region", "kind", "method", "period", "direction", "score",
            "change_period", "delay_periods", "delay_days", "lead_time_bought_days"]
    return pd.DataFrame(rows, columns=cols).sort_values(["period", "level", "segment"],
                                                        kind="stable").reset_index(drop=True)


def early_warnings(db: DbArg, dataset: str, by: Account, **kwargs: Any) -> pd.DataFrame:
    """:func:`warnings_of` on a stored dataset (any authenticated account of the dataset)."""
    _scope(by, dataset)
    k = _k_for(by, kwargs.pop("k", None))
    with _store(db) as store:
        ds, res = released_aggregates(store, dataset, k)
    return warnings_of(ds, k=k, res=res, **kwargs)


def stress_seed(db: DbArg, dataset: str, by: Account, *, as_of: str | None = None,
                inventory_days: float = 15.0, spare_capacity: float = 0.1) -> InitialState:
    """Initial inventories and spare capacity per firm from the latest signals (admins only:
    it reads every firm's figures, and each firm read is audit-logged)."""
    _require(by, "admin")
    with _store(db) as store:
        ds = store.load_dataset(dataset)
        state = initial_state_from_signals(ds.table("signals"), ds.firms["id"].astype(str),
                                           as_of=as_of, inventory_days=inventory_days,
                                           spare_capacity=spare_capacity)
        used = sorted(set(state.firm_ids[state.from_signal_inventory | state.from_signal_capacity]))
        access.write_audit(store, [access.AuditEntry(by.id, "stress.seed", dataset, f,
                                                     "signals:inventory_days,utilisation")
                                   for f in used])
    return state


def seeded_policy(state: InitialState, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """A stress-scenario ``policy`` mapping whose per-segment inventory targets come from the
    signals (other keys from ``base``)."""
    policy = dict(base or {})
    seg = dict(policy.get("segment_inventory_days", {}))
    seg.update(state.segment_inventory_days)
    policy["segment_inventory_days"] = seg
    return policy


def tts_ttr_seeded_of(ds: Dataset, state: InitialState, *, ttr_days: float = 14.0,
                      max_days: float = 365.0) -> pd.DataFrame:
    """Time-to-survive / time-to-recover per firm with inventories and capacities from
    ``state`` instead of one default for all firms."""
    from dataclasses import replace

    from chainatlas.services.stress import network_of
    from chainatlas.shock.lp import BomNetwork, time_to_survive_recover

    net = network_of(ds)
    bom = BomNetwork.from_network(net)
    pos = pd.Series(np.arange(len(state.firm_ids)), index=state.firm_ids)
    idx = pos.reindex(net.firm_ids.astype(str)).to_numpy()
    ok = ~np.isnan(idx)
    days = np.full(net.n_firms, 15.0)
    spare = np.full(net.n_firms, 0.1)
    days[ok] = state.inventory_days[idx[ok].astype(int)]
    spare[ok] = state.spare_capacity[idx[ok].astype(int)]
    on = (net.P_ini > 0).astype(float)  # the LP's unit is one day of a node's output
    seeded = replace(bom, capacity=(1.0 + spare) * on, inventory=days * on)
    out = time_to_survive_recover(seeded, float(ttr_days), max_days=max_days)
    return out.rename(columns={"scenario": "firm"})


# ---------------------------------------------------------------------- demo
def demo_section(ds: Dataset) -> list[tuple[str, pd.DataFrame]]:
    """Signals on the yrd-nev demo: latest segment aggregates, bullwhip by tier, warnings."""
    if ds.table("signals").empty:
        return []
    res = _aggregate_of(ds, DEFAULT_K, ("segment",))
    cells = res.cells[res.cells["kind"] == "orders"]
    last = cells["period"].max()
    latest = cells[cells["period"] == last][["segment", "n_firms", "value", "unit", "status"]]
    tiers = bullwhip_by_tier_of(ds)
    warn = warnings_of(ds)
    warn = warn[warn["kind"].isin(["orders", "inventory_days"])].tail(12)
    return [
        (f"Signals (illustrative): orders by segment, week of {last}, k = {DEFAULT_K}",
         latest.reset_index(drop=True)),
        ("Bullwhip by tier: Var(orders)/Var(end demand) vs Chen et al. (2000) bounds", tiers),
        ("Early warnings (CUSUM on k-anonymous series) and the lead time they buy", warn),
    ]
