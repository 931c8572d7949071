"""Helpers for compiled kernels shared by the compute packages."""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any

__all__ = ["ThreadChooser", "clone_function"]


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


class ThreadChooser:
    """Step by step (a simulated day), the threaded kernels or the single-threaded ones:
    whichever ran a step faster when last tried (used where both give the same bits: the
    firm model's day kernels, ARIO's flow sweeps).

    On a machine shared with other work two threads can be slower than one: when another
    process holds a core, every parallel region waits at its barrier for the thread that lost
    its core (and the scheduler may share one allowance among all of a session's threads).
    So the run keeps its current mode and, every ``every`` days, runs one day in the other
    mode; it switches when that day was faster than the day before it. A probe that loses
    doubles the interval (up to ``max_every``), one that wins resets it, so an idle machine
    pays a few single-threaded days per run and a busy one falls back to one thread.
    """

    def __init__(self, every: int = 8, max_every: int = 64) -> None:
        self.base = every
        self.every = every
        self.max_every = max_every
        self.mode = True                  # threaded
        self.next_probe = every
        self.last: dict[bool, float] = {}
        self.probing = False

    def threaded(self, t: int) -> bool:
        """Whether day ``t`` runs the threaded kernels."""
        self.probing = t >= self.next_probe and self.mode in self.last
        return self.mode != self.probing

    def record(self, t: int, threaded: bool, seconds: float) -> None:
        """Wall seconds the kernels of day ``t`` took in mode ``threaded``."""
        if self.probing:
            if seconds < self.last[self.mode]:
                self.mode = threaded
                self.every = self.base
            else:
                self.every = min(2 * self.every, self.max_every)
            self.next_probe = t + self.every
        self.last[threaded] = seconds
