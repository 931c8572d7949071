"""Fuzzing every reader: any input loads or raises our InputError naming where — never another
exception, never a hang, never a partial write.

Tabular files (CSV in any encoding, Excel, Parquet, JSON) go all the way through
``services.datasets.import_file`` into a real store; on failure the store must be exactly as it
was (datasets, versions, row counts, frames). Willems files, the IO layouts and scenario files
are read by their own functions. Each example runs under a wall-clock alarm.

``CHAINATLAS_FUZZ_EXAMPLES`` sets the examples per reader (default 40; ``benchmarks/bench_fuzz.py``
runs thousands); ``CHAINATLAS_FUZZ_LOG`` names a file that receives one JSON line per reader with
the counts (used by ``scripts/reliability_table.py``).
"""

from __future__ import annotations

import io
import json
import os
import signal
import string
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chainatlas.exceptions import InputError
from chainatlas.services.datasets import import_file, import_frames
from chainatlas.store import Store

EXAMPLES = int(os.environ.get("CHAINATLAS_FUZZ_EXAMPLES") or 40)
SECONDS = 20  # one example may take at most this long (a hang fails the test)
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                derandomize=not os.environ.get("CHAINATLAS_FUZZ_RANDOM"),
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.function_scoped_fixture,
                                       HealthCheck.filter_too_much])
TALLY: dict[str, Counter[str]] = {}


class Hang(Exception):
    """An example ran past its time limit."""


