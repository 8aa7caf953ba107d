"""The demo hospital: realistic, valid, reproducible, with working demo logins, built atomically."""
from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pypinyin import Style, lazy_pinyin

from desktop_app import errors
from desktop_app.accounts import audit
from desktop_app.accounts.service import authenticate
from desktop_app.clock import FixedClock
from desktop_app.people import repo as people_repo
from desktop_app.people import service as people
from desktop_app.people.models import NON_REGISTERED_REASONS, STAFF_EDITABLE, category_of_title
from desktop_app.session import SYSTEM_ACTOR, Session
from desktop_app.storage.database import open_database
from tests.conftest import TODAY
from tools.demo_hospital import hospital as demo
from tools.demo_hospital.__main__ import main
from tools.demo_hospital.names import NameGenerator


def _build(path: Path, **kwargs):
    return demo.build_demo(path, clock=FixedClock(TODAY), **kwargs)


@pytest.fixture(scope="module")
def built(demo_build):
    path, summary = demo_build
    db = open_database(path)
    yield summary, Session(db, SYSTEM_ACTOR, FixedClock(TODAY))
    db.close()


@pytest.fixture(scope="module")
def session(built):
    return built[1]


@pytest.fixture(scope="module")
def everyone(session):
    return people.list_staff(session, people.StaffFilter(on_duty=None))


def _roster(db) -> list[tuple]:
    return [tuple(r) for r in db.query(
        "SELECT s.employee_no, s.name, d.name, s.title, s.hire_date, s.on_duty, s.leave_date"
        " FROM staff s JOIN departments d ON d.id = s.department_id ORDER BY s.employee_no")]


# ----------------------------------------------------------------------------- size and shape


def test_departments_of_every_kind_with_wards_under_clinical_departments(session):
    depts = people.list_departments(session)
    assert 40 <= len(depts) <= 60
    kinds = Counter(d.kind for d in depts)
    assert set(kinds) == {"临床", "医技", "护理单元", "职能"}
    by_id = {d.id: d for d in depts}
    for ward in (d for d in depts if d.kind == "护理单元"):
        assert by_id[ward.parent_id].kind == "临床", ward.name
    assert len({d.code for d in depts}) == len(depts) and all(d.phone for d in depts)
    assert all(d.staff_count > 0 for d in depts)


def test_about_six_hundred_on_duty_and_some_who_left(built, everyone):
    summary = built[0]
    on_duty = [s for s in everyone if s.on_duty]
    left = [s for s in everyone if not s.on_duty]
    assert 550 <= len(on_duty) <= 700
    assert (summary.staff_on_duty, summary.staff_left) == (len(on_duty), len(left))
    assert 20 <= len(left) <= 150
    assert all(s.leave_date and s.leave_date <= TODAY.date().isoformat() for s in left)
    assert all(s.leave_date is None for s in on_duty)


def test_non_registered_staff_of_every_reason(everyone):
    on_duty = [s for s in everyone if s.on_duty]
    visiting = [s for s in on_duty if not s.registered_here]
    assert 0.05 <= len(visiting) / len(on_duty) <= 0.08
    assert set(Counter(s.non_registered_reason for s in visiting)) == set(NON_REGISTERED_REASONS)
    assert all(s.category in ("医师", "护士") for s in visiting)


def test_every_record_passes_the_staff_validator(session, everyone):
    validator = people.StaffValidator(session.db, TODAY.date())
    warnings = []
    for s in everyone:
        values = {k: getattr(s, k) for k in STAFF_EDITABLE}
        _clean, findings = validator.validate(values, staff_id=s.id)
        assert not [f.text() for f in findings if f.is_error], s
        assert category_of_title(s.title) in (None, s.category), s  # e.g. no nurse with a doctor's title
        warnings += [f for f in findings if not f.is_error]
    # a few registered doctors/nurses without a licence number, so the warning can be seen
    assert len(warnings) == demo.MISSING_LICENCES
    assert {w.label for w in warnings} == {"执业证书编号"}


def test_numbers_licences_and_phones_look_real(everyone):
    assert all(re.fullmatch(r"[A-Z]{1,2}\d{4}", s.employee_no) for s in everyone)
    licences = [s.licence_no for s in everyone if s.licence_no]
    assert len(licences) == len(set(licences))
    for s in everyone:
        if s.licence_no:
            assert re.fullmatch(r"\d{15}" if s.category == "医师" else r"\d{12}", s.licence_no), s
    phones = [s.phone for s in everyone if s.phone]
    assert len(phones) > 0.9 * len(everyone)
    assert all(re.fullmatch(r"1[3589]\d{9}", p) for p in phones)


def test_names_are_distinct_within_a_department_and_nurses_mostly_women(everyone):
    per_department = Counter((s.department_id, s.name) for s in everyone)
    assert max(per_department.values()) == 1
    nurses = [s for s in everyone if s.on_duty and s.category == "护士"]
    assert sum(s.gender == "女" for s in nurses) / len(nurses) > 0.85
    doctors = [s for s in everyone if s.on_duty and s.category == "医师"]
    assert 0.4 < sum(s.gender == "男" for s in doctors) / len(doctors) < 0.8


