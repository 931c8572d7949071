"""The docstring examples of the cluster modules run and hold (they carry golden numbers)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["atlas", "complexity", "inequality", "measures", "supermodularity",
           "chainatlas.network.area"]  # travel times build on the great-circle distance there


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name if "." in name else f"chainatlas.cluster.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
