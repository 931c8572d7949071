"""Cluster measures on real data: Chinese patent grants by province and type (techme, yearbooks)."""

from __future__ import annotations

import warnings
from pathlib import Path

import ecomplexity
import numpy as np
import pandas as pd
import pytest

from chainatlas.cluster import (
    economic_complexity,
    krugman_index,
    location_quotient,
    shift_share,
)

pytestmark = pytest.mark.realdata

TYPES = ["发明", "实用新型", "外观设计"]  # invention, utility model, design


def _grants(shared_data: Path, year: int) -> tuple[pd.DataFrame, pd.Series]:
    """Provinces × patent types of one year, and the national (全国) row."""
    d = pd.read_csv(shared_data / "province_stats" / "RDPatentAccept.csv")
    d["province"] = d["province"].astype(str).str.replace(r"\s+", "", regex=True)
    d = d[(d["year"] == year) & d["chn_block4"].isin(TYPES)]
    wide = d.pivot_table(index="province", columns="chn_block4", values="value", aggfunc="sum")
    wide = wide[TYPES]
    national = wide.loc["全国"]
    return wide.drop(index="全国"), national


def test_patent_location_quotients(shared_data: Path) -> None:
    X, national = _grants(shared_data, 2020)
    assert len(X) == 31
    # the provinces add up to the national row (yearbook consistency)
    np.testing.assert_allclose(X.sum(), national, rtol=0.01)
    lq = location_quotient(X)
    by_hand = X.div(X.sum(axis=1), axis=0) / (X.sum() / X.to_numpy().sum())
    np.testing.assert_allclose(lq.to_numpy(), by_hand.to_numpy())
    # Beijing and Shanghai grant relatively more invention patents than China as a whole
    assert lq.loc["北京", "发明"] > 1.5 and lq.loc["上海", "发明"] > 1
    k = krugman_index(X)
    assert k.between(0, 2).all() and k.idxmax() != k.idxmin()


def test_patent_shift_share_against_national_totals(shared_data: Path) -> None:
    (X0, n0), (X1, n1) = _grants(shared_data, 2015), _grants(shared_data, 2020)
    ss = shift_share(X0, X1, national_start=n0, national_end=n1)
    parts = ss["national_share"] + ss["industry_mix"] + ss["regional_shift"]
    np.testing.assert_allclose(parts, ss["change"], rtol=1e-9, atol=1e-6)
    g = n1.sum() / n0.sum() - 1
    tot = ss[ss["industry"] == "(total)"].set_index("region")
    np.testing.assert_allclose(tot["national_share"], X0.sum(axis=1).reindex(tot.index) * g)


def test_patent_complexity_matches_ecomplexity(shared_data: Path) -> None:
    X, _ = _grants(shared_data, 2020)
    ours = economic_complexity(X)
    long = X.stack().rename("val").reset_index()
    long.columns = ["loc", "prod", "val"]
    long["time"] = 2020
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = ecomplexity.ecomplexity(long, {"time": "time", "loc": "loc", "prod": "prod",
                                             "val": "val"},
                                      check_logsupermodularity=False, verbose=False)
    eci = ref.groupby("loc")["eci"].first().reindex(X.index).to_numpy()
    pci = ref.groupby("prod")["pci"].first().reindex(X.columns).to_numpy()
    np.testing.assert_allclose(ours.eci, eci, atol=1e-9)
    np.testing.assert_allclose(ours.pci, pci, atol=1e-9)


# NBS's four economic regions
EAST = ["北京", "天津", "河北", "上海", "江苏", "浙江", "福建", "山东", "广东", "海南"]
CENTRE = ["山西", "安徽", "江西", "河南", "湖北", "湖南"]
WEST = ["内蒙古", "广西", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"]
NORTHEAST = ["辽宁", "吉林", "黑龙江"]


def test_dagum_decomposition_of_invention_patents(shared_data: Path) -> None:
    from chainatlas.cluster import dagum_gini

    X, _ = _grants(shared_data, 2020)
    group = {p: g for g, ps in (("东部", EAST), ("中部", CENTRE), ("西部", WEST),
                                ("东北", NORTHEAST)) for p in ps}
    assert set(X.index) == set(group)
    res = dagum_gini(X["发明"], X.index.map(group))
    assert res.within + res.between_net + res.transvariation == pytest.approx(res.gini)
    assert res.groups["mean"].idxmax() == "东部"
    assert res.groups["n"].sum() == 31
    # invention patents are concentrated: a high Gini, mostly between the four regions
    assert res.gini > 0.4 and res.between_net > res.within