def test_seniority_follows_titles(everyone):
    def mean_hire_year(title):
        years = [int(s.hire_date[:4]) for s in everyone if s.on_duty and s.registered_here and s.title == title]
        return sum(years) / len(years)

    assert mean_hire_year("主任医师") < mean_hire_year("主治医师") < mean_hire_year("医师")
    assert mean_hire_year("主管护师") < mean_hire_year("护士")
    assert min(s.hire_date for s in everyone) >= f"{TODAY.year - 32}"
    assert max(s.hire_date for s in everyone) <= TODAY.date().isoformat()


def test_pinyin_initials_find_a_demo_person(session, everyone):
    person = next(s for s in everyone if s.on_duty and len(s.name) == 3)
    initials = "".join(lazy_pinyin(person.name, style=Style.FIRST_LETTER))
    found = people.list_staff(session, people.StaffFilter(query=initials))
    assert person.id in {s.id for s in found}


# ----------------------------------------------------------------------------- accounts and audit


@pytest.mark.parametrize("account", demo.DEMO_ACCOUNTS, ids=lambda a: a.username)
def test_every_demo_account_logs_in_with_its_documented_password(session, account):
    result = authenticate(session.db, account.username, account.password, FixedClock(TODAY))
    assert result.actor.role == account.role
    assert not result.must_change_password
    staff = people.get_staff(session, result.actor.staff_id)
    assert staff.on_duty and staff.name == result.actor.display_name
    assert staff.department_name == account.department
    assert people.get_department(session, result.actor.department_id).name == account.department


def test_department_head_account_has_wards_below(session):
    head = authenticate(session.db, "neike", demo.DEMO_PASSWORD, FixedClock(TODAY)).actor
    below = people_repo.department_subtree(session.db, head.department_id) - {head.department_id}
    assert below and all(people.get_department(session, d).kind == "护理单元" for d in below)


def test_audit_chain_verifies_and_follows_the_calendar(session):
    assert audit.verify_chain(session.db).ok
    stamps = [r[0] for r in session.db.query("SELECT ts FROM audit_log ORDER BY id")]
    assert stamps == sorted(stamps)
    assert stamps[0] < f"{TODAY.year}" and stamps[-1] <= TODAY.strftime("%Y-%m-%d %H:%M:%S")


def test_the_file_says_it_is_a_demo(built, session):
    assert demo.demo_info(session.db) == {"seed": 2026, "years": 1, "built_for": TODAY.date().isoformat()}
    assert any("Demo2026" in line for line in built[0].lines())


# ----------------------------------------------------------------------------- reproducible and atomic


def test_same_seed_same_hospital_other_seed_other_names(tmp_path, session, demo_again):
    with open_database(demo_again) as db:
        assert _roster(db) == _roster(session.db)
    path = tmp_path / "again.db"
    shutil.copyfile(demo_again, path)
    _build(path, years=1, seed=7, force=True)  # replaces a demo database
    with open_database(path) as db:
        other = _roster(db)
    assert [r[1] for r in other] != [r[1] for r in _roster(session.db)]


def test_names_are_reproducible_from_a_seed():
    assert [NameGenerator(5).name("女") for _ in range(3)] == [NameGenerator(5).name("女") for _ in range(3)]
    gen = NameGenerator(5)
    assert {gen.name("男", avoid={"张伟"}) for _ in range(200)}.isdisjoint({"张伟"})


def test_existing_files_are_not_overwritten(tmp_path):
    path = tmp_path / "hospital.db"
    path.write_bytes(b"not ours")
    with pytest.raises(errors.Conflict):
        _build(path)
    with pytest.raises(errors.Conflict, match="不是演示数据库"):
        _build(path, force=True)
    assert path.read_bytes() == b"not ours"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hospital.db"]


def test_cancelled_build_leaves_nothing(tmp_path):
    def cancel_at_staff(label, done, total):
        if label == "人员名册":
            raise errors.Cancelled()

    with pytest.raises(errors.Cancelled):
        _build(tmp_path / "demo.db", progress=cancel_at_staff)
    assert list(tmp_path.iterdir()) == []


def test_failed_step_leaves_nothing(tmp_path, monkeypatch):
    def boom(ctx):
        raise RuntimeError("步骤出错")

    monkeypatch.setattr(demo, "STEPS", [("科室", demo.add_departments), ("出错", boom)])
    with pytest.raises(RuntimeError):
        _build(tmp_path / "demo.db")
    assert list(tmp_path.iterdir()) == []


def test_years_out_of_range_is_refused(tmp_path):
    with pytest.raises(errors.UserError):
        _build(tmp_path / "demo.db", years=-1)
    assert list(tmp_path.iterdir()) == []


# ----------------------------------------------------------------------------- the command


def test_command_builds_then_if_missing_leaves_the_file_alone(tmp_path, capsys):
    path = tmp_path / "qledger.db"
    assert main(["--db", str(path), "--years", "0"]) == 0  # the hospital of today only: the command is what is tested
    out = capsys.readouterr().out
    assert "青山县人民医院" in out and "zhikong" in out and "Demo2026" in out
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    assert main(["--db", str(path), "--if-missing"]) == 0
    assert "已存在" in capsys.readouterr().out
    assert main(["--db", str(path)]) == 1
    assert "--force" in capsys.readouterr().err
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_command_uses_the_default_database_path(monkeypatch, tmp_path):
    from desktop_app import paths

    target = tmp_path / "default.db"
    target.write_bytes(b"x")
    monkeypatch.setattr(paths, "default_db_path", lambda: target)
    assert main(["--if-missing"]) == 0
    assert target.read_bytes() == b"x"
