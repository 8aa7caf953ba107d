"""The two checklists shipped as data (resources/checklists): names, order, counts, codes, wording.

The category names are the ones in the national documents (domain reference §1): the importer maps
older names through ``aliases``, so a typo here would split one problem class into two.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from desktop_app.reports.fonts import missing_glyphs

DIR = Path(__file__).resolve().parents[2] / "resources" / "checklists"
CAMPAIGN_FILE = "2025-专项整治.json"
CORE_FILE = "核心制度.json"

# 国卫办医政函〔2025〕228号, 整治内容 (一)–(十)
CAMPAIGN_CATEGORIES = [
    "医疗质量管理组织体系不健全",
    "医疗质量安全管理制度不完善",
    "医疗质量安全工作机制落实不到位",
    "医疗安全风险防范和应急处置机制不健全",
    "科室质量安全管理制度落实不到位",
    "医疗文书书写、管理不规范",
    "医院感染管理不到位",
    "泄露患者隐私",
    "电子病历系统管理不到位",
    "医德医风建设管理不到位",
]
# 《医疗质量安全核心制度要点》（国卫医发〔2018〕8号）, in the document's order
CORE_SYSTEMS = [
    "首诊负责制度", "三级查房制度", "会诊制度", "分级护理制度", "值班和交接班制度", "疑难病例讨论制度",
    "急危重患者抢救制度", "术前讨论制度", "死亡病例讨论制度", "查对制度", "手术安全核查制度",
    "手术分级管理制度", "新技术和新项目准入制度", "危急值报告制度", "病历管理制度", "抗菌药物分级管理制度",
    "临床用血审核制度", "信息安全管理制度",
]

# Common characters that exist only in traditional script (their simplified forms differ).
TRADITIONAL = set(
    "醫療質與機構檢問題體係會診護術報記錄責單員見計劃對應該這為過進實際"
    "們個來時學權辦歸級處類關開發現務標準資藥預險衛傳號隱書寫規範議據後執業證輸導"
    "臺賬糾達設職難監測訊審備屬"
)
ASCII_PUNCT = re.compile(r"[,;:()?!]")
CODE_CATEGORY = re.compile(r"^[1-9]\d*$")
TEXT_MAX, METHOD_MAX = 120, 80


def load(name: str) -> dict:
    return json.loads((DIR / name).read_text(encoding="utf-8"))


FILES = {
    CAMPAIGN_FILE: {"kind": "专项整治", "names": CAMPAIGN_CATEGORIES, "items": (4, 8)},
    CORE_FILE: {"kind": "核心制度", "names": CORE_SYSTEMS, "items": (3, 6)},
}


def every_string(data: dict):
    """(where, text) for every piece of prose a user will read or print."""
    for key in ("name", "basis", "description"):
        yield key, data[key]
    for cat in data["categories"]:
        yield f"类别 {cat['code']}", cat["name"]
        for alias in cat.get("aliases", []):
            yield f"类别 {cat['code']} 别名", alias
        for item in cat["items"]:
            yield item["code"], item["text"]
            yield f"{item['code']} 方法", item["method"]


@pytest.mark.parametrize("filename", FILES)
def test_header(filename):
    data = load(filename)
    assert data["format"] == 1
    assert data["kind"] == FILES[filename]["kind"]
    for key in ("name", "version", "basis", "description"):
        assert isinstance(data[key], str) and data[key].strip(), key
    assert re.fullmatch(r"20\d\d", data["version"])


def test_the_two_checklists_do_not_share_name_and_version():
    a, b = load(CAMPAIGN_FILE), load(CORE_FILE)
    assert (a["name"], a["version"]) != (b["name"], b["version"])


@pytest.mark.parametrize("filename", FILES)
def test_category_names_and_order_are_the_national_ones(filename):
    data = load(filename)
    assert [c["name"] for c in data["categories"]] == FILES[filename]["names"]
    assert [c["code"] for c in data["categories"]] == [str(n) for n in range(1, len(data["categories"]) + 1)]


def test_core_systems_all_end_in_zhidu():
    assert len(CORE_SYSTEMS) == 18
    assert all(name.endswith("制度") for name in CORE_SYSTEMS)


@pytest.mark.parametrize("filename", FILES)
def test_item_counts_per_category(filename):
    low, high = FILES[filename]["items"]
    for cat in load(filename)["categories"]:
        assert low <= len(cat["items"]) <= high, (cat["name"], len(cat["items"]))


@pytest.mark.parametrize("filename", FILES)
def test_codes_unique_and_well_formed(filename):
    codes = []
    for cat in load(filename)["categories"]:
        assert CODE_CATEGORY.match(cat["code"])
        for n, item in enumerate(cat["items"], start=1):
            assert item["code"] == f"{cat['code']}.{n}", item["code"]
            codes.append(item["code"])
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("filename", FILES)
def test_deductions_are_positive_and_at_most_ten(filename):
    for cat in load(filename)["categories"]:
        for item in cat["items"]:
            d = item["deduction"]
            assert isinstance(d, (int, float)) and not isinstance(d, bool), item["code"]
            assert 0 < d <= 10, item["code"]
            assert d * 2 == int(d * 2), f"{item['code']}: deductions go in half points"


@pytest.mark.parametrize("filename", FILES)
def test_texts_present_and_within_limits(filename):
    for cat in load(filename)["categories"]:
        assert set(cat) <= {"code", "name", "aliases", "items"}
        for item in cat["items"]:
            assert set(item) == {"code", "text", "method", "deduction"}, item["code"]
            text, method = item["text"], item["method"]
            assert text.strip() and method.strip(), item["code"]
            assert text == text.strip() and method == method.strip(), item["code"]
            assert len(text) <= TEXT_MAX, (item["code"], len(text))
            assert len(method) <= METHOD_MAX, (item["code"], len(method))


@pytest.mark.parametrize("filename", FILES)
def test_no_duplicate_check_points(filename):
    texts = [item["text"] for cat in load(filename)["categories"] for item in cat["items"]]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("filename", FILES)
def test_chinese_punctuation_and_simplified_characters(filename):
    for where, text in every_string(load(filename)):
        assert not ASCII_PUNCT.search(text), f"{where}: ASCII punctuation in {text!r}"
        assert '"' not in text and "'" not in text, f"{where}: ASCII quote in {text!r}"
        assert "  " not in text and "\n" not in text, where
        traditional = set(text) & TRADITIONAL
        assert not traditional, f"{where}: traditional characters {sorted(traditional)}"


@pytest.mark.parametrize("filename", FILES)
def test_every_character_is_in_the_bundled_pdf_font(filename):
    everything = "".join(text for _, text in every_string(load(filename)))
    assert missing_glyphs(everything) == set()


def test_aliases_map_to_one_category_only():
    """An alias may not be another category's name nor claimed twice (in either file):
    the importer would not know where a row with that name belongs."""
    names, seen = set(), {}
    for filename in FILES:
        names |= {c["name"] for c in load(filename)["categories"]}
    for filename in FILES:
        for cat in load(filename)["categories"]:
            aliases = cat.get("aliases", [])
            assert isinstance(aliases, list)
            for alias in aliases:
                assert isinstance(alias, str) and alias.strip() == alias and alias, (cat["name"], alias)
                assert alias not in names, f"{alias} is a category name"
                assert alias not in seen, f"{alias} is claimed by {seen.get(alias)} and {cat['name']}"
                seen[alias] = cat["name"]


def test_core_aliases_include_the_common_older_names():
    aliases = {c["name"]: set(c["aliases"]) for c in load(CORE_FILE)["categories"]}
    expected = {
        "首诊负责制度": "首诊医师负责制度",
        "三级查房制度": "三级医师查房制度",
        "值班和交接班制度": "值班与交接班制度",
        "急危重患者抢救制度": "危重患者抢救制度",
        "手术分级管理制度": "手术分级分类管理制度",
        "新技术和新项目准入制度": "新技术新项目准入制度",
        "抗菌药物分级管理制度": "抗菌药物临床应用分级管理制度",
        "临床用血审核制度": "输血审核制度",
    }
    for name, alias in expected.items():
        assert alias in aliases[name], (name, alias)
    assert all(aliases[name] for name in CORE_SYSTEMS), "every core system has at least one older name"


def test_safety_critical_points_weigh_most():
    """A few points the national rules treat as red lines carry the largest deduction of their category."""
    core = {c["name"]: c["items"] for c in load(CORE_FILE)["categories"]}

    def weight(system: str, words: str) -> float:
        hits = [i["deduction"] for i in core[system] if words in i["text"]]
        assert hits, (system, words)
        return max(hits)

    for system, words in [("值班和交接班制度", "非本机构执业人员单独值班"), ("危急值报告制度", "未报告"),
                          ("手术安全核查制度", "缺项")]:
        assert weight(system, words) == max(i["deduction"] for i in core[system])


def test_the_program_lists_both_files():
    checklists = pytest.importorskip("desktop_app.ledger.checklists")
    assert sorted(checklists.BUILTIN_FILES) == sorted(FILES)
