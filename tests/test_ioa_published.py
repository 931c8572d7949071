"""Real IO tables read exactly as published: the NBS 153-sector competitive-import table (coded
headers as-is, and the Chinese-header workbook form this test writes, CSV and xlsx), the NBS
42-sector non-competitive table and the WIOD 2016 national table of Japan, every year.

The oracle is independent of the package's readers: each test parses the raw file with the
``csv`` module, builds Z, x = GO, final demand and primary inputs with numpy, and computes the
Leontief inverse, multipliers, Rasmussen linkages, key-sector classes and hypothetical
extraction (by re-solving every extracted system) from the textbook definitions.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest
from threadpoolctl import threadpool_limits
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.services.io import analyze, load_io_table

pytestmark = pytest.mark.realdata

runner = CliRunner()
RTOL = 1e-9


# ----------------------------------------------------------------------------- the oracle
def oracle(Z: np.ndarray, x: np.ndarray, f: np.ndarray, v: np.ndarray,
           imports: np.ndarray | None = None) -> dict[str, np.ndarray | list[str]]:
    """Textbook results from raw arrays (M&B 2009 ch.2, §12.1–12.2)."""
    with threadpool_limits(1):  # hundreds of small solves: threads only add overhead
        return _oracle(Z, x, f, v, imports)


def _oracle(Z: np.ndarray, x: np.ndarray, f: np.ndarray, v: np.ndarray,
            imports: np.ndarray | None) -> dict[str, np.ndarray | list[str]]:
    n = len(x)
    eye = np.eye(n)
    A = Z / x[None, :]
    L = np.linalg.inv(eye - A)
    m = L.sum(axis=0)
    G = L * x[None, :] / x[:, None]
    back = n * m / m.sum()
    fwd = n * G.sum(axis=1) / G.sum()
    key = ["key" if b > 1 and f_ > 1 else "backward" if b > 1 else "forward" if f_ > 1
           else "weak" for b, f_ in zip(back, fwd, strict=True)]
    X = x.sum()
    B = Z / x[:, None]
    hb, hf, ht = np.empty(n), np.empty(n), np.empty(n)
    for j in range(n):
        Ac = A.copy()
        Ac[:, j] = 0.0
        hb[j] = X - np.linalg.solve(eye - Ac, f).sum()
        Br = B.copy()
        Br[j, :] = 0.0
        hf[j] = X - np.linalg.solve((eye - Br).T, v).sum()
        keep = np.arange(n) != j
        ht[j] = X - np.linalg.solve(np.eye(n - 1) - A[np.ix_(keep, keep)], f[keep]).sum()
    out: dict[str, np.ndarray | list[str]] = {
        "output_multipliers": m, "backward_linkage": back, "forward_linkage": fwd,
        "key_class": key, "hem_backward": hb, "hem_forward": hf, "hem_total": ht}
    if imports is not None:
        out["import_multipliers"] = (imports / x) @ L
    return out


def assert_matches(result: dict, ref: dict, X: float) -> None:
    for k in ("output_multipliers", "backward_linkage", "forward_linkage"):
        np.testing.assert_allclose(result[k], ref[k], rtol=RTOL, atol=0, err_msg=k)
    for k in ("backward", "forward", "total"):
        np.testing.assert_allclose(result["hem"][k], ref[f"hem_{k}"], rtol=RTOL, atol=RTOL * X,
                                   err_msg=f"hem {k}")
    assert result["key_class"] == ref["key_class"]
    if "import_multipliers" in ref:
        np.testing.assert_allclose(result["import_multipliers"], ref["import_multipliers"],
                                   rtol=RTOL, atol=1e-12)


def cli_json(args: list[str]) -> dict:
    res = runner.invoke(app, ["io", "analyze", *args, "--format", "json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


# ----------------------------------------------------------------------------- NBS 153
def _raw_153(path: Path) -> dict:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header = rows[0]
    body = {r[0]: r for r in rows[1:]}
    codes = [c for c in body if c.isdigit()]
    col = {h: j for j, h in enumerate(header)}

    def get(r: str, c: str) -> float:
        return float(body[r][col[c]] or "nan")

    def mat(rs: list[str], cs: list[str]) -> np.ndarray:
        return np.array([[get(r, c) for c in cs] for r in rs])

    vec = {c: mat(codes, [c])[:, 0] for c in ("TIU", "TFU", "EX", "IM", "GO")}
    return {"rows": rows, "header": header, "codes": codes, "Z": mat(codes, codes), **vec,
            "TVA": mat(["TVA"], codes)[0]}


@pytest.fixture(scope="module")
def nbs153(shared_data: Path) -> dict:
    path = shared_data / "io" / "china_2020_153.csv"
    raw = _raw_153(path)
    Z, x = raw["Z"], raw["GO"]
    ref = oracle(Z, x, raw["TFU"] - raw["IM"], raw["TVA"])
    m = raw["IM"] / (raw["TIU"] + raw["TFU"] - raw["EX"])
    Zd = (1 - m)[:, None] * Z
    fd = (1 - m) * (raw["TFU"] - raw["EX"]) + raw["EX"]
    imported = (m[:, None] * Z).sum(axis=0)
    ref_d = oracle(Zd, x, fd, raw["TVA"] + imported, imports=imported)
    ref["import_multipliers"] = ref_d["import_multipliers"]
    return {"path": path, "raw": raw, "ref": ref, "ref_d": ref_d, "m": m}


_ZH_USE = {"TIU": "中间使用合计", "FU101": "农村居民消费支出", "FU102": "城镇居民消费支出",
           "THC": "居民消费支出合计", "FU103": "政府消费支出", "TC": "最终消费支出合计",
           "FU201": "固定资本形成总额", "FU202": "存货变动", "GCF": "资本形成总额", "EX": "出口",
           "TFU": "最终使用合计", "IM": "进口", "GO": "总产出"}
_ZH_ROW = {"TII": "中间投入合计", "VA001": "劳动者报酬", "VA002": "生产税净额",
           "VA003": "固定资产折旧", "VA004": "营业盈余", "TVA": "增加值合计", "TI": "总投入"}


def chinese_rows(raw: dict, *, columns_by_name: bool) -> list[list[str]]:
    """The coded file rewritten with the NBS workbook's Chinese headers: a title row, 代码/部门,
    product columns headed by Chinese name (or code), the Chinese final-use headers (with an
    all-zero 其他 column before 总产出), value-added rows named in Chinese without codes."""
    header, rows = raw["header"], raw["rows"]
    codes = raw["codes"]
    zh = {r[0]: r[2] for r in rows[1:]}
    j = {h: k for k, h in enumerate(header)}
    use = [c for c in header[3 + len(codes):]]
    head = ["代码", "部门", *[zh[c] if columns_by_name else c for c in codes],
            *[_ZH_USE[c] for c in use[:-1]], "其他", _ZH_USE["GO"]]
    out = [["2020年全国投入产出表（153部门）", "单位：万元"], head]
    for r in rows[1:]:
        code = r[0]
        cells = [r[j[c]] for c in codes] + [r[j[c]] for c in use[:-1]]
        other = "0" if code.isdigit() else ""
        cells += [other, r[j["GO"]]]
        if code.isdigit():
            out.append([code, zh[code], *cells])
        else:
            out.append(["", _ZH_ROW[code], *cells])
    return out


def test_nbs153_coded_as_published(nbs153):
    out = cli_json(["--table", str(nbs153["path"]), "--layout", "nbs"])
    X = float(nbs153["raw"]["GO"].sum())
    assert len(out["sectors"]) == 153 and out["sectors"][0] == "Agriculture"
    assert out["total_output"] == pytest.approx(X, rel=1e-12)
    assert_matches(out, nbs153["ref"], X)
    assert out["domestic"] is False
    assert any("--domestic removes them" in n for n in out["notes"])
    assert any("TFU = FU101 + FU102 + FU103 + FU201 + FU202 + EX" in n for n in out["notes"])
    # the figures quoted for the published table: computers 4.10, oil and gas forward 3.56
    comp = out["sectors"].index("Manufacture of computers")
    oil = out["sectors"].index("Exploitation of petroleum and natural gas")
    assert round(out["output_multipliers"][comp], 2) == 4.10
    assert round(out["forward_linkage"][oil], 2) == 3.56


def test_nbs153_domestic(nbs153):
    out = cli_json(["--table", str(nbs153["path"]), "--layout", "nbs", "--domestic"])
    X = float(nbs153["raw"]["GO"].sum())
    assert_matches(out, nbs153["ref_d"], X)
    assert out["domestic"] is True
    assert any("m_i = IM_i / (TIU_i + TFU_i − EX_i)" in n for n in out["notes"])
    comp = out["sectors"].index("Manufacture of computers")
    oil = out["sectors"].index("Exploitation of petroleum and natural gas")
    assert round(out["output_multipliers"][comp], 2) == 2.46
    assert round(out["forward_linkage"][oil], 2) == 1.79
    # closed domestic system: value added + imported inputs per unit of final demand = 1
    np.testing.assert_allclose(np.add(out["value_added_multipliers"],
                                      out["import_multipliers"]), 1.0, atol=1e-9)
    # x unchanged, imports block = m̂Z
    t = load_io_table(nbs153["path"], "nbs", domestic=True)
    np.testing.assert_array_equal(t.x, nbs153["raw"]["GO"])
    np.testing.assert_allclose(t.M, nbs153["m"][:, None] * nbs153["raw"]["Z"], rtol=1e-15)


@pytest.mark.parametrize("form", ["csv-names", "xlsx-codes"])
def test_nbs153_chinese_headers(nbs153, tmp_path, form):
    raw = nbs153["raw"]
    rows = chinese_rows(raw, columns_by_name=form == "csv-names")
    if form == "csv-names":
        path = tmp_path / "2020年全国投入产出表.csv"
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            csv.writer(fh).writerows(rows)
    else:
        import pandas as pd

        path = tmp_path / "2020年全国投入产出表.xlsx"
        width = max(len(r) for r in rows)
        data = [[float(v) if ri >= 2 and k >= 2 and v != "" else (v or None)
                 for k, v in enumerate(r + [""] * (width - len(r)))]
                for ri, r in enumerate(rows)]
        pd.DataFrame(data).to_excel(path, header=False, index=False, sheet_name="153部门")
    X = float(raw["GO"].sum())
    runs = (([], nbs153["ref"]), (["--domestic"], nbs153["ref_d"]))
    for extra, ref in runs if form == "csv-names" else runs[1:]:
        out = cli_json(["--table", str(path), "--layout", "nbs", *extra])
        assert out["sectors"][0] == "农产品"  # no English names: Chinese labels
        assert_matches(out, ref, X)
        assert any("ERR" in n for n in out["notes"])


@pytest.mark.parametrize("columns_by_name", [False, True])
def test_nbs42_noncompetitive_chinese_headers(shared_data, tmp_path, columns_by_name):
    """The 42-sector non-competitive table with the NBS workbook's Chinese headers: 代码, 部门,
    来源 (国内 / 进口 / 合计), products headed by code or by name, Chinese final-use headers,
    total and value-added rows named in Chinese without codes; read equal to the file's cells."""
    path = shared_data / "io" / "china_nbs_2020_42.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    j = {c: k for k, c in enumerate(rows[0])}
    dom = [r for r in rows[1:] if r[j["Origin"]] == "Domestic"]
    imp = [r for r in rows[1:] if r[j["Origin"]] == "Imports"]
    tot = [r for r in rows[1:] if r[j["Origin"]] == "TOT"]
    codes = [r[j["Code"]] for r in dom]
    zh = {r[j["Code"]]: r[j["DescriptionInChinese"]] for r in dom}
    fd = {"TIU": "中间使用合计", "TC": "最终消费", "FU201": "固定资本形成总额",
          "FU202": "存货变动", "EX": "出口", "TFU": "最终使用合计", "GO": "总产出"}
    cols = [*codes, *fd]
    out = [["2020年全国投入产出表（非竞争型）"],
           ["代码", "部门", "来源", *[zh[c] if columns_by_name else c for c in codes],
            *fd.values()]]
    origin = {"Domestic": "国内", "Imports": "进口", "TOT": "合计"}
    for r in [*dom, *imp, *tot]:
        code = "" if r[j["Origin"]] == "TOT" else r[j["Code"]]
        out.append([code, r[j["DescriptionInChinese"]], origin[r[j["Origin"]]],
                    *[r[j[c]] for c in cols]])
    p = tmp_path / "投入产出表_非竞争型.csv"
    with p.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(out)

    def block(part, names):
        return np.array([[float(r[j[c]]) for c in names] for r in part])

    t = load_io_table(p, "nbs")
    assert t.sectors == [zh[c] for c in codes]  # no English names: Chinese labels
    np.testing.assert_array_equal(t.Z, block(dom, codes))
    np.testing.assert_array_equal(t.M, block(imp, codes))
    np.testing.assert_array_equal(t.x, block(dom, ["GO"])[:, 0])
    np.testing.assert_array_equal(t.Y, block(dom, ["TC", "FU201", "FU202", "EX"]))
    va = [r for r in tot if r[j["Code"]] in ("VA001", "VA002", "VA003", "VA004")]
    np.testing.assert_array_equal(t.V, block(va, codes))
    assert t.va_labels == [r[j["DescriptionInChinese"]] for r in va]


