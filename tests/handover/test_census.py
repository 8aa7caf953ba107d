"""The census row adds up, and says which field is wrong when it does not."""
from desktop_app.handover.census import census_findings, expected_current
from tests.handover.conftest import CENSUS_OK


def fields(values):
    return {f.field: f.message for f in census_findings(values)}


def test_a_census_that_adds_up_has_no_findings():
    assert census_findings(CENSUS_OK) == []
    assert expected_current(CENSUS_OK) == 40


def test_typed_text_and_full_width_digits_count():
    values = {k: str(v) for k, v in CENSUS_OK.items()} | {"原有": "４０", "入院": " 2 "}
    assert census_findings(values) == []


def test_current_that_does_not_add_up_names_the_sum():
    found = fields(CENSUS_OK | {"现有": 41})
    assert list(found) == ["现有"]
    assert "原有 40 + 入院 2 + 转入 1 − 出院 3 − 转出 0 − 死亡 0 = 40，现填 41" in found["现有"]


def test_blank_negative_and_non_numeric_are_named():
    found = fields(CENSUS_OK | {"入院": "", "转出": -1, "死亡": "一", "分娩": None, "手术": "1.5"})
    assert found["入院"] == "不能空着，没有请填 0。"
    assert found["分娩"] == "不能空着，没有请填 0。"
    assert found["转出"] == "不能为负数。"
    assert "“一”不是整数" in found["死亡"]
    assert "“1.5”不是整数" in found["手术"]
    assert "现有" not in found  # no sum while the parts are not numbers


def test_text_minus_is_negative_and_zero_is_fine():
    assert fields(CENSUS_OK | {"转入": "-2"})["转入"] == "不能为负数。"
    values = CENSUS_OK | {"入院": 0, "转入": 0, "出院": 0, "现有": 40}
    assert census_findings(values) == []


def test_more_leaving_than_there_were():
    found = fields(CENSUS_OK | {"原有": 1, "入院": 0, "转入": 0, "出院": 3, "现有": 0})
    assert "离开的人数比原有与新来的人数之和还多" in found["现有"]


def test_critical_more_than_present_is_flagged():
    found = fields(CENSUS_OK | {"病危": 41})
    assert found["病危"] == "病危 41 人多于现有 40 人。"
