"""Match a file's column headers (Chinese or English) to a table's columns."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from chainatlas.model.tables import TableSpec

__all__ = ["HeaderMatch", "map_headers", "normalise_header"]

_SPACE = re.compile(r"\s+")


def normalise_header(text: object) -> str:
    """A header folded for matching: NFKC (full-width → ASCII), no spaces, case-folded.

    >>> normalise_header(" 企业名称 ")
    '企业名称'
    >>> normalise_header("ＮＡＭＥ")
    'name'
    >>> normalise_header("产能（单位/天）")
    '产能(单位/天)'
    """
    s = unicodedata.normalize("NFKC", str(text))
    s = s.replace("\ufeff", "")
    return _SPACE.sub("", s).casefold()


@dataclass
class HeaderMatch:
    """How a file's headers map to a table's columns.

    ``columns`` maps each file header that was recognised to its column; ``unknown`` lists headers
    that match nothing; ``missing`` the required columns no header supplies; ``clashes`` pairs of
    headers that both name the same column.
    """

    columns: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    clashes: list[tuple[str, str, str]] = field(default_factory=list)

    def header_of(self, column: str) -> str:
        """The header as written in the file for ``column`` (the column name if absent)."""
        for header, col in self.columns.items():
            if col == column:
                return header
        return column


#: Headers of supplier and facility lists read as a column only when no other header supplies it
#: (a list with both ``address`` and ``region`` keeps ``region`` and ignores ``address``).
FALLBACK_HEADERS: dict[str, dict[str, str]] = {
    "firms": {"address": "region", "地址": "region", "facility address": "region",
              "supplier": "name", "供应商": "name", "supplier name": "name"},
}


def map_headers(headers: list[object], spec: TableSpec) -> HeaderMatch:
    """Match ``headers`` against the canonical names, Chinese labels and aliases of ``spec``."""
    lookup = {normalise_header(k): v for k, v in spec.header_map().items()}
    for c in spec.columns:
        lookup.setdefault(normalise_header(c.name), c.name)
    out = HeaderMatch()
    taken: dict[str, str] = {}
    for h in headers:
        header = str(h)
        col = lookup.get(normalise_header(header))
        if col is None:
            out.unknown.append(header)
        elif col in taken:
            out.clashes.append((taken[col], header, col))
        else:
            taken[col] = header
            out.columns[header] = col
    fallback = {normalise_header(k): v for k, v in FALLBACK_HEADERS.get(spec.name, {}).items()}
    for header in list(out.unknown):
        col = fallback.get(normalise_header(header))
        if col is not None and col not in taken:
            taken[col] = header
            out.columns[header] = col
            out.unknown.remove(header)
    out.missing = [c.name for c in spec.columns if c.required and c.name not in taken]
    return out