@contextmanager
def within(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` in the main thread if the block runs longer than ``seconds``."""
    def _alarm(signum: int, frame: Any) -> None:
        raise Hang(f"no answer within {seconds} s")

    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def outcome(reader: str, call: Callable[[], Any], where: str | None) -> Any:
    """Run ``call``: it returns, or raises InputError whose text names ``where``."""
    tally = TALLY.setdefault(reader, Counter())
    tally["inputs"] += 1
    started = time.perf_counter()
    try:
        with within(SECONDS):
            result = call()
    except InputError as err:
        tally["ms"] += round(1000 * (time.perf_counter() - started))
        tally["rejected"] += 1
        text = str(err) + json.dumps(err.details, default=str, ensure_ascii=False)
        assert err.message.strip(), "an InputError without a message"
        if where is not None:
            assert where in text, f"the error does not name {where!r}: {err}"
        return err
    tally["ms"] += round(1000 * (time.perf_counter() - started))
    tally["loaded"] += 1
    return result


@pytest.fixture(scope="module", autouse=True)
def _log_tally() -> Iterator[None]:
    yield
    target = os.environ.get("CHAINATLAS_FUZZ_LOG")
    if target:
        with open(target, "a", encoding="utf-8") as fh:
            for reader, c in TALLY.items():
                fh.write(json.dumps({"reader": reader, **c}) + "\n")


# ------------------------------------------------------------------ the store under test

def snapshot(store: Store) -> dict[str, Any]:
    """Everything an import may change: per dataset its version, row counts and frames."""
    return {n: (store.dataset_version(n), store.table_counts(n), store.list_frames(n))
            for n in store.list_datasets()}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    db = tmp_path_factory.mktemp("fuzz") / "fuzz.duckdb"
    with Store.open(db) as s:
        import_frames(s, "d", {
            "regions": pd.DataFrame({"code": ["320100", "310000"], "name": ["南京市", "上海市"]}),
            "firms": pd.DataFrame({"id": ["F1", "F2"], "name": ["甲", "乙"],
                                   "region": ["320100", "310000"]}),
        })
        yield s
        assert s.check().ok


def land(store: Store, reader: str, path: Path, table: str = "firms") -> Any:
    """Import ``path`` through the service: whole or not at all. Returns the outcome."""
    before = snapshot(store)
    result = outcome(reader, lambda: import_file(store, "d", table, path, mode="replace"),
                     path.name)
    after = snapshot(store)
    if isinstance(result, InputError):
        assert after == before, "a failed import changed the store"
    else:
        assert after["d"][0] == before["d"][0] + 1
        assert after["d"][1][table] == result.tables[table]
    return result


# ------------------------------------------------------------------ strategies

HEADERS = ["id", "name", "region", "country", "ownership", "tags", "employees", "revenue",
           "rd_intensity", "founded", "企业编号", "企业名称", "所在地区", "标签", "营业收入(万元)",
           "研发强度", "成立年份", "junk", "", "id"]
ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "latin-1", "cp1252", "big5",
             "shift_jis", "utf-32"]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
cell = st.one_of(
    text,
    st.sampled_from(["", "F1", "F3", "320100", "南京市", "上海", "JPN", "1e309", "-1", "NaN",
                     "nan", "2015", "0.5", "高新;规上", '"', "'", ",", "\n", "\r", "\x00",
                     "domestic", "是", "否", "TRUE", "1" * 40, "=1+1", "<script>"]),
    st.integers(-10**20, 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


@st.composite
def csv_bytes(draw: st.DrawFn) -> bytes:
    """A CSV-like file: either raw bytes, or firm-like text in a random encoding."""
    kind = draw(st.integers(0, 5))
    if kind == 0:
        return draw(st.binary(max_size=400))
    if kind >= 3:
        encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
        return draw(firm_rows()).to_csv(index=False).encode(encoding, errors="replace")
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=0, max_size=8))
    width = max(len(header), 1)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=width + 2), max_size=12))
    sep = draw(st.sampled_from([",", ",", "\t", ";", "|"]))
    out = io.StringIO()
    out.write(sep.join(header) + "\n")
    for r in rows:
        out.write(sep.join(r) + draw(st.sampled_from(["\n", "\r\n", "\r"])))
    encoding = draw(st.sampled_from(ENCODINGS))
    data = out.getvalue().encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage a few bytes
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 3))):
            if buf:
                buf[draw(st.integers(0, len(buf) - 1))] = draw(st.integers(0, 255))
        data = bytes(buf)
    return data


@st.composite
def firm_rows(draw: st.DrawFn) -> pd.DataFrame:
    """Firms that mostly pass validation, with a few cells or headers damaged."""
    n = draw(st.integers(1, 12))
    names = {"id": draw(st.sampled_from(["id", "企业编号", "firm_id"])),
             "name": draw(st.sampled_from(["name", "企业名称"])),
             "region": draw(st.sampled_from(["region", "所在地区"]))}
    frame = pd.DataFrame({
        names["id"]: [f"N{i}" for i in range(n)],
        names["name"]: draw(st.lists(st.text(min_size=1, max_size=8).filter(str.strip),
                                     min_size=n, max_size=n)),
        names["region"]: draw(st.lists(st.sampled_from(["320100", "310000", "南京市", "上海市",
                                                         "340881", "JPN"]), min_size=n,
                                       max_size=n)),
    })
    if draw(st.booleans()):
        frame["revenue"] = draw(st.lists(st.floats(0, 1e9), min_size=n, max_size=n))
    if draw(st.booleans()):
        frame["tags"] = draw(st.lists(st.sampled_from(["", "高新", "链主;高新", "规上"]),
                                      min_size=n, max_size=n))
    frame = frame.astype(object)
    for _ in range(draw(st.integers(0, 2))):  # damage: a cell gets any value
        col = draw(st.sampled_from(list(frame.columns)))
        frame.loc[draw(st.integers(0, n - 1)), col] = draw(cell)
    return frame


json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats() | text,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(HEADERS[:12]) | text, inner, max_size=6),
    max_leaves=30,
)
records = st.lists(st.dictionaries(st.sampled_from(HEADERS[:12]), st.one_of(
    cell, st.integers(-10**20, 10**20), st.floats(), st.none(), st.booleans(),
    st.lists(text, max_size=3), st.dictionaries(text, text, max_size=2))), max_size=8)


# ------------------------------------------------------------------ tabular readers

@FUZZ
@given(data=csv_bytes(), suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
def test_csv_any_bytes_any_encoding(store: Store, tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"firms{suffix}"
    path.write_bytes(data)
    land(store, "csv", path)


@FUZZ
@given(data=st.one_of(json_value.map(lambda v: json.dumps(v, allow_nan=True).encode()),
                      records.map(lambda r: json.dumps(r, ensure_ascii=False, default=str)
                                  .encode()),
                      records.map(lambda r: json.dumps({"firms": r}, default=str).encode()),
                      firm_rows().map(lambda f: f.to_json(orient="records",
                                                          force_ascii=False).encode()),
                      st.binary(max_size=200)),
       lines=st.booleans())
def test_json_any_document(store: Store, tmp_path: Path, data: bytes, lines: bool) -> None:
    path = tmp_path / ("firms.jsonl" if lines else "firms.json")
    path.write_bytes(data)
    land(store, "json", path)


_PA_TYPES = [pa.string(), pa.int64(), pa.int8(), pa.float64(), pa.bool_(), pa.date32(),
             pa.timestamp("ms"), pa.list_(pa.string()), pa.binary(), pa.decimal128(10, 2),
             pa.large_string(), pa.null()]


def _arrow_column(typ: pa.DataType, n: int, rng: np.random.Generator) -> pa.Array:
    if pa.types.is_null(typ):
        return pa.nulls(n)
    if pa.types.is_integer(typ):
        info = np.iinfo(typ.to_pandas_dtype())
        return pa.array(rng.integers(info.min, info.max, n, endpoint=True), type=typ)
    if pa.types.is_floating(typ):
        return pa.array(rng.choice([0.0, -1.5, np.nan, np.inf, 1e308, 2015.0], n), type=typ)
    if pa.types.is_boolean(typ):
        return pa.array(rng.integers(0, 2, n).astype(bool))
    if pa.types.is_date(typ) or pa.types.is_timestamp(typ):
        return pa.array(rng.integers(-10**6, 10**6, n), type=pa.int64()).cast(
            pa.int32() if pa.types.is_date(typ) else pa.int64()).cast(typ)
    if pa.types.is_list(typ):
        return pa.array([["高新", str(i)] if i % 3 else None for i in range(n)], type=typ)
    if pa.types.is_decimal(typ):
        import decimal

        return pa.array([decimal.Decimal(int(v)) / 100 for v in rng.integers(-10**6, 10**6, n)],
                        type=typ)
    pool = ["F1", "F9", "320100", "南京市", "", "x" * 50, "JPN", "<b>"]
    values = [pool[int(i)] if i < len(pool) else None for i in rng.integers(0, len(pool) + 1, n)]
    if pa.types.is_binary(typ):
        return pa.array([v.encode() if v is not None else None for v in values], type=typ)
    return pa.array(values, type=typ)


@FUZZ
@given(columns=st.lists(st.tuples(st.sampled_from(HEADERS[:12]),
                                  st.sampled_from(range(len(_PA_TYPES)))), max_size=8),
       rows=st.integers(0, 30), seed=st.integers(0, 2**32 - 1),
       damage=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.integers(0, 255))),
       good=st.one_of(st.none(), firm_rows()))
def test_parquet_any_schema_or_damaged(store: Store, tmp_path: Path,
                                       columns: list[tuple[str, int]], rows: int, seed: int,
                                       damage: tuple[float, int] | None,
                                       good: pd.DataFrame | None) -> None:
    rng = np.random.default_rng(seed)
    names = list(dict.fromkeys(c for c, _ in columns))
    types = dict(columns)
    table = pa.table({c: _arrow_column(_PA_TYPES[types[c]], rows, rng) for c in names}) \
        if names else pa.table({})
    if good is not None:
        table = pa.Table.from_pandas(good.astype(str), preserve_index=False)
    path = tmp_path / "firms.parquet"
    pq.write_table(table, path)
    if damage is not None:
        buf = bytearray(path.read_bytes())
        buf[int(damage[0] * (len(buf) - 1))] = damage[1]
        path.write_bytes(bytes(buf))
    land(store, "parquet", path)


@FUZZ
@given(cells=st.lists(st.lists(st.one_of(cell, st.integers(-10**15, 10**15),
                                         st.floats(allow_nan=False, allow_infinity=False),
                                         st.booleans(), st.none(), st.dates(),
                                         st.sampled_from(["=SUM(1,2)", "=1/0"])),
                               max_size=6), max_size=8),
       header=st.lists(st.sampled_from(HEADERS), max_size=6),
       sheet=st.sampled_from(["firms", "企业", "Sheet1", "数据"]),
       damage=st.one_of(st.none(), st.integers(0, 10**6)),
       good=st.one_of(st.none(), firm_rows()))
def test_excel_any_cells_or_damaged(store: Store, tmp_path: Path, cells: list[list[Any]],
                                    header: list[str], sheet: str, damage: int | None,
                                    good: pd.DataFrame | None) -> None:
    from openpyxl import Workbook

    if good is not None:
        header = list(good.columns)
        cells = good.astype(object).to_numpy().tolist()
        damage = None if damage is None or damage % 3 else damage

    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if header:
        ws.append([_xlsx_safe(h) for h in header])
    for r in cells:
        ws.append([_xlsx_safe(v) for v in r])
    path = tmp_path / "firms.xlsx"
    wb.save(path)
    if damage is not None:
        buf = bytearray(path.read_bytes())
        i = damage % len(buf)
        buf[i:i + 16] = b"\xff" * 16 if damage % 2 else b""
        path.write_bytes(bytes(buf))
    land(store, "excel", path)


def _xlsx_safe(v: Any) -> Any:
    if isinstance(v, str):  # openpyxl refuses control characters the XML cannot carry
        return "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)[:200]
    return v


def test_excel_that_is_not_a_zip_or_not_a_workbook(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "firms.xlsx"
    for data in (b"", b"PK\x03\x04garbage", b"id,name\nF1,x\n"):
        path.write_bytes(data)
        land(store, "excel", path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    path.write_bytes(buf.getvalue())
    land(store, "excel", path)
    assert TALLY["excel"]["loaded"] == 0 or TALLY["excel"]["inputs"] > 4


# ------------------------------------------------------------------ Willems

@st.composite
def willems_text(draw: st.DrawFn) -> bytes:
    head = "stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std," \
           "ext_demand_thres,up_stages"
    if draw(st.integers(0, 5)) == 0:
        return draw(st.binary(max_size=300))
    ids = draw(st.lists(st.sampled_from(["Part_0001", "Part_0002", "Manuf_0001", "Dist_0001",
                                         "Retail_0001", "Trans_1", "x", ""]), max_size=6))
    lines = [head if draw(st.integers(0, 6)) else draw(text)]
    for sid in ids:
        nums = [draw(st.sampled_from(["", "1", "2.5", "-3", "x", "1e400", "nan"]))
                for _ in range(7)]
        ups: list[str] = []
        for _ in range(draw(st.integers(0, 3))):
            ups += [draw(st.sampled_from([*ids, "Part_9"])) if ids else "Part_9",
                    draw(st.sampled_from(["1", "2", "-1", "", "u"]))]
        if draw(st.integers(0, 8)) == 0:
            ups.append("1")
        lines.append(",".join([sid, *nums, *ups]))
    data = "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030",
                                                          "utf-16"])), errors="replace")
    return data


@FUZZ
@given(data=willems_text())
def test_willems_any_file(tmp_path: Path, data: bytes) -> None:
    from chainatlas.readers.willems import read_willems

    path = tmp_path / "01_chain.csv"
    path.write_bytes(data)
    outcome("willems", lambda: read_willems(path), path.name)


# ------------------------------------------------------------------ IO layouts

number = st.one_of(st.floats(-1e6, 1e6, allow_nan=False).map(lambda v: f"{v:.3f}"),
                   st.sampled_from(["", "x", "nan", "inf", "-0", "1,000", "1e400"]))


@st.composite
def io_simple_csv(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(0, 4))
    sectors = draw(st.lists(st.sampled_from(["A", "B", "C", "农业", "total_output", "A", ""]),
                            min_size=n, max_size=n))
    cols = [*sectors, *draw(st.lists(st.sampled_from(["final", "exports", "total_output", "A"]),
                                     max_size=3))]
    rows = [*sectors, *draw(st.lists(st.sampled_from(["va", "total_input", "tax", "B"]),
                                     max_size=3))]
    lines = [",".join(["", *cols])]
    lines += [",".join([r, *(draw(number) for _ in cols)]) for r in rows]
    return "\n".join(lines).encode()


@st.composite
def io_simple_balanced(draw: st.DrawFn) -> bytes:
    """A consistent table (x = Zi + Yi = i'Z + v'), sometimes with one cell damaged."""
    n = draw(st.integers(1, 4))
    z = np.array(draw(st.lists(st.integers(0, 50), min_size=n * n, max_size=n * n)),
                 dtype=float).reshape(n, n)
    y = np.array(draw(st.lists(st.integers(1, 100), min_size=n, max_size=n)), dtype=float)
    x = z.sum(axis=1) + y + z.sum(axis=0)
    y = x - z.sum(axis=1)
    v = x - z.sum(axis=0)
    labels = [f"S{i}" for i in range(n)]
    frame = pd.DataFrame(z, index=labels, columns=labels)
    frame["final"] = y
    frame["total_output"] = x
    frame.loc["va"] = [*v, 0.0, 0.0]
    frame = frame.astype(object)
    if draw(st.booleans()):
        frame.iat[draw(st.integers(0, n)), draw(st.integers(0, n + 1))] = draw(number)
    return frame.to_csv().encode()


@FUZZ
@given(data=st.one_of(io_simple_csv(), io_simple_balanced(), st.binary(max_size=200)),
       suffix=st.sampled_from([".csv", ".csv", ".xlsx", ".parquet"]))
def test_io_simple_any_table(tmp_path: Path, data: bytes, suffix: str) -> None:
    from chainatlas.readers.io_simple import read_simple

    path = tmp_path / f"io{suffix}"
    path.write_bytes(data)
    outcome("io_simple", lambda: read_simple(path), path.name)


@st.composite
def io_nbs_csv(draw: st.DrawFn) -> bytes:
    codes = draw(st.lists(st.sampled_from(["01", "02", "03", "x"]), max_size=3))
    fd = ["FU101", "FU102", "FU103", "FU201", "FU202", "EX"]
    extra = draw(st.lists(st.sampled_from(["Code", "Origin", "GO", *fd, "IM"]), max_size=3))
    cols = ["Code", "Origin", *codes, *draw(st.permutations(fd)), "GO", *extra]
    if draw(st.integers(0, 4)) == 0:
        cols.remove(draw(st.sampled_from(cols)))
    lines = [",".join(cols)]
    for origin in draw(st.lists(st.sampled_from(["Domestic", "Imports", "TOT", "?"]),
                                max_size=8)):
        for code in draw(st.lists(st.sampled_from([*codes, "VA001", "VA002", "TII", "TI"]),
                                  max_size=4)):
            lines.append(",".join([code, origin, *(draw(number) for _ in cols[2:])]))
    return "\n".join(lines).encode()


@FUZZ
@given(data=st.one_of(io_nbs_csv(), st.binary(max_size=200)))
def test_io_nbs_any_table(tmp_path: Path, data: bytes) -> None:
    from chainatlas.readers.io_nbs import read_nbs

    path = tmp_path / "nbs.csv"
    path.write_bytes(data)
    outcome("io_nbs", lambda: read_nbs(path), path.name)


@st.composite
def bea_pair(draw: st.DrawFn) -> tuple[bytes, bytes]:
    labels = draw(st.lists(st.sampled_from(["111", "211", "22", "x"]), max_size=3, unique=True))
    use_cols = [*labels, *draw(st.lists(st.sampled_from(["Total Intermediate", "F010", "F02E",
                                                          "T001"]), max_size=4))]
    use_rows = [*labels, *draw(st.lists(st.sampled_from(["Total Intermediate", "V001", "V002",
                                                          "T005", "111"]), max_size=4))]
    use = [",".join(["", *use_cols])] + [",".join([r, *(draw(number) for _ in use_cols)])
                                         for r in use_rows]
    make_rows = draw(st.lists(st.sampled_from([*labels, "999"]), max_size=4)) if labels else []
    make_cols = draw(st.lists(st.sampled_from([*labels, "T007"]), max_size=4)) if labels else []
    make = [",".join(["", *make_cols])] + [",".join([r, *(draw(number) for _ in make_cols)])
                                           for r in make_rows]
    return "\n".join(use).encode(), "\n".join(make).encode()


@FUZZ
@given(pair=st.one_of(bea_pair(), st.tuples(st.binary(max_size=100), st.binary(max_size=100))))
def test_io_bea_any_pair(tmp_path: Path, pair: tuple[bytes, bytes]) -> None:
    from chainatlas.readers.io_bea import read_bea

    use, make = tmp_path / "x_use.csv", tmp_path / "x_make.csv"
    use.write_bytes(pair[0])
    make.write_bytes(pair[1])
    outcome("io_bea", lambda: read_bea(use, make), "x_")


# ------------------------------------------------------------------ scenarios

scenario_value = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats() | text
    | st.sampled_from(["340881", "320100", "F1", "s1", "all", "firm"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["region", "firm", "segment", "capacity_loss", "duration_days",
                         "start_day", "recovery", "horizon_days", "shocks", "policy"]) | text,
        inner, max_size=4),
    max_leaves=20,
)
scenario_dict = st.dictionaries(
    st.sampled_from(["horizon_days", "policy", "shocks", "demand_shocks", "name", "seed"]),
    scenario_value, max_size=5)


@FUZZ
@given(data=st.one_of(scenario_dict, scenario_value))
def test_scenario_any_mapping(data: Any) -> None:
    from chainatlas.shock.scenario import parse_scenario

    outcome("scenario", lambda: parse_scenario(data, source="fuzz.yaml"), "fuzz.yaml")


@FUZZ
@given(doc=st.one_of(scenario_dict.map(lambda d: json.dumps(d, default=str)),
                     st.text(alphabet=string.printable + "中文：-[]{}", max_size=200)),
       suffix=st.sampled_from([".yaml", ".yml", ".json"]))
def test_scenario_any_text_file(tmp_path: Path, doc: str, suffix: str) -> None:
    from chainatlas.shock.scenario import load_scenario

    path = tmp_path / f"scenario{suffix}"
    path.write_text(doc, encoding="utf-8")
    outcome("scenario_file", lambda: load_scenario(path), path.name)


def test_scenario_file_that_is_not_utf8(tmp_path: Path) -> None:
    """A GB18030 scenario file loads (found by fuzzing: it used to raise UnicodeDecodeError);
    bytes that are no text at all give a ScenarioError naming the file."""
    from chainatlas.exceptions import ScenarioError
    from chainatlas.shock.scenario import load_scenario

    path = tmp_path / "scenario.yaml"
    path.write_bytes("horizon_days: 30\nname: 测试\nshocks: []\n".encode("gb18030"))
    outcome("scenario_file", lambda: load_scenario(path), path.name)
    assert load_scenario(path).name == "测试"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x81\x30\xff")
    with pytest.raises(ScenarioError, match="bad.yaml"):
        load_scenario(bad)


def test_parquet_with_invalid_utf8_text_is_rejected(store: Store, tmp_path: Path) -> None:
    """A damaged text page (found by fuzzing): refused at read time, naming the file."""
    data = b"F1\x80x" + b"abc"
    offsets = np.array([0, 4, 7], dtype=np.int32)
    ids = pa.Array.from_buffers(pa.string(), 2, [None, pa.py_buffer(offsets.tobytes()),
                                                 pa.py_buffer(data)])
    path = tmp_path / "firms.parquet"
    pq.write_table(pa.table({"id": ids, "name": ["a", "b"], "region": ["320100", "320100"]}),
                   path)
    err = land(store, "parquet", path)
    assert isinstance(err, InputError) and "UTF8" in str(err)


def test_csv_first_line_longer_than_header_is_rejected(store: Store, tmp_path: Path) -> None:
    """pandas would shift every value one column right (found by fuzzing): refused instead."""
    path = tmp_path / "firms.csv"
    path.write_text("id,name,region\nF7,x,320100,extra\nF8,y,320100,extra\n", encoding="utf-8")
    err = land(store, "csv", path)
    assert isinstance(err, InputError) and "line 2 has 4 fields" in str(err)
