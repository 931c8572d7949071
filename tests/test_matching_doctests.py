"""The docstring examples of the matching modules run and hold."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["bm25", "fusion", "metrics", "text"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(f"chainatlas.matching.{name}")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
