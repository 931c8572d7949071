"""The cost model: what each intervention costs, in 10,000 CNY (万元), one-off plus one year.

Defaults (documented in ``docs/decide.md``; a user's YAML overrides any of them)::

    dual_sourcing:  {fixed: 50,   per_flow: 0.03}   # qualifying a second supplier + 3 % price
                                                    # premium on the annual flow moved to it
    inventory:      {fixed: 0,    carrying_rate: 0.25}  # 25 % a year of the extra stock's value
    firm_inventory: {fixed: 20,   carrying_rate: 0.25}  # one firm: warehouse space / a stocking
                                                        # agreement + 25 % a year of the stock
    attract:        {fixed: 3000, per_output: 0.05} # incentives for a new plant + 5 % of its
                                                    # first year's output
    localisation:   {fixed: 80,   per_flow: 0.05}   # switching + 5 % premium on the moved flow

Costs of a portfolio add up (no shared fixed costs), so a budget compares with the sum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from chainatlas._types import PathArg
from chainatlas.exceptions import InputError

__all__ = ["CostModel", "load_cost_model"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FlowCost(_Strict):
    fixed: float = Field(50.0, ge=0.0)
    per_flow: float = Field(0.03, ge=0.0)


class InventoryCost(_Strict):
    fixed: float = Field(0.0, ge=0.0)
    carrying_rate: float = Field(0.25, ge=0.0)


class AttractCost(_Strict):
    fixed: float = Field(3000.0, ge=0.0)
    per_output: float = Field(0.05, ge=0.0)


class CostModel(_Strict):
    """Cost parameters per intervention kind (万元 and shares; see the module docstring)."""

    dual_sourcing: FlowCost = Field(default_factory=lambda: FlowCost.model_validate({}))
    inventory: InventoryCost = Field(default_factory=lambda: InventoryCost.model_validate({}))
    firm_inventory: InventoryCost = Field(
        default_factory=lambda: InventoryCost(fixed=20.0, carrying_rate=0.25))
    attract: AttractCost = Field(default_factory=lambda: AttractCost.model_validate({}))
    localisation: FlowCost = Field(default_factory=lambda: FlowCost(fixed=80.0, per_flow=0.05))

    def flow_cost(self, kind: str, annual_flow: float) -> float:
        """Cost of moving ``annual_flow`` (万元/yr) to another supplier."""
        c = self.dual_sourcing if kind == "dual_sourcing" else self.localisation
        return c.fixed + c.per_flow * annual_flow

    def inventory_cost(self, stock_value: float) -> float:
        """One year of carrying ``stock_value`` (万元) more stock."""
        return self.inventory.fixed + self.inventory.carrying_rate * stock_value

    def firm_inventory_cost(self, stock_value: float) -> float:
        """One firm carrying ``stock_value`` (万元) more stock for a year, plus its fixed cost
        (warehouse space, a stocking agreement with the supplier)."""
        return self.firm_inventory.fixed + self.firm_inventory.carrying_rate * stock_value

    def attract_cost(self, annual_output: float) -> float:
        """Attracting a plant with ``annual_output`` (万元/yr)."""
        return self.attract.fixed + self.attract.per_output * annual_output

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def load_cost_model(path: PathArg | None) -> CostModel:
    """The defaults, or a YAML/JSON file's overrides (unknown keys and bad values refused)."""
    if path is None:
        return CostModel()
    p = Path(path)
    if not p.is_file():
        raise InputError(f"cost model file not found: {p}")
    import yaml

    try:
        data = yaml.safe_load(p.read_text("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        raise InputError(f"cannot read cost model {p.name}: {err}") from None
    try:
        return CostModel.model_validate(data or {})
    except pydantic.ValidationError as err:
        msgs = "; ".join(f"{'.'.join(str(x) for x in e['loc'])}: "
                         f"{'unknown key' if e['type'] == 'extra_forbidden' else e['msg']}"
                         for e in err.errors())
        raise InputError(f"invalid cost model {p.name}: {msgs}") from None
