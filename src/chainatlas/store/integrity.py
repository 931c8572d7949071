"""The store's integrity check: what must hold in a chainatlas store after any write or crash.

Checks, in order (each problem names the check, the dataset and the table):

``schema``
    The recorded schema version equals the one this release writes, and every physical table
    and column the data model needs is present.
``catalogue``
    Every dataset name in the catalogue is a valid name with a version ≥ 0, and no table or
    frame row belongs to a dataset missing from the catalogue (rows left behind by a torn
    delete or a torn import would show here).
``keys``
    Primary keys of the data model (:attr:`~chainatlas.model.tables.TableSpec.key`) are unique
    within each dataset (rows with a null key part are not keys and are skipped, as the import
    validator does).
``references``
    Every non-null foreign key resolves within the same dataset. References to ``regions``
    are reported as warnings: the import validator also accepts codes of the built-in region
    reference, which the store cannot see.
``bom``
    The bill of materials (``segment_inputs``: segment → input_segment) of each dataset is
    acyclic, checked by Kahn's topological sort (Kahn 1962, *Comm. ACM* 5(11):558-562): the
    graph is acyclic exactly when repeatedly removing nodes of in-degree 0 removes them all.
``storage``
    Every table is read whole (DuckDB verifies each block's checksum as it reads it) and every
    auxiliary frame decodes from its stored Parquet bytes.

The check only reads; it runs in one read transaction, so it sees one consistent snapshot.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from chainatlas.model.arrow import frame_from_parquet_bytes
from chainatlas.model.tables import TABLE_ORDER, get_spec
from chainatlas.store._schema import SCHEMA_VERSION, SQL_TYPES, physical_name

__all__ = ["CHECKS", "IntegrityProblem", "IntegrityReport", "check_store"]

#: The checks, in the order they run.
CHECKS: tuple[str, ...] = ("schema", "catalogue", "keys", "references", "bom", "storage")
_EXAMPLES = 3


@dataclass(frozen=True)
class IntegrityProblem:
    """One thing found wrong (``severity="error"``) or worth a look (``"warning"``)."""

    check: str
    message: str
    dataset: str | None = None
    table: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        where = "/".join(p for p in (self.dataset, self.table) if p)
        return f"[{self.check}] {where + ': ' if where else ''}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"check": self.check, "severity": self.severity, "dataset": self.dataset,
                "table": self.table, "message": self.message}


@dataclass
class IntegrityReport:
    """The outcome of :func:`check_store`.

    Attributes
    ----------
    path : str
        The store checked.
    schema_version : int
    datasets : list[str]
        Datasets checked.
    rows : int
        Data-table rows read.
    frames : int
        Auxiliary frames decoded.
    problems : list[IntegrityProblem]
        Errors and warnings, in check order.
    """

    path: str
    schema_version: int = 0
    datasets: list[str] = field(default_factory=list)
    rows: int = 0
    frames: int = 0
    problems: list[IntegrityProblem] = field(default_factory=list)

    @property
    def errors(self) -> list[IntegrityProblem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[IntegrityProblem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when no check found an error (warnings allowed)."""
        return not self.errors

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "ok": self.ok, "schema_version": self.schema_version,
                "datasets": list(self.datasets), "rows": self.rows, "frames": self.frames,
                "errors": len(self.errors), "warnings": len(self.warnings),
                "problems": [p.to_dict() for p in self.problems]}

    def to_frame(self) -> pd.DataFrame:
        """One row per check: how many errors and warnings it found, and the first message."""
        rows = []
        for check in CHECKS:
            found = [p for p in self.problems if p.check == check]
            errors = [p for p in found if p.severity == "error"]
            first = (errors or found)[0] if found else None
            rows.append({"check": check, "result": "FAIL" if errors else "ok",
                         "errors": len(errors), "warnings": len(found) - len(errors),
                         "first": str(first) if first else ""})
        return pd.DataFrame(rows)


