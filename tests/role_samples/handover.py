"""交接班记录: what the role-matrix test calls (see tests/role_samples/__init__.py)."""
from __future__ import annotations

import desktop_app.session  # noqa: F401 - samples call desktop_app.session.SYSTEM_ACTOR
from desktop_app import errors
from desktop_app.accounts import service as accounts
from desktop_app.accounts.permissions import Role
from desktop_app.session import Session
from tests.role_samples import OTHER


def build(system, h, users, folder) -> dict:
    """内科一病区: a draft ready to sign, a report awaiting the receiver, a frozen one; every user who may
    write is linked to a nurse of the ward (signing needs a staff record). 外科病区 (under 外科): the same
    three, their patients named with OTHER, and a report of 11-19 (a day 内科一病区 has none)."""
    from desktop_app.handover import service as handover
    from desktop_app.people import service as people

    ward = h.departments["内科一病区"]

    def nurse(no, name):
        return people.create_staff(system, {"employee_no": no, "name": name, "department_id": ward,
                                            "category": "护士", "title": "护师"}).id

    for role, name in ((Role.ADMIN, "护士甲"), (Role.QUALITY, "护士乙"), (Role.DEPT_HEAD, "护士丙"),
                       (Role.CLINICIAN, "护士丁")):
        staff_id = nurse(f"H_{role.value}", name)
        users[role] = accounts.update_user(system, users[role].user_id, {"staff_id": staff_id}).actor()
    out_user = accounts.create_user(system, {"username": "u_out", "display_name": "交班护士", "role": "clinician",
                                             "staff_id": nurse("H_out", "交班护士")}, "Passw0rd1")
    accounts.create_user(system, {"username": "u_receiver", "display_name": "接班护士", "role": "clinician",
                                  "staff_id": nurse("H_in", "接班护士")}, "Passw0rd1")
    outgoing = Session(system.db, out_user.actor(), system.clock)
    census = {"原有": 30, "入院": 1, "转入": 0, "出院": 1, "转出": 0, "死亡": 0, "现有": 30, "手术": 0, "分娩": 0,
              "病危": 1, "病重": 0, "一级护理": 3}
    values = {"census": census, "items": [{"name": "抢救车", "expected": None, "ok": True}],
              "entries": [{"category": "病危", "bed": "3", "patient_name": "王二", "diagnosis": "心衰"}]}

    def report(day):
        return handover.create_report(outgoing, ward, day, "白班", "nurse", values)

    received = report("2026-11-20")
    handover.sign_outgoing(outgoing, received.id)
    handover.record_bedside(outgoing, received.id, received.entries[0].uid, "2026-11-20 16:05", "床旁记录第 1 页")
    handover.sign_receive(outgoing, received.id, "u_receiver", "Passw0rd1")
    handed = report("2026-11-21")
    handover.sign_outgoing(outgoing, handed.id)
    handover.record_bedside(outgoing, handed.id, handed.entries[0].uid, "2026-11-21 16:05", "床旁记录第 2 页")
    draft = report("2026-11-22")
    return {"draft": draft.id, "handed": handed.id, "received": received.id, "critical": handed.entries[0].uid,
            **_other_ward(system, h, values)}