def test_nbs42_noncompetitive_still_works(shared_data):
    path = shared_data / "io" / "china_nbs_2020_42.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    h = rows[0]
    j = {c: k for k, c in enumerate(h)}
    dom = [r for r in rows[1:] if r[j["Origin"]] == "Domestic"]
    imp = [r for r in rows[1:] if r[j["Origin"]] == "Imports"]
    codes = [r[j["Code"]] for r in dom]
    Z = np.array([[float(r[j[c]]) for c in codes] for r in dom])
    M = np.array([[float(r[j[c]]) for c in codes] for r in imp])
    x = np.array([float(r[j["GO"]]) for r in dom])
    f = np.array([sum(float(r[j[c]]) for c in ("TC", "FU201", "FU202", "EX")) for r in dom])
    va = np.array([[float(r[j[c]]) for c in codes] for r in rows[1:]
                   if r[j["Origin"]] == "TOT" and r[j["Code"]] in
                   ("VA001", "VA002", "VA003", "VA004")]).sum(axis=0)
    ref = oracle(Z, x, f, va + M.sum(axis=0), imports=M.sum(axis=0))
    for extra in ([], ["--domestic"]):
        out = cli_json(["--table", str(path), "--layout", "nbs", *extra])
        assert len(out["sectors"]) == 42
        assert_matches(out, ref, float(x.sum()))
    assert any("already keeps imports apart" in n for n in out["notes"])


