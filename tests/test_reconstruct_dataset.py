"""Reconstructed datasets: the command, the stored members, partial knowledge, round trips."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets import load_demo
from chainatlas.services import datasets as svc
from chainatlas.services.reconstruct import reconstruct_dataset

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the YRD demo's firms and BOM only, and the demo with 300 of its links."""
    db = tmp_path_factory.mktemp("rec") / "s.duckdb"
    ds = load_demo()
    frames = {t: f for t, f in ds.tables.items() if t not in ("supply_links", "signals")}
    svc.import_frames(db, "firms-only", frames)
    some = dict(frames)
    some["supply_links"] = ds.supply_links.iloc[::3].head(300).drop(columns=["member",
                                                                           "probability"])
    svc.import_frames(db, "some-links", some)
    code, out, err = run("reconstruct", "--db", str(db), "-d", "firms-only", "--bom",
                         "--into", "rec", "--members", "3", "--seed", "5")
    assert code == 0, err
    assert "assumed" in out and "reconstructed" in out.lower()
    return db


def bom_purchases(ds: pd.DataFrame | object) -> pd.Series:
    """Σ_b share(a, b)·X_b per (customer, input segment), from the tables alone."""
    d = load_demo()
    fs = d.firm_segments.astype({"firm": str, "segment": str})
    si = d.segment_inputs.astype({"segment": str, "input_segment": str})
    m = fs.merge(si, on="segment")
    m["need"] = m["share"].astype(float) * m["output_value"].astype(float)
    return m.groupby(["firm", "input_segment"])["need"].sum()


def test_every_member_reproduces_every_buyers_segment_purchases(store: Path) -> None:
    ds = svc.load_dataset(store, "rec", ensemble=True)
    assert ds.members() == [1, 2, 3]
    links = ds.supply_links
    assert links["member"].min() == 1  # nothing observed in the source
    assert links["probability"].between(0, 1).all()
    need = bom_purchases(ds)
    for k in (1, 2, 3):
        lk = links[links["member"] == k]
        got = lk.groupby([lk["customer"].astype(str), lk["segment"].astype(str)])["value"].sum()
        got.index.names = need.index.names
        both = pd.concat([need, got], axis=1, keys=["need", "got"]).fillna(0.0)
        np.testing.assert_allclose(both["got"], both["need"], rtol=1e-9, atol=1e-6)
        # shares of each purchase sum to one
        sh = lk.groupby([lk["customer"].astype(str), lk["segment"].astype(str)])["share"].sum()
        np.testing.assert_allclose(sh, 1.0, rtol=1e-9)
    # aggregate nodes are firms of the dataset with their region
    firms = ds.firms.set_index(ds.firms["id"].astype(str))
    roc = [f for f in firms.index if f.startswith("ROC-")]
    assert all(firms.loc[f, "region"] == "CHN" for f in roc)
    meta = ds.meta["reconstructed"]
    assert meta["source"] == "firms-only" and meta["members"] == 3 and meta["assumptions"]


def test_loading_gives_one_network_unless_the_ensemble_is_asked_for(store: Path) -> None:
    one = svc.load_dataset(store, "rec")
    assert one.meta["member"] == 1
    assert set(one.supply_links["member"].unique()) == {1}
    two = svc.load_dataset(store, "rec", member=2)
    assert set(two.supply_links["member"].unique()) == {2}
    # a single network: tiers of a firm list each supplier once, from member 1 only
    fs = one.firm_segments
    maker = str(fs.loc[fs["segment"].astype(str) == "vehicle", "firm"].iloc[0])
    code, out, err = run("chain", "tiers", "--db", str(store), "-d", "rec", "--firm", maker,
                         "-f", "csv")
    assert code == 0, err
    tiers = pd.read_csv(pd.io.common.StringIO(out))
    first = set(tiers[tiers["tier"] == 1]["firm"].astype(str))
    lk = one.supply_links
    own = set(lk.loc[lk["customer"].astype(str) == maker, "supplier"].astype(str))
    assert own and first == own


def test_same_seed_same_dataset_and_export_import_round_trip(store: Path, tmp_path: Path
                                                            ) -> None:
    reconstruct_dataset(store, "firms-only", "rec-again", members=3, seed=5)
    a = svc.load_dataset(store, "rec", ensemble=True).supply_links
    b = svc.load_dataset(store, "rec-again", ensemble=True).supply_links
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    svc.export_dataset(store, "rec", tmp_path / "out")
    exported = pd.read_csv(tmp_path / "out" / "supply_links.csv", encoding="utf-8-sig")
    assert {"member", "probability"} <= set(exported.columns) and len(exported) == len(a)
    svc.import_directory(store, "rec-copy", tmp_path / "out")
    c = svc.load_dataset(store, "rec-copy", ensemble=True).supply_links
    pd.testing.assert_frame_equal(a.reset_index(drop=True), c.reset_index(drop=True),
                                  check_exact=False, rtol=1e-12)


