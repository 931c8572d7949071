"""The command line as one tool: exit codes, short options, --version, plain help, tables that
fit the terminal, numbers as the dashboard writes them, and docs/cli.md generated from --help.
"""

from __future__ import annotations

import importlib.util
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from chainatlas import __version__
from chainatlas.cli._output import cell_text
from chainatlas.cli.main import app
from chainatlas.services.datasets import import_frames

REPO = Path(__file__).resolve().parents[1]
#: The short option of each long option, on every command that has the long one.
SHORT = {"--dataset": "-d", "--region": "-r", "--format": "-f", "--out": "-o", "--top": "-k"}


def _leaves(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = getattr(command, "commands", None)
    if subs:
        for name, sub in subs.items():
            yield from _leaves(sub, (*path, name))
    else:
        yield path, command


def _tree() -> Any:
    return typer.main.get_command(app)


def test_every_command_exits_2_on_an_unknown_option() -> None:
    runner = CliRunner()
    leaves = list(_leaves(_tree()))
    assert len(leaves) > 30
    for path, _ in leaves:
        result = runner.invoke(app, [*path, "--no-such-option"])
        assert result.exit_code == 2, (path, result.output)


@pytest.mark.parametrize("args, option", [
    (["report", "-d", "x", "--lang", "fr"], "--lang"),
    (["template", "firms", "--lang", "fr"], "--lang"),
    (["chain", "map", "-d", "x", "--format", "xml"], "--format"),
    (["stress", "tts", "-d", "x", "--top", "0"], "--top"),
])
def test_bad_option_values_are_usage_errors(args: list[str], option: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert option in result.output


def test_the_same_things_have_the_same_short_options() -> None:
    used: dict[str, set[str]] = defaultdict(set)  # short flag -> long names using it
    for path, command in _leaves(_tree()):
        for param in command.params:
            if param.param_type_name != "option":
                continue
            longs = [o for o in param.opts if o.startswith("--")]
            shorts = {o for o in param.opts if not o.startswith("--")}
            for long in longs:
                if long in SHORT:
                    assert SHORT[long] in shorts, (" ".join(path), long, param.opts)
            for short in shorts:
                used[short].update(longs)
    for short, want in SHORT.items():
        assert used[want] == {short}, (want, used[want])


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"chainatlas {__version__}"


def test_help_has_no_type_beside_flags() -> None:
    for path, _ in [((), None), *_leaves(_tree())]:
        result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "100"})
        assert result.exit_code == 0, path
        assert "<bool>" not in result.output, path
        assert re.search(r"^\s+--help\s+Show this message and exit\.$", result.output, re.M), path


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    db = tmp_path / "t.duckdb"
    import_frames(db, "wide-dataset-name", {"firms": pd.DataFrame(
        {"id": ["F1"], "name": ["示例·很长的企业名称有限公司"], "region": ["320100"]})})
    return db


def test_tables_fit_the_terminal_and_wide_prints_them_whole(store: Path) -> None:
    narrow = CliRunner().invoke(app, ["datasets", "list", "--db", str(store)],
                                env={"COLUMNS": "60"})
    assert narrow.exit_code == 0, narrow.output
    table_lines = [ln for ln in narrow.output.splitlines() if ln[:1] in "┏┃┡│└"]
    assert table_lines and all(len(ln) <= 60 for ln in table_lines), narrow.output
    note = re.search(r"more column\(s\) not shown: ([a-z_, ]+)", narrow.output.replace("\n", " "))
    assert note, narrow.output
    hidden = [c.strip() for c in note.group(1).split(",")]
    assert "rows" in hidden and "name" not in hidden
    wide = CliRunner().invoke(app, ["datasets", "list", "--db", str(store), "--wide"],
                              env={"COLUMNS": "60"})
    assert wide.exit_code == 0, wide.output
    header = next(ln for ln in wide.output.splitlines() if ln.startswith("┃"))
    for col in ("name", "version", "updated_at", "segments", "firms", "supply_links", "rows"):
        assert f" {col} " in header, header
    assert "not shown" not in wide.output


def test_cli_numbers_read_as_in_the_dashboard(capsys: pytest.CaptureFixture[str]) -> None:
    from chainatlas._format import fmt

    assert cell_text(7.95e6, "total_output_loss") == fmt(7.95e6, "money") == "795.00 亿元"
    assert cell_text(0.1234, "local_share") == "12.3%"
    assert cell_text(7.95e6, "some_measure") == "7,950,000"
    assert cell_text(1.23e-7, "x") == "<0.0001"
    assert cell_text(320100, "region") == "320100"  # codes keep their digits
    assert cell_text(float("nan"), "x") == "" and cell_text(["a", "b"], "tags") == "a;b"
    from chainatlas.cli._output import emit

    emit({"total_output_loss": 7.95e6, "tiny": 1.5e-9})  # a result mapping, as commands print
    printed = capsys.readouterr().out
    assert "e+" not in printed and "e-" not in printed
    assert "795.00 亿元" in printed and "<0.0001" in printed


def test_cli_reference_is_generated_from_the_commands() -> None:
    """docs/cli.md is exactly what scripts/cli_docs.py writes now; after changing a command,
    regenerate it with `python scripts/cli_docs.py`."""
    spec = importlib.util.spec_from_file_location("cli_docs", REPO / "scripts" / "cli_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    expected = module.render()
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == expected, "docs/cli.md is out of date: run python scripts/cli_docs.py"
    for path, _ in _leaves(_tree()):
        assert f"## `chainatlas {' '.join(path)}`" in current, path


def test_an_analysis_names_the_tables_it_lacks(tmp_path: Path) -> None:
    db = tmp_path / "f.duckdb"
    import_frames(db, "mychain", {"firms": pd.DataFrame(
        {"id": ["F1"], "name": ["甲"], "region": ["320100"]})})
    for args in (["chain", "map"], ["advise", "-r", "320100"], ["chain", "chokepoints"]):
        result = CliRunner().invoke(app, [*args, "-d", "mychain", "--db", str(db)])
        assert result.exit_code == 1, (args, result.output)
        assert "has no " in result.output and "chainatlas import " in result.output, result.output
    result = CliRunner().invoke(app, ["chain", "map", "-d", "mychain", "--db", str(db)])
    assert "has no segments, firm_segments" in result.output
    assert "chainatlas import segments segments.csv --dataset mychain" in result.output


def test_readme_quickstart_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every line of the README's quickstart, in an empty folder: each file it reads was made
    by an earlier line, and every command succeeds."""
    import shlex

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Quickstart with your own data", 1)[1].split("```bash", 1)[1]
    lines = [ln.split("#", 1)[0].strip() for ln in block.split("```", 1)[0].splitlines()]
    commands = [shlex.split(ln) for ln in lines if ln]
    assert len(commands) >= 6 and all(c[0] == "chainatlas" for c in commands)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CHAINATLAS_DB", raising=False)
    for cmd in commands:
        result = CliRunner().invoke(app, cmd[1:], env={"COLUMNS": "120"})
        assert result.exit_code == 0, (cmd, result.output[-2000:])
    assert (tmp_path / "out" / "firms.xlsx").is_file()
