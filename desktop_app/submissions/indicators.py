"""结果监测指标: sets by year shipped in resources/indicators/indicators.json, each indicator's rate from
a numerator and a denominator, and whether it meets its target."""
from __future__ import annotations

import json
from dataclasses import dataclass

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
        if db.execute("SELECT 1 FROM indicator_sets WHERE year = ?", (s["year"],)).fetchone():
            continue
        set_id = db.execute("INSERT INTO indicator_sets (year, name) VALUES (?, ?)", (s["year"], s["name"])).lastrowid
        for order, i in enumerate(s["indicators"], 1):
            db.execute(
                "INSERT INTO indicators (set_id, code, name, definition, numerator_label, denominator_label, unit,"
                " multiplier, target_op, target_value, computed_from, sort_order) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (set_id, i["code"], i["name"], i.get("definition", ""), i["numerator"], i["denominator"], i["unit"],
                 i.get("multiplier", 100), i.get("target_op"), i.get("target_value"), i.get("computed_from"), order))


def indicator_set(db, year: int) -> tuple[int | None, str | None, list[Indicator]]:
    """(set year, set name, indicators) of the latest set not after ``year`` (the earliest set if none)."""
    row = db.query_one("SELECT * FROM indicator_sets WHERE year <= ? ORDER BY year DESC LIMIT 1", (year,)) or \
        db.query_one("SELECT * FROM indicator_sets ORDER BY year LIMIT 1")
    if row is None:
        return None, None, []
    items = [Indicator(r["code"], r["name"], r["definition"], r["numerator_label"], r["denominator_label"], r["unit"],
                       r["multiplier"], r["target_op"], r["target_value"], r["computed_from"])
             for r in db.query("SELECT * FROM indicators WHERE set_id = ? ORDER BY sort_order, id", (row["id"],))]
    return row["year"], row["name"], items
