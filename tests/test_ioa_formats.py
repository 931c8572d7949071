"""IO readers on small tables written in each published layout: the simple layout with
separators and thousands separators, derived value added, zero-output sectors, rounding-aware
tolerances; NBS competitive tables (codes, Chinese headers, ERR, signed imports) and their error
messages; WIOD national-table errors; --domestic identities."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from _io_tables import niot_text
from chainatlas.cli.main import app
from chainatlas.exceptions import InputError
from chainatlas.ioa import domestic_table, import_multipliers, import_shares
from chainatlas.readers.io_nbs import read_nbs
from chainatlas.readers.io_niot import read_niot
from chainatlas.readers.io_simple import read_simple
from chainatlas.services.io import analyze, load_io_table

runner = CliRunner()

# Miller & Blair (2009) Table 2.3: Z, f = (350, 1700), x = (1000, 2000), v = (650, 1400)
MB_L = np.linalg.inv(np.eye(2) - np.array([[0.15, 0.25], [0.20, 0.05]]))


def _cli(args: list[str]) -> tuple[int, str, str]:
    res = runner.invoke(app, ["io", *args])
    return res.exit_code, res.stdout, res.stderr if res.stderr_bytes is not None else ""


# ----------------------------------------------------------------------------- simple
def test_simple_semicolon_and_space_thousands(tmp_path: Path):
    text = ("\ufeffsector;agr;man;households;total_output\n"
            "agr;150;500;350;1 000\nman;200;100;1 700;2 000\nvalue_added;650;1 400;;\n")
    p = tmp_path / "mb_semicolon.csv"
    p.write_bytes(text.encode("utf-8"))
    t = read_simple(p)
    np.testing.assert_array_equal(t.Z, [[150, 500], [200, 100]])
    np.testing.assert_array_equal(t.x, [1000, 2000])
    np.testing.assert_array_equal(t.value_added, [650, 1400])
    q = tmp_path / "mb_gbk.csv"
    q.write_bytes("部门\t农业\t制造业\t最终使用\n农业\t150\t500\t350\n制造业\t200\t100\t1,700\n"
                  "增加值\t650\t1,400\t\n".encode("gb18030"))
    g = read_simple(q)
    assert g.sectors == ["农业", "制造业"]
    np.testing.assert_array_equal(g.x, [1000, 2000])


def test_simple_without_value_added_rows_derives_v(tmp_path: Path):
    p = tmp_path / "no_va.csv"
    p.write_text("sector,agr,man,fd\nagr,150,500,350\nman,200,100,1700\n", encoding="utf-8")
    t = read_simple(p)
    np.testing.assert_array_equal(t.value_added, [650, 1400])
    assert any("v' = x' − i'Z" in n for n in t.notes)
    code, out, _ = _cli(["analyze", "--table", str(p), "--format", "json"])
    assert code == 0
    np.testing.assert_allclose(json.loads(out)["output_multipliers"], MB_L.sum(axis=0),
                               rtol=1e-12)
    bad = tmp_path / "neg_va.csv"
    bad.write_text("sector,agr,man,fd\nagr,150,500,350\nman,900,100,1700\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"no value-added rows.*negative for 1 sector\(s\): agr"):
        read_simple(bad)


def test_simple_column_balance_error_says_what_was_read(tmp_path: Path):
    p = tmp_path / "unbalanced.csv"
    p.write_text("sector,agr,man,fd\nagr,150,500,350\nman,200,100,1700\nva,600,1400,\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=r"column balance.*read: Z = rows/columns 'agr'…'man' "
                                         r"\(2 sectors\), final demand = columns \['fd'\], "
                                         r"value added = rows \['va'\]"):
        read_simple(p)


def test_simple_bad_cell_names_the_part(tmp_path: Path):
    p = tmp_path / "bad.csv"
    p.write_text("sector,agr,man,fd\nagr,150,abc,350\nman,200,100,1700\nva,650,1400,\n",
                 encoding="utf-8")
    with pytest.raises(InputError, match=r"row 'agr', column 'man': 'abc' is not a number "
                                         r"\(read as the Z block\)"):
        read_simple(p)


def test_zero_output_sector_dropped_or_kept(tmp_path: Path):
    p = tmp_path / "zero.csv"
    p.write_text("sector,agr,idle,man,fd\nagr,150,0,500,350\nidle,0,0,0,0\n"
                 "man,200,0,100,1700\nva,650,0,1400,\n", encoding="utf-8")
    t = read_simple(p)
    assert t.sectors == ["agr", "man"]
    assert any("zero output dropped" in n and "idle" in n for n in t.notes)
    code, out, _ = _cli(["analyze", "--table", str(p), "--keep-zero-output", "--format",
                         "json"])
    assert code == 0, out
    res = json.loads(out)
    assert res["sectors"] == ["agr", "idle", "man"]
    assert res["output_multipliers"][1] is None and res["hem"]["total"][1] is None
    np.testing.assert_allclose([res["output_multipliers"][i] for i in (0, 2)],
                               MB_L.sum(axis=0), rtol=1e-12)
    busy = tmp_path / "busy.csv"
    busy.write_text("sector,agr,idle,man,fd\nagr,150,0,500,350\nidle,0,0,0,0\n"
                    "man,200,5,100,1700\nva,650,-5,1400,\n", encoding="utf-8")
    with pytest.raises(InputError, match="zero output but nonzero flows"):
        read_simple(busy)


def test_tolerance_is_a_note_within_and_an_error_beyond(tmp_path: Path):
    p = tmp_path / "gap.csv"
    # agriculture's column sums to 1010 against x = 1000: a gap of 10 (1 %), beyond the rounding
    # of a whole-number table (half a unit for 3 cells and the total), atol 1 and 1e-4·x
    p.write_text("sector,agr,man,fd,total_output\nagr,150,500,350,1000\n"
                 "man,200,100,1700,2000\nva,660,1400,,\n", encoding="utf-8")
    code, out, err = _cli(["analyze", "--table", str(p), "--format", "json"])
    assert code != 0 and "--tolerance" in out + err
    code, out, _ = _cli(["analyze", "--table", str(p), "--tolerance", "0.01", "--format",
                         "json"])
    assert code == 0, out
    notes = json.loads(out)["notes"]
    assert any(n.startswith("column balance") and "gap -10 at agr" in n and "within tolerance"
               in n for n in notes), notes
    assert load_io_table(p, tolerance=0.01).n == 2


# ----------------------------------------------------------------------------- NBS competitive
NBS_HEAD = ["Code", "Description", "DescriptionInChinese", "001", "002", "TIU", "FU101", "FU102",
            "THC", "FU103", "TC", "FU201", "FU202", "GCF", "EX", "TFU", "IM", "GO"]
NBS_ROWS = [
    ["001", "Agriculture", "农业", 150, 500, 650, 100, 100, 200, 50, 250, 30, 20, 50, 100, 400,
     50, 1000],
    ["002", "Manufacturing", "制造业", 200, 100, 300, 300, 400, 700, 200, 900, 500, 100, 600,
     300, 1800, 100, 2000],
    ["TII", "Total intermediate input", "中间投入合计", 350, 600, 950, 400, 500, 900, 250,
     1150, 530, 120, 650, 400, 2200, 150, 3000],
    ["VA001", "Compensation of employees", "劳动者报酬", 300, 700],
    ["VA002", "Net taxes on production", "生产税净额", 50, 100],
    ["VA003", "Depreciation of fixed assets", "固定资产折旧", 100, 200],
    ["VA004", "Operating surplus", "营业盈余", 200, 400],
    ["TVA", "Total value-added", "增加值合计", 650, 1400],
    ["TI", "Total inputs", "总投入", 1000, 2000],
]


def _write_nbs(path: Path, head: list[str], rows: list[list], title: str = "") -> Path:
    lines = ([title] if title else []) + [",".join(head)] + \
        [",".join(str(v) for v in r) for r in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_nbs_competitive_small(tmp_path: Path):
    t = read_nbs(_write_nbs(tmp_path / "c.csv", NBS_HEAD, NBS_ROWS))
    assert t.is_competitive and t.sectors == ["Agriculture", "Manufacturing"]
    np.testing.assert_array_equal(t.x, [1000, 2000])
    np.testing.assert_array_equal(t.Y[:, -1], [-50, -100])  # imports = −IM
    assert t.fd_labels[-2:] == ["exports", "imports"]
    res = analyze(t)
    np.testing.assert_allclose(res["output_multipliers"], MB_L.sum(axis=0), rtol=1e-12)
    # domestic table by hand: m = IM / (TIU + TFU − EX)
    m = np.array([50 / 950, 100 / 1800])
    np.testing.assert_allclose(import_shares(t), m, rtol=1e-15)
    d = domestic_table(t)
    Z = np.array([[150.0, 500], [200, 100]])
    np.testing.assert_allclose(d.Z, (1 - m)[:, None] * Z, rtol=1e-15)
    np.testing.assert_allclose(d.M, m[:, None] * Z, rtol=1e-15)
    np.testing.assert_array_equal(d.x, t.x)
    np.testing.assert_allclose(d.Z.sum(axis=1) + d.Y.sum(axis=1), d.x, rtol=1e-14)
    np.testing.assert_allclose(d.Z.sum(axis=0) + d.M.sum(axis=0) + d.value_added, d.x,
                               rtol=1e-14)
    assert d.Y[:, d.fd_labels.index("exports")].tolist() == [100, 300]
    Ld = np.linalg.inv(np.eye(2) - d.Z / d.x)
    mu = (m[:, None] * Z).sum(axis=0) / d.x @ Ld
    np.testing.assert_allclose(import_multipliers(t), mu, rtol=1e-12)
    np.testing.assert_allclose(import_multipliers(d), mu, rtol=1e-12)
    again = domestic_table(d)
    assert any("already keeps imports apart" in n for n in again.notes)


def test_nbs_chinese_headers_err_and_signed_imports(tmp_path: Path):
    zh = {"Code": "代码", "DescriptionInChinese": "部门", "TIU": "中间使用合计",
          "FU101": "农村居民消费", "FU102": "城镇居民消费", "THC": "居民消费合计",
          "FU103": "政府消费", "TC": "最终消费合计", "FU201": "固定资本形成总额",
          "FU202": "存货变动", "GCF": "资本形成总额", "EX": "出口", "TFU": "最终使用合计",
          "IM": "进口", "GO": "总产出"}
    head = [zh["Code"], zh["DescriptionInChinese"], "农业", "制造业",
            *[zh[c] for c in NBS_HEAD[5:-1]], "其他", zh["GO"]]
    rows = []
    for r in NBS_ROWS:
        code = r[0] if r[0].isdigit() else ""
        vals = list(r[3:])
        if r[0].isdigit():
            vals[-2] = -vals[-2]  # imports published with a minus sign
            err = 10 if r[0] == "001" else 0  # other (statistical discrepancy)
            vals = [*vals[:-1], err, vals[-1] + err]
        rows.append([code, r[2], *vals])
    rows[-1][2:4] = [1010, 2000]   # 总投入 = GO
    rows[-2][2:4] = [660, 1400]    # 增加值合计
    rows[3][2] = 310               # 劳动者报酬 of agriculture takes the discrepancy
    rows[2] = rows[2][:4]          # 中间投入合计 without the final-use totals
    p = _write_nbs(tmp_path / "zh.csv", head, rows, title="2020年投入产出表,单位：万元")
    t = read_nbs(p)
    assert t.sectors == ["农业", "制造业"] and t.fd_labels[-2:] == ["other", "imports"]
    np.testing.assert_array_equal(t.x, [1010, 2000])
    np.testing.assert_array_equal(t.Y[:, -1], [-50, -100])
    assert any("minus sign" in n for n in t.notes)
    assert any("GO = TIU + TFU − IM + ERR" in n for n in t.notes)
    d = domestic_table(t)
    np.testing.assert_allclose(d.Z.sum(axis=1) + d.Y.sum(axis=1), d.x, rtol=1e-14)
    assert d.Y[0, d.fd_labels.index("other")] == 10  # ERR not split by the import share


def test_nbs_totals_mismatch_and_missing_columns(tmp_path: Path):
    rows = [list(r) for r in NBS_ROWS]
    rows[0][NBS_HEAD.index("TFU")] = 420  # beyond the rounding of 7 whole-number cells
    with pytest.raises(InputError, match=r"total TFU disagrees with FU101 \+ FU102 \+ FU103 \+ "
                                         r"FU201 \+ FU202 \+ EX.*'001 Agriculture'.*read as a total"):
        read_nbs(_write_nbs(tmp_path / "tfu.csv", NBS_HEAD, rows))
    rows = [list(r) for r in NBS_ROWS]
    rows[0][NBS_HEAD.index("GO")] = 1100
    with pytest.raises(InputError, match=r"total GO disagrees with TIU \+ TFU − IM"):
        read_nbs(_write_nbs(tmp_path / "go.csv", NBS_HEAD, rows))
    head = [h for h in NBS_HEAD if h != "GO"]
    rows = [[v for k, v in enumerate(r) if k != NBS_HEAD.index("GO")] for r in NBS_ROWS]
    with pytest.raises(InputError, match=r"column 'GO' \(总产出\) not found"):
        read_nbs(_write_nbs(tmp_path / "nogo.csv", head, rows))
    rows = [list(r) for r in NBS_ROWS]
    rows[2][NBS_HEAD.index("IM")] = 180
    with pytest.raises(InputError, match=r"row TII, column 'IM': published total 180"):
        read_nbs(_write_nbs(tmp_path / "tii.csv", NBS_HEAD, rows))


def test_domestic_option_through_the_cli(tmp_path: Path):
    p = _write_nbs(tmp_path / "c.csv", NBS_HEAD, NBS_ROWS)
    code, out, _ = _cli(["analyze", "--table", str(p), "--layout", "nbs", "--domestic",
                         "--format", "json"])
    assert code == 0, out
    res = json.loads(out)
    assert res["domestic"] is True and "import_multipliers" in res
    np.testing.assert_allclose(np.add(res["value_added_multipliers"],
                                      res["import_multipliers"]), 1.0, atol=1e-12)
    code, out, err = _cli(["analyze", "--table", str(p), "--layout", "nbs"])
    assert code == 0 and "--domestic removes them" in err


# ----------------------------------------------------------------------------- WIOD NIOT


def test_niot_small_file_and_errors(tmp_path: Path):
    p = tmp_path / "XXX_NIOT_nov16.csv"
    p.write_text(niot_text(), encoding="utf-8")
    t = read_niot(p)
    assert t.name.endswith(":2014") and t.sectors == ["A01", "B"]
    np.testing.assert_array_equal(t.Z, [[150, 500], [200, 100]])
    np.testing.assert_array_equal(t.M, [[10, 20], [30, 40]])
    np.testing.assert_array_equal(t.f, [350, 1700])
    np.testing.assert_allclose(analyze(t)["output_multipliers"], MB_L.sum(axis=0), rtol=1e-12)
    assert read_niot(p, year=2013).x.tolist() == [2000, 4000]
    with pytest.raises(InputError, match="no year 2016; the file holds 2013–2014"):
        read_niot(p, year=2016)
    broken = tmp_path / "broken_NIOT.csv"
    broken.write_text(niot_text().replace("2014;VA;", "2014;VAX;"), encoding="utf-8")
    with pytest.raises(InputError, match=r"year 2014: TOT row\(s\) \['VA'\] missing"):
        read_niot(broken)
    code, out, err = _cli(["analyze", "--table", str(p), "--layout", "wiod"])
    assert code != 0 and "--layout niot" in out + err and "Traceback" not in out + err


# ----------------------------------------------------------------------------- damaged files
TOKENS = st.sampled_from(["", "abc", "-", "1 234", "1,234", "−5", "1e308", "nan", "0", "-7",
                          "12.5", "TII", "VA001", "Domestic", "代码", "总产出", "\"", ";", ","])


@settings(max_examples=40, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), form=st.sampled_from(["nbs", "niot"]))
def test_damaged_published_files_load_whole_or_are_refused(tmp_path: Path, data, form: str):
    """A damaged cell, line or header gives a checked table or an InputError naming the file —
    never another exception, never an unbalanced table."""
    if form == "nbs":
        lines = [",".join(NBS_HEAD)] + [",".join(str(v) for v in r) for r in NBS_ROWS]
        sep = ","
    else:
        lines = niot_text().split("\n")[:-1]
        sep = ";"
    for _ in range(data.draw(st.integers(1, 3))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["cell", "drop", "truncate"]))
        cells = lines[i].split(sep)
        if action == "cell":
            cells[data.draw(st.integers(0, len(cells) - 1))] = data.draw(TOKENS)
            lines[i] = sep.join(cells)
        elif action == "drop" and len(lines) > 1:
            del lines[i]
        else:
            lines[i] = sep.join(cells[: data.draw(st.integers(0, len(cells)))])
    path = tmp_path / ("damaged.csv" if form == "nbs" else "XXX_NIOT_nov16.csv")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        t = read_nbs(path) if form == "nbs" else read_niot(path)
    except InputError as err:
        assert str(path) in str(err), err
        return
    gap = np.abs(t.x - t.Z.sum(axis=1) - t.Y.sum(axis=1))
    assert (gap <= 0.5 * (t.n + t.Y.shape[1] + 1) + 1e-4 * np.abs(t.x) + 1e-9).all()
    assert np.isfinite(t.Z).all() and (t.x > 0).all()


def test_bea_text_cell_refused_not_read_as_zero(tmp_path: Path):
    from chainatlas.readers.io_bea import read_bea

    use = tmp_path / "x_use.csv"
    make = tmp_path / "x_make.csv"
    use.write_text(",111,211,Total Intermediate,F010,T001\n111,10,20,30,70,100\n"
                   "211,5,(D),25,175,200\nV001,85,175,,,\n", encoding="utf-8")
    make.write_text(",111,211\n111,100,0\n211,0,200\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"x_use.csv: row '211', column '211': '\(D\)' is not a "
                                         r"number"):
        read_bea(use, make)


def test_simple_layout_points_to_the_layout_a_published_table_needs(tmp_path: Path):
    nbs = _write_nbs(tmp_path / "c.csv", NBS_HEAD, NBS_ROWS)
    with pytest.raises(InputError, match="looks like an NBS table: use --layout nbs"):
        read_simple(nbs)
    niot = tmp_path / "XXX_NIOT_nov16.csv"
    niot.write_text(niot_text(), encoding="utf-8")
    with pytest.raises(InputError, match="looks like a WIOD national table: use --layout niot"):
        read_simple(niot)
