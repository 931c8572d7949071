"""Dominator trees of the supply graph: the firms that lie on every supply path.

Firm ``d`` *dominates* firm ``v`` when every supply path from the primary sources of the network
into ``v`` passes through ``d`` (Lengauer & Tarjan 1979; Cooper, Harvey & Kennedy 2001, "A
Simple, Fast Dominance Algorithm"). With a virtual source ``R`` joined to every firm that has no
supplier, one dominator tree answers the question for every firm at once: the ancestors of ``v``
in the tree are exactly its dominators and the subtree of ``d`` is the set of firms cut off from
all primary sources when ``d`` fails. Firms inside a supply cycle with no supplier outside it (a
source strongly connected component) are joined to ``R`` as well, so every firm is reachable.

Dominance uses OR semantics (any path keeps a firm supplied); the AND semantics of production
(every essential input segment is needed) is handled in :mod:`chainatlas.network.chokepoints`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from chainatlas.exceptions import InputError
from chainatlas.network._kernels import chk_idom, reverse_postorder, strong_components
from chainatlas.network.graph import FirmGraph

__all__ = ["DominatorTree", "dominator_tree", "supplier_dominators"]

_I64 = npt.NDArray[np.int64]
_F64 = npt.NDArray[np.float64]

#: Parent value of firms whose immediate dominator is the virtual source.
ROOT = -1


@dataclass(frozen=True)
class DominatorTree:
    """Immediate dominators of every firm below the virtual source.

    Attributes
    ----------
    idom : ndarray of int64, shape (n,)
        Immediate dominator of each firm; ``-1`` when only the virtual source dominates it.
    depth : ndarray of int64, shape (n,)
        Depth in the tree (1 for children of the virtual source).
    """

    idom: _I64
    depth: _I64

    @property
    def n(self) -> int:
        return len(self.idom)

    def dominators_of(self, v: int) -> list[int]:
        """Firms that dominate ``v``, nearest first (``v`` itself excluded)."""
        out: list[int] = []
        d = int(self.idom[v])
        while d != ROOT:
            out.append(d)
            d = int(self.idom[d])
        return out

    def common_dominator(self, targets: npt.ArrayLike) -> int:
        """Nearest firm that dominates every firm in ``targets`` (their lowest common ancestor,
        counting a target as dominating itself); ``-1`` when only the virtual source does."""
        t = np.unique(np.asarray(targets, dtype=np.int64))
        if len(t) == 0:
            return ROOT
        lca = int(t[0])
        for v in t[1:]:
            a, b = lca, int(v)
            while a != b:
                if a == ROOT or b == ROOT:
                    a = ROOT
                    break
                if self.depth[a] >= self.depth[b]:
                    a = int(self.idom[a])
                else:
                    b = int(self.idom[b])
            lca = a
            if lca == ROOT:
                break
        return lca

    def subtree_sum(self, weight: npt.ArrayLike) -> _F64:
        r"""Sum of ``weight`` over the subtree of every firm.

        .. math:: S_d = \sum_{v:\, d \,\mathrm{dom}\, v} w_v

        i.e. the weight cut off from every primary source when ``d`` fails (``d`` included).
        Computed level by level from the deepest firms up, one ``bincount`` per level.
        """
        acc = np.array(weight, dtype=np.float64, copy=True)
        if acc.shape != (self.n,):
            raise InputError(f"weight must have shape ({self.n},)")
        if self.n == 0:
            return acc
        order = np.argsort(-self.depth, kind="stable")
        depth_sorted = self.depth[order]
        bounds = np.flatnonzero(np.diff(depth_sorted)) + 1
        for level in np.split(order, bounds):
            parents = self.idom[level]
            has = parents != ROOT
            if has.any():
                acc += np.bincount(parents[has], weights=acc[level[has]], minlength=self.n)
        return acc


def _tree_depth(idom: _I64) -> _I64:
    """Depth of every node of a forest given by parent pointers (-1 = root), by pointer jumping."""
    n = len(idom)
    depth = (idom != ROOT).astype(np.int64)
    parent = idom.copy()
    active = parent != ROOT
    while active.any():
        p = parent[active]
        depth[active] += depth[p]
        parent[active] = parent[p]
        active = parent != ROOT
    return depth + 1 if n else np.zeros(0, dtype=np.int64)


def _igraph(n: int, src: npt.NDArray[np.integer], dst: npt.NDArray[np.integer]) -> Any:
    """A directed igraph graph with ``n`` nodes and the given edges (fast ``add_edges`` path)."""
    import igraph as ig

    g = ig.Graph(n=n, directed=True)
    if len(src):
        g.add_edges(np.column_stack([src, dst]).astype(np.int64))
    return g


def _idom_array(g: Any, root: int, mode: str) -> _I64:
    """igraph's dominator list as int64: root -1, unreachable -2."""
    dom = np.asarray(g.dominator(root, mode=mode), dtype=np.float64)  # root -1, unreachable NaN
    dom[np.isnan(dom)] = -2.0
    return dom.astype(np.int64)


