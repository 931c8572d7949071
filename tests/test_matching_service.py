"""Matching services and CLI: the stored index, its invalidation, bad input, output formats."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from _matching_tiny import tiny_dataset
from chainatlas.exceptions import DataNotFound, InputError
from chainatlas.matching import MatchingEngine
from chainatlas.services import match as svc


@pytest.fixture()
def db(db_path: Path) -> Path:
    from chainatlas.services.datasets import import_frames

    import_frames(db_path, "tiny", tiny_dataset().tables)
    return db_path


def _matching_frames(db: Path) -> list[str]:
    from chainatlas.services.datasets import open_store

    with open_store(db) as store:
        return [k for k in store.list_frames("tiny") if k.startswith("matching/")]


def test_index_is_stored_reused_and_invalidated(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chainatlas.services.datasets import import_frames, open_store

    first = svc.results_for_needs(db, "tiny", top=1)
    assert "matching/fingerprint" in _matching_frames(db)
    with open_store(db) as store:
        version = store.dataset_version("tiny")

    def no_build(*a: object, **k: object) -> MatchingEngine:
        raise AssertionError("index rebuilt although the stored one is valid")

    monkeypatch.setattr(MatchingEngine, "build", no_build)
    monkeypatch.setattr(svc, "_recent", svc._RecentEngines())  # as in a new process
    again = svc.results_for_needs(db, "tiny", top=1)
    assert svc._recent._items  # now kept in memory too
    monkeypatch.setattr(MatchingEngine, "from_frames", no_build)
    assert svc.results_for_needs(db, "tiny", top=1).frame.equals(again.frame)
    assert again.frame[["need", "asset"]].equals(first.frame[["need", "asset"]])
    with open_store(db) as store:
        assert store.dataset_version("tiny") == version  # caching does not bump the version
    monkeypatch.undo()

    new = pd.DataFrame({"id": ["A5"], "kind": ["patent"], "title": ["芯片功能安全认证方法"],
                        "text": ["车规级芯片功能安全认证"], "owner": ["东南大学"],
                        "owner_kind": ["university"], "region": ["320100"]})
    import_frames(db, "tiny", {"innovation_assets": new}, mode="append")
    res = svc.results_for_needs(db, "tiny", need="N3", top=2)
    assert "A5" in set(res.frame["asset"])  # the stale index was rebuilt


def test_services_accept_an_open_store(db: Path) -> None:
    from chainatlas.services.datasets import open_store

    with open_store(db) as store:
        res = svc.firms_for_asset(store, "tiny", "A1", top=2)
        assert res.frame["firm"].iloc[0] == "F1"
        assert store.list_datasets()  # left open for the caller


def test_hours_come_from_region_coordinates(db: Path) -> None:
    import math

    res = svc.results_for_needs(db, "tiny", need="N1", top=1)
    hours = res.frame["hours"].iloc[0]
    # 桐城 (116.95E, 31.04N) → 合肥 (117.23E, 31.82N), haversine on R = 6371 km,
    # road mode: × 1.2 detour ÷ 90 km/h
    p1, p2 = math.radians(31.04), math.radians(31.82)
    dl = math.radians(117.23 - 116.95)
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0 * math.asin(math.sqrt(h))
    assert 85 < km < 95
    assert hours == pytest.approx(km * 1.2 / 90, abs=0.01)
    f = svc.travel_hours(tiny_dataset())
    assert f("310000", "310000") == 0.0 and f("310000", "XXX") is None


def test_classify_bad_input(db: Path) -> None:
    with pytest.raises(InputError, match="empty"):
        svc.classify(db, "tiny", text="  ")
    with pytest.raises(InputError, match="no content words"):
        svc.classify(db, "tiny", text="的了和，。")
    with pytest.raises(InputError, match="either"):
        svc.classify(db, "tiny")
    with pytest.raises(DataNotFound):
        svc.classify(db, "nope", text="隔膜")


def test_very_long_text_is_truncated_with_a_note(db: Path) -> None:
    res = svc.classify(db, "tiny", text="陶瓷涂覆隔膜" + "无关" * 12_000, threshold=1.0)
    assert any("truncated to 20,000" in n for n in res.notes)
    assert res.best().iloc[0] == "separator"


def test_dense_without_model_notes_and_uses_bm25(db: Path) -> None:
    res = svc.results_for_needs(db, "tiny", top=1, backend="hybrid", model=None)
    assert res.backend == "bm25"
    assert any("never downloaded" in n for n in res.notes)


def test_dense_with_npz_model(db: Path, tmp_path: Path) -> None:
    import numpy as np

    tokens = np.array(["隔膜", "涂覆", "陶瓷", "正极材料", "芯片", "安全"])
    np.savez(tmp_path / "m.npz", tokens=tokens, vectors=np.eye(6, dtype=np.float32))
    res = svc.results_for_needs(db, "tiny", top=1, backend="dense", model=tmp_path / "m.npz")
    assert res.backend == "dense" and not res.notes
    assert res.frame.set_index("need")["asset"].to_dict() == {"N1": "A1", "N2": "A2", "N3": "A3"}
    assert not any(e.has_dense for e in svc._recent._items.values())  # shared engine untouched


def test_demo_section_on_tiny(db: Path) -> None:
    sections = svc.demo_section(tiny_dataset())
    assert sections and not sections[0][1].empty


# -- CLI -------------------------------------------------------------------------------------

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str, str]:
    from chainatlas.cli.main import app

    r = runner.invoke(app, list(args))
    return r.exit_code, r.stdout, r.stderr


def test_cli_needs_json_and_csv(db: Path) -> None:
    code, out, _ = _cli("match", "needs", "-d", "tiny", "--db", str(db), "--top", "2",
                        "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["backend"] == "bm25"
    assert data["results"][0]["asset"] == "A1" and data["results"][0]["terms"]
    code, out, _ = _cli("match", "needs", "-d", "tiny", "--db", str(db), "--need", "N2",
                        "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("need,need_title")
    assert ",A2," in out


def test_cli_classify_and_firms(db: Path, tmp_path: Path) -> None:
    code, out, _ = _cli("match", "classify", "-d", "tiny", "--db", str(db), "--text",
                        "陶瓷涂覆隔膜", "--threshold", "1", "-f", "json")
    assert code == 0 and json.loads(out)["results"][0]["segment"] == "separator"
    code, out, _ = _cli("match", "classify", "-d", "tiny", "--db", str(db), "--assets")
    assert code == 0 and "separator" in out
    target = tmp_path / "firms.csv"
    code, _, _ = _cli("match", "firms", "-d", "tiny", "--db", str(db), "--asset", "A1",
                      "-f", "csv", "--out", str(target))
    assert code == 0 and "F1" in target.read_text(encoding="utf-8")


def test_cli_errors_exit_1(db: Path) -> None:
    code, _, err = _cli("match", "classify", "-d", "tiny", "--db", str(db), "--text", "的")
    assert code == 1 and "no content words" in err
    code, _, err = _cli("match", "firms", "-d", "tiny", "--db", str(db), "--asset", "ZZ")
    assert code == 1 and "ZZ" in err


def test_cli_dense_without_model_prints_note(db: Path) -> None:
    code, out, err = _cli("match", "needs", "-d", "tiny", "--db", str(db), "--backend", "dense",
                          "-f", "json")
    assert code == 0 and "never downloaded" in err
    assert json.loads(out)["backend"] == "bm25"
