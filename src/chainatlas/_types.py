"""Shared type aliases."""

from __future__ import annotations

from os import PathLike
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.int64]
PathArg: TypeAlias = str | PathLike[str]
OutputFormat: TypeAlias = Literal["table", "json", "csv"]
Stage: TypeAlias = Literal["upstream", "midstream", "downstream"]