def _sources_from_components(graph: FirmGraph, memb: _I64) -> _I64:
    """Firms with no supplier or inside a strongly connected component no outsider supplies."""
    n = graph.n_firms
    cross = memb[graph.src] != memb[graph.dst]
    fed = np.zeros(int(memb.max()) + 1 if n else 0, dtype=bool)
    fed[memb[graph.dst[cross]]] = True
    return np.flatnonzero(~fed[memb] | (graph.in_degree() == 0)).astype(np.int64)


def _source_firms(graph: FirmGraph, g: Any | None = None) -> _I64:
    """Firms joined to the virtual source (via igraph's strongly connected components).

    ``g`` may be an igraph graph whose first ``n`` nodes and edges are the firms' (extra nodes
    without in-edges do not change the firms' strongly connected components).
    """
    n = graph.n_firms
    if graph.n_edges == 0:
        return np.arange(n, dtype=np.int64)
    if g is None:
        g = _igraph(n, graph.src, graph.dst)
    memb = np.asarray(g.connected_components(mode="strong").membership, dtype=np.int64)[:n]
    return _sources_from_components(graph, memb)


def _chk_tree(graph: FirmGraph) -> _I64:
    n = graph.n_firms
    out_adj = graph.dst[graph.out_order].astype(np.int64)
    in_adj = graph.src[graph.in_order].astype(np.int64)
    memb = strong_components(n, graph.out_indptr, out_adj)
    sources = _sources_from_components(graph, memb)
    is_source = np.zeros(n, dtype=bool)
    is_source[sources] = True
    order, number = reverse_postorder(n, graph.out_indptr, out_adj, sources)
    return chk_idom(n, graph.in_indptr, in_adj, is_source, order, number)


def _igraph_tree(graph: FirmGraph) -> _I64:
    n = graph.n_firms
    g = _igraph(n + 1, graph.src, graph.dst)
    sources = _source_firms(graph, g)
    g.add_edges(np.column_stack([np.full(len(sources), n, dtype=np.int64), sources]))
    dom = _idom_array(g, n, "out")[:n]
    dom[dom == n] = ROOT
    return dom


def dominator_tree(graph: FirmGraph, method: str = "chk") -> DominatorTree:  # noqa: D417
    """Network-wide dominator tree of the supply graph below a virtual source.

    Parameters
    ----------
    graph : FirmGraph
        Supply links point supplier → customer.
    method : {"chk", "igraph"}
        ``chk``: Cooper–Harvey–Kennedy iteration on the CSR arrays (compiled with numba, no
        graph copy); ``igraph``: python-igraph's ``Graph.dominator`` (Lengauer–Tarjan) on a
        copy of the graph. Both give the same tree.

    Returns
    -------
    DominatorTree
        ``idom[v]`` is the nearest firm on every path from the primary sources into ``v``.

    Notes
    -----
    The virtual source is node ``n``; it is joined to every firm with no supplier and to every
    firm of a strongly connected component that no firm outside it supplies (Tarjan's algorithm).
    Cooper, Harvey & Kennedy's iteration visits the firms in reverse postorder and intersects
    the dominator-tree paths of each firm's processed suppliers until nothing changes; it is
    simple and, on supply graphs (mostly acyclic, shallow trees), faster than Lengauer–Tarjan.

    Examples
    --------
    >>> from chainatlas.network.graph import FirmGraph
    >>> g = FirmGraph.from_arrays(["a", "b", "c", "d"], [0, 1, 1], [1, 2, 3])
    >>> dominator_tree(g).idom.tolist()
    [-1, 0, 1, 1]
    """
    if method == "chk":
        dom = _chk_tree(graph)
    elif method == "igraph":
        dom = _igraph_tree(graph)
    else:
        raise InputError(f"method must be 'chk' or 'igraph', got {method!r}")
    if (dom < ROOT).any():  # cannot happen: every firm is reachable from the virtual source
        raise InputError("some firms are unreachable from the virtual source")
    return DominatorTree(dom, _tree_depth(dom))


def supplier_dominators(graph: FirmGraph, target: int) -> _I64:
    """For each upstream firm, the nearest firm every one of its supply paths into ``target``
    passes through (post-dominators towards ``target``).

    Parameters
    ----------
    graph : FirmGraph
    target : int
        Node index of the focal firm.

    Returns
    -------
    ndarray of int64, shape (n,)
        ``out[v]`` is the immediate post-dominator of ``v`` on the paths ``v → … → target``:
        ``target`` itself when ``v`` has paths that meet only there, ``-1`` for ``target``, and
        ``-2`` for firms with no path into ``target``.

    Notes
    -----
    Dominator tree of the reversed graph rooted at ``target`` (igraph ``mode="in"``).
    """
    if not 0 <= target < graph.n_firms:
        raise InputError(f"target must be a node index in [0, {graph.n_firms})")
    return _idom_array(_igraph(graph.n_firms, graph.src, graph.dst), int(target), "in")
