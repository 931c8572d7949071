"""China NBS input-output tables in both published forms, detected from the columns.

**Competitive-import form** (the NBS 149/153-sector tables; ionet's ``china_2020_153``): columns
``Code, Description, DescriptionInChinese``, one column per product (``001``..``153``), then
``TIU`` (total intermediate use), final use (``FU101`` rural and ``FU102`` urban household
consumption, ``THC``, ``FU103`` government consumption, ``TC``, ``FU201`` gross fixed capital
formation, ``FU202`` changes in inventories, ``GCF``, ``EX`` exports), ``TFU`` (total final use),
``IM`` (imports, positive), optionally ``ERR`` (other / statistical discrepancy) and ``GO``
(gross output); rows: the products, ``TII`` (total intermediate input), ``VA001``..``VA004``
(compensation, net production taxes, depreciation, operating surplus), ``TVA``, ``TI``. The NBS
workbooks use Chinese headers instead (代码, 部门, 中间使用合计, 农村居民消费 … 最终使用合计, 出口,
进口, 其他, 总产出; rows 中间投入合计, 劳动者报酬, 生产税净额, 固定资产折旧, 营业盈余, 增加值合计,
总投入), with product columns headed by code or by name; both are read, from CSV or xlsx.

Imports sit inside ``Z`` and final demand: :math:`GO = TIU + TFU - IM (+ ERR)`. The table is read
with ``Z`` = the whole use block, ``Y`` = the final-use categories plus a column ``imports`` =
``−IM`` (and ``other`` = ERR), so :math:`x = Zi + Yi` with ``x`` the published ``GO``. Every
published total (TIU, THC, TC, GCF, TFU, GO, TII, TVA, TI and the TII row of the use columns) is
checked against its parts and never read as final demand or value added. ``--domestic``
(:func:`chainatlas.ioa.imports.domestic_table`) removes the imports.

**Non-competitive form** (ionet's ``china_nbs_2020_42``): an ``Origin`` column with each product
twice (``Domestic``, ``Imports``) and ``TOT`` rows. The domestic block is ``Z``; imported
intermediate use is kept as ``M`` and counted as a primary input in :math:`x' = i'Z + i'M + i'V`.
With Chinese headers: 来源 (or 产品来源) holds 国内 / 进口 / 合计, product columns are headed by code
or by name, and the total and value-added rows may be named in Chinese (中间投入合计, 劳动者报酬 …)
without codes.

Units: 10,000 CNY.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError
from chainatlas.model.iotable import IMPORTS_LABEL, IOTable
from chainatlas.readers.io_common import (
    Grid,
    balance_notes,
    drop_zero_output,
    parse_numbers,
    read_grid,
    rounding_unit,
)

__all__ = ["read_nbs"]

#: Chinese column headers of the NBS workbooks → ionet's codes.
ZH_COLUMNS = {
    "代码": "Code", "部门代码": "Code", "编码": "Code",
    "部门": "DescriptionInChinese", "部门名称": "DescriptionInChinese",
    "产品部门": "DescriptionInChinese", "名称": "DescriptionInChinese",
    "中间使用合计": "TIU", "农村居民消费": "FU101", "城镇居民消费": "FU102", "居民消费": "THC",
    "居民消费合计": "THC", "政府消费": "FU103", "最终消费": "TC", "最终消费合计": "TC",
    "固定资本形成总额": "FU201", "存货变动": "FU202", "存货增加": "FU202", "资本形成总额": "GCF",
    "资本形成合计": "GCF", "出口": "EX", "最终使用合计": "TFU", "进口": "IM", "其他": "ERR",
    "总产出": "GO", "来源": "Origin", "产品来源": "Origin",
}
#: Values of the non-competitive form's ``Origin`` column (ionet's and the Chinese workbook's).
_ORIGINS = {"Domestic": "Domestic", "国内": "Domestic", "国内产品": "Domestic",
            "Imports": "Imports", "进口": "Imports", "进口产品": "Imports",
            "TOT": "TOT", "合计": "TOT"}
#: Chinese row labels → ionet's codes.
ZH_ROWS = {"中间投入合计": "TII", "劳动者报酬": "VA001", "生产税净额": "VA002",
           "固定资产折旧": "VA003", "营业盈余": "VA004", "增加值合计": "TVA", "总投入": "TI"}
_LEAF_FD = ["FU101", "FU102", "FU103", "FU201", "FU202", "EX"]
#: aggregate → parts (checked when both are present; an aggregate stands in for absent parts)
_FD_TREE = {"THC": ["FU101", "FU102"], "TC": ["THC", "FU103"], "GCF": ["FU201", "FU202"],
            "TFU": ["TC", "GCF", "EX"]}
_FD_NAMES = {"FU101": "rural_household_consumption", "FU102": "urban_household_consumption",
             "THC": "household_consumption", "FU103": "government_consumption",
             "TC": "final_consumption", "FU201": "gross_fixed_capital_formation",
             "FU202": "changes_in_inventories", "GCF": "gross_capital_formation",
             "EX": "exports", "ERR": "other"}
_TOTAL_ROWS = ("TII", "TVA", "TI")
_VA_NAMES = {"VA001": "Compensation of employees", "VA002": "Net taxes on production",
             "VA003": "Depreciation of fixed assets", "VA004": "Operating surplus"}


def _norm(text: str) -> str:
    """A header cell without spaces, line breaks or the bracketed parts NBS adds
    (``最终消费支出（合计）`` → ``最终消费``)."""
    s = re.sub(r"\s+", "", text)
    s = re.sub(r"[（(][^）)]*[）)]", "", s)
    return s.replace("支出", "")


def _col_key(text: str) -> str:
    s = text.strip()
    if s in ZH_COLUMNS or s in ZH_ROWS:
        return ZH_COLUMNS.get(s, s)
    n = _norm(s)
    return ZH_COLUMNS.get(n, s)


def read_nbs(path: PathArg, *, labels: str = "en", check: bool = True,
             tolerance: float = 1e-4, keep_zero_output: bool = False,
             sheet: str | None = None) -> IOTable:
    """Read an NBS IO table in either published form (detected from its columns).

    Parameters
    ----------
    path : CSV or xlsx file.
    labels : {"en", "zh", "code"}
        Sector labels: English or Chinese description, or the NBS code (English falls back to
        Chinese when the file has no English names).
    tolerance : relative gap (share of output) accepted in the balance identities and totals.
    keep_zero_output : keep products with zero output (dropped with a note by default).
    sheet : the workbook sheet (default: the first that has a 代码/Code header).
    """
    p = Path(path)
    if labels not in ("en", "zh", "code"):
        raise InputError(f"labels must be 'en', 'zh' or 'code', got {labels!r}")

    def is_header(cells: list[str]) -> bool:
        keys = {_col_key(c) for c in cells}
        return "Code" in keys or ("DescriptionInChinese" in keys and "GO" in keys)

    grid = read_grid(p, sheet=sheet,
                     sheet_predicate=lambda cells: any(is_header([c.strip() for c in r])
                                                       for r in cells[:20]))
    h = grid.find_header(is_header, "a header row with 'Code' (or 代码/部门) and the product "
                         "columns")
    header = [_col_key(c) for c in grid.cells[h]]
    if "Origin" in header:
        table = _read_noncompetitive(grid, h, header, labels)
    else:
        table = _read_competitive(grid, h, header, labels, tolerance)
    table = drop_zero_output(table, where=grid.where, keep=keep_zero_output)
    if check:
        unit = rounding_unit(table.Z, table.Y, table.V)
        atol, notes = balance_notes(table, tolerance=tolerance, unit=unit, where=grid.where,
                                    read_as=_read_as(table))
        table.notes.extend(notes)
        table.check(rtol=0.0, atol=atol, allow_zero_output=keep_zero_output,
                    source=grid.where)
    return table


def _read_as(table: IOTable) -> str:
    fd = ", ".join(table.fd_labels)
    return (f"read: Z = {table.n}×{table.n} product block, final demand = {fd}, "
            f"value added = {', '.join(table.va_labels)}, x = published total output")


def _rows_named(grid: Grid, h: int, header: list[str]) -> tuple[list[int], list[str], list[str],
                                                                 list[str]]:
    """Data rows below the header: indices, codes, English names, Chinese names."""
    def col(name: str) -> int | None:
        return header.index(name) if name in header else None

    ic, ie, iz = col("Code"), col("Description"), col("DescriptionInChinese")
    idx, codes, en, zh = [], [], [], []
    for r in range(h + 1, len(grid)):
        row = grid.cells[r]
        code = row[ic].strip() if ic is not None else ""
        name_zh = row[iz].strip() if iz is not None else ""
        name_en = row[ie].strip() if ie is not None else ""
        if not code and not name_zh and not name_en:
            continue
        idx.append(r)
        codes.append(code)
        en.append(name_en)
        zh.append(name_zh)
    return idx, codes, en, zh


def _read_competitive(grid: Grid, h: int, header: list[str], labels: str,
                      tolerance: float) -> IOTable:
    where = grid.where
    idx, codes, en, zh = _rows_named(grid, h, header)
    # row roles: products until the first total row; totals/VA by code or by Chinese name
    roles: list[str] = []
    for code, name in zip(codes, zh, strict=True):
        key = code if code in (*_TOTAL_ROWS, *_VA_NAMES) else ZH_ROWS.get(_norm(name), "")
        roles.append(key)
    first_total = next((k for k, r in enumerate(roles) if r), len(roles))
    products = list(range(first_total))
    if not products:
        raise InputError(f"{where}: no product rows above the totals (TII/中间投入合计)")
    pcode = [codes[k] or zh[k] for k in products]
    # product columns: headers equal to the product codes, or to their names
    sector_cols: list[int] = []
    for k in products:
        cands = [c for c in (codes[k], zh[k], en[k]) if c]
        j = next((j for j, hd in enumerate(grid.cells[h]) if hd.strip() in cands
                  and j not in sector_cols and header[j] not in ("Code", "Description",
                                                                 "DescriptionInChinese")), None)
        if j is None:
            raise InputError(f"{where}: product row {pcode[len(sector_cols)]!r} (line "
                             f"{grid.line(idx[k])}) has no column of the same code or name; "
                             "expected one column per product row, in the same order")
        sector_cols.append(j)
    if sector_cols != sorted(sector_cols) or sector_cols != list(
            range(sector_cols[0], sector_cols[0] + len(sector_cols))):
        raise InputError(f"{where}: the product columns are not contiguous or not in the order "
                         "of the product rows")
    use = {hd: j for j, hd in enumerate(header) if hd in
           (*_LEAF_FD, *_FD_TREE, "TIU", "IM", "ERR", "GO")}
    for need in ("GO", "IM"):
        if need not in use:
            raise InputError(
                f"{where}: column {need!r} ({'总产出' if need == 'GO' else '进口'}) not found: a "
                "competitive-import NBS table has the product columns, then TIU, the final-use "
                "columns, TFU, IM and GO (a non-competitive one has an 'Origin' column); read "
                f"the columns {[c for c in header if c][:6]}… after {len(sector_cols)} product "
                "columns")
    prow = [idx[k] for k in products]
    names_r = [" ".join(c for c in (codes[k], en[k] or zh[k]) if c) for k in products]

    def block(rows: list[int], cols: list[int], what: str, *, empty: bool = False) -> np.ndarray:
        cells = [[grid.cells[r][c] for c in cols] for r in rows]
        return parse_numbers(cells, sep=grid.sep, rows=[grid.cells[r][0] or str(r) for r in rows],
                             cols=[grid.cells[h][c] for c in cols], where=where, what=what,
                             allow_empty=empty)

    Z = block(prow, sector_cols, "the Z block (intermediate use)")
    ucols = sorted(use, key=lambda k: use[k])
    U = block(prow, [use[k] for k in ucols], "final use / totals", empty=True)
    u = {k: np.nan_to_num(U[:, i]) for i, k in enumerate(ucols)}
    x = u["GO"]
    notes: list[str] = []
    checked: list[str] = []
    unit = rounding_unit(Z, U)
    scale = np.maximum(np.abs(x), 1.0)

    def check_total(label: str, given: np.ndarray, parts: np.ndarray, what: str,
                    terms: int) -> None:
        tol = 0.5 * unit * (terms + 1) + tolerance * scale + 1e-9 * float(scale.max())
        gap = given - parts
        bad = np.abs(gap) > tol
        if bad.any():
            i = int(np.argmax(np.abs(gap) / tol))
            raise InputError(f"{where}: total {label} disagrees with {what} for "
                             f"{int(bad.sum())} product(s); worst {names_r[i]!r}: published "
                             f"{given[i]:.10g}, sum {parts[i]:.10g} (read: Z = {len(prow)} "
                             f"product rows × columns {grid.cells[h][sector_cols[0]]}…"
                             f"{grid.cells[h][sector_cols[-1]]}; {label} read as a total, not "
                             "as final demand)")
        checked.append(f"{label} = {what} (largest gap {float(np.abs(gap).max()):.3g})")

    if "TIU" in u:
        check_total("TIU", u["TIU"], Z.sum(axis=1), "the row sums of Z", len(sector_cols))
    # final-use categories: the leaves present; aggregates stand in for missing leaves
    leaves: list[str] = []

    def resolve(key: str) -> list[str] | None:
        if key in _FD_TREE:
            parts = [resolve(c) for c in _FD_TREE[key]]
            if all(pp is not None for pp in parts):
                flat = [c for pp in parts for c in pp]  # type: ignore[union-attr]
                if key in u:
                    check_total(key, u[key], sum((u[c] for c in flat), np.zeros(len(x))),
                                " + ".join(flat), len(flat))
                return flat
            return [key] if key in u else None
        return [key] if key in u else None

    fd = resolve("TFU")
    if fd is None:
        raise InputError(f"{where}: the final-use columns are incomplete: found "
                         f"{[k for k in ucols if k in _LEAF_FD or k in _FD_TREE]}; expected "
                         "TFU (最终使用合计) or its parts (consumption, capital formation, "
                         "exports)")
    leaves = fd
    if "EX" not in leaves:
        raise InputError(f"{where}: no exports column (EX / 出口) found apart from the totals; "
                         "it is needed to remove imports in proportion to domestic use")
    im = u["IM"]
    if (im <= 0).all() and (im < 0).any():
        im = -im
        notes.append("IM (进口) published with a minus sign: read as imports −IM")
    err = u.get("ERR")
    Y = np.column_stack([u[c] for c in leaves] + ([err] if err is not None else []) + [-im])
    fd_labels = [_FD_NAMES[c] for c in leaves] + (["other"] if err is not None else []) + \
        [IMPORTS_LABEL]
    check_total("GO", x, Z.sum(axis=1) + Y.sum(axis=1),
                "TIU + TFU − IM" + (" + ERR" if err is not None else ""),
                len(sector_cols) + Y.shape[1])
    # rows below the products: value added and totals
    role_rows = {roles[k]: idx[k] for k in range(first_total, len(roles)) if roles[k]}
    va_keys = [k for k in _VA_NAMES if k in role_rows]
    if va_keys:
        V = block([role_rows[k] for k in va_keys], sector_cols, "value added")
        va_labels = []
        for k in va_keys:
            r = idx.index(role_rows[k])
            va_labels.append(en[r] or zh[r] or _VA_NAMES[k] if labels != "zh" else
                             zh[r] or en[r] or _VA_NAMES[k])
    elif "TVA" in role_rows:
        V = block([role_rows["TVA"]], sector_cols, "value added (TVA)")
        va_labels = ["value_added"]
        notes.append("only total value added (TVA) found; read as one value-added row")
    else:
        raise InputError(f"{where}: no value-added rows (VA001…VA004 / 劳动者报酬 … or TVA / "
                         "增加值合计) below the products")
    if "TVA" in role_rows and len(va_keys) > 0:
        tva = block([role_rows["TVA"]], sector_cols, "total value added")[0]
        check_total("TVA", tva, V.sum(axis=0), " + ".join(va_keys), len(va_keys))
    if "TII" in role_rows:
        tii = block([role_rows["TII"]], sector_cols, "total intermediate input")[0]
        check_total("TII", tii, Z.sum(axis=0), "the column sums of Z", len(prow))
        tot_cols = [use[k] for k in ucols]
        tot = block([role_rows["TII"]], tot_cols, "column totals", empty=True)[0]
        for k, given in zip(ucols, tot, strict=True):
            if np.isfinite(given):
                s = float(u[k].sum())
                if abs(given - s) > 0.5 * unit * (len(prow) + 1) + tolerance * abs(s) + \
                        1e-9 * float(scale.max()):
                    raise InputError(f"{where}: row TII, column {k!r}: published total "
                                     f"{given:.10g} differs from the column sum {s:.10g}")
    if "TI" in role_rows:
        ti = block([role_rows["TI"]], sector_cols, "total input")[0]
        check_total("TI", ti, x, "GO (total output)", 1)
    col = {"en": en, "zh": zh, "code": codes}[labels]
    names = [col[k] or zh[k] or en[k] or codes[k] for k in products]
    if len(set(names)) != len(names):
        names = [f"{codes[k]} {names[i]}" if codes[k] else names[i]
                 for i, k in enumerate(products)]
    try:
        table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=names, fd_labels=fd_labels,
                        va_labels=va_labels, unit="10k CNY", name=Path(grid.source).stem)
    except InputError as err_:
        raise InputError(f"{where}: {err_.message}", details=err_.details) from None
    table.notes.append(f"NBS competitive-import table: Z = the {len(prow)}×{len(prow)} use block "
                       "(imports included), final demand = " + ", ".join(fd_labels)
                       + " (imports = −IM), x = GO; totals "
                       + ", ".join(k for k in ("TIU", *_FD_TREE, "GO", *_TOTAL_ROWS)
                                   if k in u or k in role_rows)
                       + " checked, not read as flows")
    table.notes.append("totals checked against their parts: " + "; ".join(checked))
    table.notes.extend(notes)
    return table


def _read_noncompetitive(grid: Grid, h: int, header: list[str], labels: str) -> IOTable:
    where = grid.where
    fd_keys = [k for k in ("TC", "FU201", "FU202", "EX") if k in header]
    need = {"Code", "Origin", "GO", *("TC", "FU201", "FU202", "EX")}
    missing = sorted(need - set(header))
    if missing:
        raise InputError(f"{where}: not an NBS non-competitive-import table; missing column(s) "
                         f"{missing}")
    io_ = header.index("Origin")
    ic = header.index("Code")
    iz = header.index("DescriptionInChinese") if "DescriptionInChinese" in header else None
    rows = [r for r in range(h + 1, len(grid)) if any(c.strip() for c in grid.cells[r])]
    origin = [_ORIGINS.get(grid.cells[r][io_].strip(), grid.cells[r][io_].strip()) for r in rows]
    dom = [r for r, o in zip(rows, origin, strict=True) if o == "Domestic"]
    imp = [r for r, o in zip(rows, origin, strict=True) if o == "Imports"]

    def zh_name(r: int) -> str:
        return grid.cells[r][iz].strip() if iz is not None else ""

    # total and value-added rows by code, or by Chinese name where the code cell is empty
    tot = {grid.cells[r][ic].strip() or ZH_ROWS.get(_norm(zh_name(r)), zh_name(r)): r
           for r, o in zip(rows, origin, strict=True) if o == "TOT"}
    codes = [grid.cells[r][ic].strip() for r in dom]
    # product columns headed by code or by Chinese name
    heads = [c.strip() for c in grid.cells[h]]
    scols = [header.index(c) if c in header else heads.index(zh_name(r))
             if zh_name(r) in heads else -1 for c, r in zip(codes, dom, strict=True)]
    absent = [c for c, j in zip(codes, scols, strict=True) if j < 0]
    if absent:
        raise InputError(f"{where}: sector column(s) {absent[:5]} missing")
    if [grid.cells[r][ic].strip() for r in imp] != codes:
        raise InputError(f"{where}: 'Imports' rows do not list the same products as 'Domestic' "
                         "rows")

    def num(part: list[int], cols: list[int], what: str) -> np.ndarray:
        cells = [[grid.cells[r][c] for c in cols] for r in part]
        return parse_numbers(cells, sep=grid.sep,
                             rows=[f"line {grid.line(r)} ({grid.cells[r][ic]})" for r in part],
                             cols=[grid.cells[h][c] for c in cols], where=where, what=what)

    Z = num(dom, scols, "the domestic Z block")
    M = num(imp, scols, "imported intermediate use")
    Y = num(dom, [header.index(k) for k in fd_keys], "final demand")
    x = num(dom, [header.index("GO")], "total output (GO)")[:, 0]
    va_codes = [c for c in tot if c.startswith("VA") and c != "TVA"]
    if not va_codes:
        raise InputError(f"{where}: no value-added rows (VA001..) found")
    V = num([tot[c] for c in va_codes], scols, "value added")
    idesc = header.index("Description") if "Description" in header else None
    if idesc is None and iz is not None:
        idesc = iz
    va_names = [grid.cells[tot[c]][idesc].strip() if idesc is not None else c
                for c in va_codes]
    colname = {"en": "Description", "zh": "DescriptionInChinese", "code": "Code"}[labels]
    if colname == "Description" and colname not in header and iz is not None:
        colname = "DescriptionInChinese"  # no English names: Chinese labels
    if colname not in header:
        raise InputError(f"{where}: labels={labels!r} needs a {colname!r} column")
    names = [grid.cells[r][header.index(colname)].strip() for r in dom]
    try:
        table = IOTable(Z=Z, Y=Y, V=V, x=x, sectors=names,
                        fd_labels=[_FD_NAMES.get(c, c) for c in fd_keys], va_labels=va_names,
                        M=M, m_labels=[f"imported {n}" for n in names], unit="10k CNY",
                        name=Path(grid.source).stem)
    except InputError as err:
        raise InputError(f"{where}: {err.message}", details=err.details) from None
    table.notes.append(f"NBS non-competitive-import table: Z = the {len(dom)}×{len(dom)} "
                       "domestic block, imported intermediate use kept as imports (a primary "
                       "input), x = GO")
    return table
