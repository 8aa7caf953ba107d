"""A 全院半年自查 with the national checklist: results → ledger items, scores, statistics."""
import pytest

from desktop_app import errors
from desktop_app.accounts.permissions import Role
from desktop_app.ledger import checklists, inspections, service as ledger, stats
from desktop_app.ledger.models import LedgerFilter


@pytest.fixture
def core_systems(session_as):
    quality = session_as(Role.QUALITY)
    return next(c for c in checklists.list_checklists(quality) if c.kind == "核心制度")


@pytest.fixture
def half_year(session_as, hospital, core_systems):
    quality = session_as(Role.QUALITY)
    return inspections.create_inspection(quality, {
        "type": "全院半年自查", "inspected_on": "2026-11-10", "inspectors": "周明、王芳",
        "checklist_id": core_systems.id,
        "department_ids": [hospital.departments["内科"], hospital.departments["外科"]],
    })


def test_builtin_checklists_are_installed(session_as):
    quality = session_as(Role.QUALITY)
    kinds = {c.kind: c for c in checklists.list_checklists(quality)}
    assert {"专项整治", "核心制度"} <= set(kinds)
    cats = [c.name for c in checklists.list_categories(quality, kinds["核心制度"].id)]
    assert len(cats) == 18 and cats[0] == "首诊负责制度" and cats[-1] == "信息安全管理制度"
    assert checklists.category_aliases(quality.db)["首诊医师负责制度"] == "首诊负责制度"


def test_non_compliance_becomes_a_prefilled_ledger_item(session_as, half_year, hospital):
    quality = session_as(Role.QUALITY)
    rows = inspections.results_for(quality, half_year.id, hospital.departments["内科"])
    first, second, third = rows[0], rows[1], rows[2]
    counts = inspections.record_results(quality, half_year.id, hospital.departments["内科"], [
        {"item_id": first.item.id, "result": "符合"},
        {"item_id": second.item.id, "result": "不符合", "note": "抽查 5 份病历，2 份首诊记录缺签名"},
        {"item_id": third.item.id, "result": "不适用"},
    ])
    assert counts == {"saved": 3, "problems_created": 1, "problems_removed": 0}
    [item] = ledger.list_items(quality, LedgerFilter(inspection_id=half_year.id))
    full = ledger.get_item(quality, item.id)
    assert full.source == "自查" and full.found_on == "2026-11-10"
    assert full.category == second.item.category and full.check_point == second.item.text
    assert full.description == "抽查 5 份病历，2 份首诊记录缺签名"
    assert full.deduction == second.item.deduction and full.deadline == "2026-12-10"  # default 30 days
    assert "由检查" in ledger.timeline(quality, item.id)[0].note


def test_changing_a_result_back_removes_the_untouched_problem(session_as, half_year, hospital):
    quality = session_as(Role.QUALITY)
    dept = hospital.departments["外科"]
    row = inspections.results_for(quality, half_year.id, dept)[0]
    inspections.record_results(quality, half_year.id, dept, [{"item_id": row.item.id, "result": "不符合"}])
    assert ledger.count_items(quality, LedgerFilter(inspection_id=half_year.id)) == 1
    counts = inspections.record_results(quality, half_year.id, dept, [{"item_id": row.item.id, "result": "符合"}])
    assert counts["problems_removed"] == 1
    assert ledger.count_items(quality, LedgerFilter(inspection_id=half_year.id)) == 0


