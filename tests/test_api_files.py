"""API endpoints that take uploads or return workbooks, with hand-checkable numbers."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from _io_tables import niot_text
from chainatlas.api.app import create_app
from chainatlas.config import get_settings
from chainatlas.services.demo import build_demo_store

TOKEN = "files-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
WILLEMS = ("stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std,"
           "ext_demand_thres,up_stages\n"
           "Manuf_0001,10,,39,2,,,,Part_0001,2,Part_0002,1\n"
           "Part_0001,28,,12,2,,,\n"
           "Part_0002,15,,5,2,,,\n"
           "Retail_0001,2,2,1.5,,100,40,1.645,Manuf_0001,1\n")
# Z = [[10, 20], [30, 10]], final demand [70, 60], x = [100, 100], value added [60, 70]:
# A = [[.1, .2], [.3, .1]], L = (I - A)^-1 = [[1.2, 4/15], [.4, 1.2]], output multipliers
# (column sums of L) = [1.6, 22/15].
IO_TABLE = "sector,s1,s2,final\ns1,10,20,70\ns2,30,10,60\nva,60,70,\n"


def _file(name: str, text: str) -> dict[str, tuple[str, io.BytesIO, str]]:
    return {"file": (name, io.BytesIO(text.encode()), "text/csv")}


def _envelope(resp, status: int) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("files") / "demo.duckdb"
    build_demo_store(db)
    settings = replace(get_settings(db), token=TOKEN, open_reads=True, max_upload_mb=1)
    with TestClient(create_app(settings)) as c:
        yield c


def test_willems_upload_lands_as_a_chain(client: TestClient) -> None:
    assert client.post("/api/v1/datasets", json={"name": "w1"}, headers=AUTH).status_code == 201
    r = client.post("/api/v1/datasets/w1/chain/import-willems", headers=AUTH,
                    files=_file("chain_01.csv", WILLEMS), data={"prefix": "c1."})
    assert r.status_code == 200, r.text
    assert r.json()["tables"]["segments"] == 4 and r.json()["tables"]["segment_inputs"] == 3
    m = client.get("/api/v1/datasets/w1/chain/map").json()
    assert {s["segment"] for s in m["segments"]} == {"c1.Manuf_0001", "c1.Part_0001",
                                                      "c1.Part_0002", "c1.Retail_0001"}
    bad = client.post("/api/v1/datasets/w1/chain/import-willems", headers=AUTH,
                      files=_file("bad.csv", "a,b\n1,2\n"))
    assert "not a Willems chain file" in str(_envelope(bad, 400))
    _envelope(client.post("/api/v1/datasets/w1/chain/import-willems",
                          files=_file("chain_01.csv", WILLEMS)), 401)


def test_io_table_upload_then_analysis_gives_the_hand_computed_multipliers(
        client: TestClient) -> None:
    r = client.post("/api/v1/datasets/yrd-nev/io/tiny", headers=AUTH,
                    files=_file("tiny.csv", IO_TABLE), data={"layout": "simple"})
    assert r.status_code == 200, r.text
    assert r.json()["industries"] == 2
    a = client.get("/api/v1/datasets/yrd-nev/io/tiny/analyze")
    assert a.status_code == 200, a.text
    assert a.json()["output_multipliers"] == pytest.approx([1.6, 22 / 15], rel=1e-9)
    s = client.post("/api/v1/io/shock", json={"model": "leontief", "values": {"s1": 10.0},
                                              "dataset": "yrd-nev", "table_name": "tiny"})
    assert s.status_code == 200, s.text
    _envelope(client.get("/api/v1/datasets/yrd-nev/io/nope/analyze"), 404)


def _niot(years: tuple[int, ...] = (2013, 2014)) -> str:
    return niot_text(years, grouped=False)


def test_niot_upload_reads_the_year_asked_for(client: TestClient) -> None:
    # both years have A = [[.15, .25], [.2, .05]]; the imported inputs are the same amounts, so
    # per unit of output they (and the import multipliers) are half as large in 2013
    got = {}
    for tname, year in (("n13", 2013), ("n14", 2014), ("nlast", None)):
        data = {"layout": "niot"} | ({"year": str(year)} if year else {})
        r = client.post(f"/api/v1/datasets/yrd-nev/io/{tname}", headers=AUTH,
                        files=_file("XXX_NIOT_nov16.csv", _niot()), data=data)
        assert r.status_code == 200, r.text
        assert r.json()["industries"] == 2
        a = client.get(f"/api/v1/datasets/yrd-nev/io/{tname}/analyze")
        assert a.status_code == 200, a.text
        got[tname] = a.json()
    assert got["n13"]["sectors"] == ["A01", "B"]
    assert got["n13"]["output_multipliers"] == pytest.approx(got["n14"]["output_multipliers"])
    assert got["n13"]["import_multipliers"] == pytest.approx(
        [v / 2 for v in got["n14"]["import_multipliers"]], rel=1e-12)
    assert got["nlast"]["import_multipliers"] == got["n14"]["import_multipliers"]
    err = _envelope(client.post("/api/v1/datasets/yrd-nev/io/n16", headers=AUTH,
                                files=_file("XXX_NIOT_nov16.csv", _niot()),
                                data={"layout": "niot", "year": "2016"}), 400)
    assert "no year 2016" in err["message"]


# the same domestic flows as IO_TABLE in the NBS non-competitive form with Chinese headers,
# plus imported inputs [[5, 5], [5, 5]]: A (domestic) and so the output multipliers are the same
NBS_NONCOMP_ZH = ("代码,部门,来源,01,02,最终消费,固定资本形成总额,存货变动,出口,总产出\n"
                  "01,农产品,国内,10,20,70,0,0,0,100\n02,工业品,国内,30,10,60,0,0,0,100\n"
                  "01,农产品,进口,5,5,,,,,\n02,工业品,进口,5,5,,,,,\n"
                  ",劳动者报酬,合计,50,60,,,,,\n,增加值合计,合计,50,60,,,,,\n"
                  ",总投入,合计,100,100,,,,,\n")


def test_nbs_noncompetitive_chinese_upload(client: TestClient) -> None:
    r = client.post("/api/v1/datasets/yrd-nev/io/nbszh", headers=AUTH,
                    files=_file("非竞争型.csv", NBS_NONCOMP_ZH), data={"layout": "nbs"})
    assert r.status_code == 200, r.text
    a = client.get("/api/v1/datasets/yrd-nev/io/nbszh/analyze").json()
    assert a["sectors"] == ["农产品", "工业品"] and a["domestic"] is True
    assert a["output_multipliers"] == pytest.approx([1.6, 22 / 15], rel=1e-9)


def test_uploads_over_the_size_limit_are_413_envelopes(client: TestClient) -> None:
    big = "x" * (1024 * 1024 + 10)
    err = _envelope(client.post("/api/v1/evaluate/ahp", files={"matrix": ("m.csv", io.BytesIO(
        big.encode()), "text/csv")}), 413)
    assert "1 MB" in err["message"]
    _envelope(client.post("/api/v1/datasets/yrd-nev/io/t", headers=AUTH,
                          files=_file("t.txt", IO_TABLE)), 400)  # wrong suffix


def test_ahp_of_a_consistent_matrix(client: TestClient) -> None:
    # a consistent matrix a_ij = w_i / w_j with w = (4, 2, 1) / 7 has CR = 0
    m = "criterion,a,b,c\na,1,2,4\nb,1/2,1,2\nc,1/4,1/2,1\n"
    r = client.post("/api/v1/evaluate/ahp", files={"matrix": ("m.csv", io.BytesIO(m.encode()),
                                                              "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert [body["weights"][k] for k in "abc"] == pytest.approx([4 / 7, 2 / 7, 1 / 7], abs=1e-9)
    assert body["CR"] == pytest.approx(0.0, abs=1e-9)


def test_shift_share_upload(client: TestClient) -> None:
    start = "region,x,y\nA,10,20\nB,30,40\n"
    end = "region,x,y\nA,16,21\nB,30,43\n"
    r = client.post("/api/v1/cluster/shift-share", files={
        "start": ("s.csv", io.BytesIO(start.encode()), "text/csv"),
        "end": ("e.csv", io.BytesIO(end.encode()), "text/csv")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["national_growth"] == pytest.approx(0.1)  # 110 / 100 - 1
    ax = next(row for row in body["rows"] if row["region"] == "A" and row["industry"] == "x")
    # national growth 0.1, industry x grew 46/40 - 1 = 0.15: NS 1, IM 0.5, RS 6 - 1.5 = 4.5
    assert (ax["national_share"], ax["industry_mix"], ax["regional_shift"]) == pytest.approx(
        (1.0, 0.5, 4.5))


def test_match_assets_and_index(client: TestClient) -> None:
    r = client.post("/api/v1/datasets/yrd-nev/match/classify", json={"assets": True, "k": 2})
    assert r.status_code == 200, r.text
    _envelope(client.post("/api/v1/datasets/yrd-nev/match/classify",
                          json={"text": "固态电池", "assets": True}), 400)
    _envelope(client.post("/api/v1/datasets/yrd-nev/match/index"), 401)
    idx = client.post("/api/v1/datasets/yrd-nev/match/index", headers=AUTH)
    assert idx.status_code == 200, idx.text
    assert idx.json()["segments"] > 40


@pytest.mark.parametrize("url, params, sheet", [
    ("/api/v1/datasets/yrd-nev/advise.xlsx", {"region": "320100"}, "建议清单"),
    ("/api/v1/datasets/yrd-nev/cluster/measures.xlsx", {}, "lq"),
    ("/api/v1/datasets/yrd-nev/evaluate/panel.xlsx", {}, None),
    ("/api/v1/datasets/yrd-nev/report.xlsx", {"region": "320100"}, None),
])
def test_workbooks_download(client: TestClient, tmp_path: Path, url: str, params: dict,
                            sheet: str | None) -> None:
    r = client.get(url, params=params)
    assert r.status_code == 200, r.text
    assert r.content[:2] == b"PK"
    path = tmp_path / "w.xlsx"
    path.write_bytes(r.content)
    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames
    if sheet:
        assert sheet in wb.sheetnames
    ws = wb[sheet or wb.sheetnames[0]]
    assert ws.max_row >= 2  # a header and at least one row


def test_workbook_of_unknown_dataset_is_404_envelope(client: TestClient) -> None:
    _envelope(client.get("/api/v1/datasets/nope/advise.xlsx", params={"region": "320100"}), 404)
