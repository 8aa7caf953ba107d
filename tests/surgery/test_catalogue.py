"""The catalogue: spellings of grades and codes, rules, versions and their differences, approval, 备案."""
import pytest

from desktop_app import errors
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery.models import normalise_code, parse_grade


@pytest.mark.parametrize("text, grade", [("四级", 4), ("4", 4), ("4级", 4), ("Ⅳ级", 4), ("IV", 4), ("iv", 4),
                                          ("肆级", 4), (4.0, 4), ("三级手术", 3), ("Ⅱ", 2), ("一", 1), ("五级", None),
                                          ("", None), ("高", None)])
def test_grades_written_any_common_way(text, grade):
    assert parse_grade(text) == grade


@pytest.mark.parametrize("text, code", [("21.3104", "21.3104"), ("213104", "21.3104"), ("２１．３１０４", "21.3104"),
                                         (" 47.09 ", "47.09"), ("43.7X01", "43.7x01"), ("81.5100x001", "81.5100x001"), ("437x01", "43.7x01"),
                                         ("ABC", None), (21.3104, "21.3104"), ("2131", "21.31")])
def test_codes_with_or_without_the_dot(text, code):
    assert normalise_code(text) == code


def test_rules_name_their_fields(system, book):
    draft = catalogues.create_catalogue(system, {"name": "2027 年版"}, based_on_id=book.id)
    with pytest.raises(errors.ValidationError) as caught:
        catalogues.save_procedure(system, draft.id, {"code": "99.9999x", "name": "", "grade": "五级"})
    assert {(f.field, f.label) for f in caught.value.findings} == {("code", "手术编码"), ("name", "手术名称"),
                                                                   ("grade", "手术级别")}
    with pytest.raises(errors.ValidationError) as caught:
        catalogues.save_procedure(system, draft.id, {"code": "37.3402", "name": "经皮左心耳封堵术", "grade": "三级",
                                                     "restricted": True, "day_surgery": True})
    messages = caught.value.message
    assert "限制类技术按四级手术管理" in messages and "限制类技术不得纳入日间手术" in messages
    with pytest.raises(errors.ValidationError, match="编码 52.7x01 在本目录中已有（胰十二指肠切除术）"):
        catalogues.save_procedure(system, draft.id, {"code": "52.7X01", "name": "重复", "grade": 4})


def test_an_approved_version_is_frozen(system, book):
    with pytest.raises(errors.Conflict, match="已批准，内容已冻结"):
        catalogues.save_procedure(system, book.id, {"code": "01.0101", "name": "新手术", "grade": 1})


def test_a_new_version_lists_its_differences_and_needs_a_reason_for_each(system, book, hospital):
    draft = catalogues.create_catalogue(system, {"name": "手术分级管理目录（2027 年版）"}, based_on_id=book.id)
    assert draft.procedures == 5 and not draft.frozen
    procs = {p.code: p for p in catalogues.list_procedures(system, draft.id)}
    catalogues.delete_procedure(system, procs["47.0901"].id)
    catalogues.save_procedure(system, draft.id, {"code": "43.7x01", "name": "胃大部切除伴胃空肠吻合术", "grade": 4,
                                                 "department_id": hospital.departments["外科"]}, procs["43.7x01"].id)
    catalogues.save_procedure(system, draft.id, {"code": "51.2301", "name": "腹腔镜下胆囊切除术", "grade": 2,
                                                 "department_id": hospital.departments["外科"],
                                                 "minimally_invasive": True}, procs["51.2301"].id)  # no longer 日间
    catalogues.save_procedure(system, draft.id, {"code": "81.5101", "name": "全髋关节置换术", "grade": 4,
                                                 "department_id": hospital.departments["外科"]})
    diffs = catalogues.differences(system, draft.id)
    assert [(d.kind, d.code) for d in diffs] == [("新增", "81.5101"), ("删除", "47.0901"), ("升级", "43.7x01"),
                                                 ("属性变化", "51.2301")]
    assert diffs[3].before == "二级；日间手术、微创/介入；外科" and diffs[3].after == "二级；微创/介入；外科"
    with pytest.raises(errors.ValidationError, match="有 4 处调整尚未写明原因"):
        catalogues.approve_catalogue(system, draft.id, "医疗质量与安全管理委员会", "2026-12-20", "2027-01-01")
    for d in diffs:
        catalogues.set_change_reason(system, draft.id, d.code, f"{d.kind}：依据年度手术质量评估")
    with pytest.raises(errors.ValidationError, match="没有变化"):
        catalogues.set_change_reason(system, draft.id, "52.7x01", "无")
    approved = catalogues.approve_catalogue(system, draft.id, "医疗质量与安全管理委员会", "2026-12-20", "2027-01-01")
    assert approved.frozen and approved.grade_counts == (0, 1, 0, 4)
    assert catalogues.catalogue_in_force(system, "2026-12-31").id == book.id
    assert catalogues.catalogue_in_force(system, "2027-01-02").id == approved.id


def test_filing_needs_an_approved_version_and_a_date_after_approval(system, book):
    draft = catalogues.create_catalogue(system, {"name": "草稿"}, based_on_id=book.id)
    with pytest.raises(errors.Conflict, match="尚未批准"):
        catalogues.file_catalogue(system, draft.id, "2026-01-05")
    with pytest.raises(errors.ValidationError, match="备案日期不能早于批准日期"):
        catalogues.file_catalogue(system, book.id, "2025-12-01")
    filed = catalogues.file_catalogue(system, book.id, "2026-01-05")
    assert filed.filed and filed.filed_on == "2026-01-05" and filed.label.endswith("（已备案）")


def test_search_by_name_code_and_pinyin_initials(system, book):
    def names(text, **kw):
        return [p.name for p in catalogues.search_procedures(system, book.id, text, **kw)]

    assert names("胆囊") == ["腹腔镜下胆囊切除术"]
    assert names("5123") == ["腹腔镜下胆囊切除术"] and names("51.23") == ["腹腔镜下胆囊切除术"]
    assert names("ysezc") == ["胰十二指肠切除术"]  # 胰十二指肠 → y s e z c
    assert names("", grade=4) == ["经皮心内膜射频消融术", "胰十二指肠切除术"]
    assert names("", restricted=True) == ["经皮心内膜射频消融术"]