def test_known_links_kept_and_reconstructed_around(store: Path) -> None:
    rep = reconstruct_dataset(store, "some-links", "rec-some", members=2, seed=1)
    assert rep.observed_links == 300
    ds = svc.load_dataset(store, "rec-some", ensemble=True)
    lk = ds.supply_links
    obs = lk[lk["member"] == 0]
    assert len(obs) == 300 and obs["probability"].isna().all()
    key = ["supplier", "customer", "segment"]
    src = svc.load_dataset(store, "some-links").supply_links
    merged = obs.merge(src, on=key, suffixes=("", "_src"))
    assert len(merged) == 300
    np.testing.assert_allclose(merged["value"], merged["value_src"])
    for k in (1, 2):
        rec = lk[lk["member"] == k]
        assert not rec.merge(obs, on=key).shape[0]  # no member repeats a known link
    view = svc.load_dataset(store, "rec-some")
    assert (view.supply_links["member"] == 0).sum() == 300


def test_old_link_files_without_member_columns_still_import(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    ds = load_demo()
    old = ds.supply_links.drop(columns=["member", "probability"])
    frames = {t: f for t, f in ds.tables.items() if t not in ("supply_links", "signals")}
    frames["supply_links"] = old
    svc.import_frames(db, "old", frames)
    back = svc.load_dataset(db, "old")
    assert (back.supply_links["member"] == 0).all() and not back.is_reconstructed
    assert len(back.supply_links) == len(old)


def test_refusals(store: Path) -> None:
    code, _, err = run("reconstruct", "--db", str(store), "-d", "firms-only", "--into", "rec")
    assert code == 1 and "already exists" in err
    code, _, err = run("reconstruct", "--db", str(store), "-d", "rec", "--into", "rec-rec")
    assert code == 1 and "already reconstructed" in err
    code, _, err = run("reconstruct", "--db", str(store), "-d", "firms-only", "--into", "x",
                       "--io", "demo", "--bom")
    assert code == 1 and "either" in err
    assert "x" not in set(svc.list_datasets(store)["name"])


def test_reconstructed_links_grant_no_data_sharing(store: Path) -> None:
    from chainatlas.services.sharing import _partners
    from chainatlas.store import Store

    ds = svc.load_dataset(store, "rec-some", ensemble=True)
    lk = ds.supply_links
    guessed = lk[(lk["member"] == 1) & ~lk["supplier"].astype(str).str.startswith("ROC-")]
    firm = str(guessed["customer"].iloc[0])
    s = Store.open(store, read_only=True)
    try:
        partners = _partners(s, "rec-some", firm)
    finally:
        s.close()
    obs = lk[lk["member"] == 0]
    expected = set(obs.loc[obs["customer"] == firm, "supplier"]) | set(
        obs.loc[obs["supplier"] == firm, "customer"])
    assert partners == expected


def test_io_table_mode(store: Path) -> None:
    code, out, err = run("reconstruct", "--db", str(store), "-d", "firms-only", "--io", "demo",
                         "--into", "rec-io", "-n", "2", "--mean-degree", "4",
                         "--format", "json")
    if code != 0:
        assert "io_sector" in err  # the demo's segments must map to the table's sectors
        pytest.fail(err)
    ds = svc.load_dataset(store, "rec-io", ensemble=True)
    assert ds.members() == [1, 2] and ds.meta["reconstructed"]["mode"] == "io"
    assert any(f.startswith("ROC-") for f in ds.firms["id"].astype(str))
    # every member's purchases per buyer and IO sector are A = Z/x of the table times output
    from chainatlas.reconstruct.concordance import io_sector_of
    from chainatlas.services.io import demo_table
    from chainatlas.services.reconstruct import reconstruct_of

    table = demo_table()
    src = svc.load_dataset(store, "firms-only")
    ens, units, _ = reconstruct_of(src, io=table, members=2, seed=3, mean_degree=4.0)
    seg_io = {s: io_sector_of(v, table.sectors) for s, v in
              zip(src.segments["id"].astype(str), src.segments["io_sector"], strict=True)}
    pos = {s: k for k, s in enumerate(table.sectors)}
    A = table.Z / table.x[None, :]
    need: dict[tuple[str, int], float] = {}
    for f, seg, x in zip(units["firm"], units["segment"], units["X"], strict=True):
        b = pos[seg_io[seg]]
        for a in range(len(pos)):
            if A[a, b] > 0:
                need[(f, a)] = need.get((f, a), 0.0) + A[a, b] * x
    fid = src.firms["id"].astype(str).to_numpy()
    for m in ens.members:
        got = {(fid[j], int(a)): v for j, a, v in
               zip(m.pair_buyer, m.pair_sector, m.pair_purchases(), strict=True)}
        assert got.keys() == need.keys()
        np.testing.assert_allclose([got[k] for k in need], list(need.values()), rtol=1e-9)