def test_result_of_a_problem_in_rectification_is_frozen(session_as, half_year, hospital):
    quality = session_as(Role.QUALITY)
    dept = hospital.departments["外科"]
    row = inspections.results_for(quality, half_year.id, dept)[0]
    inspections.record_results(quality, half_year.id, dept, [{"item_id": row.item.id, "result": "不符合"}])
    [item] = ledger.list_items(quality, LedgerFilter(inspection_id=half_year.id))
    ledger.save_rectification(quality, item.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
    with pytest.raises(errors.ValidationError, match="已进入整改"):
        inspections.record_results(quality, half_year.id, dept, [{"item_id": row.item.id, "result": "符合"}])


def test_bad_entries_are_all_reported_and_nothing_saved(session_as, half_year, hospital):
    quality = session_as(Role.QUALITY)
    dept = hospital.departments["内科"]
    rows = inspections.results_for(quality, half_year.id, dept)
    with pytest.raises(errors.ValidationError) as exc:
        inspections.record_results(quality, half_year.id, dept, [
            {"item_id": rows[0].item.id, "result": "不符合"},
            {"item_id": rows[1].item.id, "result": "差"},
            {"item_id": rows[2].item.id, "result": "符合", "deduction": 2},
        ])
    assert len(exc.value.findings) == 2
    assert all(r.result is None for r in inspections.results_for(quality, half_year.id, dept))
    assert ledger.count_items(quality) == 0


def test_department_scores_from_deductions(session_as, half_year, hospital):
    quality = session_as(Role.QUALITY)
    dept = hospital.departments["内科"]
    rows = inspections.results_for(quality, half_year.id, dept)
    inspections.record_results(quality, half_year.id, dept, [
        {"item_id": rows[0].item.id, "result": "不符合", "deduction": 3},
        {"item_id": rows[1].item.id, "result": "不符合", "deduction": 1.5},
        {"item_id": rows[2].item.id, "result": "符合"},
    ])
    scores = {s.department_name: s for s in inspections.department_scores(quality, half_year.id)}
    assert scores["内科"].score == 95.5 and scores["内科"].failed == 2 and scores["内科"].checked == 3
    assert scores["外科"].score == 100 and scores["外科"].checked == 0


def test_completed_inspection_is_frozen(session_as, half_year, hospital):
    quality = session_as(Role.QUALITY)
    inspections.complete_inspection(quality, half_year.id)
    row = inspections.results_for(quality, half_year.id, hospital.departments["内科"])[0]
    with pytest.raises(errors.Conflict, match="已完成"):
        inspections.record_results(quality, half_year.id, hospital.departments["内科"],
                                   [{"item_id": row.item.id, "result": "符合"}])


def test_department_head_runs_own_monthly_self_check_only(session_as, hospital, core_systems):
    head = session_as(Role.DEPT_HEAD, "内科")
    own = inspections.create_inspection(head, {
        "type": "科室月度自查", "inspected_on": "2026-11-20", "inspectors": "张三",
        "checklist_id": core_systems.id, "department_ids": [hospital.departments["内科一病区"]]})
    row = inspections.results_for(head, own.id, hospital.departments["内科一病区"])[0]
    inspections.record_results(head, own.id, hospital.departments["内科一病区"],
                               [{"item_id": row.item.id, "result": "不符合"}])
    [item] = ledger.list_items(head, LedgerFilter(inspection_id=own.id))
    assert item.source == "科室自查"
    with pytest.raises(errors.PermissionDenied):
        inspections.create_inspection(head, {
            "type": "科室月度自查", "inspected_on": "2026-11-20", "inspectors": "张三",
            "checklist_id": core_systems.id, "department_ids": [hospital.departments["外科"]]})


def test_statistics_count_rates_and_trend(session_as, hospital, clock):
    quality = session_as(Role.QUALITY)
    base = {"source": "自查", "category": "查对制度", "description": "x", "deadline": "2026-11-30"}
    made = []
    for found, dept in (("2026-09-05", "内科"), ("2026-10-05", "内科"), ("2026-10-06", "外科"), ("2026-11-01", "外科")):
        made.append(ledger.register_item(quality, {**base, "found_on": found, "department_id": hospital.departments[dept]}))
    for item in made[:2]:
        ledger.save_rectification(quality, item.id, {"cause_analysis": "a", "measures": "b", "responsible_person": "c"})
        ledger.submit_for_recheck(quality, item.id, {"progress": "done"})
    ledger.recheck(quality, made[0].id, {"recheck_opinion": "ok", "rechecker": "r", "recheck_on": "2026-11-23"},
                   passed=True)
    clock.advance(days=10)  # deadline passed for the three not closed
    s = stats.ledger_stats(quality)
    assert s.overall.total == 4 and s.overall.closed == 1 and s.overall.rectified == 2 and s.overall.overdue == 3
    assert stats.percent(s.overall.rectification_rate) == "50.0%" and stats.percent(s.overall.closure_rate) == "25.0%"
    depts = dict(s.by_department)
    assert depts["内科"].total == 2 and depts["外科"].overdue == 2
    months = {m: (f, c) for m, f, c in s.monthly}
    assert months["2026-10"] == (2, 0) and months["2026-11"] == (1, 1)
    head_view = stats.ledger_stats(session_as(Role.DEPT_HEAD, "内科"))
    assert head_view.overall.total == 2  # scoped like the list
