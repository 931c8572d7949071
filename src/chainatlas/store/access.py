"""Accounts, sharing agreements and the audit log: the store side of data sharing.

Tables (created by schema migration 2, store-wide rather than per dataset)
--------------------------------------------------------------------------
``accounts(id, role, dataset, firm, token_hash, created_at, disabled_at)``
    ``role`` is ``admin``, ``planner`` or ``firm``; a firm account belongs to one firm of one
    dataset, a planner account to one dataset (or every dataset when ``dataset`` is null).
    Tokens have the form ``<account id>.<secret>``; only a salted scrypt hash of the whole
    token is stored (``scrypt$n$r$p$salt$hash``, RFC 7914), so a leaked store yields no token.
``sharing_agreements(dataset, owner_firm, partner_firm, kinds, granted_at, granted_by,
revoked_at, revoked_by)``
    The owner lets the partner read its signals of the given kinds. Rows are never deleted:
    a revocation stamps ``revoked_at``, so the history of who could see what stays readable.
``audit_log(at, account, action, dataset, firm, object, rows)``
    One row per read of firm-level data (``firm`` is the firm whose data was read), and per
    grant, revocation and account change.

All functions take an open :class:`~chainatlas.store.Store`; writes are one transaction each.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from chainatlas.exceptions import AccessDenied, DataNotFound, InputError
from chainatlas.store.store import Store

__all__ = [
    "ROLES",
    "Account",
    "AuditEntry",
    "active_grants",
    "authenticate",
    "create_account",
    "disable_account",
    "grant",
    "list_accounts",
    "list_agreements",
    "read_audit",
    "revoke",
    "write_audit",
]

ROLES: tuple[str, ...] = ("admin", "planner", "firm")
_ACCOUNT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_\-]{0,63}$")
# scrypt cost: N = 2^14, r = 8, p = 1 (16 MiB, tens of milliseconds per check).
_N, _R, _P = 2**14, 8, 1


@dataclass(frozen=True)
class Account:
    """An authenticated account: ``role`` ∈ {admin, planner, firm}; ``dataset`` and ``firm``
    scope it (None = unscoped)."""

    id: str
    role: str
    dataset: str | None = None
    firm: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One audit-log row: ``account`` did ``action`` on ``object`` of ``firm`` in ``dataset``."""

    account: str
    action: str
    dataset: str | None = None
    firm: str | None = None
    object: str | None = None
    rows: int | None = None


