"""Revealed comparative advantage and economic complexity (ECI, PCI) from one eigenvector.

Notation (Hidalgo & Hausmann 2009; Hausmann et al. 2014, *The Atlas of Economic Complexity*):
``c`` is a location, ``p`` an activity (product, industry, chain segment), ``X_cp ≥ 0`` a value
(exports, output, employment, firm count).

.. math::

    RCA_{cp} = \\frac{X_{cp} / \\sum_{p'} X_{cp'}}{\\sum_{c'} X_{c'p} / \\sum_{c'p'} X_{c'p'}}

    M_{cp} = [RCA_{cp} \\ge 1] \\quad\\text{(binary)}, \\qquad
    M_{cp} = RCA_{cp} / (1 + RCA_{cp}) \\quad\\text{(continuous)}

    k_{c,0} = \\sum_p M_{cp}, \\qquad k_{p,0} = \\sum_c M_{cp}

    \\tilde M^{C} = D_c^{-1} M D_p^{-1} M^\\top, \\qquad \\tilde M^{C} k_c = \\lambda_2 k_c

The eigenvector of the second-largest eigenvalue is found on the smaller side through the
symmetric similar matrix :math:`S = D_c^{-1/2} M D_p^{-1} M^\\top D_c^{-1/2}` (or its product-side
twin), so a symmetric solver applies. The largest eigenvalue is 1 with eigenvector
:math:`D_c^{1/2}\\mathbf 1`; it is deflated before a partial Lanczos solve on large matrices.
Both sides come from the one solution, with the scale fixed by
:math:`k_c = D_c^{-1} M k_p`, i.e. :math:`k_p = \\lambda_2^{-1} D_p^{-1} M^\\top k_c`, and one sign
``s = sign(corr(k_{c,0}, k_c))`` so that ECI rises with diversity. Then

.. math::

    ECI = (s k_c - \\overline{s k_c}) / \\sigma(s k_c), \\qquad
    PCI = (s k_p - \\overline{s k_c}) / \\sigma(s k_c)

with population standard deviations (``ddof = 0``); ``pci_scale="own"`` z-scores PCI on its own
moments instead. With the default ``ECI_c`` equals the mean PCI over the activities with
``M_cp = 1`` exactly.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import scipy.linalg as sla
import scipy.sparse.csgraph as csgraph
import scipy.sparse.linalg as spla

from chainatlas._types import FloatArray
from chainatlas.exceptions import InputError, ModelError

__all__ = [
    "ComplexitySolution",
    "complexity_indices",
    "diversity_ubiquity",
    "presence_matrix",
    "rca",
]

Presence = Literal["binary", "continuous"]
PciScale = Literal["eci_moments", "own"]

#: Up to this many rows on the solved side the symmetric matrix is formed and solved densely.
DENSE_EIGEN_LIMIT = 400


def rca(X: FloatArray) -> FloatArray:
    """Balassa's revealed comparative advantage (identical to the location quotient).

    Parameters
    ----------
    X : ndarray, shape (C, P)
        Non-negative values; rows are locations, columns activities.

    Returns
    -------
    ndarray, shape (C, P)
        :math:`RCA_{cp} = (X_{cp}/X_c)/(X_p/X)`; 0 where a row or a column total is 0.

    Examples
    --------
    >>> import numpy as np
    >>> rca(np.array([[1.0, 1.0], [0.0, 2.0]])).round(3).tolist()
    [[2.0, 0.667], [0.0, 1.333]]
    """
    row = X.sum(axis=1)
    col = X.sum(axis=0)
    total = row.sum()
    inv_row = np.divide(1.0, row, out=np.zeros_like(row), where=row > 0)
    inv_col = np.divide(total, col, out=np.zeros_like(col), where=col > 0)
    out = X * inv_row[:, None]
    out *= inv_col[None, :]
    return out


def presence_matrix(R: FloatArray, presence: Presence = "binary",
                    threshold: float = 1.0) -> FloatArray:
    """The presence matrix ``M`` from RCA.

    ``binary``: :math:`M_{cp} = 1` if :math:`RCA_{cp} \\ge` ``threshold`` else 0;
    ``continuous``: :math:`M_{cp} = RCA_{cp}/(1 + RCA_{cp})` (the Atlas' continuous variant, in [0, 1)).
    """
    if presence == "binary":
        return (threshold <= R).astype(np.float64)
    if presence == "continuous":
        return R / (1.0 + R)
    raise InputError(f"unknown presence test {presence!r}; expected 'binary' or 'continuous'")


def diversity_ubiquity(M: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Diversity :math:`k_{c,0} = \\sum_p M_{cp}` and ubiquity :math:`k_{p,0} = \\sum_c M_{cp}`."""
    return M.sum(axis=1), M.sum(axis=0)


@dataclass
class ComplexitySolution:
    """ECI and PCI of one presence matrix, with the raw vectors needed by COI and COG.

    Attributes
    ----------
    eci, pci : ndarray
        Standardised indices (NaN for locations / activities with zero diversity / ubiquity).
    kc, kp : ndarray
        Sign-corrected raw vectors with :math:`k_c = D_c^{-1} M k_p` (NaN where undefined).
    eigenvalue : float
        :math:`\\lambda_2`.
    eci_mean, eci_sd : float
        Moments of ``kc`` used for the standardisation.
    components : int
        Connected components of the location–activity graph (ECI only ranks within one).
    notes : list of str
        What the caller should know (dropped rows, disconnected network, sign fallback).
    """

    eci: FloatArray
    pci: FloatArray
    kc: FloatArray
    kp: FloatArray
    eigenvalue: float
    eci_mean: float
    eci_sd: float
    components: int
    notes: list[str] = field(default_factory=list)


def _components(M: FloatArray) -> int:
    C, P = M.shape
    import scipy.sparse as sp

    B = sp.csr_matrix(M != 0)
    adj = sp.bmat([[None, B], [B.T, None]], format="csr")
    n, _ = csgraph.connected_components(adj, directed=False)
    return int(n)


#: ARPACK tolerance by operator precision: asking a float32 operator for 1e-12 only buys
#: iterations that fight rounding noise (the product's own error is ~1e-7 relative).
_EIGEN_TOL = {"f": 1e-7, "d": 1e-12}


def _second_eigenpair(M: FloatArray, kc0: FloatArray, kp0: FloatArray, seed: int = 0,
                      dtype: type = np.float64) -> tuple[float, FloatArray, FloatArray]:
    """λ₂ and (kc, kp) with kc = D_c⁻¹ M kp, solved on the smaller side."""
    C, P = M.shape
    country_side = C <= P
    if country_side:
        A = M / np.sqrt(kc0)[:, None]            # D_c^{-1/2} M
        inner = kp0
    else:
        A = (M / np.sqrt(kp0)[None, :]).T        # D_p^{-1/2} M^T
        inner = kc0
    n = A.shape[0]
    u1 = np.sqrt(kc0 if country_side else kp0)
    u1 = u1 / np.linalg.norm(u1)
    if n <= DENSE_EIGEN_LIMIT:
        S = (A / inner[None, :]) @ A.T
        S = 0.5 * (S + S.T)
        w, V = sla.eigh(S, subset_by_index=[n - 2, n - 1])
        lam, u = float(w[0]), V[:, 0]
    else:
        Ainv = (A / inner[None, :]).astype(dtype, copy=False)
        Aop = A.astype(dtype, copy=False)

        def matvec(x: FloatArray) -> FloatArray:
            x = np.ravel(x)
            y = (Aop @ (Ainv.T @ x.astype(dtype, copy=False))).astype(np.float64, copy=False)
            return y - u1 * (u1 @ x)

        op = spla.LinearOperator((n, n), matvec=matvec, dtype=np.float64)
        v0 = np.random.default_rng(seed).standard_normal(n)
        try:
            w, V = spla.eigsh(op, k=1, which="LA", v0=v0, tol=_EIGEN_TOL[np.dtype(dtype).char],
                              ncv=min(n, 40), maxiter=20 * n)
        except spla.ArpackNoConvergence as err:  # pragma: no cover - pathological spectra
            raise ModelError("the eigenvector solver did not converge; the location–activity "
                             "matrix may be degenerate") from err
        lam, u = float(w[0]), V[:, 0]
    if lam <= 1e-10:
        raise ModelError("the second eigenvalue is 0: every location has the same mix of "
                         "activities, so complexity is undefined")
    if country_side:
        kp = (M.T @ (u / np.sqrt(kc0))) / kp0 / lam
        kc = (M @ kp) / kc0   # one power step: kc = D_c⁻¹ M kp holds exactly, as on the other side
    else:
        kp = u / np.sqrt(kp0)
        kc = (M @ kp) / kc0
    return lam, kc, kp


def complexity_indices(M: FloatArray, *, pci_scale: PciScale = "eci_moments",
                       seed: int = 0, dtype: type = np.float64) -> ComplexitySolution:
    """ECI and PCI of a presence matrix from one eigenvector and one sign convention.

    Parameters
    ----------
    M : ndarray, shape (C, P)
        Presence matrix (binary or continuous, ≥ 0).
    pci_scale : {"eci_moments", "own"}
        Standardise PCI with ECI's mean and sd (py-ecomplexity and Stata ``ecomplexity``; keeps
        ``ECI_c = mean(PCI | M_cp = 1)``) or z-score PCI on its own moments (Atlas data files).
    seed : int
        Start vector of the partial eigensolver on large matrices.
    dtype : numpy float type
        Precision of the operator products of the partial eigensolver (``float32`` halves its
        memory traffic; ECI/PCI then carry ≈ 1e-5 error). The dense path (≤ ``DENSE_EIGEN_LIMIT``
        rows on the smaller side) is always float64.

    Returns
    -------
    ComplexitySolution

    Raises
    ------
    InputError
        Fewer than two locations or activities with a non-zero diversity / ubiquity.
    ModelError
        No second eigenvector (all locations alike) or the solver failed.
    """
    if pci_scale not in ("eci_moments", "own"):
        raise InputError(f"unknown pci_scale {pci_scale!r}; expected 'eci_moments' or 'own'")
    kc0_all, kp0_all = diversity_ubiquity(M)
    rows, cols = kc0_all > 0, kp0_all > 0
    notes: list[str] = []
    if rows.sum() < 2 or cols.sum() < 2:
        raise InputError("economic complexity needs at least 2 locations and 2 activities that are "
                         f"present somewhere (got {int(rows.sum())} × {int(cols.sum())})")
    if not rows.all() or not cols.all():
        notes.append(f"{int((~rows).sum())} location(s) with diversity 0 and {int((~cols).sum())} "
                     "activity(ies) with ubiquity 0 have no ECI/PCI")
    Mv = M[rows][:, cols] if not (rows.all() and cols.all()) else M
    kc0, kp0 = kc0_all[rows], kp0_all[cols]
    lam, kc, kp = _second_eigenpair(Mv, kc0, kp0, seed=seed, dtype=dtype)
    # λ₂ = 1 exactly when the location–activity graph falls apart (Perron–Frobenius: the
    # projected random walk is irreducible and aperiodic iff the graph is connected)
    components = _components(Mv) if lam > 1.0 - 1e-8 else 1
    if components > 1:
        notes.append(f"the location–activity network has {components} disconnected parts; ECI "
                     "then separates the parts instead of ranking complexity")
        warnings.warn(notes[-1], RuntimeWarning, stacklevel=2)
    corr = np.corrcoef(kc0, kc)[0, 1] if np.std(kc0) > 0 and np.std(kc) > 0 else np.nan
    if np.isfinite(corr) and corr != 0:
        s = float(np.sign(corr))
    else:
        # equal diversities: fall back on PCI falling with ubiquity, then on +1
        corr_p = np.corrcoef(kp0, kp)[0, 1] if np.std(kp0) > 0 and np.std(kp) > 0 else np.nan
        s = float(-np.sign(corr_p)) if np.isfinite(corr_p) and corr_p != 0 else 1.0
        notes.append("diversity does not vary; the sign of ECI follows ubiquity instead")
    kc, kp = s * kc, s * kp
    mean, sd = float(kc.mean()), float(kc.std())
    if sd == 0:
        raise ModelError("ECI has zero variance: the locations cannot be ranked")
    eci = (kc - mean) / sd
    pci = (kp - mean) / sd if pci_scale == "eci_moments" else (kp - kp.mean()) / kp.std()
    C, P = M.shape

    def put(full_mask: np.ndarray, v: FloatArray, n: int) -> FloatArray:
        out = np.full(n, np.nan)
        out[full_mask] = v
        return out

    return ComplexitySolution(put(rows, eci, C), put(cols, pci, P), put(rows, kc, C),
                              put(cols, kp, P), lam, mean, sd, components, notes)
