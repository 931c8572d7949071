"""chainatlas — map, stress-test and strengthen industrial chains (产业链).

Importing the package loads no web stack and touches no database, network or disk. The public
front door is small; the engines live in their own subpackages (``chainatlas.ioa``,
``chainatlas.network``, ``chainatlas.shock``, ``chainatlas.cluster``, ``chainatlas.evaluation``,
``chainatlas.matching``, ``chainatlas.advise``).
"""

from chainatlas.exceptions import (
    AccessDenied,
    ChainAtlasError,
    DataNotFound,
    Forbidden,
    InputError,
    LimitExceeded,
    ModelError,
    ScenarioError,
    StoreError,
    ValidationError,
)

__version__ = "0.1.0"

__all__ = [
    "AccessDenied",
    "ChainAtlasError",
    "DataNotFound",
    "Forbidden",
    "InputError",
    "LimitExceeded",
    "ModelError",
    "ScenarioError",
    "StoreError",
    "ValidationError",
    "__version__",
]
