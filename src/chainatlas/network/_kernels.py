"""Compiled graph kernels on CSR adjacency (numba): strongly connected components, reverse
postorder from a virtual source, and the Cooper–Harvey–Kennedy dominator iteration.

Adjacency is given as ``indptr`` (n + 1) and ``adj`` (neighbour of each slot), so the
neighbours of ``v`` are ``adj[indptr[v]:indptr[v + 1]]``.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

__all__ = ["chk_idom", "reverse_postorder", "strong_components"]

_I64 = npt.NDArray[np.int64]


@numba.njit(cache=True)
def strong_components(n: int, indptr: _I64, adj: _I64) -> _I64:  # pragma: no cover - compiled
    """Component label of every node (Tarjan 1972, iterative)."""
    index = np.full(n, -1, dtype=np.int64)
    low = np.zeros(n, dtype=np.int64)
    onstack = np.zeros(n, dtype=np.bool_)
    comp = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    cs_v = np.empty(n, dtype=np.int64)
    cs_e = np.empty(n, dtype=np.int64)
    sp = 0
    counter = 0
    ncomp = 0
    for s in range(n):
        if index[s] != -1:
            continue
        index[s] = counter
        low[s] = counter
        counter += 1
        stack[sp] = s
        sp += 1
        onstack[s] = True
        cs_v[0] = s
        cs_e[0] = indptr[s]
        csp = 1
        while csp > 0:
            v = cs_v[csp - 1]
            e = cs_e[csp - 1]
            if e < indptr[v + 1]:
                cs_e[csp - 1] = e + 1
                w = adj[e]
                if index[w] == -1:
                    index[w] = counter
                    low[w] = counter
                    counter += 1
                    stack[sp] = w
                    sp += 1
                    onstack[w] = True
                    cs_v[csp] = w
                    cs_e[csp] = indptr[w]
                    csp += 1
                elif onstack[w] and index[w] < low[v]:
                    low[v] = index[w]
            else:
                csp -= 1
                if csp > 0:
                    u = cs_v[csp - 1]
                    if low[v] < low[u]:
                        low[u] = low[v]
                if low[v] == index[v]:
                    while True:
                        sp -= 1
                        w = stack[sp]
                        onstack[w] = False
                        comp[w] = ncomp
                        if w == v:
                            break
                    ncomp += 1
    return comp


@numba.njit(cache=True)
def reverse_postorder(n: int, indptr: _I64, adj: _I64,
                      sources: _I64) -> tuple[_I64, _I64]:  # pragma: no cover - compiled
    """Nodes in reverse postorder of a depth-first search from a virtual source whose children
    are ``sources``; returns ``(order, number)`` with ``number[v]`` ≥ 1 the position of ``v``
    (0 is the virtual source, -1 unreachable)."""
    visited = np.zeros(n, dtype=np.bool_)
    post = np.empty(n, dtype=np.int64)
    cs_v = np.empty(n, dtype=np.int64)
    cs_e = np.empty(n, dtype=np.int64)
    pc = 0
    for s in sources:
        if visited[s]:
            continue
        visited[s] = True
        cs_v[0] = s
        cs_e[0] = indptr[s]
        csp = 1
        while csp > 0:
            v = cs_v[csp - 1]
            e = cs_e[csp - 1]
            if e < indptr[v + 1]:
                cs_e[csp - 1] = e + 1
                w = adj[e]
                if not visited[w]:
                    visited[w] = True
                    cs_v[csp] = w
                    cs_e[csp] = indptr[w]
                    csp += 1
            else:
                csp -= 1
                post[pc] = v
                pc += 1
    order = post[:pc][::-1].copy()
    number = np.full(n, -1, dtype=np.int64)
    for k in range(pc):
        number[order[k]] = k + 1
    return order, number


@numba.njit(cache=True)
def chk_idom(n: int, in_indptr: _I64, in_adj: _I64, is_source: npt.NDArray[np.bool_],
             order: _I64, number: _I64) -> _I64:  # pragma: no cover - compiled
    """Immediate dominators below a virtual source (Cooper, Harvey & Kennedy 2001).

    ``-1`` is the virtual source, ``-2`` an unreachable node. Nodes are processed in reverse
    postorder until no immediate dominator changes (one pass on an acyclic graph, plus one to
    confirm).
    """
    idom = np.full(n, -2, dtype=np.int64)
    changed = True
    while changed:
        changed = False
        for v in order:
            new = -1 if is_source[v] else -2
            for e in range(in_indptr[v], in_indptr[v + 1]):
                p = in_adj[e]
                if idom[p] == -2 or number[p] < 0:
                    continue
                if new == -2:
                    new = p
                    continue
                a = p
                b = new
                while a != b:
                    na = 0 if a == -1 else number[a]
                    nb = 0 if b == -1 else number[b]
                    while na > nb:
                        a = idom[a]
                        na = 0 if a == -1 else number[a]
                    while nb > na:
                        b = idom[b]
                        nb = 0 if b == -1 else number[b]
                new = a
            if idom[v] != new:
                idom[v] = new
                changed = True
    return idom


@numba.njit(cache=True)
def group_order(keys: npt.NDArray[np.int32], n: int) -> tuple[_I64, _I64]:  # pragma: no cover
    """CSR ``indptr`` (n + 1) and a stable order of positions grouped by ``keys`` (counting
    sort, linear time)."""
    indptr = np.zeros(n + 1, dtype=np.int64)
    for k in keys:
        indptr[k + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    order = np.empty(len(keys), dtype=np.int64)
    for j in range(len(keys)):
        k = keys[j]
        order[fill[k]] = j
        fill[k] += 1
    return indptr, order


_FNV_OFFSET = np.uint64(14695981039346656037)
_FNV_PRIME = np.uint64(1099511628211)


@numba.njit(cache=True, inline="always")
def _fnv1a(data: npt.NDArray[np.uint8], lo: int, hi: int) -> np.uint64:  # pragma: no cover
    h = _FNV_OFFSET
    for k in range(lo, hi):
        h ^= np.uint64(data[k])
        h *= _FNV_PRIME
    return h


@numba.njit(cache=True, inline="always")
def _same(a: npt.NDArray[np.uint8], alo: int, ahi: int, b: npt.NDArray[np.uint8], blo: int,
          bhi: int) -> bool:  # pragma: no cover
    if ahi - alo != bhi - blo:
        return False
    for k in range(ahi - alo):  # noqa: SIM110 - a plain loop compiles in numba
        if a[alo + k] != b[blo + k]:
            return False
    return True


@numba.njit(cache=True)
def string_table(data: npt.NDArray[np.uint8],
                 offsets: _I64) -> tuple[_I64, npt.NDArray[np.uint64], int, bool]:  # pragma: no cover
    """Open-addressing hash table (FNV-1a 64-bit, linear probing) of strings given as UTF-8
    ``data`` and ``offsets``.

    Returns the slot → string table, the slot hashes, the position of the first duplicate string
    (-1 if none) and whether two distinct strings share a 64-bit hash (then probes compare bytes).
    """
    n = len(offsets) - 1
    size = 1
    while size < 2 * n + 2:
        size *= 2
    mask = size - 1
    table = np.full(size, -1, dtype=np.int64)
    hashes = np.zeros(size, dtype=np.uint64)
    collide = False
    for i in range(n):
        h = _fnv1a(data, offsets[i], offsets[i + 1])
        slot = np.int64(h & np.uint64(mask))
        while table[slot] != -1:
            if hashes[slot] == h:
                j = table[slot]
                if _same(data, offsets[i], offsets[i + 1], data, offsets[j], offsets[j + 1]):
                    return table, hashes, i, collide
                collide = True
            slot = (slot + 1) & mask
        table[slot] = i
        hashes[slot] = h
    return table, hashes, -1, collide


@numba.njit(cache=True)
def string_probe(table: _I64, hashes: npt.NDArray[np.uint64], verify: bool,
                 data: npt.NDArray[np.uint8], offsets: _I64, qdata: npt.NDArray[np.uint8],
                 qoffsets: _I64) -> _I64:  # pragma: no cover
    """Position of every query string in the table's strings (-1 when absent).

    A query matches the stored string with the same 64-bit hash; the bytes are compared too when
    ``verify`` (stored strings that collide). Without it, a query that is *not* stored could
    only be mistaken for a stored string by a 64-bit hash collision.
    """
    mask = len(table) - 1
    m = len(qoffsets) - 1
    out = np.full(m, -1, dtype=np.int64)
    for q in range(m):
        lo = qoffsets[q]
        hi = qoffsets[q + 1]
        h = _fnv1a(qdata, lo, hi)
        slot = np.int64(h & np.uint64(mask))
        while table[slot] != -1:
            if hashes[slot] == h:
                j = table[slot]
                if not verify or _same(qdata, lo, hi, data, offsets[j], offsets[j + 1]):
                    out[q] = j
                    break
            slot = (slot + 1) & mask
    return out
