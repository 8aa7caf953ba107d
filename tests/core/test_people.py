import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.people import service as people
from desktop_app.people.models import title_rank


def names(rows):
    return [s.name for s in rows]


def test_pinyin_initials_find_people(system, hospital):
    assert names(people.list_staff(system, people.StaffFilter(query="zs"))) == ["张三"]
    assert names(people.list_staff(system, people.StaffFilter(query="ZS"))) == ["张三"]
    assert names(people.list_staff(system, people.StaffFilter(query="zhang"))) == ["张三"]


def test_surname_with_two_readings_is_found_both_ways(system, hospital):
    for q in ("zzw", "czw"):
        assert names(people.list_staff(system, people.StaffFilter(query=q))) == ["曾志伟"]


def test_search_by_name_part_and_employee_number(system, hospital):
    assert names(people.list_staff(system, people.StaffFilter(query="王"))) == ["王芳"]
    assert names(people.list_staff(system, people.StaffFilter(query="N00"))) == ["王芳", "赵敏"]


def test_department_filter_includes_wards_below(system, hospital):
    rows = people.list_staff(system, people.StaffFilter(department_id=hospital.departments["内科"]))
    assert set(names(rows)) == {"张三", "曾志伟", "王芳", "赵敏"}


def test_validation_names_every_bad_field(system, hospital):
    with pytest.raises(errors.ValidationError) as exc:
        people.create_staff(system, {
            "employee_no": "D001", "name": "X", "gender": "未知", "department": "不存在科",
            "category": "医生甲", "registered_here": "否", "hire_date": "2024-13-45", "phone": "电话",
        })
    fields = {f.label for f in exc.value.findings}
    assert fields >= {"工号", "姓名", "性别", "科室", "人员类别", "非本机构执业原因", "入职日期", "联系电话"}
    assert "已被其他人员使用" in exc.value.message


def test_title_must_fit_category(system, hospital):
    with pytest.raises(errors.ValidationError, match="护士系列"):
        people.create_staff(system, {"employee_no": "X9", "name": "钱七", "department_id": hospital.departments["内科"],
                                     "category": "医师", "title": "主管护师"})


def test_common_spellings_are_understood(system, hospital):
    s = people.create_staff(system, {
        "employee_no": "Ｄ０９", "name": " 钱  七 ", "gender": "女性", "department": "外科", "category": "医生",
        "title": "住院医师", "registered_here": "进修", "hire_date": "2024年3月5日",
    })
    assert (s.employee_no, s.name, s.gender, s.category, s.title) == ("D09", "钱 七", "女", "医师", "医师")
    assert not s.registered_here and s.non_registered_reason == "进修" and s.hire_date == "2024-03-05"


def test_title_ranks():
    assert title_rank("主治医师") == 3 and title_rank("住院医师") == 2 and title_rank("主任护师") == 5
    assert title_rank(None) == 0


def test_update_is_audited_only_for_changed_fields(system, hospital, db):
    people.update_staff(system, hospital.staff["王芳"], {"title": "副主任护师"})
    row = db.query_one("SELECT before_json, after_json FROM audit_log ORDER BY id DESC LIMIT 1")
    assert row["before_json"] == '{"title": "主管护师"}' and row["after_json"] == '{"title": "副主任护师"}'


def test_department_head_edits_only_own_department(session_as, hospital):
    head = session_as(Role.DEPT_HEAD, "内科")
    # a nurse in the ward under 内科 is within scope
    people.update_staff(head, hospital.staff["王芳"], {"phone": "13700000000"})
    with pytest.raises(errors.PermissionDenied, match="只能修改本科室"):
        people.update_staff(head, hospital.staff["李四"], {"phone": "13700000000"})
    with pytest.raises(errors.PermissionDenied):
        people.update_staff(head, hospital.staff["张三"], {"department_id": hospital.departments["外科"]})


def test_staff_with_an_account_cannot_be_deleted(system, hospital, db):
    from desktop_app.accounts import service as accounts

    accounts.create_user(system, {"username": "zs", "display_name": "张三", "role": "clinician",
                                  "staff_id": hospital.staff["张三"]}, "Passw0rd1")
    with pytest.raises(errors.Conflict, match="离岗"):
        people.delete_staff(system, hospital.staff["张三"])
    people.delete_staff(system, hospital.staff["周明"])
    assert "周明" not in names(people.list_staff(system, people.StaffFilter(on_duty=None)))


def test_department_in_use_cannot_be_deleted_or_made_its_own_parent(system, hospital):
    with pytest.raises(errors.Conflict, match="人员"):
        people.delete_department(system, hospital.departments["内科"])
    with pytest.raises(errors.ValidationError, match="下属科室"):
        people.update_department(system, hospital.departments["内科"], {"parent_id": hospital.departments["内科一病区"]})


def test_department_with_staff_on_duty_cannot_be_deactivated(system, hospital):
    with pytest.raises(errors.ValidationError, match="在岗人员"):
        people.update_department(system, hospital.departments["检验科"], {"active": False})


def test_notes_keep_chinese_punctuation(system, hospital):
    s = people.update_staff(system, hospital.staff["张三"], {"notes": "科主任（兼），返聘：2025年；"})
    assert s.notes == "科主任（兼），返聘：2025年；"


def test_staff_in_a_stopped_department_can_still_be_edited(system, hospital):
    dept = people.create_department(system, {"name": "旧科室", "kind": "临床"})
    s = people.create_staff(system, {"employee_no": "OLD1", "name": "老人", "department_id": dept.id,
                                     "category": "其他"})
    people.update_staff(system, s.id, {"on_duty": False, "leave_date": "2026-01-01"})
    people.update_department(system, dept.id, {"active": False})
    assert people.update_staff(system, s.id, {"notes": "已退休"}).notes == "已退休"
    with pytest.raises(errors.ValidationError, match="已停用"):
        people.update_staff(system, hospital.staff["张三"], {"department_id": dept.id})


def test_department_name_keeps_chinese_brackets_but_digits_are_normalised(system):
    d = people.create_department(system, {"name": "重症医学科（ICU）", "kind": "临床", "code": "０９"})
    assert d.name == "重症医学科（ICU）" and d.code == "09"
