"""`stress sweep` screens and ranks firms by the exact cascade share, as `chain chokepoints`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainatlas.cli.main import app

runner = CliRunner()


def _json(args: list[str]) -> object:
    res = runner.invoke(app, args)
    assert res.exit_code == 0, res.output
    return json.loads(res.stdout)


@pytest.mark.realdata
def test_sweep_ranking_agrees_with_chokepoints_on_a_willems_chain(shared_data: Path,
                                                                   db_path: Path) -> None:
    path = shared_data / "supply_chains" / "willems_05.csv"
    res = runner.invoke(app, ["import", "willems", str(path), "-d", "w", "--db", str(db_path)])
    assert res.exit_code == 0, res.output
    cp = _json(["chain", "chokepoints", "-d", "w", "--db", str(db_path), "-f", "json"])
    firms = [r for r in cp["chokepoints"] if r["kind"] == "firm"]  # type: ignore[index]
    assert len(firms) >= 10
    share = {r["id"]: r["share"] for r in firms}
    sw = runner.invoke(app, ["stress", "sweep", "-d", "w", "--db", str(db_path), "-f", "json"])
    assert sw.exit_code == 0, sw.output
    rows = json.loads(sw.stdout)
    assert "ranked by the exact cascade share" in sw.stderr
    # the same numbers for every listed chokepoint ...
    by_firm = {r["firm"]: r for r in rows}
    for fid, s in share.items():
        assert by_firm[fid]["cascade_share"] == pytest.approx(s, abs=1e-12)
    # ... and the same order: the sweep's ranking restricted to the chokepoint firms lists
    # their shares exactly as chain chokepoints does (ties may be ordered differently)
    order = [r["cascade_share"] for r in rows if r["firm"] in share]
    assert order == pytest.approx([r["share"] for r in firms], abs=1e-12)
    ranks = [r["rank"] for r in rows]
    assert ranks == list(range(1, len(rows) + 1))
    assert [r["cascade_share"] for r in rows] == sorted((r["cascade_share"] for r in rows),
                                                        reverse=True)
    # screening keeps the firms with the largest exact shares
    top = _json(["stress", "sweep", "-d", "w", "--db", str(db_path), "--screen", "6",
                 "-f", "json"])
    kth = sorted((r["cascade_share"] for r in rows), reverse=True)[5]
    assert len(top) == 6 and all(r["cascade_share"] >= kth - 1e-12 for r in top)  # type: ignore[union-attr]
    # --rank-by loss: the simulated loss decides
    loss = _json(["stress", "sweep", "-d", "w", "--db", str(db_path), "--rank-by", "loss",
                  "-f", "json"])
    losses = [r["total_output_loss"] for r in loss]  # type: ignore[union-attr]
    assert losses == sorted(losses, reverse=True)
    bad = runner.invoke(app, ["stress", "sweep", "-d", "w", "--db", str(db_path), "--each",
                              "segment", "--rank-by", "share"])
    assert bad.exit_code == 1 and "firm sweep" in bad.output