# ----------------------------------------------------------------------------- WIOD NIOT
def _raw_niot(path: Path) -> dict[int, dict]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    h = rows[0]
    j = {c: k for k, c in enumerate(h)}
    codes = h[4:h.index("CONS_h")]
    fd = ["CONS_h", "CONS_np", "CONS_g", "GFCF", "INVEN", "EXP"]

    def num(s: str) -> float:
        return float(s.replace(" ", ""))

    years: dict[int, dict] = {}
    for r in rows[2:]:
        y = years.setdefault(int(r[0]), {"Domestic": {}, "Imports": {}, "TOT": {}})
        y[r[3]][r[1]] = r
    out = {}
    for yr, parts in years.items():
        dom, imp, tot = parts["Domestic"], parts["Imports"], parts["TOT"]
        Z = np.array([[num(dom[a][j[b]]) for b in codes] for a in codes])
        M = np.array([[num(imp[a][j[b]]) for b in codes] for a in codes])
        x = np.array([num(dom[a][j["GO"]]) for a in codes])
        f = np.array([sum(num(dom[a][j[c]]) for c in fd) for a in codes])
        prim = np.array([[num(tot[k][j[b]]) for b in codes]
                         for k in ("TXSP", "EXP_adj", "PURR", "PURNR", "VA", "IntTTM")])
        keep = x > 0
        imported = M.sum(axis=0)[keep]
        Zk, xk = Z[np.ix_(keep, keep)], x[keep]
        # whole millions: the published final use and primary inputs miss x = GO by the
        # rounding (a few millions); the model x = Lf takes f = x − Zi and v' = x' − i'Z
        assert np.abs(f[keep] - (xk - Zk.sum(axis=1))).max() <= 0.5 * 63
        assert np.abs(prim.sum(axis=0)[keep] + imported - (xk - Zk.sum(axis=0))).max() \
            <= 0.5 * 119
        out[yr] = {"codes": [c for c, k in zip(codes, keep, strict=True) if k],
                   "zero": [c for c, k in zip(codes, keep, strict=True) if not k],
                   "x": xk,
                   "ref": oracle(Zk, xk, xk - Zk.sum(axis=1), xk - Zk.sum(axis=0),
                                 imports=imported)}
    return out