class _Checker:
    def __init__(self, cur: duckdb.DuckDBPyConnection, report: IntegrityReport,
                 datasets: list[str]) -> None:
        self.cur = cur
        self.report = report
        self.datasets = datasets

    def add(self, check: str, message: str, dataset: str | None = None,
            table: str | None = None, severity: str = "error") -> None:
        self.report.problems.append(IntegrityProblem(check, message, dataset, table, severity))

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        return self.cur.execute(sql, list(params)).fetchall()

    # -------------------------------------------------------------- schema
    def schema(self) -> bool:
        """Return whether the physical schema is complete enough to run the other checks."""
        existing: dict[str, dict[str, str]] = {}
        for t, c, typ in self.rows("SELECT table_name, column_name, data_type FROM "
                                   "information_schema.columns WHERE table_catalog = current_database() "
                                   "AND table_schema = 'main'"):
            existing.setdefault(t, {})[c] = str(typ)
        if "chainatlas_schema" not in existing:
            self.add("schema", "no chainatlas_schema table: not a chainatlas store")
            return False
        row = self.rows("SELECT max(version) FROM chainatlas_schema")
        version = int(row[0][0]) if row and row[0][0] is not None else 0
        self.report.schema_version = version
        if version != SCHEMA_VERSION:
            self.add("schema", f"schema version {version}, this release writes {SCHEMA_VERSION}")
        complete = True
        for t in ("datasets", "frames"):
            if t not in existing:
                self.add("schema", f"catalogue table {t!r} is missing")
                complete = False
        for table in TABLE_ORDER:
            phys = physical_name(table)
            cols = existing.get(phys)
            if cols is None:
                self.add("schema", f"table {phys} is missing", table=table)
                complete = False
                continue
            for c in get_spec(table).columns:
                if c.name not in cols:
                    self.add("schema", f"column {c.name!r} is missing from {phys}", table=table)
                    complete = False
                elif cols[c.name].upper() != SQL_TYPES[c.dtype]:
                    self.add("schema", f"column {c.name!r} of {phys} is {cols[c.name]}, "
                             f"expected {SQL_TYPES[c.dtype]}", table=table)
        return complete

    # -------------------------------------------------------------- catalogue
    def catalogue(self) -> None:
        from chainatlas.store.store import DATASET_NAME_RE

        for name, version, meta in self.rows("SELECT name, version, meta FROM datasets"):
            if not isinstance(name, str) or not DATASET_NAME_RE.match(name):
                self.add("catalogue", f"invalid dataset name {name!r} in the catalogue")
            if version is None or int(version) < 0:
                self.add("catalogue", f"invalid version {version!r}", dataset=name)
            if meta:
                try:
                    json.loads(meta)
                except ValueError:
                    self.add("catalogue", "meta is not valid JSON", dataset=name)
        for table in [*TABLE_ORDER, "frames"]:
            phys = physical_name(table) if table != "frames" else "frames"
            orphans = self.rows(
                f"SELECT dataset, count(*) FROM {phys} WHERE dataset NOT IN "
                "(SELECT name FROM datasets) GROUP BY dataset ORDER BY dataset")
            for dataset, n in orphans:
                self.add("catalogue", f"{n} row(s) belong to dataset {dataset!r}, which is not "
                         "in the catalogue", table=table)

    # -------------------------------------------------------------- keys
    def keys(self) -> None:
        for table in TABLE_ORDER:
            spec = get_spec(table)
            if not spec.key:
                continue
            cols = ", ".join(f'"{k}"' for k in spec.key)
            usable = " AND ".join(f'"{k}" IS NOT NULL' for k in spec.key)
            dups = self.rows(
                f"SELECT dataset, {cols}, count(*) AS n FROM {physical_name(table)} "
                f"WHERE dataset IN (SELECT unnest(?)) AND {usable} "
                f"GROUP BY dataset, {cols} HAVING count(*) > 1 ORDER BY dataset, {cols}",
                [self.datasets])
            by_dataset: dict[str, list[tuple[Any, ...]]] = {}
            for r in dups:
                by_dataset.setdefault(r[0], []).append(r)
            for dataset, found in by_dataset.items():
                examples = "; ".join(
                    ", ".join(f"{k}={v!r}" for k, v in zip(spec.key, r[1:-1], strict=True))
                    + f" ×{r[-1]}" for r in found[:_EXAMPLES])
                self.add("keys", f"{len(found)} duplicate key(s) ({', '.join(spec.key)}), "
                         f"e.g. {examples}", dataset=dataset, table=table)

    # -------------------------------------------------------------- references
    def references(self) -> None:
        for table in TABLE_ORDER:
            spec = get_spec(table)
            for fk in spec.foreign_keys:
                col, ref_col = fk.columns[0], fk.ref_columns[0]
                missing = self.rows(
                    f'SELECT c.dataset, count(*), min(CAST(c."{col}" AS VARCHAR)) '
                    f"FROM {physical_name(table)} AS c WHERE c.dataset IN (SELECT unnest(?)) "
                    f'AND c."{col}" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM '
                    f'{physical_name(fk.ref_table)} AS r WHERE r.dataset = c.dataset AND '
                    f'r."{ref_col}" = c."{col}") GROUP BY c.dataset ORDER BY c.dataset',
                    [self.datasets])
                soft = fk.ref_table == "regions"
                for dataset, n, example in missing:
                    self.add("references",
                             f"{n} row(s) with {col} not in {fk.ref_table}.{ref_col} "
                             f"(e.g. {example!r})"
                             + (" (may be a code of the built-in region reference)" if soft else ""),
                             dataset=dataset, table=table,
                             severity="warning" if soft else "error")

    # -------------------------------------------------------------- bill of materials
    def bom(self) -> None:
        edges = self.rows(
            "SELECT dataset, segment, input_segment FROM t_segment_inputs WHERE dataset IN "
            "(SELECT unnest(?)) AND segment IS NOT NULL AND input_segment IS NOT NULL",
            [self.datasets])
        by_dataset: dict[str, list[tuple[str, str]]] = {}
        for dataset, a, b in edges:
            by_dataset.setdefault(dataset, []).append((a, b))
        for dataset, pairs in by_dataset.items():
            left = cyclic_nodes(pairs)
            if left:
                self.add("bom", f"the bill of materials has a cycle through "
                         f"{len(left)} segment(s), e.g. {', '.join(sorted(left)[:5])}",
                         dataset=dataset, table="segment_inputs")

    # -------------------------------------------------------------- storage
    def storage(self) -> None:
        for table in TABLE_ORDER:
            phys = physical_name(table)
            cols = ", ".join(f'"{c.name}"' for c in get_spec(table).columns)
            try:
                # Reading every column of every row makes DuckDB verify every block it holds.
                row = self.rows(f"SELECT count(*), sum(hash(dataset, {cols})) FROM {phys}")
                self.report.rows += int(row[0][0])
            except duckdb.Error as err:
                self.add("storage", f"table {phys} cannot be read: {err}", table=table)
        try:
            keys = self.rows("SELECT dataset, key FROM frames ORDER BY dataset, key")
        except duckdb.Error as err:
            self.add("storage", f"the frames table cannot be read: {err}", table="frames")
            return
        for dataset, key in keys:
            try:
                data = self.rows("SELECT data FROM frames WHERE dataset = ? AND key = ?",
                                 [dataset, key])[0][0]
                frame_from_parquet_bytes(bytes(data))
                self.report.frames += 1
            except Exception as err:  # any decoding failure is a finding, not a crash
                self.add("storage", f"frame {key!r} does not decode: {type(err).__name__}: {err}",
                         dataset=dataset, table="frames")


