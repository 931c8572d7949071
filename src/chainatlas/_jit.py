"""Helpers for compiled kernels shared by the compute packages."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any


def clone_function(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    """A copy of ``fn`` under another name.

    numba caches compiled code per qualified name, so a kernel compiled twice (for example once
    with ``parallel=True`` and once without) needs two names to keep two cache entries.
    """
    code = fn.__code__.replace(co_name=name, co_qualname=name)
    g = types.FunctionType(code, fn.__globals__, name)
    g.__qualname__ = name
    g.__doc__ = fn.__doc__
    return g
