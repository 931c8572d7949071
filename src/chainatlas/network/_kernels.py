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
