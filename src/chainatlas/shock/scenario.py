"""Stress-test scenarios: what is shocked, how hard, when, and under which inventory policy.

A scenario is a YAML or JSON document validated by pydantic::

    horizon_days: 90
    policy: {inventory_days: 15, tau: 6, substitution: true, rationing: proportional}
    shocks:
      - firm: F001            # or region: "340881" | segment: cells | origin: JPN
        capacity_loss: 1.0    # share of capacity lost, 0..1
        start_day: 0
        duration_days: 30
        recovery: step        # step | linear | exponential
    demand_shocks:
      - segment: vehicles
        change: -0.2          # relative change of final demand, ≥ -1
        start_day: 10
        duration_days: 20

Selectors of one shock (``firm``, ``region``, ``segment``, ``origin``) combine by intersection:
``{origin: USA, segment: chips}`` hits the US firms that work in the chip segment. ``region`` is
an adcode *prefix* (``"34"`` = Anhui, ``"340881"`` = Tongcheng). Invalid input raises
:class:`~chainatlas.exceptions.ScenarioError` naming the key and the bad value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from chainatlas.exceptions import ScenarioError

__all__ = [
    "DemandShock",
    "Policy",
    "Scenario",
    "Shock",
    "load_scenario",
    "parse_scenario",
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Policy(_Strict):
    """How firms hold inventory, order and ration (Inoue & Todo 2019).

    Attributes
    ----------
    inventory_days : float
        Target (and initial) inventory of every input, in days of baseline use (n, ≥ 1).
    segment_inventory_days : dict[str, float]
        Per input segment override of ``inventory_days``.
    firm_inventory_days : dict[str, float | dict[str, float]]
        Per customer firm override (firm id → days): a number sets the days of every input of
        that firm, a mapping ``{segment: days}`` the days of those input segments only (its
        other inputs keep the segment's or the default days). Firm overrides win over segment
        overrides; with ``inventory_spread="poisson"`` they are the mean of the firm's draw.
    inventory_spread : {"none", "poisson"}
        ``poisson``: each firm's target (and initial) stock of an input is drawn from a Poisson
        law with mean ``inventory_days`` (or the segment's), at least ``min_inventory_days``
        — the reference simulator's option ``-D 2``; one draw per firm, so a firm well
        stocked in one input is well stocked in all. ``none`` (default): every firm holds the
        mean.
    min_inventory_days : float
        Lower bound of a Poisson draw (≥ 1; the reference simulator's ``-e``, default 2).
    seed : int
        Seed of the Poisson draws (the same seed gives the same stocks).
    tau : float
        Inventory adjustment time τ in days (> 0): orders close 1/τ of the stock gap per day.
    substitution : bool
        Whether suppliers of the same segment substitute for one another (stocks of one input
        segment are pooled); if false every supplier is a Leontief input of its own.
    rationing : {"proportional", "priority"}
        How a supplier short of output shares it among its customers and final demand.
    order_basis : {"planned", "demand", "production"}
        The output a firm orders inputs for: yesterday's demand capped by its own capacity
        (``planned``, default), yesterday's demand, or yesterday's production (the rule of the
        authors' simulator, under which a firm whose output fell to zero stops ordering and
        cannot restart; with ``demand`` a firm without capacity keeps ordering and overstocks).
    """

    inventory_days: float = Field(15.0, ge=1.0, le=3650.0)
    segment_inventory_days: dict[str, float] = Field(default_factory=dict)
    firm_inventory_days: dict[str, float | dict[str, float]] = Field(default_factory=dict)
    tau: float = Field(6.0, gt=0.0, le=3650.0)
    substitution: bool = True
    rationing: Literal["proportional", "priority"] = "proportional"
    order_basis: Literal["planned", "demand", "production"] = "planned"
    inventory_spread: Literal["none", "poisson"] = "none"
    min_inventory_days: float = Field(2.0, ge=1.0, le=3650.0)
    seed: int = Field(0, ge=0)

    @field_validator("segment_inventory_days")
    @classmethod
    def _days_at_least_one(cls, v: dict[str, float]) -> dict[str, float]:
        for seg, days in v.items():
            if not (1.0 <= float(days) <= 3650.0):
                raise ValueError(f"inventory days of segment '{seg}' must be between 1 and 3650, "
                                 f"got {days!r}")
        return v

    @field_validator("firm_inventory_days")
    @classmethod
    def _firm_days(cls, v: dict[str, float | dict[str, float]]
                   ) -> dict[str, float | dict[str, float]]:
        for firm, days in v.items():
            per = days if isinstance(days, dict) else {"": days}
            for seg, d in per.items():
                if not (1.0 <= float(d) <= 3650.0):
                    what = f"input '{seg}' of firm '{firm}'" if seg else f"firm '{firm}'"
                    raise ValueError(f"inventory days of {what} must be between 1 and 3650, "
                                     f"got {d!r}")
        return v


class _Target(_Strict):
    firm: str | list[str] | None = None
    region: str | None = None
    segment: str | None = None
    origin: str | None = None
    #: A hazard footprint: GeoJSON (Polygon / MultiPolygon, Feature or FeatureCollection) inline
    #: or a path to a .geojson file. Firms inside lose ``capacity_loss`` × the feature's
    #: ``properties.intensity`` (default 1), located by their coordinates or their region's.
    footprint: dict[str, Any] | str | None = None

    @field_validator("footprint")
    @classmethod
    def _geojson(cls, v: Any) -> Any:
        if v is None:
            return v
        from chainatlas.exceptions import InputError
        from chainatlas.risk.footprint import load_footprint, parse_footprint

        try:
            parse_footprint(v) if isinstance(v, dict) else load_footprint(v)
        except InputError as err:
            raise ValueError(err.message) from None
        return v

    def footprint_shape(self) -> Any:
        """The parsed :class:`~chainatlas.risk.footprint.Footprint` (None without one)."""
        from chainatlas.risk.footprint import load_footprint, parse_footprint

        if self.footprint is None:
            return None
        return parse_footprint(self.footprint) if isinstance(self.footprint, dict) \
            else load_footprint(self.footprint)

    @field_validator("firm", "region", "segment", "origin", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return str(int(v)) if float(v).is_integer() else str(v)
        if isinstance(v, list):
            return [str(x) for x in v]
        return v

    @model_validator(mode="after")
    def _one_selector(self) -> _Target:
        if self.firm is None and self.region is None and self.segment is None and \
                self.origin is None and self.footprint is None:
            raise ValueError("needs at least one of firm, region, segment, origin, footprint")
        return self

    def describe(self) -> str:
        """A short label such as ``region=340881`` or ``origin=USA,segment=chips``."""
        parts = []
        for key in ("firm", "region", "segment", "origin"):
            val = getattr(self, key)
            if val is not None:
                parts.append(f"{key}={','.join(val) if isinstance(val, list) else val}")
        if self.footprint is not None:
            parts.append("footprint" if isinstance(self.footprint, dict)
                         else f"footprint={self.footprint}")
        return ",".join(parts)


class Shock(_Target):
    """A capacity loss of the selected firms with a recovery curve.

    The loss is ``capacity_loss`` from ``start_day`` for ``duration_days`` days (to the horizon
    when omitted), then recovers: ``step`` at once, ``linear`` to zero over ``recovery_days``,
    ``exponential`` with time constant ``recovery_days`` (see :mod:`chainatlas.shock.recovery`).
    """

    capacity_loss: float = Field(1.0, ge=0.0, le=1.0)
    start_day: int = Field(0, ge=0)
    duration_days: int | None = Field(None, ge=0)
    recovery: Literal["step", "linear", "exponential"] = "step"
    recovery_days: float = Field(30.0, gt=0.0)


class DemandShock(_Target):
    """A relative change of final demand of the selected firms (``change`` = -0.2 is a 20 % fall)."""

    change: float = Field(..., ge=-1.0, le=100.0)
    start_day: int = Field(0, ge=0)
    duration_days: int | None = Field(None, ge=0)


class Scenario(_Strict):
    """A stress-test scenario: horizon, policy, capacity shocks and demand shocks."""

    name: str = "scenario"
    description: str = ""
    horizon_days: int = Field(90, ge=1, le=3650)
    policy: Policy = Field(default_factory=Policy)
    shocks: list[Shock] = Field(default_factory=list)
    demand_shocks: list[DemandShock] = Field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _format_errors(err: pydantic.ValidationError, source: str) -> str:
    lines = []
    for e in err.errors():
        loc = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in e["loc"]).replace(".[", "[")
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            msg = "unknown key"
        val = e.get("input")
        shown = "" if isinstance(val, (dict, list)) or val is None else f" (got {val!r})"
        lines.append(f"{loc or '<root>'}: {msg}{shown}")
    return f"invalid scenario {source}: " + "; ".join(lines)


def parse_scenario(data: Mapping[str, Any] | Scenario, *, source: str = "") -> Scenario:
    """Validate a scenario mapping; raises :class:`ScenarioError` naming each bad key and value."""
    if isinstance(data, Scenario):
        return data
    if not isinstance(data, Mapping):
        raise ScenarioError(f"invalid scenario {source}: expected a mapping at the top level, "
                            f"got {type(data).__name__}")
    try:
        return Scenario.model_validate(dict(data))
    except pydantic.ValidationError as err:
        raise ScenarioError(_format_errors(err, source).replace("  ", " "),
                            details=[{"loc": list(e["loc"]), "msg": e["msg"]}
                                     for e in err.errors()]) from None


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file (``.yaml``/``.yml`` or ``.json``)."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"scenario file not found: {p}")
    raw = p.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:  # Chinese government files often come in GB18030/GBK
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            raise ScenarioError(f"scenario {p.name} is neither UTF-8 nor GB18030 text") from None
    try:
        if p.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except (json.JSONDecodeError, Exception) as err:  # yaml.YAMLError has no common import
        if isinstance(err, ScenarioError):
            raise
        raise ScenarioError(f"cannot parse scenario {p.name}: {err}") from None
    return parse_scenario(data if data is not None else {}, source=p.name)
