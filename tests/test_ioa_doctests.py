"""The docstring examples of the IO engine run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["chainatlas.ioa.leontief", "chainatlas.ioa.multipliers", "chainatlas.ioa.linkages",
           "chainatlas.ioa.extraction", "chainatlas.ioa.shocks", "chainatlas.ioa.diim",
           "chainatlas.ioa.imports"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
