"""A dataset in memory: its tables as pandas frames with the columns of :mod:`.tables`.

Compute packages take a :class:`Dataset` (or arrays built from it) and never touch the store.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from chainatlas.model.tables import TABLE_ORDER, TABLES

__all__ = ["Dataset", "empty_frame"]

_PANDAS_DTYPES = {
    "str": "string",
    "int": "Int64",
    "float": "float64",
    "bool": "boolean",
    "date": "string",
    "tags": "object",
}


def empty_frame(table: str) -> pd.DataFrame:
    """An empty frame with the columns and dtypes of ``table``."""
    spec = TABLES[table]
    return pd.DataFrame(
        {c.name: pd.Series(dtype=_PANDAS_DTYPES[c.dtype]) for c in spec.columns}
    )


@dataclass
class Dataset:
    """A named dataset: a mapping of table name to frame.

    Missing tables read as empty frames with the right columns, so analyses need no special case
    for a dataset that has, say, no innovation assets.
    """

    name: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    meta: dict[str, object] = field(default_factory=dict)
    _stages: tuple[tuple[int, int, int, int], pd.DataFrame] | None = field(
        default=None, repr=False, compare=False)

    @classmethod
    def from_frames(cls, name: str, frames: Mapping[str, pd.DataFrame],
                    meta: Mapping[str, object] | None = None) -> Dataset:
        return cls(name, dict(frames), dict(meta or {}))

    def table(self, name: str) -> pd.DataFrame:
        """The frame of ``name`` (an empty one with the right columns when absent)."""
        if name not in TABLES:
            raise KeyError(f"unknown table {name!r}")
        frame = self.tables.get(name)
        return frame if frame is not None else empty_frame(name)

    def present(self) -> list[str]:
        """Names of tables with at least one row, in import order."""
        return [t for t in TABLE_ORDER if t in self.tables and len(self.tables[t])]

    def counts(self) -> dict[str, int]:
        """Row count per table (all tables, in import order)."""
        return {t: len(self.tables.get(t, ())) for t in TABLE_ORDER}

    # Reconstructed ensembles (supply_links.member: 0 observed, k ≥ 1 member k).
    def members(self) -> list[int]:
        """Ensemble members ``k ≥ 1`` among the supply links (empty: no reconstructed link)."""
        links = self.tables.get("supply_links")
        if links is None or "member" not in links or not len(links):
            return []
        m = pd.to_numeric(links["member"], errors="coerce").dropna().astype("int64")
        return sorted(int(v) for v in m.unique() if v > 0)

    @property
    def is_reconstructed(self) -> bool:
        """Whether some supply links come from a reconstruction (see :meth:`member_view`)."""
        return bool(self.members())

    def member_view(self, member: int) -> Dataset:
        """The dataset with one network: observed links (member 0) and those of ``member``.

        Raises :class:`~chainatlas.exceptions.DataNotFound` for a member the dataset lacks.
        """
        from chainatlas.exceptions import DataNotFound

        members = self.members()
        if member not in members:
            raise DataNotFound(f"dataset '{self.name}' has no reconstructed member {member}"
                               + (f" (members 1..{members[-1]})" if members else ""))
        links = self.tables["supply_links"]
        m = pd.to_numeric(links["member"], errors="coerce").fillna(0)
        tables = dict(self.tables)
        tables["supply_links"] = links[(m == 0) | (m == member)].reset_index(drop=True)
        meta = dict(self.meta)
        meta["member"] = member
        return Dataset(self.name, tables, meta)

    # Convenience accessors, one per table.
    @property
    def regions(self) -> pd.DataFrame:
        return self.table("regions")

    @property
    def chains(self) -> pd.DataFrame:
        return self.table("chains")

    @property
    def segments(self) -> pd.DataFrame:
        """The segments; an empty or absent ``stage`` is derived from the bill of materials
        (:mod:`chainatlas.model.stages`; ``meta["stages_derived"]`` counts the rows)."""
        seg = self.table("segments")
        if len(seg) and ("stage" not in seg.columns or seg["stage"].isna().any()):
            bom = self.table("segment_inputs")
            key = (id(seg), id(bom), len(seg), len(bom))
            cached = self._stages
            if cached is None or cached[0] != key:
                from chainatlas.model.stages import fill_stages

                filled, n = fill_stages(seg, bom)
                self._stages = cached = (key, filled)
                self.meta["stages_derived"] = n
            return cached[1]
        return seg

    @property
    def segment_inputs(self) -> pd.DataFrame:
        return self.table("segment_inputs")

    @property
    def firms(self) -> pd.DataFrame:
        return self.table("firms")

    @property
    def firm_segments(self) -> pd.DataFrame:
        return self.table("firm_segments")

    @property
    def supply_links(self) -> pd.DataFrame:
        return self.table("supply_links")

    @property
    def innovation_assets(self) -> pd.DataFrame:
        return self.table("innovation_assets")

    @property
    def tech_needs(self) -> pd.DataFrame:
        return self.table("tech_needs")

    @property
    def investments(self) -> pd.DataFrame:
        return self.table("investments")

    @property
    def indicators(self) -> pd.DataFrame:
        return self.table("indicators")

    @property
    def indicator_defs(self) -> pd.DataFrame:
        return self.table("indicator_defs")
