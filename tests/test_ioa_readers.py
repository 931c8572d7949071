"""IO readers: the simple layout, load checks, the long form, the demo table and real tables."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.model.iotable import IOTable
from chainatlas.readers.io_bea import read_bea
from chainatlas.readers.io_nbs import read_nbs
from chainatlas.readers.io_simple import read_simple

MB_CSV = """sector,agr,man,households,exports,total_output
agr,150,500,300,50,1000
man,200,100,1500,200,2000
wages,300,900,,,
surplus,350,500,,,
total_input,1000,2000,,,
"""


def _write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_simple_layout(tmp_path):
    t = read_simple(_write(tmp_path, MB_CSV))
    np.testing.assert_allclose(t.Z, [[150, 500], [200, 100]])
    np.testing.assert_allclose(t.x, [1000, 2000])
    np.testing.assert_allclose(t.f, [350, 1700])
    np.testing.assert_allclose(t.value_added, [650, 1400])
    assert t.fd_labels == ["households", "exports"]
    assert t.va_labels == ["wages", "surplus"]
    assert t.sectors == ["agr", "man"] and not t.is_multiregional


def test_simple_layout_multiregional_labels(tmp_path):
    text = MB_CSV.replace("agr", "R1/agr").replace("man", "R2/man")
    t = read_simple(_write(tmp_path, text))
    assert t.regions == ["R1", "R2"] and t.sectors == ["agr", "man"]
    assert t.labels == ["R1/agr", "R2/man"]


@pytest.mark.parametrize(("text", "match"), [
    (MB_CSV.replace("300,50,1000", "300,50,1001.5"), "total_output"),
    (MB_CSV.replace("total_input,1000", "total_input,1010"), "total_input"),
    (MB_CSV.replace("350,500,,,", "350,400,,,").replace("total_input,1000,2000,,,\n", ""),
     "column balance"),
    (MB_CSV.replace("agr,150", "agr,-150").replace("300,50,1000", "300,50,700")
     .replace("total_input,1000", "total_input,700"), "negative interindustry"),
    (MB_CSV.replace("man,200,100", "man,200,abc"), "not a number"),
    ("a,b\nx,1\n", "no sector block"),
])
def test_simple_layout_errors_name_the_problem(tmp_path, text, match):
    with pytest.raises(InputError, match=match):
        read_simple(_write(tmp_path, text))


def test_missing_file():
    with pytest.raises(DataNotFound):
        read_simple("/nonexistent/table.csv")


def test_checks_zero_output_and_spectral_radius():
    t = IOTable(Z=np.zeros((2, 2)), Y=np.array([[1.0], [0.0]]), V=np.array([[1.0, 0.0]]),
                x=np.array([1.0, 0.0]), sectors=["a", "b"])
    with pytest.raises(InputError, match="zero or negative gross output: b"):
        t.check()
    t.check(allow_zero_output=True)
    # a closed, over-productive block: column sums of A above 1 and Perron root ≥ 1
    bad = IOTable(Z=np.array([[0.0, 12.0], [12.0, 0.0]]), Y=np.array([[-2.0], [-2.0]]),
                  V=np.array([[-2.0, -2.0]]), x=np.array([10.0, 10.0]), sectors=["a", "b"])
    with pytest.raises(InputError, match="spectral radius of A is 1.2"):
        bad.check(allow_negative=True)


def test_long_form_roundtrip_keeps_everything():
    t = IOTable(Z=[[1.0, 2.0], [3.0, 0.0]], Y=[[5.0, 1.0], [4.0, 2.0]], V=[[3.0, 6.0]],
                x=[9.0, 9.0], sectors=["s1", "s2"], regions=["A", "B"],
                fd_labels=["A/hh", "B/hh"], va_labels=["va"], M=[[1.0, 1.0]],
                m_labels=["imp"], unit="USD")
    back = IOTable.from_long(t.to_long())
    for name in ("Z", "Y", "V", "x", "M"):
        np.testing.assert_array_equal(getattr(back, name), getattr(t, name))
    assert back.regions == ["A", "B"] and back.fd_labels == ["A/hh", "B/hh"]
    assert back.m_labels == ["imp"]


def test_demo_table_is_balanced():
    from chainatlas.services.io import demo_table

    t = demo_table()
    assert t.n == 12 and t.unit == "100 million CNY"
    t.check(atol=0.5, rtol=0)
    # NBS 2020 total output ≈ 2.699e10 × 10k CNY = 2.699e6 × 100 million CNY
    assert t.x.sum() == pytest.approx(2.699e6, rel=1e-3)


@pytest.mark.realdata
def test_nbs_2020(shared_data):
    t = read_nbs(shared_data / "io" / "china_nbs_2020_42.csv")
    assert t.n == 42 and t.M is not None and t.M.shape == (42, 42)
    assert t.x.sum() == pytest.approx(2.699e10, rel=1e-3)
    assert t.sectors[0].startswith("Agriculture")
    zh = read_nbs(shared_data / "io" / "china_nbs_2020_42.csv", labels="zh")
    assert zh.sectors[0] == "农林牧渔产品和服务"


@pytest.mark.realdata
def test_bea_2022_industry_by_industry(shared_data):
    t = read_bea(shared_data / "io" / "us_bea_summary_use_2022.csv")
    assert t.n == 71
    # documented: value added sums to 26,006,889 (published rounding: components differ by a few)
    assert t.value_added.sum() == pytest.approx(26_006_889, abs=10)
    # industry technology: i'Z equals the Use table's column sums over commodities (D's columns
    # sum to 1), and the published intermediate totals to rounding
    import pandas as pd

    use = pd.read_csv(shared_data / "io" / "us_bea_summary_use_2022.csv", index_col=0)
    commodities = use.iloc[: list(use.index).index("Total Intermediate"), :71]
    np.testing.assert_allclose(t.Z.sum(axis=0), commodities.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(t.Z.sum(axis=0), use.loc["Total Intermediate"].iloc[:71],
                               atol=6)
    # x = Make row sums; the published totals agree to rounding (1 million USD per cell)
    np.testing.assert_allclose(t.x, use.loc["Total Industry Output"].iloc[:71].to_numpy(),
                               atol=3)
    same = read_bea(shared_data / "io")  # a folder with one use and one make file
    np.testing.assert_array_equal(same.Z, t.Z)


def test_mrio_through_pymrio_parser(tmp_path):
    """EXIOBASE 3 is distributed in pymrio's folder format; a saved test MRIO stands in for it."""
    import pymrio

    from chainatlas.readers.io_pymrio import read_mrio, table_from_pymrio

    io = pymrio.load_test()
    io.calc_all()
    io.save_all(tmp_path / "exio")
    t = read_mrio(tmp_path / "exio", "exiobase3")
    ref = table_from_pymrio(io)
    assert t.is_multiregional and t.n == 48
    assert t.labels == ref.labels
    np.testing.assert_allclose(t.Z, ref.Z, rtol=1e-12)
    np.testing.assert_allclose(t.x, ref.x, rtol=1e-9)  # x is saved as text, rounded
    assert t.f_labels == ["Value Added"]
    with pytest.raises(InputError, match="unknown MRIO layout"):
        read_mrio(tmp_path / "exio", "icio-2099")
    with pytest.raises(DataNotFound):
        read_mrio(tmp_path / "missing", "oecd")


def test_long_form_errors():
    t = IOTable.from_flows([[1.0, 2.0], [3.0, 0.0]], [[6.0], [6.0]], ["s1", "s2"])
    long = t.to_long()
    with pytest.raises(InputError, match="lacks column"):
        IOTable.from_long(long.drop(columns=["kind"]))
    bad = long.copy()
    bad.loc[(bad["kind"] == "Z").idxmax(), "col_sector"] = "s9"
    with pytest.raises(InputError, match="unknown industries"):
        IOTable.from_long(bad)
    with pytest.raises(InputError, match="no gross-output rows"):
        IOTable.from_long(long[long["kind"] != "x"])


def test_spectral_radius_power_iteration_path():
    from chainatlas.model.iotable import spectral_radius_nonneg

    A = np.random.default_rng(0).random((450, 450)) / 300  # n > 400: power iteration
    assert spectral_radius_nonneg(A) == pytest.approx(np.max(np.abs(np.linalg.eigvals(A))),
                                                      rel=1e-8)