def cyclic_nodes(edges: Iterable[tuple[str, str]]) -> set[str]:
    """Nodes left after Kahn's topological sort of ``edges`` (empty exactly when acyclic).

    A node left over lies on a cycle or downstream of one. O(V + E).
    """
    succ: dict[str, list[str]] = {}
    indeg: dict[str, int] = {}
    for a, b in edges:
        succ.setdefault(a, []).append(b)
        indeg.setdefault(a, 0)
        indeg[b] = indeg.get(b, 0) + 1
    queue = deque(n for n, d in indeg.items() if d == 0)
    removed = 0
    while queue:
        n = queue.popleft()
        removed += 1
        for m in succ.get(n, ()):
            indeg[m] -= 1
            if indeg[m] == 0:
                queue.append(m)
    if removed == len(indeg):
        return set()
    return {n for n, d in indeg.items() if d > 0}


def check_store(con: duckdb.DuckDBPyConnection, path: str,
                dataset: str | None = None) -> IntegrityReport:
    """Run every check of this module on the store behind ``con``.

    Parameters
    ----------
    con : duckdb connection
        A cursor of the store (only read from, inside one read transaction).
    path : str
        The store's path, for the report.
    dataset : str, optional
        Limit the per-dataset checks (keys, references, bom) to this dataset; the schema,
        catalogue and storage checks always cover the whole file.
    """
    report = IntegrityReport(path=path)
    con.execute("BEGIN TRANSACTION")
    try:
        checker = _Checker(con, report, [])
        if not checker.schema():
            return report
        names = [r[0] for r in checker.rows("SELECT name FROM datasets ORDER BY name")]
        if dataset is not None:
            if dataset not in names:
                checker.add("catalogue", "no such dataset in the catalogue", dataset=dataset)
                return report
            names = [dataset]
        report.datasets = names
        checker.datasets = names
        checker.catalogue()
        checker.keys()
        checker.references()
        checker.bom()
        checker.storage()
        return report
    finally:
        try:
            con.execute("COMMIT")
        except duckdb.Error:
            con.execute("ROLLBACK")
