"""Stage-level bills of materials (e.g. the Willems 2008 chains) as shock-model networks.

Given stages with external demand :math:`d` (units/day) and cost added :math:`c` (per unit),
and arcs "stage *k* uses :math:`r_{ik}` units of stage *i*":

- throughput solves :math:`x = d + R x` (BOM explosion);
- unit value is the cumulative cost, :math:`v = c + R^T v`;
- daily flows :math:`A_{ik} = r_{ik} x_k v_i` and final demand :math:`C_k = d_k v_k` (value per
  day), so the dynamic model's balanced baseline is :math:`P^{ini}_k = v_k x_k`.

Every stage is its own segment (no substitution between stages), as in the TTS/TTR mapping.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.sparse.linalg import splu

from chainatlas.exceptions import InputError, ModelError
from chainatlas.shock.lp import BomNetwork, stage_throughput
from chainatlas.shock.network import ShockNetwork

__all__ = ["stage_networks"]


def stage_networks(stage_ids: Sequence[str], supplier: npt.ArrayLike, customer: npt.ArrayLike,
                   units: npt.ArrayLike, demand: npt.ArrayLike, cost: npt.ArrayLike, *,
                   inventory_days: float = 15.0, spare_capacity: float = 0.1
                   ) -> tuple[BomNetwork, ShockNetwork]:
    """The TTS/TTR network (units) and the dynamic-model network (value) of a stage BOM.

    Parameters
    ----------
    stage_ids : stage names (n).
    supplier, customer : stage indices of each arc (supplier → consuming stage).
    units : units of the supplier per unit of the customer (> 0).
    demand : external demand per day (0 where none; NaN read as 0).
    cost : cost added at each stage per unit (NaN read as 0).
    """
    n = len(stage_ids)
    sup = np.asarray(supplier, dtype=np.int64)
    cus = np.asarray(customer, dtype=np.int64)
    r = np.asarray(units, dtype=np.float64)
    d = np.nan_to_num(np.asarray(demand, dtype=np.float64), nan=0.0)
    c = np.nan_to_num(np.asarray(cost, dtype=np.float64), nan=0.0)
    if d.shape != (n,) or c.shape != (n,):
        raise InputError(f"demand and cost need one value per stage ({n})")
    if (d < 0).any() or (c < 0).any():
        raise InputError("demand and cost must be ≥ 0")
    if not d.any():
        raise InputError("no stage has external demand")
    x = stage_throughput(n, sup, cus, r, d)
    R = sp.csr_matrix((r, (sup, cus)), shape=(n, n))
    try:
        v = splu((sp.identity(n, format="csc") - R.T.tocsc()).tocsc()).solve(c)
    except RuntimeError as err:
        raise ModelError(f"the bill of materials is cyclic or singular: {err}") from None
    v = np.maximum(v, 0.0)
    # a stage with no cost anywhere upstream still needs a positive price for the value model
    v = np.where(v > 0, v, max(float(v[v > 0].min()) if (v > 0).any() else 1.0, 1e-9) * 1e-3)
    bom = BomNetwork.from_stages(stage_ids, sup, cus, r, d, inventory_days=inventory_days,
                                 spare_capacity=spare_capacity)
    flow = r * x[cus] * v[sup]
    shock_net = ShockNetwork.from_arrays(
        sup, cus, flow, n_firms=n, final_demand=d * v, firm_ids=np.asarray(stage_ids, dtype=object),
        edge_segment=sup.astype(np.int32), segment_ids=np.asarray(stage_ids, dtype=object),
        firm_segment=np.arange(n, dtype=np.int32))
    return bom, shock_net
