"""chainatlas — map, stress-test and strengthen industrial chains (产业链).

Importing the package loads no web stack and touches no database, network or disk: the front
door below is imported on first use.

The Python front door, by topic (every function returns labelled pandas objects or a
:class:`Result` with ``.to_frame()``, ``.to_excel(path)`` and a notebook display):

- data: :func:`load_demo`, :func:`generate_network`, :func:`open_store` (→ :class:`StoreHandle`);
- input-output tables: :mod:`chainatlas.io` (``read_table``, ``demo_table``, ``from_frames`` →
  a :class:`~chainatlas.io.Table` with ``.multipliers()``, ``.linkages()``, ``.extraction()``,
  ``.shock()``);
- chains: :mod:`chainatlas.chain` (``map``, ``chokepoints``, ``throughput``, ``tiers``,
  ``health``);
- stress tests: :mod:`chainatlas.stress` (``run``, ``sweep``, ``tts_ttr``);
- systemic risk, reconstruction, places, decisions: :func:`esri`, :func:`reconstruct_network`,
  :func:`resolve_places`, :func:`decide_interventions` (the engines are :mod:`chainatlas.risk`,
  :mod:`chainatlas.reconstruct`, :mod:`chainatlas.places` and :mod:`chainatlas.decide`).

Errors form one tree under :class:`ChainAtlasError` (see :mod:`chainatlas.exceptions`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from chainatlas import chain as chain
    from chainatlas import io as io
    from chainatlas import stress as stress
    from chainatlas._front import (
        StoreHandle as StoreHandle,
    )
    from chainatlas._front import (
        decide_interventions as decide_interventions,
    )
    from chainatlas._front import (
        esri as esri,
    )
    from chainatlas._front import (
        generate_network as generate_network,
    )
    from chainatlas._front import (
        load_demo as load_demo,
    )
    from chainatlas._front import (
        open_store as open_store,
    )
    from chainatlas._front import (
        reconstruct_network as reconstruct_network,
    )
    from chainatlas._front import (
        resolve_places as resolve_places,
    )
    from chainatlas._results import Result as Result

__version__ = "0.1.0"

#: Front-door names and the module each comes from (imported on first use).
_LAZY = {
    "io": None, "chain": None, "stress": None,
    "load_demo": "chainatlas._front", "generate_network": "chainatlas._front",
    "open_store": "chainatlas._front", "StoreHandle": "chainatlas._front",
    "esri": "chainatlas._front", "decide_interventions": "chainatlas._front", "reconstruct_network": "chainatlas._front",
    "resolve_places": "chainatlas._front", "Result": "chainatlas._results",
}

__all__ = [
    "AccessDenied",
    "ChainAtlasError",
    "DataNotFound",
    "Forbidden",
    "InputError",
    "LimitExceeded",
    "ModelError",
    "Result",
    "ScenarioError",
    "StoreError",
    "StoreHandle",
    "ValidationError",
    "__version__",
    "chain",
    "decide_interventions",
    "esri",
    "generate_network",
    "io",
    "load_demo",
    "open_store",
    "reconstruct_network",
    "resolve_places",
    "stress",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'chainatlas' has no attribute {name!r}")
    where = _LAZY[name]
    if where is None:
        value: Any = importlib.import_module(f"chainatlas.{name}")
    else:
        value = getattr(importlib.import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
