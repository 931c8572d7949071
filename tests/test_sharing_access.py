"""Scoped access to shared signals: agreements, revocation, planner aggregates, audit log."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from chainatlas.exceptions import AccessDenied, InputError, ValidationError
from chainatlas.services import sharing as svc
from chainatlas.services.datasets import import_frames
from chainatlas.store import Store, access

DS = "chain"
WEEKS = ["2024-01-01", "2024-01-08", "2024-01-15"]

# Supplier S1, S2, S3, S4 (cells) → customer C (pack). X is a cell maker with no link to C.
FIRMS = pd.DataFrame({"id": ["S1", "S2", "S3", "S4", "C", "X"],
                      "name": ["s1", "s2", "s3", "s4", "c", "x"],
                      "region": ["340881", "340881", "340881", "320100", "320100", "320100"]})
REGIONS = pd.DataFrame({"code": ["340881", "320100"], "name": ["桐城市", "南京市"]})
SEGMENTS = pd.DataFrame({"id": ["cells", "pack"], "chain": "nev", "name": ["电芯", "电池包"],
                         "stage": "midstream"})
LINKS = pd.DataFrame({"supplier": ["S1", "S2", "S3", "S4"], "customer": "C",
                      "segment": "cells", "value": 1.0})


def _signals() -> pd.DataFrame:
    rows = []
    for i, f in enumerate(["S1", "S2", "S3", "S4", "X"]):
        for w, week in enumerate(WEEKS):
            rows.append((f, "cells", week, "orders", 100.0 * (i + 1) + w, "只"))
            rows.append((f, "cells", week, "inventory_days", 10.0 + i, "天"))
    for w, week in enumerate(WEEKS):
        rows.append(("C", "pack", week, "orders", 50.0 + w, "套"))
    return pd.DataFrame(rows, columns=["firm", "segment", "period", "kind", "value", "unit"])


@pytest.fixture()
def store(tmp_path: Path):
    with Store.open(tmp_path / "s.duckdb") as s:
        import_frames(s, DS, {"regions": REGIONS, "chains": pd.DataFrame({"id": ["nev"],
                                                                          "name": ["新能源汽车"]}),
                              "segments": SEGMENTS, "firms": FIRMS, "supply_links": LINKS,
                              "signals": _signals()})
        yield s


def _firm(store: Store, firm: str) -> svc.Account:
    token = svc.add_account(store, svc.LOCAL_ADMIN, f"acct-{firm}", "firm", dataset=DS,
                            firm=firm)
    return svc.authenticate(store, token)


def test_nothing_is_shared_by_default_and_a_firm_sees_only_its_own(store: Store) -> None:
    c = _firm(store, "C")
    mine = svc.read_signals(store, DS, c)
    assert set(mine["firm"]) == {"C"} and len(mine) == 3
    with pytest.raises(AccessDenied):
        svc.read_signals(store, DS, c, firm="S1")


def test_a_partner_sees_granted_kinds_until_revocation(store: Store) -> None:
    s1, c = _firm(store, "S1"), _firm(store, "C")
    svc.grant(store, DS, s1, None, "C", ["orders"])
    seen = svc.read_signals(store, DS, c, firm="S1")
    assert set(seen["kind"]) == {"orders"} and len(seen) == 3   # not inventory_days
    assert set(svc.read_signals(store, DS, c)["firm"]) == {"C", "S1"}
    svc.revoke(store, DS, s1, None, "C")
    with pytest.raises(AccessDenied):
        svc.read_signals(store, DS, c, firm="S1")
    assert set(svc.read_signals(store, DS, c)["firm"]) == {"C"}
    hist = svc.list_agreements(store, DS, s1)
    assert len(hist) == 1 and pd.notna(hist["revoked_at"].iloc[0])


def test_a_firm_cannot_read_a_non_partner_even_with_an_agreement(store: Store) -> None:
    # X has no supply link with C: a grant is refused, and a row forced into the table is ignored
    x, c = _firm(store, "X"), _firm(store, "C")
    with pytest.raises(InputError, match="direct supplier or customer"):
        svc.grant(store, DS, x, None, "C", ["orders"])
    access.grant(store, DS, "X", "C", ["orders"])
    with pytest.raises(AccessDenied):
        svc.read_signals(store, DS, c, firm="X")
    assert "X" not in set(svc.read_signals(store, DS, c)["firm"])


def test_a_firm_grants_revokes_and_uploads_only_for_itself(store: Store) -> None:
    s1 = _firm(store, "S1")
    with pytest.raises(AccessDenied):
        svc.grant(store, DS, s1, "S2", "C", ["orders"])
    with pytest.raises(AccessDenied):
        svc.revoke(store, DS, s1, "S2", "C")
    other = pd.DataFrame({"firm": ["S2"], "segment": ["cells"], "period": ["2024-01-22"],
                          "kind": ["orders"], "value": [1.0], "unit": ["只"]})
    with pytest.raises(AccessDenied):
        svc.import_signals(store, DS, s1, frame=other)
    mine = other.assign(firm="S1")
    assert svc.import_signals(store, DS, s1, frame=mine).rows == 1
    bad = mine.assign(period="2024-01-29", kind="mood")
    with pytest.raises(ValidationError):
        svc.import_signals(store, DS, s1, frame=bad)
    pct = pd.DataFrame({"企业编号": ["S1", "S1"], "环节编号": ["cells", "cells"],
                        "报告期": ["2024-02-05", "2024-02-05"],
                        "信号类型": ["utilisation", "inventory_days"], "数值": [0.9, 85.0],
                        "单位": ["1", "天"]})
    svc.import_signals(store, DS, s1, frame=pct)  # 85 days is fine
    with pytest.raises(ValidationError) as err:
        svc.import_signals(store, DS, s1, frame=pct.assign(报告期="2024-02-12",
                                                            数值=[85.0, 10.0]))
    problem = err.value.problems[0]
    assert (problem.row, problem.column, problem.value) == (1, "数值", 85.0)
    assert "0.85" in str(problem.expected)


def test_planner_sees_only_aggregates_never_from_fewer_than_k(store: Store) -> None:
    token = svc.add_account(store, svc.LOCAL_ADMIN, "plan", "planner", dataset=DS)
    planner = svc.authenticate(store, token)
    with pytest.raises(AccessDenied):
        svc.read_signals(store, DS, planner)
    with pytest.raises(AccessDenied):
        svc.aggregate(store, DS, planner, k=2)
    seg = svc.aggregate(store, DS, planner, level="segment", kind="orders")
    sr = svc.aggregate(store, DS, planner, level="segment_region", kind="orders")
    both = pd.concat([seg, sr])
    shown = both[both["value"].notna()]
    assert (shown["n_firms"] >= 3).all()
    # cells: S1-S3 in 340881, S4 and X in 320100 (5 firms). Tongcheng's cell (3 firms) and the
    # segment total (5 firms) differ by 2 < 3 firms: they are never both shown in a period.
    for week in WEEKS:
        total = seg[(seg["segment"] == "cells") & (seg["period"] == week)]["value"]
        tc = sr[(sr["segment"] == "cells") & (sr["region"] == "340881")
                & (sr["period"] == week)]["value"]
        assert total.isna().all() or tc.isna().all()
    # pack has one firm: suppressed
    assert seg[seg["segment"] == "pack"]["value"].isna().all()
    # nothing a planner did touched firm-level data: no read in the audit log
    log = access.read_audit(store, dataset=DS)
    assert not (log["action"] == "signals.read").any()


def test_every_firm_level_read_is_in_the_audit_log_the_firm_can_read(store: Store) -> None:
    s1, s2, c = _firm(store, "S1"), _firm(store, "S2"), _firm(store, "C")
    svc.grant(store, DS, s1, None, "C", ["orders", "inventory_days"])
    svc.grant(store, DS, s2, None, "C", ["orders"])
    svc.read_signals(store, DS, c)
    svc.read_signals(store, DS, c, firm="S1", kinds=["orders"])
    svc.read_signals(store, DS, svc.LOCAL_ADMIN, firm="S2")
    log1 = svc.audit_log(store, DS, s1)
    reads1 = log1[log1["action"] == "signals.read"]
    assert list(reads1["account"]) == ["acct-C", "acct-C"]
    assert list(reads1["rows"]) == [6, 3]
    log2 = svc.audit_log(store, DS, s2)
    reads2 = log2[log2["action"] == "signals.read"]
    assert list(reads2["account"]) == ["acct-C", "local"]
    assert set(log1["firm"]) == {"S1"}        # a firm sees only entries about its own data
    with pytest.raises(AccessDenied):
        svc.audit_log(store, DS, s1, firm="S2")
    # one entry per firm read, for every read: count rows from the log against what was read
    whole = access.read_audit(store, dataset=DS)
    assert set(whole[whole["action"] == "signals.read"]["firm"]) == {"C", "S1", "S2"}


def test_tokens_are_stored_only_as_salted_hashes(store: Store, tmp_path: Path) -> None:
    t1 = svc.add_account(store, svc.LOCAL_ADMIN, "a1", "planner")
    t2 = svc.add_account(store, svc.LOCAL_ADMIN, "a2", "planner")
    with store.connection() as con:
        rows = con.execute("SELECT id, token_hash FROM accounts ORDER BY id").fetchall()
    hashes = dict(rows)
    assert t1 not in hashes["a1"] and t1.split(".", 1)[1] not in hashes["a1"]
    assert hashes["a1"].startswith("scrypt$") and hashes["a1"] != hashes["a2"]
    assert svc.authenticate(store, t1).id == "a1"
    for bad in (None, "", "a1", "a1.wrong", t2.replace("a2.", "a1."), "nobody.x"):
        with pytest.raises(AccessDenied):
            svc.authenticate(store, bad)
    access.disable_account(store, "a1")
    with pytest.raises(AccessDenied):
        svc.authenticate(store, t1)
    with pytest.raises(AccessDenied):
        svc.add_account(store, svc.authenticate(store, t2), "a3", "admin")
    assert "token_hash" not in svc.list_accounts(store, svc.LOCAL_ADMIN).columns


def test_accounts_are_bound_to_their_dataset(store: Store) -> None:
    c = _firm(store, "C")
    with pytest.raises(AccessDenied):
        svc.read_signals(store, "other", c)
    with pytest.raises(AccessDenied):
        svc.aggregate(store, "other", c)


def test_old_store_gains_the_access_tables_on_open(tmp_path: Path) -> None:
    from chainatlas.store import SCHEMA_VERSION

    path = tmp_path / "old.duckdb"
    with Store.open(path) as s, s.connection() as con:
        con.execute("DROP TABLE accounts; DROP TABLE sharing_agreements; DROP TABLE audit_log")
        con.execute("DELETE FROM chainatlas_schema WHERE version >= 2")
    with Store.open(path) as s:
        assert s.schema_version() == SCHEMA_VERSION >= 2
        assert access.list_accounts(s).empty
        assert np.all(access.read_audit(s).columns == ["at", "account", "action", "dataset",
                                                       "firm", "object", "rows"])


def test_a_late_upload_cannot_be_differenced_out_of_released_aggregates(store: Store) -> None:
    planner = svc.authenticate(store, svc.add_account(store, svc.LOCAL_ADMIN, "p2", "planner",
                                                      dataset=DS))
    w4 = "2024-01-22"

    def upload(firm: str, period: str, value: float) -> None:
        row = pd.DataFrame({"firm": [firm], "segment": ["cells"], "period": [period],
                            "kind": ["orders"], "value": [value], "unit": ["只"]})
        svc.import_signals(store, DS, svc.LOCAL_ADMIN, frame=row)

    for firm, v in (("S1", 10.0), ("S2", 20.0), ("S3", 30.0)):
        upload(firm, w4, v)
    first = svc.aggregate(store, DS, planner, kind="orders")
    cell = first[(first["segment"] == "cells") & (first["period"] == w4)].iloc[0]
    assert cell["value"] == 60.0 and cell["n_firms"] == 3
    upload("S4", w4, 777.0)  # late: without freezing, the new total minus 60 would be S4's 777
    again = svc.aggregate(store, DS, planner, kind="orders")
    cell2 = again[(again["segment"] == "cells") & (again["period"] == w4)].iloc[0]
    assert cell2["value"] == 60.0 and cell2["n_firms"] == 3
    assert not np.isclose(again["value"].dropna(), 777.0).any()
    # the partner still sees the late figure (only aggregates are frozen) ...
    s4 = _firm(store, "S4")
    svc.grant(store, DS, s4, None, "C", ["orders"])
    seen = svc.read_signals(store, DS, _firm(store, "C"), firm="S4")
    assert 777.0 in set(seen["value"])
    # ... and a period that has not ended yet is not released at all
    today = pd.Timestamp.now().normalize()
    this_week = (today - pd.Timedelta(days=today.weekday())).date().isoformat()
    for firm in ("S1", "S2", "S3", "S4", "X"):
        upload(firm, this_week, 5.0)
    now = svc.aggregate(store, DS, planner, kind="orders")
    assert this_week not in set(now["period"])
