"""Numbers for people (``chainatlas._format``) and the one translation table
(``chainatlas._codes``): readable values, and every code the engines emit has a label."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainatlas import _codes, _format
from chainatlas._codes import CODES, code_label, column_label
from chainatlas._format import column_kind, count, days, money, ratio, share, year

SRC = Path(__file__).resolve().parents[1] / "src" / "chainatlas"
LONG_DECIMALS = re.compile(r"\d\.\d{5,}")


def test_money_reads_in_wan_and_yi_with_separators() -> None:
    assert money(3.0) == "3 万元"
    assert money(1234.4) == "1,234 万元"
    assert money(123456.0) == "12.35 亿元"
    assert money(1.2e9) == "12.00 万亿元"
    assert money(-2.5e4) == "-2.50 亿元"
    assert money(None) == "—" and money(float("nan")) == "—"
    # English: the same amount in CNY (1 万元 = 10,000 CNY)
    assert money(123456.0, "en") == "CNY 1.23 bn"
    assert money(1234.4, "en") == "CNY 12.3 m"
    assert money(0.05, "en") == "CNY 500"


def test_rounding_never_carries_into_a_wrong_unit() -> None:
    assert money(9999.6) == "1.00 亿元"       # not "10,000 万元"
    assert money(99_999_999.0) == "1.00 万亿元"
    assert ratio(9.9996) == "10"
    assert days(0.96) == "1"


def test_shares_ratios_years_days() -> None:
    assert share(0.1234) == "12.3%" and share(1) == "100%" and share(0) == "0%"
    assert share(0.0004) == "<0.1%" and share(-0.0004) == ">-0.1%"
    assert share(12.5, percent=True) == "12.5%"
    assert ratio(0.7333333362601953) == "0.733"
    assert ratio(0.7333333362601953, 2) == "0.73"
    assert ratio(1234567.89) == "1,234,568"
    assert ratio(0.00123456) == "0.0012" and ratio(0.00001) == "<0.0001"
    assert year(2018.5) == "2018" and year("2022") == "2022" and year(2022) == "2022"
    assert days(14.999999999999996) == "15" and days(2.46) == "2.5" and days(3.0) == "3"
    assert days(20, "zh") == "20 天" and days(1, "en") == "1 day" and days(2, "en") == "2 days"
    assert count(12345.0) == "12,345"


@settings(max_examples=300, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15))
def test_no_text_has_long_decimals_or_exponents(v: float) -> None:
    for text in (ratio(v), share(v), days(v), money(v), money(v, "en"), _format.number(v)):
        assert not LONG_DECIMALS.search(text), text
        assert "e+" not in text and "e-" not in text, text
        assert "nan" not in text.lower(), text


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=1000, max_value=2999.99))
def test_years_never_carry_a_separator(v: float) -> None:
    assert re.fullmatch(r"\d{4}", year(v))


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_money_round_trips_to_three_significant_digits(v: float) -> None:
    """The text, read back, is within rounding of the value (no silent unit mistakes)."""
    text = money(v)
    num, unit = text.split(" ")
    scale = {"万元": 1.0, "亿元": 1e4, "万亿元": 1e8}[unit]
    back = float(num.replace(",", "")) * scale
    tol = max(0.005 * scale, 0.5 if unit == "万元" and abs(v) >= 100 else 0.005)
    assert abs(back - v) <= tol * 1.0001 + 1e-9, (v, text)


def test_column_kinds_drive_number_formats() -> None:
    assert column_kind("total_output_loss") == "money"
    assert column_kind("output_value") == "money"
    assert column_kind("local_share") == "share"
    assert column_kind("h_completeness") == "share"
    assert column_kind("min_output_ratio") == "share"
    assert column_kind("tts") == "days" and column_kind("recovery_day") == "days"
    assert column_kind("lq") == "ratio"
    assert column_kind("year") == "year"
    assert column_kind("firms_local") == "count"
    assert column_kind("name") == "text"
    assert set(_format.EXCEL_FORMATS) == set(_format.KINDS) - {"text"}


# ----------------------------------------------------------------- translation table


def _literal_values(model: type, field: str) -> set[str]:
    return set(typing.get_args(model.model_fields[field].annotation))  # type: ignore[attr-defined]


def test_every_declared_code_has_a_label() -> None:
    from chainatlas.advise import ACTIONS, PARTS
    from chainatlas.model import tables
    from chainatlas.network.chain_map import STATUSES
    from chainatlas.network.chokepoints import TYPE_PRIORITY
    from chainatlas.network.health import WEIGHTS
    from chainatlas.sharing.aggregate import LEVELS
    from chainatlas.shock.scenario import Policy, Shock
    from chainatlas.store.access import ROLES

    declared = {
        "stage": set(tables.STAGES), "ownership": set(tables.OWNERSHIP),
        "asset_kind": set(tables.ASSET_KINDS), "owner_kind": set(tables.OWNER_KINDS),
        "region_level": set(tables.REGION_LEVELS), "signal_kind": set(tables.SIGNAL_KINDS),
        "signal_freq": set(tables.SIGNAL_FREQS), "status": set(STATUSES),
        "chokepoint_type": set(TYPE_PRIORITY), "action": set(ACTIONS),
        "advice_part": set(PARTS), "health": set(WEIGHTS), "aggregate_level": set(LEVELS),
        "recovery": _literal_values(Shock, "recovery"),
        "rationing": _literal_values(Policy, "rationing"),
        "order_basis": _literal_values(Policy, "order_basis"), "role": set(ROLES),
        "target_kind": {"firm", "region", "segment", "origin"},
    }
    for domain, codes in declared.items():
        missing = codes - set(CODES[domain])
        assert not missing, f"{domain}: no label for {sorted(missing)}"
        for code in codes:
            zh, en = CODES[domain][code]
            assert zh and en and re.search(r"[\u4e00-\u9fff]", zh), (domain, code)
            assert "_" not in en, (domain, code)


def test_job_statuses_in_the_job_manager_have_labels() -> None:
    """Every string a line of the job manager compares or assigns to a status is labelled."""
    text = (SRC / "api" / "jobs.py").read_text(encoding="utf-8")
    used: set[str] = set()
    for line in text.splitlines():
        if re.search(r"\bstatus\b\s*(=|==|,|in\b)", line):
            used |= set(re.findall(r'"([a-z_]+)"', line))
    used -= {"id", "kind", "status"}  # dictionary keys on the same line
    assert {"queued", "running", "done", "failed", "cancelled"} <= used
    assert used - set(CODES["job_status"]) == set()


def test_codes_emitted_on_the_demo_datasets_have_labels() -> None:
    """Run the engines on both demo datasets and translate every code column they return."""
    from chainatlas.advise import advise_region
    from chainatlas.datasets import load_demo
    from chainatlas.services.chain import chain_map_of, chokepoints_of

    seen: dict[str, set[str]] = {k: set() for k in ("stage", "status", "chokepoint_type",
                                                     "chokepoint_kind", "action")}
    for name in ("yrd-nev", "gd-clusters"):
        ds = load_demo(name)
        if not len(ds.segments):  # an indicator panel only (gd-clusters): no chain codes
            continue
        segs = chain_map_of(ds).segments
        seen["stage"] |= set(segs["stage"].astype(str))
        seen["status"] |= set(segs["status"].astype(str))
        chokes = chokepoints_of(ds).table
        for t in chokes["type"].astype(str):
            seen["chokepoint_type"] |= set(t.split(";"))
        seen["chokepoint_kind"] |= set(chokes["kind"].astype(str))
        for region in (["320100", "340881", "310000"] if len(ds.firms) else []):
            recs = advise_region(ds, region).to_dict()["recommendations"]
            seen["action"] |= {r["action"] for r in recs}
    for domain, codes in seen.items():
        assert codes, f"the demo emitted no {domain} codes"
        assert codes - set(CODES[domain]) == set(), domain


def test_code_and_column_labels() -> None:
    assert code_label("status", "strong") == "强" and code_label("status", "strong", "en") == "strong"
    assert code_label("chokepoint_type", "sole_supplier;import_only", "en") == \
        "sole supplier, import only"
    assert code_label("stage", "unheard_of") == "unheard_of"
    assert column_label("h_innovation") == "创新"
    assert column_label("total_output_loss", "en") == "Total output loss"
    assert column_label("total_output_loss", unit="万元") == "总产出损失 (万元)"
    for col, (zh, en) in _codes.COLUMNS.items():
        assert zh and en, col
        assert "_" not in en and "_" not in zh, col
    rows = _codes.translate_codes([{"stage": "upstream", "status": "missing", "x": 1}], "zh")
    assert rows == [{"stage": "上游", "status": "缺失", "x": 1}]


@pytest.mark.parametrize("module", ["_format", "_codes"])
def test_base_modules_import_nothing_from_the_package(module: str) -> None:
    text = (SRC / f"{module}.py").read_text(encoding="utf-8")
    assert "from chainatlas" not in text and "import chainatlas" not in text


@pytest.mark.parametrize("module", [_format, _codes])
def test_docstring_examples(module: object) -> None:
    import doctest

    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried > 0 and failures == 0
