"""The docstring examples of the evaluation modules run and hold (they carry golden numbers)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["standardise", "weights", "ahp", "scores", "coupling", "grades", "obstacle",
           "templates"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"chainatlas.evaluation.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
