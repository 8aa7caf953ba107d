"""The census row (原有 入院 转入 出院 转出 死亡 现有 手术 分娩 病危 病重 一级护理): pure checks.

``census_findings(values)`` is cheap and has no database: the form calls it on every keystroke
and shows each finding next to its field. Values may be ints or the text typed ("12", "１２",
" 3 "); blank is an error (0 is written as 0), so are negative and non-integer values, and a
现有 that is not 原有 + 入院 + 转入 − 出院 − 转出 − 死亡.
"""
from __future__ import annotations

import unicodedata

from desktop_app.errors import Finding
from desktop_app.handover.models import CENSUS, CENSUS_FIELDS, CENSUS_IN, CENSUS_OUT


def parse_count(value) -> int | None:
    """An integer ≥ 0 from what was typed, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not text.isdigit():
        return None
    return int(text)


def _problem(value) -> str | None:
    if value is None or (isinstance(value, str) and not unicodedata.normalize("NFKC", value).strip()):
        return "不能空着，没有请填 0。"
    if parse_count(value) is not None:
        return None
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if text.startswith("-") and text[1:].isdigit() or isinstance(value, int) and not isinstance(value, bool):
        return "不能为负数。"
    return f"“{text}”不是整数，请填 0 或正整数。"


def expected_current(values: dict) -> int | None:
    """原有 + 入院 + 转入 − 出院 − 转出 − 死亡, or None while any of them is not a count."""
    counts = [parse_count(values.get(k)) for k in ("原有", *CENSUS_IN, *CENSUS_OUT)]
    if any(c is None for c in counts):
        return None
    original, *rest = counts
    return original + sum(rest[:len(CENSUS_IN)]) - sum(rest[len(CENSUS_IN):])


def current_formula(values: dict) -> str | None:
    """'现有应为 原有 40 + 入院 2 + … = 42' while the counts it needs are numbers (None otherwise)."""
    want = expected_current(values)
    if want is None:
        return None
    v = {k: parse_count(values.get(k)) for k in ("原有", *CENSUS_IN, *CENSUS_OUT)}
    return (f"现有应为 原有 {v['原有']} + 入院 {v['入院']} + 转入 {v['转入']} − 出院 {v['出院']} − 转出 {v['转出']}"
            f" − 死亡 {v['死亡']} = {want}")


def census_findings(values: dict) -> list[Finding]:
    """Every problem of the census row, each naming its field (empty: it adds up)."""
    findings = [CENSUS.finding(name, msg) for name in CENSUS_FIELDS if (msg := _problem(values.get(name)))]
    want = expected_current(values)
    have = parse_count(values.get("现有"))
    if want is not None and want < 0:
        findings.append(CENSUS.finding("现有", f"离开的人数比原有与新来的人数之和还多（算得 {want}），请核对出院、转出、死亡。"))
    elif want is not None and have is not None and want != have:
        findings.append(CENSUS.finding("现有", f"{current_formula(values)}，现填 {have}。"))
    if have is not None:
        for name in ("病危", "病重", "一级护理"):
            n = parse_count(values.get(name))
            if n is not None and n > have:
                findings.append(CENSUS.finding(name, f"{name} {n} 人多于现有 {have} 人。"))
    return findings


def clean_census(values: dict) -> dict:
    """What is stored: ints where they are counts, the typed text otherwise (a draft keeps it)."""
    out = {}
    for name in CENSUS_FIELDS:
        raw = values.get(name)
        n = parse_count(raw)
        out[name] = n if n is not None else ("" if raw is None else str(raw).strip())
    return out
