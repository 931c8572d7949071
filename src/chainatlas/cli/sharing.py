"""Data-sharing commands: ``signals``, ``share``, ``accounts`` and ``warn``.

Thin: each command resolves the acting account (``--token``, or the local admin who holds the
store file) and calls :mod:`chainatlas.services.sharing`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from chainatlas.cli._common import DatasetOpt, DbOpt, EncodingOpt, FormatOpt, OutOpt
from chainatlas.cli._output import Format, emit

if TYPE_CHECKING:
    from chainatlas.store.access import Account

__all__ = ["register"]

TokenOpt = Annotated[str | None, typer.Option(
    "--token", help="Act as this account (firm or planner); default: the local admin.")]
KindsOpt = Annotated[list[str] | None, typer.Option(
    "--kind", help="Signal kind (repeatable): orders, forecast, inventory_days, utilisation, "
                   "lead_time.")]

signals_app = typer.Typer(help="Firm signals: upload, read (scoped), aggregate (k-anonymous), "
                               "tiers and bullwhip.", no_args_is_help=True)
share_app = typer.Typer(help="Sharing agreements between direct partners, and the audit log.",
                        no_args_is_help=True)
accounts_app = typer.Typer(help="Accounts (admin, planner, firm) and their tokens.",
                           no_args_is_help=True)


class Level(StrEnum):
    chain = "chain"
    region = "region"
    segment = "segment"
    segment_region = "segment_region"


class Method(StrEnum):
    cusum = "cusum"
    robust_z = "robust_z"


class Role(StrEnum):
    admin = "admin"
    planner = "planner"
    firm = "firm"


def _who(db: Path | None, token: str | None) -> Account:
    from chainatlas.services import sharing as svc

    return svc.LOCAL_ADMIN if token is None else svc.authenticate(db, token)


@signals_app.command("import")
def signals_import(
    file: Annotated[Path, typer.Argument(help="CSV (UTF-8/UTF-16/GBK/Big5), .xlsx, .parquet or "
                                             ".json.")],
    dataset: DatasetOpt,
    token: TokenOpt = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help="Excel sheet.")] = None,
    encoding: EncodingOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Upload signals (firm, segment, period, kind, value, unit): validated whole, then written
    in one transaction. A firm account may upload only its own rows."""
    from chainatlas.services import sharing as svc

    report = svc.import_signals(db, dataset, _who(db, token), file, sheet=sheet,
                                encoding=encoding)
    emit(report.to_dict(), fmt, out, title=f"signals imported into '{dataset}'",
         table=report.to_frame())


