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
