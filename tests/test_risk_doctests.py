"""The docstring examples of the systemic-risk engine run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["chainatlas.risk.network", "chainatlas.risk.esri", "chainatlas.risk.footprint",
           "chainatlas.risk.classification"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.attempted > 0
    assert result.failed == 0