@signals_app.command("show")
def signals_show(
    dataset: DatasetOpt,
    token: TokenOpt = None,
    firm: Annotated[str | None, typer.Option("--firm", help="Only this firm's signals.")] = None,
    kind: KindsOpt = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Only this segment.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First period (YYYY-MM-DD).")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last period (YYYY-MM-DD).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Firm-level signals the account may see (own, and shared by partners); audit-logged."""
    from chainatlas.services import sharing as svc

    frame = svc.read_signals(db, dataset, _who(db, token), firm=firm, kinds=kind,
                             segment=segment, start=start, end=end)
    emit(frame, fmt, out, title=f"signals of '{dataset}' ({len(frame)} rows)")


@signals_app.command("aggregate")
def signals_aggregate(
    dataset: DatasetOpt,
    token: TokenOpt = None,
    level: Annotated[Level, typer.Option("--level", help="Reporting level.")] = Level.segment,
    kind: Annotated[str | None, typer.Option("--kind", help="One signal kind.")] = None,
    k: Annotated[int | None, typer.Option("--k", help="Minimum firms per figure (≥ 3).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """k-anonymous aggregates: cells from fewer than k firms, or that would reveal one by
    differencing, are suppressed (value empty, status says why)."""
    from chainatlas.services import sharing as svc

    frame = svc.aggregate(db, dataset, _who(db, token), level=level.value, kind=kind, k=k)
    emit(frame, fmt, out, title=f"aggregates of '{dataset}' by {level.value}")


@signals_app.command("tiers")
def signals_tiers(
    dataset: DatasetOpt,
    token: TokenOpt = None,
    period: Annotated[str | None, typer.Option("--period", help="One period only.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """End demand propagated up the bill of materials vs the orders suppliers received."""
    from chainatlas.services import sharing as svc

    frame = svc.demand_tiers(db, dataset, _who(db, token))
    if period is not None:
        frame = frame[frame["period"].astype(str) == period]
    emit(frame, fmt, out, title=f"demand along the tiers of '{dataset}'")


@signals_app.command("bullwhip")
def signals_bullwhip(
    dataset: DatasetOpt,
    token: TokenOpt = None,
    p: Annotated[int, typer.Option("--p", min=1, help="Forecast window for the bounds.")] = 4,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Order-variance amplification by tier, with the bounds with and without shared demand."""
    from chainatlas.services import sharing as svc

    frame = svc.bullwhip_by_tier(db, dataset, _who(db, token), p=p)
    emit(frame, fmt, out, title=f"bullwhip by tier in '{dataset}'")


@signals_app.command("seed")
def signals_seed(
    dataset: DatasetOpt,
    token: TokenOpt = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Latest period to use.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Stress-test starting state (inventory days, spare capacity per firm) from the latest
    signals (admin only; audit-logged)."""
    from chainatlas.services import sharing as svc

    state = svc.stress_seed(db, dataset, _who(db, token), as_of=as_of)
    emit(state.to_dict() if fmt is Format.json else state.to_frame(), fmt, out,
         title=f"stress-test state from signals of '{dataset}'", table=state.to_frame())


@share_app.command("grant")
def share_grant(
    dataset: DatasetOpt,
    partner: Annotated[str, typer.Option("--partner", help="Firm allowed to read.")],
    kind: KindsOpt = None,
    owner: Annotated[str | None, typer.Option(
        "--owner", help="Firm whose signals are shared (default: the token's firm).")] = None,
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Share signals (of the given kinds, default all) with a direct supplier or customer."""
    from chainatlas.services import sharing as svc

    frame = svc.grant(db, dataset, _who(db, token), owner, partner, kind or [])
    emit(frame, fmt, out, title="agreements")


@share_app.command("revoke")
def share_revoke(
    dataset: DatasetOpt,
    partner: Annotated[str, typer.Option("--partner", help="Firm losing access.")],
    owner: Annotated[str | None, typer.Option("--owner", help="Firm whose signals were shared.")
                     ] = None,
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """End an agreement: the partner loses access at once (the history is kept)."""
    from chainatlas.services import sharing as svc

    n = svc.revoke(db, dataset, _who(db, token), owner, partner)
    emit({"revoked": n, "partner": partner}, fmt, out, title="revoked")


@share_app.command("list")
def share_list(
    dataset: DatasetOpt,
    active: Annotated[bool, typer.Option("--active", help="Only active agreements.")] = False,
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Agreements (a firm sees those it gave or received)."""
    from chainatlas.services import sharing as svc

    frame = svc.list_agreements(db, dataset, _who(db, token), active_only=active)
    emit(frame, fmt, out, title=f"agreements in '{dataset}'")


@share_app.command("audit")
def share_audit(
    dataset: DatasetOpt,
    firm: Annotated[str | None, typer.Option("--firm", help="Only reads of this firm's data.")
                    ] = None,
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """The audit log: who read which firm's data, and agreement changes."""
    from chainatlas.services import sharing as svc

    frame = svc.audit_log(db, dataset, _who(db, token), firm=firm)
    emit(frame, fmt, out, title=f"audit log of '{dataset}'")


@accounts_app.command("add")
def accounts_add(
    account_id: Annotated[str, typer.Argument(help="Account id (letters, digits, - or _).")],
    role: Annotated[Role, typer.Option("--role", help="admin, planner or firm.")],
    dataset: Annotated[str | None, typer.Option("--dataset", "-d", help="Dataset it may use.")
                       ] = None,
    firm: Annotated[str | None, typer.Option("--firm", help="Firm id (firm accounts).")] = None,
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Create an account and print its token once (only a salted hash is stored)."""
    from chainatlas.services import sharing as svc

    new = svc.add_account(db, _who(db, token), account_id, role.value, dataset=dataset,
                          firm=firm)
    emit({"account": account_id, "role": role.value, "token": new}, fmt, out,
         title="account created — keep the token, it is not shown again")


@accounts_app.command("disable")
def accounts_disable(
    account_id: Annotated[str, typer.Argument(help="Account to disable.")],
    token: TokenOpt = None,
    db: DbOpt = None,
) -> None:
    """Disable an account: its token stops working at once (admins only)."""
    from chainatlas.services import sharing as svc

    svc.disable_account(db, _who(db, token), account_id)
    typer.echo(f"disabled {account_id}")


@accounts_app.command("list")
def accounts_list(
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Accounts (without token hashes)."""
    from chainatlas.services import sharing as svc

    emit(svc.list_accounts(db, _who(db, token)), fmt, out, title="accounts")


def warn(
    dataset: DatasetOpt,
    method: Annotated[Method, typer.Option("--method", help="cusum or robust_z.")] = Method.cusum,
    window: Annotated[int, typer.Option("--window", min=3, help="Baseline periods.")] = 26,
    threshold: Annotated[float | None, typer.Option(
        "--threshold", help="Alarm threshold (z: 3.5, CUSUM h: 5).")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only alarms from this period.")
                     ] = None,
    token: TokenOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Early warnings: segment and region series (k-anonymous) departing from their recent
    pattern, with the detection delay and the lead time the warning buys."""
    from chainatlas.services import sharing as svc

    frame = svc.early_warnings(db, dataset, _who(db, token), method=method.value, window=window,
                               threshold=threshold, since=since)
    emit(frame, fmt, out, title=f"early warnings in '{dataset}' ({method.value})")


def register(app: typer.Typer) -> None:
    """Add ``signals``, ``share``, ``accounts`` and ``warn`` to ``app``."""
    app.add_typer(signals_app, name="signals", help="Firm signals (数据共享): import, show, "
                                                    "aggregate, tiers, bullwhip, seed.")
    app.add_typer(share_app, name="share", help="Sharing agreements and the audit log.")
    app.add_typer(accounts_app, name="accounts", help="Accounts and tokens.")
    app.command("warn")(warn)