@pytest.fixture(scope="module")
def niot(shared_data: Path) -> tuple[Path, dict[int, dict]]:
    path = shared_data / "io" / "JPN_NIOT_nov16.csv"
    return path, _raw_niot(path)


def test_niot_every_year(niot):
    path, raw = niot
    assert sorted(raw) == list(range(2000, 2015))
    for yr, r in raw.items():
        t = load_io_table(path, "niot", year=yr)
        assert t.sectors == r["codes"]
        np.testing.assert_array_equal(t.x, r["x"])
        res = analyze(t)
        assert_matches(res, r["ref"], float(r["x"].sum()))
        assert r["zero"] == ["C33", "K66", "M69_M70", "M71", "U"]
        assert any("zero output dropped" in n and "C33, K66, M69_M70, M71, U" in n
                   for n in res["notes"])


def test_niot_cli_latest_year_and_keep_zero_output(niot):
    path, raw = niot
    out = cli_json(["--table", str(path), "--layout", "niot"])
    assert any("year 2014" in n and "the latest" in n for n in out["notes"])
    assert_matches(out, raw[2014]["ref"], float(raw[2014]["x"].sum()))
    kept = cli_json(["--table", str(path), "--layout", "niot", "--year", "2005",
                     "--keep-zero-output"])
    assert len(kept["sectors"]) == 56
    pos = [kept["sectors"].index(c) for c in raw[2005]["codes"]]
    for c in raw[2005]["zero"]:
        i = kept["sectors"].index(c)
        assert kept["output_multipliers"][i] is None and kept["hem"]["total"][i] is None
    np.testing.assert_allclose([kept["output_multipliers"][i] for i in pos],
                               raw[2005]["ref"]["output_multipliers"], rtol=RTOL)
    res = runner.invoke(app, ["io", "analyze", "--table", str(path), "--layout", "niot",
                              "--year", "1999"])
    assert res.exit_code != 0 and "2000–2014" in res.output


def test_niot_xlsx_equals_csv(niot, tmp_path):
    """The workbook form: sheet 'National IO-tables', description row first, numbers as cells."""
    import pandas as pd

    path, raw = niot
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))

    def cell(v: str, k: int) -> object:
        if k >= 4 or k == 0:
            s = v.replace(" ", "")
            try:
                return int(s)
            except ValueError:
                return v or None
        return v or None

    data = [rows[1], rows[0]] + [[cell(v, k) for k, v in enumerate(r)] for r in rows[2:]
                                 if r[0] == "2010"]
    xl = tmp_path / "JPN_NIOT_nov16.xlsx"
    with pd.ExcelWriter(xl) as w:
        pd.DataFrame([["WIOD national IO tables, Japan"]]).to_excel(
            w, sheet_name="Notes", header=False, index=False)
        pd.DataFrame(data).to_excel(w, sheet_name="National IO-tables", header=False,
                                    index=False)
    t = load_io_table(xl, "niot")
    assert t.name.endswith(":2010") and t.sectors == raw[2010]["codes"]
    assert_matches(analyze(t), raw[2010]["ref"], float(raw[2010]["x"].sum()))
