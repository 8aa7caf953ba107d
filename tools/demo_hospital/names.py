"""Plausible Chinese personal names for the demo hospital, reproducible from a seed.

Surnames are drawn by their approximate share of the population (2020 census order, with a few
surnames common in western Anhui such as 储 and 汪), compound surnames (欧阳, 司马 …) rarely.
Given names are one character (about a quarter) or two, from pools that read as male or female.
Some surnames have two readings (曾 zeng/ceng, 单 shan/dan, 解 xie/jie, 查 zha/cha) — useful for
testing the pinyin search. Names repeat across a large hospital, as they do in life; pass the
names already used in a department as ``avoid`` to keep them distinct there.
"""
from __future__ import annotations

import itertools
import random
from collections.abc import Collection

# surname, weight (≈ per cent of the population)
SURNAMES: list[tuple[str, float]] = [
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.5),
    ("赵", 2.3), ("吴", 2.0), ("周", 1.9), ("徐", 1.5), ("孙", 1.5), ("马", 1.4), ("朱", 1.3),
    ("胡", 1.3), ("郭", 1.1), ("何", 1.1), ("林", 1.0), ("高", 1.0), ("罗", 0.9), ("郑", 0.8),
    ("梁", 0.8), ("谢", 0.8), ("宋", 0.7), ("唐", 0.7), ("许", 0.7), ("韩", 0.6), ("冯", 0.6),
    ("邓", 0.6), ("曹", 0.6), ("彭", 0.6), ("曾", 0.5), ("肖", 0.5), ("田", 0.5), ("董", 0.5),
    ("袁", 0.5), ("潘", 0.4), ("于", 0.4), ("蒋", 0.4), ("蔡", 0.4), ("余", 0.4), ("杜", 0.4),
    ("叶", 0.4), ("程", 0.5), ("苏", 0.3), ("魏", 0.3), ("吕", 0.3), ("丁", 0.3), ("任", 0.3),
    ("沈", 0.3), ("姚", 0.3), ("卢", 0.3), ("姜", 0.3), ("崔", 0.3), ("钟", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("汪", 0.5), ("范", 0.3), ("金", 0.3), ("石", 0.3), ("廖", 0.3), ("贾", 0.2),
    ("夏", 0.2), ("付", 0.2), ("方", 0.3), ("白", 0.2), ("邹", 0.2), ("孟", 0.2), ("熊", 0.2),
    ("秦", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.2), ("段", 0.2), ("雷", 0.2), ("侯", 0.2),
    ("史", 0.2), ("陶", 0.2), ("贺", 0.2), ("顾", 0.2), ("毛", 0.2), ("郝", 0.2), ("龚", 0.2),
    ("邵", 0.2), ("万", 0.2), ("钱", 0.2), ("严", 0.2), ("武", 0.2), ("戴", 0.2), ("孔", 0.1),
    ("汤", 0.1), ("常", 0.1), ("储", 0.2), ("葛", 0.1), ("鲍", 0.1), ("童", 0.1), ("单", 0.05),
    ("解", 0.05), ("查", 0.05),
]
COMPOUND_SURNAMES: list[tuple[str, float]] = [("欧阳", 0.25), ("司马", 0.1), ("诸葛", 0.08), ("上官", 0.07)]

MALE_CHARS = (
    "伟强磊军勇杰涛明超斌鹏辉刚健俊峰浩宇晨凯志平波亮飞龙东成兵松毅昊鑫博翔帅阳旭振坤晖锋"
    "永庆胜立德宏荣国建忠海林文华江山彬睿轩航铭哲然泽"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀玲燕红梅琳雪婷慧颖倩丹萍洁琴月莉瑶欣怡悦璐佳蕾露雯晶薇菲莹兰凤云玉"
    "珊蓉茜媛妍婉梦雨馨诗琪晓蓓萌彤岚"
)
# characters that begin a two-character given name of either gender
NEUTRAL_FIRST = "晓文海春新永建志子家思宇雨佳一嘉俊小明天"
SINGLE_NAME_SHARE = 0.25
DOUBLED_SHARE = 0.03  # 婷婷, 丹丹 — reduplicated female names


class NameGenerator:
    """``NameGenerator(seed).name("女")`` — the same seed gives the same sequence of names."""

    def __init__(self, seed: int | random.Random = 2026):
        self.rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        pairs = SURNAMES + COMPOUND_SURNAMES
        self._surnames = [s for s, _ in pairs]
        self._cumulative = list(itertools.accumulate(w for _, w in pairs))

    def surname(self) -> str:
        return self.rng.choices(self._surnames, cum_weights=self._cumulative)[0]

    def given_name(self, gender: str | None) -> str:
        rng = self.rng
        pool = FEMALE_CHARS if gender == "女" else MALE_CHARS
        if rng.random() < SINGLE_NAME_SHARE:
            return rng.choice(pool)
        last = rng.choice(pool)
        if gender == "女" and rng.random() < DOUBLED_SHARE:
            return last * 2
        first = rng.choice(NEUTRAL_FIRST if rng.random() < 0.4 else pool)
        while first == last:
            first = rng.choice(pool)
        return first + last

    def name(self, gender: str | None, *, avoid: Collection[str] = ()) -> str:
        """A full name, different from every name in ``avoid`` when that can be managed."""
        for _ in range(50):
            surname = self.surname()
            given = self.given_name(gender)
            if given[0] == surname[-1]:  # 杨杨明 reads badly
                continue
            full = surname + given
            if full not in avoid:
                return full
        return full
