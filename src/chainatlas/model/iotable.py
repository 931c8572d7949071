"""The input-output table container shared by the IO readers and the ``ioa`` engine.

An :class:`IOTable` holds a (single- or multi-regional) monetary input-output table in textbook
notation (Miller & Blair 2009, ch.2):

.. math::

    x = Z\\,i + Y\\,i, \\qquad x' = i'Z + i'M + i'V

with ``Z`` (n×n) the domestic interindustry flows (:math:`z_{ij}` = sales of industry *i* to *j*),
``Y`` (n×k) final demand by category, ``V`` (r×n) value-added rows, ``M`` (m×n) imported
intermediate use (non-competitive-import tables only; empty otherwise) and ``x`` gross output.
Industries are labelled by ``regions`` and ``sectors`` (one entry per industry).

It stores data only; analyses live in :mod:`chainatlas.ioa`. :meth:`IOTable.check` runs the load
checks (balance, negative flows, zero-output sectors, spectral radius of A) and raises
:class:`~chainatlas.exceptions.InputError` naming the worst rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from chainatlas.exceptions import InputError

__all__ = ["IMPORTS_LABEL", "LONG_COLUMNS", "IOTable"]

Array = npt.NDArray[np.float64]

#: Columns of the long (tidy) form used to store a table as an auxiliary frame.
LONG_COLUMNS = ["row_region", "row_sector", "col_region", "col_sector", "kind", "value"]

_WORST = 5

#: Final-demand label of the (negative) import column of a competitive-import table, where
#: imports sit inside ``Z`` and ``Y`` and :math:`x = Zi + Yi` holds with imports subtracted.
IMPORTS_LABEL = "imports"


def _as2d(a: npt.ArrayLike, shape0: int | None, what: str) -> Array:
    arr = np.asarray(a, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None] if shape0 is not None and arr.shape[0] == shape0 else arr[None, :]
    if arr.ndim != 2:
        raise InputError(f"{what} must be a 2-d array, got shape {arr.shape}")
    return arr


@dataclass
class IOTable:
    """A monetary input-output table (see the module docstring for the identities).

    Parameters
    ----------
    Z : ndarray (n, n)
        Interindustry (domestic) flows, table units per year.
    Y : ndarray (n, k)
        Final demand by category (exports included), table units per year.
    V : ndarray (r, n)
        Value-added rows (compensation, taxes, surplus, ...), table units per year.
    x : ndarray (n,)
        Gross output, table units per year.
    sectors : list of str
        Sector label of each industry (length n).
    regions : list of str, optional
        Region label of each industry (length n); all ``""`` for a single-region table.
    fd_labels, va_labels : list of str
        Labels of the columns of ``Y`` and the rows of ``V``.
    M : ndarray (m, n), optional
        Imported intermediate use (non-competitive-import tables); counted as a primary input.
    m_labels : list of str
        Labels of the rows of ``M``.
    F : ndarray (e, n), optional
        Satellite rows (employment, emissions ...) in their own units per year.
    f_labels : list of str
        Labels of the rows of ``F``.
    unit : str
        Monetary unit of the table (e.g. ``"10k CNY"``, ``"million USD"``).
    name : str
        A short name.
    notes : list of str
        What the reader noticed and did (totals checked, gaps within tolerance, sectors dropped);
        shown to the user with any result computed from the table.
    """

    Z: Array
    Y: Array
    V: Array
    x: Array
    sectors: list[str]
    regions: list[str] = field(default_factory=list)
    fd_labels: list[str] = field(default_factory=list)
    va_labels: list[str] = field(default_factory=list)
    M: Array | None = None
    m_labels: list[str] = field(default_factory=list)
    F: Array | None = None
    f_labels: list[str] = field(default_factory=list)
    unit: str = ""
    name: str = ""
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.Z = np.asarray(self.Z, dtype=np.float64)
        n = self.Z.shape[0]
        if self.Z.ndim != 2 or self.Z.shape != (n, n):
            raise InputError(f"Z must be square, got shape {self.Z.shape}")
        self.Y = _as2d(self.Y, n, "Y")
        self.V = _as2d(self.V, None, "V")
        self.x = np.asarray(self.x, dtype=np.float64).reshape(-1)
        if self.Y.shape[0] != n or self.V.shape[1] != n or self.x.shape != (n,):
            raise InputError(
                f"inconsistent shapes: Z {self.Z.shape}, Y {self.Y.shape}, V {self.V.shape}, "
                f"x {self.x.shape}")
        self.sectors = [str(s) for s in self.sectors]
        if len(self.sectors) != n:
            raise InputError(f"{len(self.sectors)} sector labels for {n} industries")
        self.regions = [str(r) for r in self.regions] if self.regions else [""] * n
        if len(self.regions) != n:
            raise InputError(f"{len(self.regions)} region labels for {n} industries")
        if len(set(zip(self.regions, self.sectors, strict=True))) != n:
            raise InputError("industry labels (region, sector) are not unique")
        self.fd_labels = _labels(self.fd_labels, self.Y.shape[1], "fd")
        self.va_labels = _labels(self.va_labels, self.V.shape[0], "va")
        if self.M is not None:
            self.M = _as2d(self.M, None, "M")
            if self.M.shape[1] != n:
                raise InputError(f"M has {self.M.shape[1]} columns for {n} industries")
            self.m_labels = _labels(self.m_labels, self.M.shape[0], "imp")
        if self.F is not None:
            self.F = _as2d(self.F, None, "F")
            if self.F.shape[1] != n:
                raise InputError(f"F has {self.F.shape[1]} columns for {n} industries")
            self.f_labels = _labels(self.f_labels, self.F.shape[0], "ext")
        for what, arr in (("Z", self.Z), ("Y", self.Y), ("V", self.V), ("x", self.x)):
            if not np.isfinite(arr).all():
                bad = np.argwhere(~np.isfinite(arr))[:_WORST].tolist()
                raise InputError(f"{what} has non-finite entries at {bad}")

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_flows(cls, Z: npt.ArrayLike, Y: npt.ArrayLike, sectors: Sequence[str], *,
                   V: npt.ArrayLike | None = None, x: npt.ArrayLike | None = None,
                   regions: Sequence[str] | None = None, fd_labels: Sequence[str] = (),
                   va_labels: Sequence[str] = (), unit: str = "", name: str = "") -> IOTable:
        """Build a table from flows; ``x`` defaults to ``Z i + Y i`` and ``V`` to ``x' − i'Z``."""
        Zf = np.asarray(Z, dtype=np.float64)
        Yf = _as2d(Y, Zf.shape[0], "Y")
        xf = Zf.sum(axis=1) + Yf.sum(axis=1) if x is None else np.asarray(x, dtype=np.float64)
        if V is None:
            Vf = (xf - Zf.sum(axis=0))[None, :]
            va_labels = va_labels or ["value_added"]
        else:
            Vf = _as2d(V, None, "V")
        return cls(Z=Zf, Y=Yf, V=Vf, x=xf, sectors=list(sectors),
                   regions=list(regions) if regions is not None else [],
                   fd_labels=list(fd_labels), va_labels=list(va_labels), unit=unit, name=name)

    # ------------------------------------------------------------------ derived vectors
    @property
    def n(self) -> int:
        """Number of industries."""
        return int(self.Z.shape[0])

    @property
    def f(self) -> Array:
        """Total final demand per industry, :math:`f = Y i`."""
        return np.asarray(self.Y.sum(axis=1), dtype=np.float64)

    @property
    def value_added(self) -> Array:
        """Value added per industry, :math:`v' = i'V`."""
        return np.asarray(self.V.sum(axis=0), dtype=np.float64)

    @property
    def v(self) -> Array:
        """Primary inputs per industry: value added plus imported intermediates, :math:`i'V + i'M`.

        This is the row vector that closes the column identity :math:`x' = i'Z + v'`, so the
        Ghosh model :math:`x' = v'G` holds on it.
        """
        out = self.value_added
        return out + self.M.sum(axis=0) if self.M is not None else out

    @property
    def labels(self) -> list[str]:
        """Industry labels: ``sector`` for single-region tables, ``region/sector`` otherwise."""
        if self.is_multiregional:
            return [f"{r}/{s}" for r, s in zip(self.regions, self.sectors, strict=True)]
        return list(self.sectors)

    @property
    def is_competitive(self) -> bool:
        """Whether imports sit inside ``Z`` and ``Y`` (a final-demand column ``imports`` holds
        them, negative) rather than in a separate block ``M``."""
        return self.M is None and IMPORTS_LABEL in self.fd_labels

    @property
    def is_multiregional(self) -> bool:
        """Whether industries carry more than one region label."""
        return len(set(self.regions)) > 1

    @property
    def index(self) -> pd.MultiIndex:
        """The industries as a ``MultiIndex(region, sector)``."""
        return pd.MultiIndex.from_arrays([self.regions, self.sectors], names=["region", "sector"])

    # ------------------------------------------------------------------ checks
    def check(self, *, rtol: float = 1e-4, atol: float | Array = 1.0,
              allow_zero_output: bool = False, allow_negative: bool = False,
              source: str = "") -> None:
        """Run the load checks; raise :class:`InputError` naming the worst rows.

        Checks, in order: negative interindustry flows; zero or negative gross output (unless
        ``allow_zero_output``, where industries with ``x = 0`` must have no flows at all); row
        balance :math:`|x − Zi − Yi| ≤ atol + rtol·x`; column balance
        :math:`|x' − i'Z − i'M − i'V| ≤ atol + rtol·x`; spectral radius of :math:`A = Z\\hat x^{-1}`
        below 1 (the Hawkins–Simon condition for a productive economy).
        ``allow_negative`` accepts negative flows (some published tables hold a few, e.g.
        inventory-valuation adjustments); the spectral radius is then taken of :math:`|A|`.
        """
        where = f"{source}: " if source else ""
        labels = self.labels
        neg = self.Z < 0
        if neg.any() and not allow_negative:
            idx = np.argsort(self.Z, axis=None)[: _WORST]
            rows = [f"({labels[i // self.n]} → {labels[i % self.n]}) = {self.Z.flat[i]:.6g}"
                    for i in idx if self.Z.flat[i] < 0]
            raise InputError(f"{where}{int(neg.sum())} negative interindustry flow(s) in Z; "
                             f"most negative: {', '.join(rows)}")
        bad_x = self.x <= 0
        if bad_x.any():
            has_flows = (np.abs(self.Z).sum(axis=0) + np.abs(self.Z).sum(axis=1)) > 0
            culprits = np.flatnonzero(bad_x & has_flows) if allow_zero_output else \
                np.flatnonzero(bad_x)
            if culprits.size:
                names = ", ".join(f"{labels[i]} (x={self.x[i]:.6g})" for i in culprits[:_WORST])
                raise InputError(f"{where}{culprits.size} industry(ies) with zero or negative "
                                 f"gross output{' but nonzero flows' if allow_zero_output else ''}"
                                 f": {names}")
        scale = atol + rtol * np.abs(self.x)
        row_gap = self.x - self.Z.sum(axis=1) - self.Y.sum(axis=1)
        _raise_gap(row_gap, scale, labels, f"{where}row balance x = Zi + Yi fails")
        col_gap = self.x - self.Z.sum(axis=0) - self.v
        _raise_gap(col_gap, scale, labels, f"{where}column balance x' = i'Z + v' fails")
        colsum_a = _safe_div(np.abs(self.Z).sum(axis=0), self.x)
        if colsum_a.max(initial=0.0) >= 1.0:
            rho = spectral_radius_nonneg(np.abs(_safe_div(self.Z, self.x[None, :])))
            if rho >= 1.0:
                worst = np.argsort(-colsum_a)[:_WORST]
                names = ", ".join(f"{labels[i]} (Σ_i a_ij={colsum_a[i]:.4g})" for i in worst)
                raise InputError(f"{where}spectral radius of A is {rho:.6g} ≥ 1 (the economy is "
                                 f"not productive; I − A has no nonnegative inverse); largest "
                                 f"input-coefficient column sums: {names}")

    # ------------------------------------------------------------------ long form
    def to_long(self) -> pd.DataFrame:
        """The table as a long frame with :data:`LONG_COLUMNS`.

        ``kind`` is one of ``Z``, ``Y``, ``V``, ``M``, ``F``, ``x``. For ``Y`` the column is
        ``(col_region, category)``; for ``V``/``M``/``F`` the row is ``("", label)``; for ``x``
        the column is empty. Zero entries of Z are dropped.
        """
        n = self.n
        reg = np.asarray(self.regions, dtype=object)
        sec = np.asarray(self.sectors, dtype=object)
        parts: list[pd.DataFrame] = []
        zi, zj = np.nonzero(self.Z)
        parts.append(pd.DataFrame({"row_region": reg[zi], "row_sector": sec[zi],
                                   "col_region": reg[zj], "col_sector": sec[zj],
                                   "kind": "Z", "value": self.Z[zi, zj]}))
        k = self.Y.shape[1]
        fd_reg = [lab.split("/", 1)[0] if "/" in lab else "" for lab in self.fd_labels]
        fd_cat = [lab.split("/", 1)[1] if "/" in lab else lab for lab in self.fd_labels]
        ii, jj = np.repeat(np.arange(n), k), np.tile(np.arange(k), n)
        parts.append(pd.DataFrame({"row_region": reg[ii], "row_sector": sec[ii],
                                   "col_region": np.asarray(fd_reg, dtype=object)[jj],
                                   "col_sector": np.asarray(fd_cat, dtype=object)[jj],
                                   "kind": "Y", "value": self.Y.reshape(-1)}))
        for kind, mat, labs in (("V", self.V, self.va_labels), ("M", self.M, self.m_labels),
                                ("F", self.F, self.f_labels)):
            if mat is None:
                continue
            r = mat.shape[0]
            ii, jj = np.repeat(np.arange(r), n), np.tile(np.arange(n), r)
            parts.append(pd.DataFrame({"row_region": "",
                                       "row_sector": np.asarray(labs, dtype=object)[ii],
                                       "col_region": reg[jj], "col_sector": sec[jj],
                                       "kind": kind, "value": mat.reshape(-1)}))
        parts.append(pd.DataFrame({"row_region": reg, "row_sector": sec, "col_region": "",
                                   "col_sector": "", "kind": "x", "value": self.x}))
        out = pd.concat(parts, ignore_index=True)
        out.attrs["unit"] = self.unit
        return out

    @classmethod
    def from_long(cls, frame: pd.DataFrame, *, name: str = "", unit: str = "") -> IOTable:
        """Rebuild a table from :meth:`to_long` output (industry order = order of the ``x`` rows)."""
        missing = [c for c in LONG_COLUMNS if c not in frame.columns]
        if missing:
            raise InputError(f"IO long table lacks column(s) {missing}; expected {LONG_COLUMNS}")
        fr = frame.copy()
        for c in LONG_COLUMNS[:5]:
            fr[c] = fr[c].fillna("").astype(str)
        fr["value"] = pd.to_numeric(fr["value"], errors="coerce").astype(float)
        xs = fr[fr["kind"] == "x"]
        if xs.empty:
            raise InputError("IO long table has no gross-output rows (kind 'x')")
        keys = list(zip(xs["row_region"], xs["row_sector"], strict=True))
        industries = pd.MultiIndex.from_arrays([xs["row_region"], xs["row_sector"]])
        if not industries.is_unique:
            raise InputError("IO long table lists an industry twice among its 'x' rows")
        n = len(keys)

        def ind(r: pd.Series, s: pd.Series) -> npt.NDArray[np.int64]:
            out = np.asarray(industries.get_indexer(pd.MultiIndex.from_arrays([r, s])),
                             dtype=np.int64)
            if (out < 0).any():
                bad = [(r.iloc[i], s.iloc[i]) for i in np.flatnonzero(out < 0)[:_WORST]]
                raise InputError(f"IO long table refers to unknown industries {bad}")
            return out

        z = fr[fr["kind"] == "Z"]
        Z = np.zeros((n, n))
        np.add.at(Z, (ind(z["row_region"], z["row_sector"]),
                      ind(z["col_region"], z["col_sector"])), z["value"].to_numpy())
        y = fr[fr["kind"] == "Y"]
        ylab = [f"{r}/{c}" if r else c for r, c in zip(y["col_region"], y["col_sector"],
                                                       strict=True)]
        fd_labels = list(dict.fromkeys(ylab))
        fpos = {lab: j for j, lab in enumerate(fd_labels)}
        Y = np.zeros((n, len(fd_labels)))
        np.add.at(Y, (ind(y["row_region"], y["row_sector"]),
                      np.array([fpos[lab] for lab in ylab], dtype=np.int64)), y["value"].to_numpy())

        def rows(kind: str) -> tuple[Array | None, list[str]]:
            part = fr[fr["kind"] == kind]
            if part.empty:
                return None, []
            labs = list(dict.fromkeys(part["row_sector"]))
            lp = {lab: i for i, lab in enumerate(labs)}
            mat = np.zeros((len(labs), n))
            np.add.at(mat, (np.array([lp[s] for s in part["row_sector"]], dtype=np.int64),
                            ind(part["col_region"], part["col_sector"])), part["value"].to_numpy())
            return mat, labs

        V, va_labels = rows("V")
        M, m_labels = rows("M")
        F, f_labels = rows("F")
        return cls(Z=Z, Y=Y, V=V if V is not None else np.zeros((1, n)),
                   x=xs["value"].to_numpy(dtype=np.float64), sectors=[k[1] for k in keys],
                   regions=[k[0] for k in keys], fd_labels=fd_labels,
                   va_labels=va_labels or ["value_added"], M=M, m_labels=m_labels, F=F,
                   f_labels=f_labels, unit=unit or str(frame.attrs.get("unit", "")), name=name)


def _labels(labels: Sequence[str], k: int, stem: str) -> list[str]:
    out = [str(s) for s in labels] if labels else [f"{stem}{i}" for i in range(k)]
    if len(out) != k:
        raise InputError(f"{len(out)} {stem} labels for {k} entries")
    return out


def _safe_div(a: Array, b: Array) -> Array:
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(b != 0, a / np.where(b != 0, b, 1.0), 0.0)
    return np.asarray(out, dtype=np.float64)


def _raise_gap(gap: Array, scale: Array, labels: list[str], title: str) -> None:
    bad = np.abs(gap) > scale
    if bad.any():
        order = np.argsort(-np.abs(gap) / scale)[:_WORST]
        names = ", ".join(f"{labels[i]} (gap {gap[i]:.6g})" for i in order if bad[i])
        raise InputError(f"{title} for {int(bad.sum())} industry(ies); worst: {names}")


def spectral_radius_nonneg(A: Array, *, tol: float = 1e-10, max_iter: int = 2000) -> float:
    """Perron root of a nonnegative square matrix.

    Dense eigenvalues for n ≤ 400, otherwise power iteration on :math:`(A + I)` (which keeps the
    Perron vector and avoids oscillation for periodic matrices).
    """
    n = A.shape[0]
    if n == 0:
        return 0.0
    if n <= 400:
        return float(np.max(np.abs(np.linalg.eigvals(A))))
    v = np.full(n, 1.0 / n)
    lam = 0.0
    for _ in range(max_iter):
        w = A @ v + v
        s = float(w.sum())
        if s == 0.0:
            return 0.0
        w /= s
        lam_new = s - 1.0
        if abs(lam_new - lam) <= tol * max(1.0, abs(lam_new)):
            return lam_new
        v, lam = w, lam_new
    return lam