def _hash_token(token: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(token.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${_N}${_R}${_P}${salt.hex()}${digest.hex()}"


def _check_hash(token: str, stored: str) -> bool:
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        got = hashlib.scrypt(token.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r),
                             p=int(p), dklen=len(digest) // 2)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def _iso(frame: pd.DataFrame) -> pd.DataFrame:
    """Timestamps as ISO-8601 text (None when missing), so results serialise anywhere."""
    for col in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[col]):
            text = frame[col].dt.strftime("%Y-%m-%dT%H:%M:%S.%f")
            frame[col] = text.astype(object).where(frame[col].notna(), None)
    return frame


def _rows(cur: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    return list(cur.execute(sql, list(params)).fetchall())


# ---------------------------------------------------------------------- accounts
def create_account(store: Store, account_id: str, role: str, *, dataset: str | None = None,
                   firm: str | None = None, by: str = "-") -> str:
    """Create an account and return its token (shown once; only its hash is stored).

    Raises
    ------
    InputError
        Bad id or role, a firm account without dataset and firm, or an id already taken.
    """
    if not isinstance(account_id, str) or not _ACCOUNT_RE.match(account_id):
        raise InputError(f"invalid account id {account_id!r}: 1-64 letters, digits, '-' or '_'")
    if role not in ROLES:
        raise InputError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "firm" and not (dataset and firm):
        raise InputError("a firm account needs --dataset and --firm")
    if role == "admin" and firm:
        raise InputError("an admin account belongs to no firm")
    if role == "planner" and firm:
        raise InputError("a planner account belongs to no firm (planners see aggregates only)")
    token = f"{account_id}.{secrets.token_urlsafe(32)}"
    hashed = _hash_token(token)
    with store._transaction() as cur:
        if _rows(cur, "SELECT 1 FROM accounts WHERE id = ?", [account_id]):
            raise InputError(f"account '{account_id}' already exists")
        cur.execute("INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, NULL)",
                    [account_id, role, dataset, firm, hashed, datetime.now()])
        _insert_audit(cur, [AuditEntry(by, "account.create", dataset, firm, account_id)])
    return token


def disable_account(store: Store, account_id: str, *, by: str = "-") -> None:
    """Disable an account: its token stops working at once."""
    with store._transaction() as cur:
        found = _rows(cur, "SELECT dataset, firm FROM accounts WHERE id = ?", [account_id])
        if not found:
            raise DataNotFound(f"no account '{account_id}'")
        cur.execute("UPDATE accounts SET disabled_at = ? WHERE id = ? AND disabled_at IS NULL",
                    [datetime.now(), account_id])
        _insert_audit(cur, [AuditEntry(by, "account.disable", found[0][0], found[0][1],
                                       account_id)])


def list_accounts(store: Store) -> pd.DataFrame:
    """Accounts without their hashes: ``id, role, dataset, firm, created_at, disabled_at``."""
    with store._reader() as cur:
        return _iso(cur.execute("SELECT id, role, dataset, firm, created_at, disabled_at "
                                "FROM accounts ORDER BY id").df())


def authenticate(store: Store, token: str | None) -> Account:
    """The account a token belongs to; :class:`AccessDenied` for a missing, wrong or disabled
    token (the message never says which part was wrong)."""
    if not token or "." not in token:
        raise AccessDenied("missing or malformed account token")
    account_id = token.split(".", 1)[0]
    with store._reader() as cur:
        found = _rows(cur, "SELECT id, role, dataset, firm, token_hash, disabled_at "
                           "FROM accounts WHERE id = ?", [account_id])
    if not found:
        _check_hash(token, _hash_token("x"))  # same work whether or not the id exists
        raise AccessDenied("invalid account token")
    aid, role, dataset, firm, hashed, disabled = found[0]
    if not _check_hash(token, hashed) or disabled is not None:
        raise AccessDenied("invalid account token")
    return Account(aid, role, dataset, firm)


# ---------------------------------------------------------------------- agreements
def grant(store: Store, dataset: str, owner_firm: str, partner_firm: str,
          kinds: Iterable[str], *, by: str = "-") -> None:
    """Let ``partner_firm`` read ``owner_firm``'s signals of ``kinds`` (replaces an active grant
    between the two: the old one is revoked and a new one recorded, in one transaction)."""
    kinds = sorted(set(kinds))
    if not kinds:
        raise InputError("a sharing agreement needs at least one signal kind")
    if owner_firm == partner_firm:
        raise InputError("a firm always sees its own signals; grant to another firm")
    now = datetime.now()
    with store._transaction() as cur:
        cur.execute("UPDATE sharing_agreements SET revoked_at = ?, revoked_by = ? "
                    "WHERE dataset = ? AND owner_firm = ? AND partner_firm = ? "
                    "AND revoked_at IS NULL", [now, by, dataset, owner_firm, partner_firm])
        cur.execute("INSERT INTO sharing_agreements VALUES (?, ?, ?, ?, ?, ?, NULL, NULL)",
                    [dataset, owner_firm, partner_firm, kinds, now, by])
        _insert_audit(cur, [AuditEntry(by, "share.grant", dataset, owner_firm,
                                       f"{partner_firm}:{','.join(kinds)}")])


def revoke(store: Store, dataset: str, owner_firm: str, partner_firm: str, *,
           by: str = "-") -> int:
    """End every active agreement from ``owner_firm`` to ``partner_firm``; return how many."""
    with store._transaction() as cur:
        n = _rows(cur, "SELECT count(*) FROM sharing_agreements WHERE dataset = ? AND "
                       "owner_firm = ? AND partner_firm = ? AND revoked_at IS NULL",
                  [dataset, owner_firm, partner_firm])[0][0]
        cur.execute("UPDATE sharing_agreements SET revoked_at = ?, revoked_by = ? "
                    "WHERE dataset = ? AND owner_firm = ? AND partner_firm = ? "
                    "AND revoked_at IS NULL",
                    [datetime.now(), by, dataset, owner_firm, partner_firm])
        _insert_audit(cur, [AuditEntry(by, "share.revoke", dataset, owner_firm, partner_firm,
                                       int(n))])
    return int(n)


def list_agreements(store: Store, dataset: str, *, firm: str | None = None,
                    active_only: bool = False) -> pd.DataFrame:
    """Agreements of ``dataset`` (those ``firm`` gave or received, when given)."""
    sql = ("SELECT owner_firm, partner_firm, array_to_string(kinds, ';') AS kinds, granted_at, "
           "granted_by, revoked_at, revoked_by FROM sharing_agreements WHERE dataset = ?")
    params: list[Any] = [dataset]
    if firm is not None:
        sql += " AND (owner_firm = ? OR partner_firm = ?)"
        params += [firm, firm]
    if active_only:
        sql += " AND revoked_at IS NULL"
    with store._reader() as cur:
        return _iso(cur.execute(sql + " ORDER BY granted_at, owner_firm, partner_firm",
                                params).df())


def active_grants(store: Store, dataset: str, partner_firm: str) -> dict[str, set[str]]:
    """Owner firm → signal kinds it currently shares with ``partner_firm``."""
    with store._reader() as cur:
        found = _rows(cur, "SELECT owner_firm, kinds FROM sharing_agreements WHERE dataset = ? "
                           "AND partner_firm = ? AND revoked_at IS NULL", [dataset, partner_firm])
    out: dict[str, set[str]] = {}
    for owner, kinds in found:
        out.setdefault(owner, set()).update(kinds)
    return out


# ---------------------------------------------------------------------- audit log
def _insert_audit(cur: Any, entries: Sequence[AuditEntry]) -> None:
    now = datetime.now()
    if entries:
        cur.executemany("INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [[now, e.account, e.action, e.dataset, e.firm, e.object, e.rows]
                         for e in entries])


def write_audit(store: Store, entries: Sequence[AuditEntry]) -> None:
    """Append ``entries`` to the audit log in one transaction."""
    with store._transaction() as cur:
        _insert_audit(cur, entries)


def read_audit(store: Store, *, dataset: str | None = None,
               firm: str | None = None) -> pd.DataFrame:
    """The audit log (of one dataset, and of reads of one firm's data when given), oldest
    first: ``at, account, action, dataset, firm, object, rows``."""
    sql = "SELECT \"at\", account, action, dataset, firm, object, rows FROM audit_log WHERE 1=1"
    params: list[Any] = []
    if dataset is not None:
        sql += " AND dataset = ?"
        params.append(dataset)
    if firm is not None:
        sql += " AND firm = ?"
        params.append(firm)
    with store._reader() as cur:
        return _iso(cur.execute(sql + " ORDER BY \"at\", rowid", params).df())
