"""``chainatlas demo`` end to end on a temporary store, and the demo service's contract."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from chainatlas.cli.main import app
from chainatlas.datasets import load_demo
from chainatlas.services.datasets import list_datasets, load_dataset
from chainatlas.services.demo import DEMO_TOPICS, build_demo_store, run_demo


def test_demo_command_runs_end_to_end(tmp_path: Path) -> None:
    db, out = tmp_path / "demo.duckdb", tmp_path / "report"
    result = CliRunner().invoke(app, ["demo", "--db", str(db), "--out", str(out)],
                                env={"COLUMNS": "200"})  # long temporary paths on one line
    assert result.exit_code == 0, result.output
    assert "yrd-nev" in result.output and "supply_links" in result.output
    # a short account and the paths of what it wrote; the tables only with --verbose
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) <= 30, result.output
    for written in (db.resolve(), out.resolve() / "report.html", out.resolve() / "report.xlsx"):
        assert str(written) in result.output.replace("\n", ""), written
    assert "┏" not in result.output  # no table printed
    listed = list_datasets(db).set_index("name")
    assert set(listed.index) == {"yrd-nev", "gd-clusters"}
    assert listed.loc["yrd-nev", "firms"] == len(load_demo("yrd-nev").firms)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert list(summary["sections"]) == [*DEMO_TOPICS, "report"]
    assert set(summary["sections"].values()) == {"ok"}
    assert (out / "datasets.csv").is_file()
    for topic in DEMO_TOPICS:
        assert list((out / topic).glob("*.csv")), topic
    assert (out / "report.html").stat().st_size > 10_000
    assert (out / "report.xlsx").stat().st_size > 1_000
    # the lists workbook speaks to readers: every header in Chinese, no field names
    from openpyxl import load_workbook

    book = load_workbook(out / "report.xlsx", read_only=True)
    for ws in book.worksheets:
        header = [str(c) for c in next(ws.iter_rows(max_row=1, values_only=True))]
        assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), (ws.title, header)
        assert not [h for h in header if re.search(r"[a-z]_[a-z]", h)], (ws.title, header)


def test_demo_store_round_trips_the_packaged_data(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    counts = build_demo_store(db)
    assert counts["yrd-nev"]["supply_links"] == len(load_demo("yrd-nev").supply_links)
    stored, packaged = load_dataset(db, "yrd-nev"), load_demo("yrd-nev")
    for table in ("segments", "firms", "supply_links", "innovation_assets"):
        a = stored.table(table).sort_values(list(stored.table(table).columns[:3]))
        b = packaged.table(table).sort_values(list(packaged.table(table).columns[:3]))
        assert a.astype(str).to_numpy().tolist() == b.astype(str).to_numpy().tolist(), table
    # building twice replaces rather than duplicates
    again = build_demo_store(db)
    assert again == counts
    assert list_datasets(db).set_index("name").loc["yrd-nev", "firms"] == len(packaged.firms)


def test_a_topic_without_demo_section_fails_the_demo(tmp_path: Path) -> None:
    from chainatlas.exceptions import ModelError

    console = Console(record=True, width=100)
    with pytest.raises(ModelError, match="no_such_topic_xyz"):
        run_demo(tmp_path / "d.duckdb", tmp_path / "o", console, topics=("no_such_topic_xyz",))
    assert "no_such_topic_xyz: failed: no demo section" in console.export_text()


def test_sections_are_printed_written_and_failures_reported(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import sys
    import types

    import pandas as pd

    from chainatlas.exceptions import ModelError

    good = types.ModuleType("chainatlas.services._probe_good")
    good.demo_section = lambda ds: [("企业数 firms", pd.DataFrame({  # type: ignore[attr-defined]
        "n": [len(ds.firms)], "min_value": [ds.supply_links["value"].min()]}))]
    bad = types.ModuleType("chainatlas.services._probe_bad")

    def boom(ds: object) -> list[tuple[str, pd.DataFrame]]:
        raise ModelError("no solution")

    bad.demo_section = boom  # type: ignore[attr-defined]
    buggy = types.ModuleType("chainatlas.services._probe_buggy")

    def mutate_then_crash(ds: Any) -> list[tuple[str, pd.DataFrame]]:
        ds.tables["firms"] = ds.tables["firms"].iloc[0:0]
        ds.tables["supply_links"].loc[:, "value"] = -1.0  # mutate a shared frame in place
        return [("x", pd.DataFrame({"per_firm": [1 / len(ds.tables["firms"])]}))]

    buggy.demo_section = mutate_then_crash  # type: ignore[attr-defined]
    for module in (good, bad, buggy):
        monkeypatch.setitem(sys.modules, module.__name__, module)
    console = Console(record=True, width=120)
    with pytest.raises(ModelError, match="_probe_bad, _probe_buggy") as info:
        run_demo(tmp_path / "d.duckdb", tmp_path / "o", console,
                 topics=("_probe_bad", "_probe_buggy", "_probe_good"),
                 show=lambda title, frame: console.print(title, frame.to_string()))
    sections = info.value.details["sections"]
    assert sections == {"_probe_bad": "failed: no solution",
                        "_probe_buggy": "failed: ZeroDivisionError: division by zero",
                        "_probe_good": "ok"}
    written = pd.read_csv(tmp_path / "o" / "_probe_good" / "01_企业数_firms.csv",
                          encoding="utf-8-sig")
    assert written["n"].tolist() == [len(load_demo("yrd-nev").firms)]
    assert written["min_value"].iloc[0] >= 0  # the buggy section's changes did not leak
    text = console.export_text()
    assert "企业数 firms" in text and "_probe_bad: failed: no solution" in text


def test_demo_on_an_unusable_store_path_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "dir.duckdb"
    bad.mkdir()
    result = CliRunner().invoke(app, ["demo", "--db", str(bad), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "error:" in result.output


@pytest.mark.parametrize("args", [["demo", "--nope"], ["generate"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert CliRunner().invoke(app, args).exit_code == 2


REPO = Path(__file__).resolve().parents[1]


def _click_group():  # type: ignore[no-untyped-def]
    import typer

    return typer.main.get_command(app)


def test_docs_describe_every_option_of_demo_and_generate() -> None:
    docs = (REPO / "docs" / "demo.md").read_text(encoding="utf-8")
    group = _click_group()
    for name in ("demo", "generate"):
        for param in group.commands[name].params:
            if param.name == "help":
                continue
            assert any(f"`{opt}" in docs for opt in param.opts), (name, param.opts)


def test_readme_names_only_commands_that_exist() -> None:
    import re

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    group = _click_group()
    named = set(re.findall(r"chainatlas ([a-z][a-z-]+)", readme))
    assert {"demo", "generate", "template", "import", "export", "datasets"} <= named
    assert named <= set(group.commands), named - set(group.commands)
    # sub-commands listed as `chainatlas chain map\|throughput` exist too
    for cmd, subs in re.findall(r"`chainatlas ([a-z-]+) ([a-z-]+(?:\\\|[a-z-]+)+)`", readme):
        listed = set(subs.split("\\|"))
        assert listed <= set(group.commands[cmd].commands), (cmd, listed)
    assert "python3 -m pip install -e . && chainatlas demo" in readme
    assert 'python3 -m pip install -e ".[all]" && python3 -m pytest -n 2 -q' in readme
