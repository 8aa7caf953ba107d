"""结果监测指标: sets by year shipped in resources/indicators/indicators.json, each indicator's rate from
a numerator and a denominator, and whether it meets its target."""
from __future__ import annotations

import json
from dataclasses import dataclass

from desktop_app.submissions import repo

OPS = {">=": (lambda a, b: a >= b, "≥"), "<=": (lambda a, b: a <= b, "≤"), ">": (lambda a, b: a > b, ">"),
       "<": (lambda a, b: a < b, "<")}


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    definition: str
    numerator_label: str
    denominator_label: str
    unit: str
    multiplier: float
    target_op: str | None
    target_value: float | None
    computed_from: str | None

    @property
    def target_text(self) -> str:
        if self.target_op is None or self.target_value is None:
            return "监测"
        return f"{OPS[self.target_op][1]} {self.target_value:g}{'' if self.unit.startswith('例') else self.unit}"

    def rate(self, numerator: float, denominator: float) -> float | None:
        return None if not denominator else numerator / denominator * self.multiplier

    def meets(self, rate: float | None) -> bool | None:
        if rate is None or self.target_op is None or self.target_value is None:
            return None
        return OPS[self.target_op][0](round(rate, 6), self.target_value)

    def rate_text(self, rate: float | None) -> str:
        if rate is None:
            return "—"
        return f"{rate:.2f}{self.unit}" if self.unit in ("‰", "%") else f"{rate:.2f}"


def install_indicator_sets(db, now: str | None = None, data: dict | None = None) -> None:
    """Copy the shipped sets (a year already present is left alone: the hospital may have edited it)."""
    if data is None:
        from desktop_app.paths import resource_path

        data = json.loads(resource_path("indicators", "indicators.json").read_text(encoding="utf-8"))
    for s in data["sets"]:
        if repo.indicator_set_exists(db, s["year"]):
            continue
        repo.add_indicator_set(db, s["year"], s["name"], [
            {"code": i["code"], "name": i["name"], "definition": i.get("definition", ""),
             "numerator_label": i["numerator"], "denominator_label": i["denominator"], "unit": i["unit"],
             "multiplier": i.get("multiplier", 100), "target_op": i.get("target_op"),
             "target_value": i.get("target_value"), "computed_from": i.get("computed_from"), "sort_order": order}
            for order, i in enumerate(s["indicators"], 1)])


def indicator_set(db, year: int) -> tuple[int | None, str | None, list[Indicator]]:
    """(set year, set name, indicators) of the latest set not after ``year`` (the earliest set if none)."""
    row = repo.indicator_set_for(db, year)
    if row is None:
        return None, None, []
    items = [Indicator(r["code"], r["name"], r["definition"], r["numerator_label"], r["denominator_label"], r["unit"],
                       r["multiplier"], r["target_op"], r["target_value"], r["computed_from"])
             for r in repo.indicator_rows(db, row["id"])]
    return row["year"], row["name"], items
