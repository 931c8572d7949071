"""Relatedness: proximity, density, distance, complexity outlook (COI) and outlook gain (COG).

Hidalgo, Klinger, Barabási & Hausmann (2007) "The product space conditions the development of
nations", *Science* 317; Hausmann et al. (2014) *The Atlas of Economic Complexity*, ch. 3–5.

.. math::

    \\varphi_{pp'} = \\frac{\\sum_c M_{cp} M_{cp'}}{\\max(k_{p,0}, k_{p',0})}
    \\qquad (\\varphi_{pp} = 1 \\text{ for binary } M)

    d_{cp} = \\frac{\\sum_{p'} M_{cp'} \\varphi_{pp'}}{\\sum_{p'} \\varphi_{pp'}}, \\qquad
    \\mathrm{dist}_{cp} = 1 - d_{cp}

    COI_c = \\sum_p d_{cp} (1 - M_{cp}) k_p \\quad\\text{(then z-scored over locations)}

    COG_{cp} = (1 - M_{cp}) \\sum_{p'} (1 - M_{cp'}) \\frac{\\varphi_{p'p}}{\\sum_{p''}
    \\varphi_{p'p''}} k_{p'} \\Big/ \\sigma(k_c)

``k_p`` and ``k_c`` are the sign-corrected raw eigenvectors of
:func:`~chainatlas.cluster.complexity.complexity_indices` (as py-ecomplexity and the Stata
package do). ``include_self=False`` sets :math:`\\varphi_{pp} = 0` in density, distance and COG
(econcomplex, the Stata package and py-ecomplexity issue #38).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from chainatlas._types import FloatArray
from chainatlas.exceptions import InputError

__all__ = ["ProximityMethod", "RelatednessResult", "proximity", "relatedness"]

ProximityMethod = Literal["min", "correlation"]


def proximity(M: FloatArray, *, method: ProximityMethod = "min", R: FloatArray | None = None,
              dtype: type = np.float64) -> FloatArray:
    """Activity–activity proximity.

    Parameters
    ----------
    M : ndarray, shape (C, P)
        Presence matrix.
    method : {"min", "correlation"}
        ``min``: the minimum of the two conditional probabilities of co-occurrence,
        :math:`\\varphi_{pp'} = C_{pp'}/\\max(k_p, k_{p'})` with :math:`C = M^\\top M`;
        ``correlation``: :math:`(1 + \\mathrm{corr}(RCA_{\\cdot p}, RCA_{\\cdot p'}))/2` (needs ``R``).
    R : ndarray, optional
        RCA matrix, for ``correlation``.
    dtype : numpy float type
        ``float32`` halves time and memory; co-occurrence counts of a binary ``M`` stay exact.

    Returns
    -------
    ndarray, shape (P, P)
        Symmetric, in [0, 1].
    """
    if method == "min":
        Mt = M.astype(dtype, copy=False)
        co = Mt.T @ Mt
        k = Mt.sum(axis=0)
        denom = np.maximum(k[:, None], k[None, :])
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = np.divide(co, denom, out=np.zeros_like(co), where=denom > 0)
        return phi
    if method == "correlation":
        if R is None:
            raise InputError("correlation proximity needs the RCA matrix")
        with np.errstate(divide="ignore", invalid="ignore"):
            corr = np.corrcoef(R.T)
        return ((1.0 + np.nan_to_num(corr)) / 2.0).astype(dtype, copy=False)
    raise InputError(f"unknown proximity method {method!r}; expected 'min' or 'correlation'")


@dataclass
class RelatednessResult:
    """Density (used, with and without the activity itself), distance, COI and COG."""

    density: FloatArray
    density_self: FloatArray
    density_no_self: FloatArray
    coi: FloatArray
    cog: FloatArray

    @property
    def distance(self) -> FloatArray:
        """:math:`1 - d_{cp}`."""
        return 1.0 - self.density


def _zscore(v: FloatArray) -> FloatArray:
    sd = v.std()
    return (v - v.mean()) / sd if sd > 0 else np.zeros_like(v)


def relatedness(M: FloatArray, phi: FloatArray, kp: FloatArray, eci_sd: float, *,
                include_self: bool = True) -> RelatednessResult:
    """Density, distance, COI and COG from the presence matrix, proximity and raw PCI vector.

    Parameters
    ----------
    M : ndarray, shape (C, P)
        Presence matrix.
    phi : ndarray, shape (P, P)
        Proximity (row ``p`` holds :math:`\\varphi_{p\\cdot}`); need not be symmetric.
    kp : ndarray, shape (P,)
        Sign-corrected raw PCI vector (NaN entries count as 0).
    eci_sd : float
        :math:`\\sigma(k_c)`, which scales COG.
    include_self : bool
        Keep :math:`\\varphi_{pp}` in density, distance and COG (py-ecomplexity 0.5.3) or set it
        to 0 (Stata ``ecomplexity``, econcomplex).

    Notes
    -----
    One matrix product ``[M; (1 - M) ∘ w] φ`` with :math:`w_{p'} = k_{p'}/\\sum_{p''}\\varphi_{p'p''}`
    gives the numerators of density and COG together (the dominant cost, :math:`2CP^2` flops).
    Both density variants come from the same product: the self term :math:`M_{cp}\\varphi_{pp}`
    is subtracted for the variant without it. An activity related to nothing has density 0.
    """
    dtype = phi.dtype
    diag = np.diag(phi).astype(np.float64)
    sym = phi.shape[0] == phi.shape[1] and np.array_equal(phi, phi.T)
    rowsum = phi.sum(axis=1, dtype=np.float64)
    rowsum_ns = rowsum - diag
    kpz = np.nan_to_num(kp)
    rs = rowsum if include_self else rowsum_ns
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(rs > 0, kpz / rs, 0.0)
    C, P = M.shape
    # one product [M; (1 - M) ∘ w] φ, built in place (few full-size temporaries)
    stacked = np.empty((2 * C, P), dtype=dtype)
    stacked[:C] = M
    np.subtract(1.0, M, out=stacked[C:], casting="same_kind")
    stacked[C:] *= w.astype(dtype)[None, :]
    if sym:
        prod = stacked @ phi
        num_dens, num_cog = prod[:C], prod[C:]
    else:
        num_dens = stacked[:C] @ phi.T
        num_cog = stacked[C:] @ phi
    del stacked
    inv = np.divide(1.0, rowsum, out=np.zeros_like(rowsum), where=rowsum > 0)
    inv_ns = np.divide(1.0, rowsum_ns, out=np.zeros_like(rowsum_ns), where=rowsum_ns > 0)
    dens_self = np.multiply(num_dens, inv[None, :], dtype=np.float64)
    dens_ns = M * diag[None, :]
    np.subtract(num_dens, dens_ns, out=dens_ns)
    dens_ns *= inv_ns[None, :]
    dens = dens_self if include_self else dens_ns
    cog = np.subtract(1.0, M)                       # (1 - M) ∘ numerator / sd(k_c)
    if not include_self:
        # remove the p' = p term (1 - M_cp) w_p φ_pp from the numerator
        num_cog = num_cog.astype(np.float64) - cog * (w * diag)[None, :]
    cog *= num_cog
    cog *= 1.0 / eci_sd
    cog += 0.0                                      # no negative zeros where M = 1
    # COI_c = Σ_p d_cp (1 - M_cp) k_p = d k - (d ∘ M) k
    coi = _zscore(dens @ kpz - (dens * M) @ kpz)
    return RelatednessResult(dens, dens_self, dens_ns, coi, cog)
