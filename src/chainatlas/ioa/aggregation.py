"""Aggregation of an IO table by a sector concordance (Miller & Blair 2009, §4.3).

With a 0/1 concordance matrix ``C`` (groups × industries; :math:`c_{gi} = 1` if industry *i*
belongs to group *g*), flows aggregate as

.. math::

    Z^{agg} = C Z C', \\quad Y^{agg} = C Y, \\quad V^{agg} = V C', \\quad x^{agg} = C x,

which keeps both balance identities. Multi-regional tables aggregate sectors within each region
(the concordance maps sector labels; regions are kept).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from chainatlas.exceptions import InputError
from chainatlas.model.iotable import IOTable

__all__ = ["aggregate", "concordance_matrix"]


def concordance_matrix(labels: list[str], mapping: Mapping[str, str]
                       ) -> tuple[sp.csr_matrix, list[str]]:
    """The 0/1 matrix ``C`` (groups × labels) and the group names (in first-seen order).

    Raises :class:`InputError` naming labels the mapping does not cover.
    """
    missing = [lab for lab in labels if lab not in mapping]
    if missing:
        raise InputError(f"concordance does not map {len(missing)} sector(s): {missing[:10]}")
    groups = list(dict.fromkeys(str(mapping[lab]) for lab in labels))
    gpos = {g: i for i, g in enumerate(groups)}
    rows = np.array([gpos[str(mapping[lab])] for lab in labels], dtype=np.int64)
    C = sp.csr_matrix((np.ones(len(labels)), (rows, np.arange(len(labels)))),
                      shape=(len(groups), len(labels)))
    return C, groups


def aggregate(table: IOTable, mapping: Mapping[str, str]) -> IOTable:
    """Aggregate ``table``'s sectors by ``mapping`` (sector label → group label), per region."""
    missing = sorted({s for s in table.sectors if s not in mapping})
    if missing:
        raise InputError(f"concordance does not map {len(missing)} sector(s): {missing[:10]}")
    # group key per industry: (region, group), joined by a separator no label contains
    keys = [f"{r}\x1f{mapping[s]}" for r, s in zip(table.regions, table.sectors, strict=True)]
    C, groups = concordance_matrix(keys, {k: k for k in keys})
    Cd = C.toarray()

    def left(a: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(C @ a, dtype=np.float64)

    Z = left(left(table.Z).T).T
    regions = [g.split("\x1f", 1)[0] for g in groups]
    sectors = [g.split("\x1f", 1)[1] for g in groups]
    return IOTable(Z=Z, Y=left(table.Y), V=table.V @ Cd.T, x=Cd @ table.x, sectors=sectors,
                   regions=regions, fd_labels=table.fd_labels, va_labels=table.va_labels,
                   M=None if table.M is None else table.M @ Cd.T, m_labels=table.m_labels,
                   F=None if table.F is None else table.F @ Cd.T, f_labels=table.f_labels,
                   unit=table.unit, name=f"{table.name} (aggregated)" if table.name else "",
                   notes=[*table.notes, f"aggregated from {table.n} to {len(groups)} industries"])
