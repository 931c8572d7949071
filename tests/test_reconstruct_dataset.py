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


def test_every_member_reproduces_every_segment_flow(store: Path) -> None:
    """Purchases of input a by the firms of segment b (a firm counted in its first segment),
    from every origin, equal Σ share(a, b)·X of the BOM in every member; each buyer buys what
    its segments need (its own amount varies between members: firms differ)."""
    ds = svc.load_dataset(store, "rec", ensemble=True)
    assert ds.members() == [1, 2, 3]
    links = ds.supply_links
    assert links["member"].min() == 1  # nothing observed in the source
    assert links["probability"].between(0, 1).all()
    need = bom_purchases(ds)
    fs = load_demo().firm_segments
    first = fs.drop_duplicates("firm").set_index(fs.drop_duplicates("firm")["firm"].astype(str))
    seg_of = first["segment"].astype(str)

    def by_segment(v: pd.Series) -> pd.Series:
        keys = [v.index.get_level_values(1), v.index.get_level_values(0).map(seg_of)]
        return v.groupby(keys).sum()

    spread = []
    for k in (1, 2, 3):
        lk = links[links["member"] == k]
        got = lk.groupby([lk["customer"].astype(str), lk["segment"].astype(str)])["value"].sum()
        got.index.names = need.index.names
        assert set(got.index) == set(need[need > 0].index)
        np.testing.assert_allclose(by_segment(got).reindex(by_segment(need).index),
                                   by_segment(need), rtol=1e-9, atol=1e-6)
        spread.append(got.reindex(need.index) / need)
        # shares of each purchase sum to one
        sh = lk.groupby([lk["customer"].astype(str), lk["segment"].astype(str)])["share"].sum()
        np.testing.assert_allclose(sh, 1.0, rtol=1e-9)
    assert float(np.nanmax(np.abs(spread[0] - spread[1]))) > 0.05
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

    if "rec-some" not in svc.list_datasets(store)["name"].astype(str).tolist():
        reconstruct_dataset(store, "some-links", "rec-some", members=2, seed=1)  # run alone
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
    from chainatlas.reconstruct import LinkModel

    # without firm heterogeneity each buyer's purchases are A·X exactly
    ens, units, _ = reconstruct_of(src, io=table, members=2, seed=3, mean_degree=4.0,
                                   model=LinkModel(firm_cv=0.0))
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


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    p1, p2 = np.radians(lat1), np.radians(lat2)
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1)
                                                                      / 2) ** 2
    return float(2 * 6371.0088 * np.arcsin(np.sqrt(h)))


def test_firm_coordinates_are_used_where_given_else_the_region_centre(monkeypatch) -> None:
    from chainatlas.model.dataset import Dataset
    from chainatlas.reconstruct import build
    from chainatlas.reconstruct.build import inputs_from_dataset
    from chainatlas.reconstruct.sample import region_distances

    demo = load_demo()
    tables = {t: f.copy() for t, f in demo.tables.items() if t not in ("supply_links",
                                                                       "signals")}
    firms = tables["firms"]
    reg = demo.regions.set_index(demo.regions["code"].astype(str))
    # two firms of one region placed 60 km apart; a third at the second's point; the rest
    # without coordinates
    code = firms["region"].astype(str).value_counts().index[0]
    same = firms.index[firms["region"].astype(str) == code][:3]
    others = firms.index[firms["region"].astype(str) != code][:1]
    lon0, lat0 = float(reg.loc[code, "lon"]), float(reg.loc[code, "lat"])
    firms["lon"], firms["lat"] = np.nan, np.nan
    firms.loc[same, "lon"] = [lon0 - 0.3, lon0 + 0.3, lon0 + 0.3]
    firms.loc[same, "lat"] = [lat0, lat0, lat0]
    ds = Dataset.from_frames("coords", tables)
    inp, _ = inputs_from_dataset(ds)
    pos = {f: k for k, f in enumerate(firms["id"].astype(str))}
    a, b, c = (pos[str(firms.loc[i, "id"])] for i in same)
    o = pos[str(firms.loc[others[0], "id"])]
    pa, pb, pc, po = (int(inp.firm_region[k]) for k in (a, b, c, o))
    assert pb == pc and len({pa, pb, po}) == 3
    assert (inp.region_lon[pa], inp.region_lat[pa]) == pytest.approx((lon0 - 0.3, lat0))
    ocode = str(firms.loc[others[0], "region"])
    assert (inp.region_lon[po], inp.region_lat[po]) == pytest.approx(
        (float(reg.loc[ocode, "lon"]), float(reg.loc[ocode, "lat"])))
    d = region_distances(inp.region_lon, inp.region_lat, inp.intra_km(10.0))
    assert d[pa, pb] == pytest.approx(_haversine_km(lon0 - 0.3, lat0, lon0 + 0.3, lat0),
                                      rel=1e-9)
    assert d[pa, po] == pytest.approx(_haversine_km(lon0 - 0.3, lat0, *reg.loc[ocode, [
        "lon", "lat"]].astype(float)), rel=1e-9)
    assert d[pb, pb] < 0.1 and d[po, po] == 10.0  # one point; one region (the model's 10 km)
    assert any("own coordinates" in n for n in inp.assumptions)
    from chainatlas.reconstruct import LinkModel, reconstruct

    m = reconstruct(inp, LinkModel(mean_degree=3.0), members=1, seed=0).members[0]
    assert m.n_links > 0 and m.settings.gamma is not None
    # lead times from the firms' own places: 1 day + 1 per 500 km, to the half day
    from chainatlas.services.reconstruct import _lead_days

    far = {t: f.copy() for t, f in tables.items()}
    far["firms"].loc[same[0], "lon"] = lon0 - 5.0  # ~470 km west, still in the same region
    km = _haversine_km(lon0 - 5.0, lat0, lon0 + 0.3, lat0)
    assert 1.25 < 1 + km / 500 < 2.25
    days = _lead_days(Dataset.from_frames("far", far), np.array([a, b]), np.array([b, c]))
    assert days.tolist() == [round((1 + km / 500) * 2) / 2, 1.0]  # by distance; one point
    # more points than the cap: snapped to a coarser grid, said, at most the cap
    firms["lon"] = lon0 + np.linspace(-1, 1, len(firms))
    firms["lat"] = lat0
    monkeypatch.setattr(build, "MAX_PLACES", 20)
    inp2, _ = inputs_from_dataset(Dataset.from_frames("coords2", tables))
    n_regions = len(inp.region_lon) - len({pa, pb})
    assert len(inp2.region_lon) - n_regions <= 20
    assert any("snapped" in n for n in inp2.assumptions)
    lon_used = inp2.region_lon[inp2.firm_region]
    assert np.max(np.abs(lon_used - firms["lon"].to_numpy())) < 0.2  # within a cell or so
