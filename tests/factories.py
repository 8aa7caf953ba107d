"""Small, explicit test data (the big realistic one is the demo hospital)."""
from __future__ import annotations

from dataclasses import dataclass, field

from desktop_app.people import service as people


@dataclass
class SmallHospital:
    departments: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)


DEPARTMENTS = [
    ("内科", "临床", None),
    ("外科", "临床", None),
    ("内科一病区", "护理单元", "内科"),
    ("检验科", "医技", None),
    ("医务科", "职能", None),
]

STAFF = [
    ("D001", "张三", "男", "内科", "医师", "主治医师", "110340000012345", True, None),
    ("D002", "李四", "女", "外科", "医师", "副主任医师", "110340000012346", True, None),
    ("N001", "王芳", "女", "内科一病区", "护士", "主管护师", "201834000123", True, None),
    ("N002", "赵敏", "女", "内科一病区", "护士", "护士", None, False, "实习"),
    ("D003", "曾志伟", "男", "内科", "医师", "医师", None, False, "规培"),
    ("T001", "孙立", "男", "检验科", "医技", "主管技师", None, True, None),
    ("A001", "周明", "男", "医务科", "管理", None, None, True, None),
]


def build_small_hospital(session) -> SmallHospital:
    h = SmallHospital()
    for name, kind, parent in DEPARTMENTS:
        d = people.create_department(session, {"name": name, "kind": kind,
                                               "parent_id": h.departments.get(parent)})
        h.departments[name] = d.id
    for no, name, gender, dept, cat, title, licence, registered, reason in STAFF:
        s = people.create_staff(session, {
            "employee_no": no, "name": name, "gender": gender, "department_id": h.departments[dept],
            "category": cat, "title": title, "licence_no": licence, "registered_here": registered,
            "non_registered_reason": reason, "hire_date": "2020-07-01", "phone": "13800000000",
        })
        h.staff[name] = s.id
    return h


def build_roster_posts(system, hospital) -> dict:
    """内科一线 (day + night), 医院总值班 (24 h, needs 总值班 training), 病区护理夜班 (2 nurses)."""
    from desktop_app.roster import service as roster

    d = hospital.departments
    first = roster.save_post(system, {"name": "内科一线", "kind": "一线", "group_name": "内科系统",
                                      "department_id": d["内科"], "required_category": "医师", "min_title_rank": 2,
                                      "licence_required": True})
    day = roster.save_shift(system, first.id, {"name": "白班", "starts": "08:00", "ends": "17:30",
                                               "on_weekends": False, "on_holidays": False})
    night = roster.save_shift(system, first.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    chief = roster.save_post(system, {"name": "医院总值班", "kind": "医院总值班", "group_name": "总值班"})
    chief_shift = roster.save_shift(system, chief.id, {"name": "24小时", "starts": "08:00", "ends": "08:00"})
    ward = roster.save_post(system, {"name": "内科一病区护理夜班", "kind": "护理夜班", "group_name": "护理",
                                     "department_id": d["内科一病区"], "required_category": "护士", "headcount": 2})
    ward_night = roster.save_shift(system, ward.id, {"name": "夜班", "starts": "17:30", "ends": "08:00"})
    return {"first": first, "day": day, "night": night, "chief": chief, "chief_shift": chief_shift,
            "ward": ward, "ward_night": ward_night}


def add_roster_doctors(system, hospital) -> list[int]:
    """张三 and three more licensed doctors of 内科, so a month of 内科一线 can be covered."""
    from desktop_app.people import service as people

    ids = [hospital.staff["张三"]]
    for no, name in (("D011", "钱医生"), ("D012", "孙医生"), ("D013", "吴医生")):
        ids.append(people.create_staff(system, {
            "employee_no": no, "name": name, "department_id": hospital.departments["内科"], "category": "医师",
            "title": "主治医师", "licence_no": "1103400000" + no[1:] + "00", "hire_date": "2020-01-01"}).id)
    return ids
