"""The package's front door: a pinned ``__all__`` and an import that touches nothing."""

from __future__ import annotations

import subprocess
import sys

import chainatlas


def test_public_names_are_pinned() -> None:
    assert sorted(chainatlas.__all__) == sorted([
        "AccessDenied", "ChainAtlasError", "DataNotFound", "Forbidden", "InputError",
        "LimitExceeded", "ModelError", "ScenarioError", "StoreError", "ValidationError",
        "__version__",
        # the Python front door (docs/python.md; tests/test_front_door.py pins the full list)
        "Result", "StoreHandle", "chain", "decide_interventions", "esri", "generate_network", "io", "load_demo",
        "open_store", "reconstruct_network", "resolve_places", "stress",
    ])
    for name in chainatlas.__all__:
        assert hasattr(chainatlas, name)


def test_import_loads_no_web_stack_database_or_engine() -> None:
    code = ("import sys, chainatlas; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('duckdb', 'dash', 'fastapi', 'plotly', 'uvicorn', 'jieba', 'numba', 'igraph', "
            "'pandas')]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_errors_form_one_tree() -> None:
    from chainatlas import exceptions as ex

    for name in ("InputError", "ValidationError", "ScenarioError", "DataNotFound", "ModelError",
                 "StoreError", "AccessDenied", "Forbidden", "LimitExceeded"):
        assert issubclass(getattr(ex, name), ex.ChainAtlasError)
    assert issubclass(ex.Forbidden, ex.AccessDenied)
