"""The store's physical schema: DDL derived from the table specs, and the migrations.

Layout
------
``chainatlas_schema(version, applied_at, note)``
    One row per applied migration; the store's schema version is ``max(version)``.
``datasets(name, created_at, updated_at, version, meta)``
    The catalogue of datasets (named workspaces). ``version`` is bumped on every write.
``frames(dataset, key, created_at, nbytes, data)``
    Auxiliary named frames (IO tables, cached results) stored as Parquet bytes, so any frame
    (index, dtypes, column names included) round-trips exactly.
``accounts``, ``sharing_agreements``, ``audit_log``
    Store-wide access tables for data sharing (migration 2; :mod:`chainatlas.store.access`).
``jobs``
    Records of the server's background jobs: status, error and result (migration 3;
    :mod:`chainatlas.store.jobs`).
``t_<table>(dataset, <columns of the spec>)``
    One physical table per :class:`~chainatlas.model.tables.TableSpec`, shared by all datasets
    and keyed by the ``dataset`` column.

Column types: ``str`` → VARCHAR, ``int`` → BIGINT, ``float`` → DOUBLE, ``bool`` → BOOLEAN,
``date`` → DATE, ``tags`` → VARCHAR[] (a list keeps tags exact: no separator can clash).

Table specs may grow new tables or columns; :func:`sync_tables` (run after the numbered
migrations on every writable open) creates what is missing and adds new columns, so a store
written by an older release opens cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chainatlas.model.tables import TABLES, TableSpec

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQL_TYPES", "physical_name", "sync_tables"]

SQL_TYPES: dict[str, str] = {
    "str": "VARCHAR",
    "int": "BIGINT",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "DATE",
    "tags": "VARCHAR[]",
}


def physical_name(table: str) -> str:
    """The store table holding ``table`` (a spec name, never user input)."""
    if table not in TABLES:
        raise KeyError(table)
    return f"t_{table}"


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def create_table_sql(spec: TableSpec) -> str:
    """``CREATE TABLE`` for one spec (identifiers come from the specs, not from users)."""
    cols = ["dataset VARCHAR NOT NULL"]
    cols += [f"{_quote(c.name)} {SQL_TYPES[c.dtype]}" for c in spec.columns]
    return f"CREATE TABLE IF NOT EXISTS {physical_name(spec.name)} ({', '.join(cols)})"


def sync_tables(con: Any) -> list[str]:
    """Create missing spec tables and add missing columns; return what was changed."""
    changed: list[str] = []
    existing = {
        (t, c)
        for t, c in con.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = 'main'"
        ).fetchall()
    }
    tables = {t for t, _ in existing}
    for spec in TABLES.values():
        name = physical_name(spec.name)
        if name not in tables:
            con.execute(create_table_sql(spec))
            changed.append(f"created {name}")
            continue
        for c in spec.columns:
            if (name, c.name) not in existing:
                con.execute(f"ALTER TABLE {name} ADD COLUMN {_quote(c.name)} {SQL_TYPES[c.dtype]}")
                changed.append(f"added {name}.{c.name}")
    return changed


def _v1(con: Any) -> None:
    con.execute(
        "CREATE TABLE IF NOT EXISTS datasets ("
        " name VARCHAR PRIMARY KEY,"
        " created_at TIMESTAMP NOT NULL,"
        " updated_at TIMESTAMP NOT NULL,"
        " version BIGINT NOT NULL,"
        " meta VARCHAR)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS frames ("
        " dataset VARCHAR NOT NULL,"
        " key VARCHAR NOT NULL,"
        " created_at TIMESTAMP NOT NULL,"
        " nbytes BIGINT NOT NULL,"
        " data BLOB NOT NULL,"
        " PRIMARY KEY (dataset, key))"
    )
    for spec in TABLES.values():
        con.execute(create_table_sql(spec))


def _v2(con: Any) -> None:
    """Access tables for data sharing (see :mod:`chainatlas.store.access`)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS accounts ("
        " id VARCHAR PRIMARY KEY,"
        " role VARCHAR NOT NULL,"
        " dataset VARCHAR,"
        " firm VARCHAR,"
        " token_hash VARCHAR NOT NULL,"
        " created_at TIMESTAMP NOT NULL,"
        " disabled_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS sharing_agreements ("
        " dataset VARCHAR NOT NULL,"
        " owner_firm VARCHAR NOT NULL,"
        " partner_firm VARCHAR NOT NULL,"
        " kinds VARCHAR[] NOT NULL,"
        " granted_at TIMESTAMP NOT NULL,"
        " granted_by VARCHAR,"
        " revoked_at TIMESTAMP,"
        " revoked_by VARCHAR)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS audit_log ("
        " \"at\" TIMESTAMP NOT NULL,"
        " account VARCHAR NOT NULL,"
        " action VARCHAR NOT NULL,"
        " dataset VARCHAR,"
        " firm VARCHAR,"
        " object VARCHAR,"
        " rows BIGINT)"
    )


def _v3(con: Any) -> None:
    """Records of the server's background jobs (see :mod:`chainatlas.store.jobs`)."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS jobs ("
        " id VARCHAR PRIMARY KEY,"
        " kind VARCHAR NOT NULL,"
        " status VARCHAR NOT NULL,"
        " progress DOUBLE,"
        " message VARCHAR,"
        " error VARCHAR,"
        " result VARCHAR,"
        " created_at DOUBLE,"
        " started_at DOUBLE,"
        " finished_at DOUBLE,"
        " server_pid BIGINT)"
    )


#: Numbered migrations, applied in order inside one transaction each.
MIGRATIONS: list[tuple[int, str, Callable[[Any], None]]] = [
    (1, "catalogue, frames and one table per spec", _v1),
    (2, "accounts, sharing agreements and audit log", _v2),
    (3, "background job records", _v3),
]

#: The schema version this release writes.
SCHEMA_VERSION: int = MIGRATIONS[-1][0]
