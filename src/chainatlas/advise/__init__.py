"""Advice: which chain segments a region should fill, strengthen, extend or build (补链/强链/延链/建链).

Uses the chain map and chokepoints of :mod:`chainatlas.network` and the relatedness, complexity and
travel times of :mod:`chainatlas.cluster`; every recommendation reports its measured parts, its
reasons in words and candidate firms.
"""

from chainatlas.advise.candidates import candidate_firms
from chainatlas.advise.parts import RegionParts, local_regions, segment_parts
from chainatlas.advise.recommend import ACTIONS, PARTS, STRATEGIES, AdviceResult, advise_region

__all__ = [
    "ACTIONS",
    "PARTS",
    "STRATEGIES",
    "AdviceResult",
    "RegionParts",
    "advise_region",
    "candidate_firms",
    "local_regions",
    "segment_parts",
]