def _other_ward(system, h, values) -> dict:
    """外科病区's book, written and signed by its own nurses (u_other_out, u_other_in)."""
    from desktop_app.handover import service as handover
    from desktop_app.people import service as people

    other = next((d.id for d in people.list_departments(system) if d.name == "外科病区"), None)
    if other is None:
        other = people.create_department(system, {"name": "外科病区", "kind": "护理单元",
                                                  "parent_id": h.departments["外科"]}).id

    def nurse(username, no, name):
        staff_id = people.create_staff(system, {"employee_no": no, "name": name, "department_id": other,
                                                "category": "护士", "title": "护师"}).id
        return accounts.create_user(system, {"username": username, "display_name": name, "role": "clinician",
                                             "staff_id": staff_id}, "Passw0rd1")

    outgoing = Session(system.db, nurse("u_other_out", "H_OUT2", "外科交班护士").actor(), system.clock)
    nurse("u_other_in", "H_IN2", "外科接班护士")
    theirs = dict(values, notes=f"{OTHER}交班备注",
                  entries=[{"category": "病危", "bed": "8", "patient_name": f"{OTHER}赵五", "diagnosis": "多发伤"}])

    def report(day):
        return handover.create_report(outgoing, other, day, "白班", "nurse", theirs)

    def signed(day):
        done = handover.sign_outgoing(outgoing, report(day).id)
        handover.record_bedside(outgoing, done.id, done.entries[0].uid, f"{day} 16:05", "床旁记录第 9 页")
        return done

    received = signed("2026-11-19")
    handover.sign_receive(outgoing, received.id, "u_other_in", "Passw0rd1")
    handed = signed("2026-11-21")
    return {"other_ward": other, "other_received": received.id, "other_handed": handed.id,
            "other_critical": handed.entries[0].uid, "other_draft": report("2026-11-22").id}


def samples(ctx):
    from desktop_app.handover import reports
    from desktop_app.handover import service as handover

    h, ho = ctx["hospital"], ctx["handover"]
    ward = h.departments["内科一病区"]
    return {
        "handover.service.handover_departments": lambda s: handover.handover_departments(s),
        "handover.service.get_template": lambda s: handover.get_template(s, ward),
        "handover.service.save_template": lambda s: handover.save_template(s, ward, "nurse", [
            {"name": "白班", "starts": "08:00", "ends": "20:00"}, {"name": "夜班", "starts": "20:00", "ends": "08:00"}],
            [{"name": "抢救车", "expected": None}]),
        "handover.service.prepare_report": lambda s: handover.prepare_report(s, ward, "2026-11-23", "白班"),
        "handover.service.create_report": lambda s: handover.create_report(s, ward, "2026-11-23", "白班"),
        "handover.service.save_draft": lambda s: handover.save_draft(s, ho["draft"], {"notes": "备注"}),
        "handover.service.sign_outgoing": lambda s: handover.sign_outgoing(s, ho["draft"]),
        "handover.service.return_to_draft": lambda s: handover.return_to_draft(s, ho["handed"], "病人数不准"),
        "handover.service.record_bedside": lambda s: handover.record_bedside(
            s, ho["handed"], ho["critical"], "2026-11-23 08:05", "床旁交接记录单第 3 页"),
        "handover.service.sign_receive": lambda s: handover.sign_receive(s, ho["handed"], "u_receiver", "Passw0rd1"),
        "handover.service.add_addendum": lambda s: handover.add_addendum(s, ho["received"], "更正床号"),
        "handover.service.get_report": lambda s: handover.get_report(s, ho["draft"]),
        "handover.service.list_reports": lambda s: handover.list_reports(s, "nurse", "2026-11-01", "2026-11-30"),
        "handover.service.figures": lambda s: handover.figures(s, "2026-11-01", "2026-11-30"),
        "handover.service.count_reports": lambda s: handover.count_reports(s, "nurse", "2026-11-01", "2026-11-30"),
        "handover.service.shift_board": lambda s: handover.shift_board(s, "nurse", "2026-11-22", "2026-11-23"),
        "handover.service.open_reports": lambda s: handover.open_reports(s),
        "handover.service.missing_reports": lambda s: handover.missing_reports(s),
        "handover.reports.handover_snapshot": lambda s: reports.handover_snapshot(s, "nurse", "2026-11-20", "2026-11-22"),
    }


# Nothing of the handover book is hospital-wide: every ward's reports are its own (院领导 and 只读 look
# at every ward, names hidden, but they are neither 科室负责人 nor clinicians).
HOSPITAL_WIDE: set[str] = set()


def _reached(call):
    """A call aimed at 外科病区's record: whatever it returns is a leak (patient names of another ward
    come back masked, so the answer itself may not show OTHER)."""
    return lambda s: (call(s), OTHER)[1]


