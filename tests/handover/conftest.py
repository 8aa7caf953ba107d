"""Handover fixtures: nurses of 内科一病区 (and of a second ward) with their own accounts."""
from dataclasses import dataclass

import pytest

from desktop_app.accounts import service as accounts
from desktop_app.people import service as people
from desktop_app.session import Session

PASSWORD = "Passw0rd1"

CENSUS_OK = {"原有": 40, "入院": 2, "转入": 1, "出院": 3, "转出": 0, "死亡": 0, "现有": 40, "手术": 1, "分娩": 0,
             "病危": 1, "病重": 2, "一级护理": 6}


@dataclass
class Ward:
    ward: int          # 内科一病区
    other_ward: int    # 外科病区
    wang: Session      # 王芳, nurse of 内科一病区 (writes and signs)
    liu: Session       # 刘洋, nurse of 内科一病区 (receives)
    chen: Session      # 陈静, nurse of 外科病区
    zhang: Session     # 张三, doctor of 内科


def user_for(system, staff_id: int, username: str, role: str = "clinician") -> Session:
    staff = people.get_staff(system, staff_id)
    user = accounts.create_user(system, {"username": username, "display_name": staff.name, "role": role,
                                         "staff_id": staff_id}, PASSWORD)
    return Session(system.db, user.actor(), system.clock)


@pytest.fixture
def ward(system, hospital) -> Ward:
    d = hospital.departments
    other = people.create_department(system, {"name": "外科病区", "kind": "护理单元", "parent_id": d["外科"]}).id
    liu = people.create_staff(system, {"employee_no": "N003", "name": "刘洋", "department_id": d["内科一病区"],
                                       "category": "护士", "title": "护师"}).id
    chen = people.create_staff(system, {"employee_no": "N004", "name": "陈静", "department_id": other,
                                        "category": "护士", "title": "护师"}).id
    return Ward(d["内科一病区"], other, user_for(system, hospital.staff["王芳"], "wangfang"),
                user_for(system, liu, "liuyang"), user_for(system, chen, "chenjing"),
                user_for(system, hospital.staff["张三"], "zhangsan"))
