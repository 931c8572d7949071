"""Collecting validation problems: count them all, list the first few in file order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from chainatlas._validation import MAX_LISTED, flagged_positions, plain_value
from chainatlas.exceptions import Problem, ValidationError

__all__ = ["ProblemCollector"]


class ProblemCollector:
    """Counts every problem and keeps the warnings and enough errors to list the first ones.

    Each check keeps at most ``limit`` of its own problems; the raised error lists the first
    ``limit`` of all of them in file order (whole-file and whole-column problems first).
    """

    def __init__(self, limit: int = MAX_LISTED) -> None:
        self.limit = limit
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.total = 0

    def add(self, problem: Problem) -> None:
        """Record one problem (an error unless its severity is ``"warning"``)."""
        if problem.severity == "warning":
            self.warnings.append(problem)
            return
        self.total += 1
        self.errors.append(problem)

    def add_cells(self, mask: np.ndarray, *, rows: np.ndarray, values: pd.Series, file: str | None,
                  column: str | None, message: str | Callable[[Any], str],
                  expected: str | None) -> None:
        """One error per True in ``mask``: all counted, the first ``limit`` kept.

        ``rows`` holds the row number a person sees for each position; ``values`` the raw cells.
        """
        idx, total = flagged_positions(mask, self.limit)
        if total == 0:
            return
        for i in idx:
            v = values.iloc[i]
            text = message(v) if callable(message) else message
            self.errors.append(Problem(text, file, int(rows[i]), column, plain_value(v),
                                       expected))
        self.total += total

    def first_errors(self) -> list[Problem]:
        """The first ``limit`` errors in file order."""
        ordered = sorted(self.errors, key=lambda p: (p.row is not None, p.row or 0))
        return ordered[: self.limit]

    def raise_if_errors(self, title: str = "validation failed") -> None:
        """Raise one :class:`ValidationError` if any error was recorded."""
        if self.total:
            raise ValidationError(self.first_errors(), total=self.total, title=title)