def _listed(listing, aimed):
    """A list of what the user sees (OTHER for each of 外科病区's rows in it), and the same list asked
    for 外科病区 alone (refused, else OTHER)."""
    def call(s):
        found = list(listing(s))
        try:
            aimed(s)
        except errors.PermissionDenied:
            return found
        return [*found, OTHER]
    return call


def other_department(ctx):
    from desktop_app.handover import reports
    from desktop_app.handover import service as handover

    ho = ctx["handover"]
    other = ho["other_ward"]

    def theirs(rows, key=lambda r: r.department_id):
        return [OTHER for r in rows if key(r) == other]

    month = ("2026-11-01", "2026-11-30")
    return {
        "handover.service.handover_departments": lambda s: theirs(handover.handover_departments(s),
                                                                  key=lambda d: d[0]),
        "handover.service.get_template": _reached(lambda s: handover.get_template(s, other)),
        "handover.service.save_template": _reached(lambda s: handover.save_template(s, other, "nurse", [
            {"name": "白班", "starts": "08:00", "ends": "20:00"}, {"name": "夜班", "starts": "20:00", "ends": "08:00"}],
            [{"name": "抢救车", "expected": None}])),
        "handover.service.prepare_report": _reached(lambda s: handover.prepare_report(s, other, "2026-11-23", "白班")),
        "handover.service.create_report": _reached(lambda s: handover.create_report(s, other, "2026-11-23", "白班")),
        "handover.service.save_draft": _reached(lambda s: handover.save_draft(s, ho["other_draft"], {"notes": "改"})),
        "handover.service.sign_outgoing": _reached(lambda s: handover.sign_outgoing(s, ho["other_draft"])),
        "handover.service.return_to_draft": _reached(
            lambda s: handover.return_to_draft(s, ho["other_handed"], "病人数不准")),
        "handover.service.record_bedside": _reached(lambda s: handover.record_bedside(
            s, ho["other_handed"], ho["other_critical"], "2026-11-23 08:05", "床旁交接记录单第 4 页")),
        "handover.service.sign_receive": _reached(
            lambda s: handover.sign_receive(s, ho["other_handed"], "u_other_in", "Passw0rd1")),
        "handover.service.add_addendum": _reached(lambda s: handover.add_addendum(s, ho["other_received"], "更正")),
        "handover.service.get_report": _reached(lambda s: handover.get_report(s, ho["other_draft"])),
        "handover.service.list_reports": _listed(
            lambda s: theirs(handover.list_reports(s, "nurse", *month)),
            lambda s: handover.list_reports(s, "nurse", *month, department_id=other)),
        "handover.service.count_reports": _listed(  # only 外科病区 has a report on 11-19
            lambda s: [OTHER] * handover.count_reports(s, "nurse", "2026-11-19", "2026-11-19"),
            lambda s: handover.count_reports(s, "nurse", *month, department_id=other)),
        "handover.service.figures": _listed(
            lambda s: theirs(handover.figures(s, *month)),
            lambda s: handover.figures(s, *month, department_id=other)),
        "handover.service.shift_board": _listed(
            lambda s: theirs(handover.shift_board(s, "nurse", "2026-11-21", "2026-11-22")),
            lambda s: handover.shift_board(s, "nurse", "2026-11-21", "2026-11-22", department_id=other)),
        "handover.service.open_reports": _listed(
            lambda s: theirs(handover.open_reports(s)),
            lambda s: handover.open_reports(s, "nurse", other)),
        "handover.service.missing_reports": lambda s: theirs(handover.missing_reports(s)),
        "handover.reports.handover_snapshot": _listed(
            lambda s: (lambda snap: theirs(snap.wards) + theirs([f for f in snap.figures if f.department_id]))(
                reports.handover_snapshot(s, "nurse", "2026-11-19", "2026-11-22")),
            lambda s: reports.handover_snapshot(s, "nurse", "2026-11-19", "2026-11-22", department_id=other)),
    }
