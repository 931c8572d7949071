"""The docstring examples of the reconstruction engine run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["chainatlas.reconstruct.inputs", "chainatlas.reconstruct.ensemble",
           "chainatlas.reconstruct.bands", "chainatlas.reconstruct.concordance"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
