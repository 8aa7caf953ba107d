"""Search keys from Chinese names, so that typing ``zs`` finds 张三.

Surnames with several readings (曾 zeng/ceng, 单 shan/dan, 解 xie/jie) get every reading; the
given name uses pypinyin's reading in context (and its alternatives, up to a small limit).
The key string is stored with the record: `` zs zhangsan`` — each key preceded by a space, so
``LIKE '% zs%'`` is a prefix match on any key.
"""
from __future__ import annotations

import itertools
import re

MAX_COMBINATIONS = 8
_HAN = re.compile(r"[\u3400-\u9fff]")


def search_keys(text: str) -> str:
    text = (text or "").strip()
    if not text:
        return ""
    # pypinyin loads its dictionaries on import (~0.2 s): only when a name is saved.
    from pypinyin import Style, lazy_pinyin, pinyin

    chars = [c for c in text if not c.isspace()]
    contextual = lazy_pinyin(chars, errors=lambda s: [c.lower() for c in s])
    options: list[list[str]] = []
    for i, ch in enumerate(chars):
        default = contextual[i] if i < len(contextual) else ch.lower()
        if _HAN.match(ch):
            readings = pinyin(ch, style=Style.NORMAL, heteronym=True)[0]
            ordered = [default] + [r for r in readings if r != default]
            options.append(ordered if i == 0 else ordered[:2])
        else:
            options.append([default])
    keys: list[str] = []
    for combo in itertools.islice(itertools.product(*options), MAX_COMBINATIONS):
        initials = "".join(p[0] for p in combo if p)
        full = "".join(combo)
        for k in (initials, full):
            if k and k not in keys:
                keys.append(k)
    return "".join(" " + k for k in keys)


def is_pinyin_query(query: str) -> bool:
    return bool(re.fullmatch(r"[a-zA-Z]+", query or ""))
