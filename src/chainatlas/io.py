r"""Input-output tables from Python: read one, then ask for multipliers, linkages, extraction
and shocks.

The functions here call the same code as ``chainatlas io analyze|shock``
(:mod:`chainatlas.services.io`, which calls :mod:`chainatlas.ioa`). Notation follows Miller &
Blair (2009): :math:`Z` interindustry flows, :math:`f` final demand, :math:`x = Zi + f` gross
output, :math:`A = Z\hat x^{-1}`, :math:`L = (I - A)^{-1}`, :math:`B = \hat x^{-1} Z`,
:math:`G = (I - B)^{-1}`. All money is in the table's own unit (``Table.unit``, e.g.
``"100 million CNY"`` = 亿元) per year.

>>> import chainatlas
>>> t = chainatlas.io.demo_table()
>>> t.n, t.unit
(12, '100 million CNY')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from chainatlas._results import Result

if TYPE_CHECKING:
    import pandas as pd

    from chainatlas._types import PathArg
    from chainatlas.model.iotable import IOTable

__all__ = ["LAYOUTS", "SHOCK_MODELS", "Table", "demo_table", "from_frames", "read_table"]

#: File layouts :func:`read_table` understands.
LAYOUTS = ("simple", "nbs", "niot", "bea", "oecd", "wiod", "exiobase3", "eora26", "gloria")
#: Models :meth:`Table.shock` runs.
SHOCK_MODELS = ("leontief", "ghosh", "mixed", "iim", "diim", "ario")


class Table:
    r"""An input-output table with its analyses as methods.

    Make one with :func:`read_table`, :func:`demo_table` or :func:`from_frames`; the parsed
    table is :attr:`iotable` (a :class:`chainatlas.model.iotable.IOTable` with ``Z, Y, V, x``).
    Every analysis returns a :class:`~chainatlas._results.Result` (``.to_frame()``,
    ``.to_excel(path)``, notebook display).

    Examples
    --------
    Two sectors, :math:`Z = [[10, 20], [30, 10]]`, :math:`x = (100, 100)`, so
    :math:`A = [[0.1, 0.2], [0.3, 0.1]]`, :math:`\det(I - A) = 0.75` and
    :math:`L = \frac{1}{0.75}[[0.9, 0.2], [0.3, 0.9]]`; the output multipliers (column sums of
    :math:`L`) are :math:`1.2/0.75 = 1.6` and :math:`1.1/0.75 = 1.4\overline{6}`:

    >>> import pandas as pd
    >>> t = from_frames(pd.DataFrame([[10, 20], [30, 10]], index=["a", "b"], columns=["a", "b"]),
    ...                 final_demand=pd.Series([70, 60], index=["a", "b"]),
    ...                 value_added=pd.Series([60, 70], index=["a", "b"]))
    >>> t.multipliers().to_frame()["output_multiplier"].round(4).tolist()
    [1.6, 1.4667]
    """

    def __init__(self, iotable: IOTable) -> None:
        self.iotable = iotable

    @property
    def n(self) -> int:
        """Number of industries (sector × region)."""
        return self.iotable.n

    @property
    def unit(self) -> str:
        """Monetary unit of the table."""
        return self.iotable.unit

    @property
    def sectors(self) -> list[str]:
        """Industry labels (``region/sector`` for a multi-regional table)."""
        return self.iotable.labels

    @property
    def notes(self) -> list[str]:
        """What the reader noticed and did (totals checked, sectors dropped, …)."""
        return list(self.iotable.notes)

    def __repr__(self) -> str:
        return f"<Table {self.iotable.name or 'IO table'!r}: {self.n} industries, {self.unit}>"

    def _repr_html_(self) -> str:
        return self.to_result()._repr_html_()

    def to_result(self) -> Result:
        """Gross output, final demand and value added per industry as a :class:`Result`."""
        import pandas as pd

        t = self.iotable
        frame = pd.DataFrame({"sector": t.labels, "output": t.x, "final_demand": t.f,
                              "value_added": t.value_added})
        return Result(f"IO table {t.name or ''} ({t.unit})".replace("  ", " "), frame,
                      summary={"industries": t.n, "total_output": float(t.x.sum()),
                               "unit": t.unit}, notes=t.notes, figure=("sector", "output"),
                      raw=t, money_in_wan=False)

    def to_frame(self) -> pd.DataFrame:
        """Gross output, final demand and value added per industry (table units/yr)."""
        return self.to_result().to_frame()

    def domestic(self) -> Table:
        """The domestic table: imports removed in proportion to use for a competitive-import
        table (:func:`chainatlas.ioa.domestic_table`); a non-competitive table as it is."""
        from chainatlas.ioa import domestic_table

        return Table(domestic_table(self.iotable))

    def _analysis(self, forward: Literal["ghosh", "leontief"] = "ghosh",
                  extraction: bool = True) -> dict[str, Any]:
        from chainatlas.services.io import analyze

        return analyze(self.iotable, forward=forward, extraction=extraction)

    def multipliers(self) -> Result:
        r"""Output, value-added and import multipliers per industry.

        .. math::

            m_j = \sum_i l_{ij}, \qquad
            m^{va}_j = \sum_i v_i\, l_{ij}, \qquad
            m^{imp}_j = \sum_i \mu_i\, l^d_{ij}

        with :math:`L = (I - A)^{-1}`, :math:`v_i = \text{VA}_i / x_i` and
        :math:`\mu_i` the imported intermediate input per unit of output (only for tables
        with an import block or a competitive-import column). Units: table units of output
        (value added, imports) per table unit of final demand — dimensionless.

        Examples
        --------
        >>> t = demo_table()
        >>> m = t.multipliers().to_frame()
        >>> bool((m["output_multiplier"] >= 1).all())  # L ≥ I, so every column sum ≥ 1
        True
        """
        import pandas as pd

        out = self._analysis(extraction=False)
        frame = pd.DataFrame({"sector": out["sectors"],
                              "output_multiplier": out["output_multipliers"],
                              "value_added_multiplier": out["value_added_multipliers"]})
        if "import_multipliers" in out:
            frame["import_multiplier"] = out["import_multipliers"]
        return Result("Output multipliers 产出乘数", frame, notes=out["notes"],
                      summary={"unit": "per unit of final demand", "table": out["table"]},
                      figure=("sector", "output_multiplier"), raw=out,
                      money_in_wan=False)

    def linkages(self, *, forward: Literal["ghosh", "leontief"] = "ghosh") -> Result:
        r"""Rasmussen backward and forward linkage indices and key-sector classes.

        .. math::

            BL_j = \frac{n\, \sum_i l_{ij}}{\sum_{ij} l_{ij}}, \qquad
            FL_i = \frac{n\, \sum_j g_{ij}}{\sum_{ij} g_{ij}}

        (forward from the Ghosh inverse :math:`G` by default, ``forward="leontief"`` for the
        row sums of :math:`L`). A sector with both indices above 1 is a key sector
        (``key_class = "key"``). Dimensionless; the indices average 1.

        Examples
        --------
        >>> lk = demo_table().linkages().to_frame()
        >>> round(float(lk["backward_linkage"].mean()), 9)  # indices average 1 by construction
        1.0
        """
        import pandas as pd

        out = self._analysis(forward=forward, extraction=False)
        frame = pd.DataFrame({"sector": out["sectors"], "backward_linkage": out["backward_linkage"],
                              "forward_linkage": out["forward_linkage"],
                              "key_class": out["key_class"]})
        return Result("Rasmussen linkages 产业关联", frame, notes=out["notes"],
                      summary={"forward_basis": out["forward_basis"],
                               "key_sectors": out["key_sectors"]},
                      figure=("sector", "backward_linkage"), raw=out,
                      money_in_wan=False)

    def extraction(self) -> Result:
        r"""Hypothetical extraction: output the economy loses without each sector.

        .. math::

            BL_j = \frac{(m_j - 1)\,x_j}{l_{jj}}, \qquad
            FL_j = \frac{(r_j - 1)\,x_j}{l_{jj}}, \qquad
            T_j = \frac{m_j\, x_j}{l_{jj}}

        (backward, forward and total extraction; :math:`m_j` output multiplier, :math:`r_j`
        Ghosh row sum; Miller & Blair 2009 §12.2). Units: table units of output per year;
        ``total_share`` is :math:`T_j / \sum_i x_i`.

        Examples
        --------
        >>> ex = demo_table().extraction().to_frame()
        >>> t = demo_table().iotable
        >>> bool((ex["total"] >= t.x - 1e-6).all())  # T_j includes x_j itself
        True
        """
        import pandas as pd

        out = self._analysis(extraction=True)
        hem = out["hem"]
        total = float(out["total_output"])
        frame = pd.DataFrame({"sector": out["sectors"], "backward": hem["backward"],
                              "forward": hem["forward"], "total": hem["total"]})
        frame["total_share"] = pd.to_numeric(frame["total"]) / total
        return Result(f"Hypothetical extraction 假设抽取 ({out['unit']})", frame,
                      notes=out["notes"], summary={"total_output": total, "unit": out["unit"]},
                      figure=("sector", "total"), raw=out, money_in_wan=False)

    def shock(self, model: str, values: Mapping[str, float] | Sequence[float] | pd.Series, *,
              side: str = "demand", steps: int = 365, recovery_days: float = 90.0,
              **options: Any) -> Result:
        r"""Run one shock model with a per-sector input (``chainatlas io shock``).

        ``values`` is a mapping or Series sector label → value (sectors not named get 0) or a
        full vector in table order. Its meaning per ``model``:

        * ``leontief``: change of final demand :math:`\Delta f`, so :math:`\Delta x = L\Delta f`;
        * ``ghosh``: change of primary inputs :math:`\Delta v`, :math:`\Delta x' = \Delta v' G`;
        * ``iim``: loss of final demand (``side="demand"``) or primary inputs (``"supply"``),
          inoperability :math:`q = \hat x^{-1} L \Delta c`;
        * ``mixed``: fixed output for the sectors named (others keep final demand);
        * ``diim``: initial inoperability :math:`q(0)` in [0, 1], ``recovery_days``;
        * ``ario``: capital destroyed (table units); ``options`` go to the ARIO event.

        Units: table units per year (ARIO: per step), inoperability as a share of output.

        Examples
        --------
        A fall of final demand of 1 in sector ``a`` of the two-sector table of :class:`Table`
        lowers output by the first column of :math:`L`: :math:`-(1.2, 0.4)`:

        >>> import pandas as pd
        >>> t = from_frames(pd.DataFrame([[10, 20], [30, 10]], index=["a", "b"],
        ...                              columns=["a", "b"]),
        ...                 final_demand=pd.Series([70, 60], index=["a", "b"]),
        ...                 value_added=pd.Series([60, 70], index=["a", "b"]))
        >>> t.shock("leontief", {"a": -1.0}).to_frame()["delta_x"].round(6).tolist()
        [-1.2, -0.4]
        """
        import numpy as np
        import pandas as pd

        from chainatlas.exceptions import InputError
        from chainatlas.services.io import run_shock, shock_vector

        if model not in SHOCK_MODELS:
            raise InputError(f"unknown shock model {model!r}; expected one of "
                             f"{', '.join(SHOCK_MODELS)}")
        t = self.iotable
        if isinstance(values, (Mapping, pd.Series)):
            items = list(values.items())
            frame = pd.DataFrame({"sector": [str(k) for k, _ in items],
                                  "value": [float(v) for _, v in items]})
            vec = shock_vector(frame, t, source="values")
        else:
            vec = np.asarray(values, dtype=float).reshape(-1)
            if vec.shape != (t.n,):
                raise InputError(f"values has {vec.size} entries for {t.n} industries")
        out = run_shock(t, model, vec, side=side, steps=steps, recovery_days=recovery_days,
                        **options)
        rows = out.get("sectors", out.get("industries", []))
        frame = pd.DataFrame(rows)
        summary = {k: v for k, v in out.items() if isinstance(v, (int, float, str))}
        value_col = next((c for c in ("delta_x", "production_loss", "q_end") if c in frame), None)
        label_col = "sector" if "sector" in frame else "industry"
        return Result(f"{model} shock 冲击 ({t.unit})", frame, summary=summary, notes=t.notes,
                      figure=(label_col, value_col) if value_col else None, raw=out,
                      money_in_wan=False)


def read_table(path: PathArg, layout: str = "simple", *, year: int | None = None,
               tolerance: float | None = None, domestic: bool = False) -> Table:
    """Read an IO table file (``chainatlas io analyze --table PATH --layout LAYOUT``).

    Parameters
    ----------
    path : str or Path
        The file (or folder, for the MRIO layouts).
    layout : str
        One of :data:`LAYOUTS`: ``simple`` (a square CSV: sectors, final-demand columns,
        ``total_output``), ``nbs`` (China's NBS tables), ``niot`` (WIOD national), ``bea``,
        ``oecd``, ``wiod``, ``exiobase3``, ``eora26``, ``gloria``.
    year : int, optional
        The year of a multi-year file.
    tolerance : float, optional
        Relative balance gap accepted on top of the table's rounding (default 1e-4).
    domestic : bool
        Remove the imports of a competitive-import table in proportion to use.

    Returns
    -------
    Table
        Checked on load; what the reader did is in ``Table.notes``. Bad input raises
        :class:`chainatlas.InputError` naming the file, row and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "two.csv"
    >>> _ = p.write_text("sector,a,b,final_demand,total_output\\n"
    ...                  "a,10,20,70,100\\nb,30,10,60,100\\nvalue_added,60,70,,\\n")
    >>> read_table(p).n
    2
    """
    from chainatlas.services.io import load_io_table

    return Table(load_io_table(path, layout, year=year, tolerance=tolerance, domestic=domestic))


def demo_table(*, domestic: bool = False) -> Table:
    """The built-in table: China's 2020 NBS IO table aggregated to 12 sectors (100 million CNY).

    Source: National Bureau of Statistics of China, *2020 Input-Output Table of China*
    (non-competitive imports; imported intermediate inputs are a primary-input row).

    Examples
    --------
    >>> t = demo_table()
    >>> t.sectors[0]
    'Agriculture 农业'
    """
    from chainatlas.services.io import resolve_table

    return Table(resolve_table(domestic=domestic))


def from_frames(flows: pd.DataFrame, final_demand: pd.DataFrame | pd.Series,
                value_added: pd.DataFrame | pd.Series, *, unit: str = "",
                name: str = "") -> Table:
    """A table from labelled frames: ``flows`` (n × n, rows sell to columns), final demand
    (n × k or a Series) and value added (r × n or a Series over the sectors).

    Gross output is :math:`x = Zi + f`; the column identity :math:`x_j = \\sum_i z_{ij} + v_j`
    is checked (1 table unit plus 1e-4 of :math:`x_j`) and a gap raises
    :class:`chainatlas.InputError`.

    Examples
    --------
    >>> import pandas as pd
    >>> t = from_frames(pd.DataFrame([[1, 2], [3, 4]], index=["a", "b"], columns=["a", "b"]),
    ...                 pd.Series([7, 3], index=["a", "b"]), pd.Series([6, 4], index=["a", "b"]))
    >>> t.iotable.x.tolist()
    [10.0, 10.0]
    """
    import numpy as np
    import pandas as pd

    from chainatlas.exceptions import InputError
    from chainatlas.model.iotable import IOTable

    sectors = [str(s) for s in flows.index]
    if [str(c) for c in flows.columns] != sectors:
        raise InputError("flows: the columns must be the rows' sectors in the same order")
    fd = final_demand.to_frame("final_demand") if isinstance(final_demand, pd.Series) \
        else final_demand
    va = value_added.to_frame("value_added").T if isinstance(value_added, pd.Series) \
        else value_added
    fd = fd.reindex([s for s in flows.index])
    va = va.reindex(columns=list(flows.columns))
    if fd.isna().any().any() or va.isna().any().any():
        raise InputError("final_demand and value_added need a value for every sector of flows")
    Z = flows.to_numpy(dtype=float)
    Y = fd.to_numpy(dtype=float)
    x = Z.sum(axis=1) + Y.sum(axis=1)
    table = IOTable(Z=Z, Y=Y, V=np.atleast_2d(va.to_numpy(dtype=float)), x=x, sectors=sectors,
                    fd_labels=[str(c) for c in fd.columns], va_labels=[str(r) for r in va.index],
                    unit=unit, name=name)
    table.check(source="from_frames")
    return Table(table)
