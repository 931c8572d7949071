"""Log-supermodularity of a location × activity matrix ordered by ECI and PCI.

ECI and PCI are a faithful ranking of capabilities when the matrix is log-supermodular in that
order (Schetter 2019, "The structural ranking of economic complexity", Growth Lab WP 118): for
every pair of locations with :math:`ECI_{c'} > ECI_c` and every pair of activities with
:math:`PCI_{p'} > PCI_p`,

.. math::

    \\frac{M_{c'p'}}{M_{c'p}} > \\frac{M_{cp'}}{M_{cp}}
    \\iff M_{c'p'} M_{cp} > M_{c'p} M_{cp'},

i.e. every 2 × 2 minor of the ordered matrix is positive (total positivity of order 2). The
cross-multiplied form is used, so zero entries need no special case (a tie does not count as
met). The share of pairs that meet it is reported; py-ecomplexity warns below 80 %.

py-ecomplexity 0.5.3's ``get_frac_logsupermodular`` builds ``M[i, j']`` and ``M[i', j]`` with
``reshape`` instead of a transpose, which scrambles the entries of any non-square matrix; its
figure is therefore not used as an oracle here.
"""

from __future__ import annotations

import numpy as np

from chainatlas._types import FloatArray
from chainatlas.exceptions import InputError

__all__ = ["log_supermodularity"]


def log_supermodularity(matrix: FloatArray, eci: FloatArray, pci: FloatArray, *,
                        max_side: int = 60, seed: int = 0) -> float:
    """Share of (location pair, activity pair) comparisons that are log-supermodular.

    Parameters
    ----------
    matrix : ndarray, shape (C, P)
        RCA or presence values (≥ 0).
    eci, pci : ndarray
        Orderings of the rows and columns (NaN rows/columns are left out; ties are ordered
        arbitrarily, so every pair of the draw counts).
    max_side : int
        At most this many rows and columns, drawn at random, enter the exhaustive comparison
        (:math:`\\binom{n}{2}\\binom{k}{2}` pairs; 60 × 60 gives 3.1 million).
    seed : int
        Seed of the draw.

    Returns
    -------
    float
        In [0, 1]; 1 for a matrix that is log-supermodular in the ECI/PCI order.

    Examples
    --------
    >>> x = np.array([0.0, 1.0, 2.0])
    >>> log_supermodularity(np.exp(np.outer(x, x)), x, x)
    1.0
    """
    A = np.asarray(matrix, dtype=np.float64)
    eci, pci = np.asarray(eci, dtype=np.float64), np.asarray(pci, dtype=np.float64)
    if A.ndim != 2 or A.shape != (len(eci), len(pci)):
        raise InputError("the matrix must be C × P with C ECI values and P PCI values")
    if max_side < 2:
        raise InputError("max_side must be ≥ 2")
    rows = np.flatnonzero(np.isfinite(eci))
    cols = np.flatnonzero(np.isfinite(pci))
    rng = np.random.default_rng(seed)
    if len(rows) > max_side:
        rows = rng.choice(rows, max_side, replace=False)
    if len(cols) > max_side:
        cols = rng.choice(cols, max_side, replace=False)
    if len(rows) < 2 or len(cols) < 2:
        raise InputError("log-supermodularity needs at least 2 locations and 2 activities")
    rows = rows[np.argsort(-eci[rows], kind="stable")]   # highest ECI first
    cols = cols[np.argsort(-pci[cols], kind="stable")]   # highest PCI first
    B = A[np.ix_(rows, cols)]
    n, k = B.shape
    upper = np.triu(np.ones((k, k), dtype=bool), 1)      # j < j': PCI_j > PCI_j'
    met = 0
    for i in range(n - 1):
        # i (higher ECI) against every i' > i (lower ECI); Q[i', j, j'] = B[i, j] B[i', j']
        Q = B[i][None, :, None] * B[i + 1:][:, None, :]
        met += int((np.swapaxes(Q, 1, 2) < Q)[:, upper].sum())
    total = n * (n - 1) // 2 * (k * (k - 1) // 2)
    return met / total
