"""The one exception tree of chainatlas.

Every error the package raises on purpose derives from :class:`ChainAtlasError`::

    ChainAtlasError
    ├── InputError            bad input: a file, a row, a column, a parameter (CLI exit 1, HTTP 400/422)
    │   ├── ValidationError   a table failed validation; carries the list of problems
    │   └── ScenarioError     a scenario file failed validation (names the key and the bad value)
    ├── DataNotFound          a dataset, table, firm, segment … that does not exist (CLI exit 1, HTTP 404)
    ├── ModelError            an analysis could not run on valid input (singular system, no solution) (exit 1, HTTP 422)
    ├── StoreError            the store cannot be opened, is locked or failed its integrity check (exit 1, HTTP 503)
    ├── AccessDenied          missing or wrong credentials (exit 1, HTTP 401)
    │   └── Forbidden         known account, but no right to this object or action (exit 1, HTTP 403)
    └── LimitExceeded         an upload, row count or run time limit was hit (exit 1, HTTP 413)

Adapters map the tree to exit codes and HTTP statuses in one table each
(:data:`EXIT_CODES` below is the CLI's table).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "EXIT_CODES",
    "AccessDenied",
    "ChainAtlasError",
    "DataNotFound",
    "Forbidden",
    "InputError",
    "LimitExceeded",
    "ModelError",
    "Problem",
    "ScenarioError",
    "StoreError",
    "ValidationError",
]


class ChainAtlasError(Exception):
    """Base of every error chainatlas raises on purpose.

    ``code`` is a short machine-readable name used by the API's error envelope;
    ``details`` carries structured context (JSON-serialisable).
    """

    code: str = "error"

    def __init__(self, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        """The API error envelope's inner object: ``{"code", "message", "details"}``."""
        return {"code": self.code, "message": self.message, "details": self.details}


class InputError(ChainAtlasError):
    """Bad input from a user: a file, a row, a column or a parameter."""

    code = "bad_input"


@dataclass(frozen=True)
class Problem:
    """One problem found while validating a table.

    ``row`` is the 1-based data row as a person sees it in the file (the header is row 1, so the
    first data row is row 2 in a CSV/Excel file); ``None`` when the problem is about the whole file
    or a whole column.
    """

    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    value: Any = None
    expected: str | None = None
    severity: str = "error"  # "error" | "warning"

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        head = ", ".join(where)
        text = self.message
        if self.value is not None and "value" not in text:
            text += f" (value: {self.value!r})"
        if self.expected:
            text += f"; expected {self.expected}"
        return f"{head}: {text}" if head else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": None if self.value is None else str(self.value),
            "expected": self.expected,
            "severity": self.severity,
        }


class ValidationError(InputError):
    """A table failed validation. ``problems`` lists up to 20 of them (``total`` counts all)."""

    code = "validation_failed"
    max_listed = 20

    def __init__(self, problems: list[Problem], *, total: int | None = None,
                 title: str = "validation failed") -> None:
        self.problems = [p for p in problems if p.severity == "error"][: self.max_listed]
        self.total = total if total is not None else sum(p.severity == "error" for p in problems)
        lines = [f"{title}: {self.total} problem(s)"]
        lines += [f"  - {p}" for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  … and {self.total - len(self.problems)} more")
        super().__init__("\n".join(lines), details=[p.to_dict() for p in self.problems])


class ScenarioError(InputError):
    """A scenario file is invalid; the message names the key and the bad value."""

    code = "bad_scenario"


class DataNotFound(ChainAtlasError):
    """A dataset, table or object that was asked for does not exist."""

    code = "not_found"


class ModelError(ChainAtlasError):
    """An analysis cannot be carried out on this (valid) input."""

    code = "model_error"


class StoreError(ChainAtlasError):
    """The store cannot be opened, is locked, or fails its integrity check."""

    code = "store_error"


class AccessDenied(ChainAtlasError):
    """Missing or wrong credentials, or no right to the object."""

    code = "access_denied"


class Forbidden(AccessDenied):
    """The caller is known but may not read or change this object."""

    code = "forbidden"


class LimitExceeded(ChainAtlasError):
    """An upload size, row count or run-time limit was exceeded."""

    code = "limit_exceeded"


#: CLI exit code per error class (most specific class first wins). Usage errors exit 2 (click).
EXIT_CODES: dict[type[ChainAtlasError], int] = {
    InputError: 1,
    DataNotFound: 1,
    ModelError: 1,
    StoreError: 1,
    AccessDenied: 1,
    Forbidden: 1,
    LimitExceeded: 1,
    ChainAtlasError: 1,
}


@dataclass
class ProblemList:
    """Collects problems while validating; used by readers and validators."""

    file: str | None = None
    items: list[Problem] = field(default_factory=list)

    def add(self, message: str, *, row: int | None = None, column: str | None = None,
            value: Any = None, expected: str | None = None, severity: str = "error") -> None:
        self.items.append(Problem(message, self.file, row, column, value, expected, severity))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def raise_if_errors(self, title: str = "validation failed") -> None:
        if self.errors:
            raise ValidationError(self.items, title=title)
