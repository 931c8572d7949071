"""Multi-regional tables through pymrio's parsers, each on a small file written in the layout the
publisher distributes: OECD ICIO (one CSV), WIOD 2013 release (xlsx), EXIOBASE 3 (the
IOT_{year}_ixi zip), Eora26 (the Eora26_{year}_bp zip of tab-separated files without headers, with
its ROW region), GLORIA (a release folder of supply-use zips and the ReadMe workbook); and a file
a parser cannot read refused with what the layout expects, never a raw parser message.

The oracle is the table as written: Z, Y, x = Zi + Yi and the multipliers from numpy.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.exceptions import InputError
from chainatlas.readers.io_pymrio import read_mrio
from chainatlas.services.io import analyze

pymrio = pytest.importorskip("pymrio")

runner = CliRunner()
REGIONS = ["AUS", "CHN"]
SECTORS = ["01T02", "05T06"]
# 2 regions × 2 sectors; rows sell to columns
Z = np.array([[20.0, 10, 5, 2], [8, 30, 4, 6], [3, 1, 40, 12], [2, 5, 15, 50]])
Y = np.array([[40.0, 10, 3, 1], [20, 25, 2, 4], [5, 2, 60, 30], [4, 3, 25, 45]])
X = Z.sum(axis=1) + Y.sum(axis=1)


def _txt(a: np.ndarray) -> list[str]:
    return [repr(float(v)) for v in a]


def _oracle_multipliers(Zm: np.ndarray, x: np.ndarray) -> np.ndarray:
    return np.linalg.inv(np.eye(len(x)) - Zm / x[None, :]).sum(axis=0)


def test_oecd_icio_csv(tmp_path: Path):
    inds = [f"{r}_{s}" for r in REGIONS for s in SECTORS]
    fd = [f"{r}_{c}" for r in REGIONS for c in ("HFCE", "GFCF")]
    va = X - Z.sum(axis=0)
    tls = np.round(0.1 * va, 6)
    lines = [",".join(["V1", *inds, *fd, "TOTAL"])]
    for i, lab in enumerate(inds):
        lines.append(",".join([lab, *_txt(Z[i]), *_txt(Y[i]), repr(float(X[i]))]))
    lines.append(",".join(["TLS", *_txt(tls), *["0"] * 4, repr(float(tls.sum()))]))
    lines.append(",".join(["VA", *_txt(va - tls), *["0"] * 4, repr(float((va - tls).sum()))]))
    lines.append(",".join(["OUTPUT", *_txt(X), *["0"] * 4, repr(float(X.sum()))]))
    path = tmp_path / "ICIO2021_2018.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = read_mrio(path, "oecd")
    assert t.is_multiregional and t.n == 4
    order = [inds.index(f"{r}_{s}") for r, s in zip(t.regions, t.sectors, strict=True)]
    np.testing.assert_allclose(t.Z, Z[np.ix_(order, order)], rtol=1e-15)
    np.testing.assert_allclose(t.x, X[order], rtol=1e-15)
    np.testing.assert_allclose(t.value_added, va[order], rtol=1e-12)
    res = runner.invoke(app, ["io", "analyze", "--table", str(path), "--layout", "oecd",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    ref = _oracle_multipliers(Z, X)[order]
    np.testing.assert_allclose(out["output_multipliers"], ref, rtol=1e-12)
    assert out["sectors"] == [f"{r}/{s}" for r, s in zip(t.regions, t.sectors, strict=True)]


def test_exiobase3_zip_as_distributed(tmp_path: Path):
    """EXIOBASE 3 ships as IOT_{year}_{ixi|pxp}.zip holding one folder in pymrio's text
    format (Z/A, Y, x, file_parameters.json, satellite/)."""
    io = pymrio.load_test()
    io.calc_all()
    folder = tmp_path / "IOT_2011_ixi"
    io.save_all(folder)
    archive = tmp_path / "IOT_2011_ixi.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(tmp_path).as_posix())
    t = read_mrio(archive, "exiobase3")
    assert t.n == 48 and t.is_multiregional
    np.testing.assert_allclose(t.Z, io.Z.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(t.x, io.x.to_numpy().ravel(), rtol=1e-9)
    mult = analyze(t, extraction=False)["output_multipliers"]
    np.testing.assert_allclose(mult, _oracle_multipliers(io.Z.to_numpy(),
                                                         io.x.to_numpy().ravel()), rtol=1e-8)


def _eora_zip(tmp_path: Path) -> Path:
    names = {"AUS": "Australia", "CHN": "China"}
    lab_t = [f"{names[r]}\t{r}\tIndustries\t{s}\t" for r in REGIONS for s in SECTORS]
    lab_t.append("Rest of the World\tROW\tIndustries\tTOTAL\t")
    cats = ["Household final consumption P.3h", "Gross fixed capital formation P.51"]
    lab_fd = [f"{names[r]}\t{r}\tFinal Demand\t{c}\t" for r in REGIONS for c in cats]
    lab_fd.append("Rest of the World\tROW\tFinal Demand\tTOTAL\t")
    va = X - Z.sum(axis=0)
    lab_va = ["Primary input\tCompensation of employees D.1\t",
              "Primary input\tOperating surplus B.2n\t"]
    lab_q = ["CO2 (Gg)\tEDGAR\t"]
    n = len(X) + 1

    def grid(a: np.ndarray) -> str:
        return "\n".join("\t".join(repr(float(v)) for v in row) for row in a) + "\n"

    T = np.zeros((n, n))
    T[:-1, :-1] = Z
    FD = np.zeros((n, len(lab_fd)))
    FD[:-1, :-1] = Y
    VA = np.zeros((2, n))
    VA[0, :-1] = 0.6 * va
    VA[1, :-1] = 0.4 * va
    Q = np.ones((1, n))
    QY = np.zeros((1, len(lab_fd)))
    archive = tmp_path / "Eora26_2015_bp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in (("Eora26_2015_bp_T.txt", grid(T)), ("Eora26_2015_bp_FD.txt", grid(FD)),
                           ("Eora26_2015_bp_VA.txt", grid(VA)), ("Eora26_2015_bp_Q.txt", grid(Q)),
                           ("Eora26_2015_bp_QY.txt", grid(QY)),
                           ("labels_T.txt", "\n".join(lab_t) + "\n"),
                           ("labels_FD.txt", "\n".join(lab_fd) + "\n"),
                           ("labels_VA.txt", "\n".join(lab_va) + "\n"),
                           ("labels_Q.txt", "\n".join(lab_q) + "\n")):
            zf.writestr(name, text)
    return archive


def test_eora26_zip_as_distributed(tmp_path: Path):
    archive = _eora_zip(tmp_path)
    t = read_mrio(archive, "eora26")
    assert t.regions == ["AUS", "AUS", "CHN", "CHN"] and t.sectors == SECTORS * 2  # ROW dropped
    np.testing.assert_allclose(t.Z, Z, rtol=1e-15)
    np.testing.assert_allclose(t.x, X, rtol=1e-15)
    assert t.F is not None and t.F.shape == (2, 4)  # the VA extension as satellite rows
    res = runner.invoke(app, ["io", "analyze", "--table", str(archive), "--layout", "eora26",
                              "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    np.testing.assert_allclose(out["output_multipliers"], _oracle_multipliers(Z, X),
                               rtol=1e-12)


def test_wiod_2013_release_xlsx(tmp_path: Path):
    """pymrio's WIOD parser reads the 2013-release world tables (wiot{yy}_row_sep12.xlsx):
    title, system and unit in column A, four header rows (code, name, country, c-code), the
    interindustry block ending at c35, final use c37…, then factor-input rows r60…r69."""
    import pandas as pd

    secs = [("AtB", "Agriculture, Hunting, Forestry and Fishing", "c1"),
            ("P", "Private Households with Employed Persons", "c35")]
    fdc = [("c37", "Final consumption expenditure by households"),
           ("c41", "Gross fixed capital formation")]
    regions = ["CHN", "USA"]
    width = 4 + 4 + 4 + 1
    rows: list[list[object]] = [[None] * width for _ in range(6)]
    rows[0][0] = "World Input-Output Table 2009"
    rows[2][0], rows[3][0] = "(industry-by-industry)", "(millions of US$)"
    for k, (g, s) in enumerate((g, s) for g in regions for s in secs):
        rows[2][4 + k], rows[3][4 + k], rows[4][4 + k], rows[5][4 + k] = s[0], s[1], g, s[2]
    for k, (g, f) in enumerate((g, f) for g in regions for f in fdc):
        rows[2][8 + k], rows[3][8 + k], rows[4][8 + k], rows[5][8 + k] = f[0], f[1], g, f[0]
    rows[2][12], rows[3][12], rows[5][12] = "TOT", "Total output", "c62"
    for k, (g, s) in enumerate((g, s) for g in regions for s in secs):
        rows.append([s[0], s[1], g, s[2], *Z[k], *Y[k], X[k]])
    va = X - Z.sum(axis=0)
    rows.append(["r60", "Total intermediate consumption", "TOT", "r60", *Z.sum(axis=0),
                 *[0.0] * 4, None])
    rows.append(["r64", "Value added at basic prices", "TOT", "r64", *va, *[0.0] * 4, None])
    rows.append(["r69", "Output at basic prices", "TOT", "r69", *X, *[0.0] * 4, None])
    path = tmp_path / "wiot09_row_sep12.xlsx"
    pd.DataFrame(rows).to_excel(path, header=False, index=False)
    t = read_mrio(path, "wiod")
    assert t.regions == ["CHN", "CHN", "USA", "USA"] and t.sectors == ["AtB", "P"] * 2
    np.testing.assert_allclose(t.Z, Z, rtol=1e-15)
    np.testing.assert_allclose(t.x, X, rtol=1e-15)
    np.testing.assert_allclose(t.value_added, va, rtol=1e-12)
    np.testing.assert_allclose(analyze(t)["output_multipliers"], _oracle_multipliers(Z, X),
                               rtol=1e-12)


def _gloria_release(root: Path, year: int = 2022, version: int = 59) -> tuple[np.ndarray, ...]:
    """A GLORIA release folder as downloaded: GLORIA_MRIOs_{v}_{year}.zip (T, Y, V results as
    headerless CSV, supply-use form: T rows/columns = region × {Industry, Product} × sector),
    GLORIA_SatelliteAccounts_0{v}_{year}.zip (TQ, YQ) and GLORIA_ReadMe_0{v}.xlsx (labels)."""
    import itertools

    import pandas as pd

    regions, sectors = ["AAA", "BBB"], ["Crops", "Metals"]
    fd = ["Household final consumption P.3h", "Gross fixed capital formation P.51"]
    va = ["Compensation of employees D.1", "Operating surplus B.2n"]
    n = len(regions) * len(sectors)
    rng = np.random.default_rng(3)
    U = rng.uniform(1, 10, (n, n))                                  # product × industry
    V = np.diag(rng.uniform(80, 120, n)) + rng.uniform(0, 5, (n, n))  # industry × product
    g, q = V.sum(axis=1), V.sum(axis=0)
    shares = rng.uniform(0.2, 0.8, (n, len(regions) * len(fd)))
    Y = shares / shares.sum(axis=1, keepdims=True) * (q - U.sum(axis=1))[:, None]
    vab = g - U.sum(axis=0)
    labels = list(itertools.product(regions, ["Industry", "Product"], sectors))
    ind = [i for i, lab in enumerate(labels) if lab[1] == "Industry"]
    prod = [i for i, lab in enumerate(labels) if lab[1] == "Product"]
    T = np.zeros((len(labels), len(labels)))
    T[np.ix_(ind, prod)], T[np.ix_(prod, ind)] = V, U
    YT = np.zeros((len(labels), Y.shape[1]))
    YT[prod] = Y
    VAT = np.zeros((len(regions) * len(va), len(labels)))
    VAT[0, ind], VAT[1, ind] = 0.6 * vab, 0.4 * vab

    def csv(a: np.ndarray) -> str:
        return "\n".join(",".join(repr(float(v)) for v in r) for r in a) + "\n"

    stem = f"_120secMother_AllCountries_002_{{}}-Results_{year}_0{version}_Markup001(full).csv"
    with zipfile.ZipFile(root / f"GLORIA_MRIOs_{version}_{year}.zip", "w") as zf:
        for key, arr in (("T", T), ("Y", YT), ("V", VAT)):
            zf.writestr(f"{year}/{year}{stem.format(key)}", csv(arr))
    with zipfile.ZipFile(root / f"GLORIA_SatelliteAccounts_0{version}_{year}.zip", "w") as zf:
        zf.writestr(f"{year}{stem.format('TQ')}", csv(np.ones((1, len(labels)))))
        zf.writestr(f"{year}{stem.format('YQ')}", csv(np.zeros((1, Y.shape[1]))))
    with pd.ExcelWriter(root / f"GLORIA_ReadMe_0{version}.xlsx") as w:
        pd.DataFrame({"Region_acronyms": regions, "Region_names": ["Alpha", "Beta"]}).to_excel(
            w, sheet_name="Regions", index=False)
        pd.DataFrame({"Sector_names": sectors}).to_excel(w, sheet_name="Sectors", index=False)
        pd.DataFrame({"Final_demand_names": fd, "Value_added_names": va}).to_excel(
            w, sheet_name="Value added and final demand", index=False)
        pd.DataFrame({"Sat_indicator": ["Emissions CO2"], "Sat_head_indicator": ["Emissions"],
                      "Sat_unit": ["kt"]}).to_excel(w, sheet_name="Satellites", index=False)
    return U, V, q, g


def test_gloria_release_folder(tmp_path: Path):
    """GLORIA is published as supply-use tables; pymrio builds the product-by-product table by
    the industry-technology assumption (Eurostat model B): A = U ĝ⁻¹ V q̂⁻¹, x = q."""
    U, V, q, g = _gloria_release(tmp_path)
    t = read_mrio(tmp_path, "gloria", year=2022)
    assert t.regions == ["AAA", "AAA", "BBB", "BBB"] and t.sectors == ["Crops", "Metals"] * 2
    Zref = (U / g[None, :]) @ V
    np.testing.assert_allclose(t.x, q, rtol=1e-12)
    np.testing.assert_allclose(t.Z, Zref, rtol=1e-10)
    res = runner.invoke(app, ["io", "analyze", "--table", str(tmp_path), "--layout", "gloria",
                              "--year", "2022", "--format", "json"])
    assert res.exit_code == 0, res.output
    np.testing.assert_allclose(json.loads(res.stdout)["output_multipliers"],
                               _oracle_multipliers(Zref, q), rtol=1e-10)


def test_coefficient_systems_are_completed_to_flows():
    """GLORIA's parser returns coefficients A and final demand Y, no Z: the conversion
    completes the system (x = L Y i, Z = A x̂) instead of refusing it."""
    from chainatlas.readers.io_pymrio import table_from_pymrio

    io = pymrio.load_test()
    io.calc_all()
    ref = table_from_pymrio(io)
    Yf = io.Y.copy()
    io.reset_to_coefficients()
    io.Y = Yf  # what GLORIA's parser returns: A and Y
    assert io.Z is None and io.x is None and io.A is not None
    t = table_from_pymrio(io)
    np.testing.assert_allclose(t.Z, ref.Z, rtol=1e-9, atol=1e-6)
    np.testing.assert_allclose(t.x, ref.x, rtol=1e-9)


def test_zero_output_industries_dropped_with_a_note(tmp_path: Path):
    """An ICIO file with an empty industry (no output, no flows): dropped and named, or kept
    with empty multipliers."""
    inds = [f"{r}_{s}" for r in REGIONS for s in [*SECTORS, "99T99"]]
    fd = [f"{r}_HFCE" for r in REGIONS]
    Zx = np.zeros((6, 6))
    keep = [0, 1, 3, 4]
    Zx[np.ix_(keep, keep)] = Z
    Yx = np.zeros((6, 2))
    Yx[keep] = Y[:, [0, 2]] + Y[:, [1, 3]]
    Xx = Zx.sum(axis=1) + Yx.sum(axis=1)
    lines = [",".join(["V1", *inds, *fd, "TOTAL"])]
    for i, lab in enumerate(inds):
        lines.append(",".join([lab, *_txt(Zx[i]), *_txt(Yx[i]), repr(float(Xx[i]))]))
    lines.append(",".join(["VA", *_txt(Xx - Zx.sum(axis=0)), "0", "0", "0"]))
    path = tmp_path / "ICIO2023_2020.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    t = read_mrio(path, "oecd")
    assert t.n == 4 and "99T99" not in t.sectors
    assert any("zero output dropped" in n and "AUS/99T99" in n and "CHN/99T99" in n
               for n in t.notes)
    res = runner.invoke(app, ["io", "analyze", "--table", str(path), "--layout", "oecd",
                              "--keep-zero-output", "--format", "json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    empty = [i for i, s in enumerate(out["sectors"]) if s.endswith("99T99")]
    assert len(empty) == 2 and all(out["output_multipliers"][i] is None for i in empty)
    got = [m for m in out["output_multipliers"] if m is not None]
    order = [inds.index(s.replace("/", "_")) for s in out["sectors"] if not s.endswith("99T99")]
    ref = _oracle_multipliers(Zx[np.ix_(keep, keep)], Xx[keep])
    np.testing.assert_allclose(got, ref[[keep.index(o) for o in order]], rtol=1e-12)


@pytest.mark.parametrize("layout", ["oecd", "wiod", "exiobase3", "eora26", "gloria"])
def test_unreadable_file_says_what_the_layout_expects(tmp_path: Path, layout: str):
    bad = tmp_path / ("JPN_NIOT_nov16.csv" if layout == "wiod" else "ICIO2021_2018.csv"
                      if layout == "oecd" else "Eora26_2015_bp.zip" if layout == "eora26"
                      else "IOT_2011_ixi.zip" if layout == "exiobase3" else "GLORIA.zip")
    bad.write_bytes(b"Year;Code\n2014;A01\n" if bad.suffix == ".csv" else b"PK\x03\x04broken")
    with pytest.raises(InputError, match="expected") as err:
        read_mrio(bad, layout, year=2014 if layout in ("gloria", "wiod") else None)
    text = str(err.value)
    assert str(bad) in text and "Traceback" not in text
    if layout == "wiod":
        assert "--layout niot" in text
