"""手术分级与授权 pages: the catalogue with search, a new version and its 动态调整, grants and assessments,
授权核查 — driven through the real widgets."""
from PySide6.QtWidgets import QInputDialog

from desktop_app.accounts.permissions import Role
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import operations
from desktop_app.surgery import privileges as priv
from tests.surgery.conftest import book  # noqa: F401 - the approved catalogue fixture


def open_page(window_for, key, role=Role.QUALITY):
    window = window_for(role)
    window.navigate(key)
    return window, window.page(key)


def test_catalogue_search_and_filters(window_for, book, qtbot):  # noqa: F811
    window, page = open_page(window_for, "surgery_catalogue")
    assert page.count.text() == "5 项" and "（现行）" in page.version.currentText()
    page.search.setText("ysezc")
    qtbot.waitUntil(lambda: page.count.text() == "1 项")
    assert page.model.rows[0].name == "胰十二指肠切除术"
    page.search.clear()
    page.restricted.setChecked(True)
    qtbot.waitUntil(lambda: [p.name for p in page.model.rows] == ["经皮心内膜射频消融术"])
    assert not page.add_button.isVisible()  # an approved version is frozen


def test_new_version_adjustments_with_reasons_then_approval(window_for, book, hospital, monkeypatch):  # noqa: F811
    from ui.dialogs import surgery_edit

    window, page = open_page(window_for, "surgery_catalogue")

    def new_version(dialog):
        dialog.name.setText("手术分级管理目录（2027 年版）")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(surgery_edit.CatalogueDialog, "exec", new_version)
    page.new_version()
    assert "2027 年版" in page.version.currentText() and page.add_button.isVisible()

    def add(dialog):
        dialog.code.setText("81.5101")
        dialog.name.setText("全髋关节置换术")
        dialog.grade.setCurrentText("三级")
        dialog.restricted.setChecked(True)
        dialog.day_surgery.setChecked(True)
        dialog.save()
        messages = dialog.form.messages()
        assert "限制类技术按四级手术管理" in messages["级别"] and "不得纳入日间手术" in messages["属性"]
        dialog.grade.setCurrentText("四级")
        dialog.day_surgery.setChecked(False)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(surgery_edit.ProcedureDialog, "exec", add)
    page.add_procedure()
    assert page.count.text() == "6 项" and page.tabs.tabText(1) == "动态调整（1）"

    def approve(dialog):
        dialog.save()
        assert "1 处调整尚未写明原因" in dialog.form.banner.text()
        return dialog.result()

    monkeypatch.setattr(surgery_edit.ApproveDialog, "exec", approve)
    page.approve()
    page.tabs.setCurrentIndex(1)
    page.diff_table.select_first()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("新开展，经医疗技术临床应用管理委员会论证", True))
    page.edit_reason()
    assert page.diff_model.rows[0].reason.startswith("新开展")

    def approve_now(dialog):
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(surgery_edit.ApproveDialog, "exec", approve_now)
    page.approve()
    assert "已批准" in page.version.currentText() and not page.add_button.isVisible()
    assert page.file_button.isVisible()


def test_grant_and_assessment_from_the_surgeons_card(window_for, book, hospital, monkeypatch, messages):  # noqa: F811
    from ui.dialogs import surgery_edit

    li = hospital.staff["李四"]
    window, page = open_page(window_for, "surgery_privileges")
    page.search.setText("ls")
    assert [s["name"] for s in page.surgeon_model.rows] == ["李四"]

    def grant_grade4(dialog):
        dialog.picker.search.setText("胰")
        dialog.picker.pick("52.7x01")
        dialog.save()
        assert "四级手术授权须以能力评估为依据" in dialog.form.messages()["依据"]
        return dialog.result()

    monkeypatch.setattr(surgery_edit.GrantDialog, "exec", grant_grade4)
    page.grant()
    assert page.grant_model.rows == []

    def assess(dialog):
        dialog.picker.search.setText("5")
        dialog.picker.pick("52.7x01")
        dialog.cases_table.item(0, 1).setText("14")
        dialog.approved_on.set_value("2026-11-23")
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(surgery_edit.AssessmentDialog, "exec", assess)
    page.assess()
    assert [(a.cases, a.conclusion, a.applied_on) for a in page.assessment_model.rows] == [(14, "授予", None)]
    page.assessment_table.select_first()
    page.apply_assessment()
    assert [p.what for p in page.grant_model.rows] == ["胰十二指肠切除术（52.7x01，四级）"]
    assert page.grant_model.rows[0].valid_until == "2027-11-22"  # 12 months for 四级
    page.grant_table.select_first()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("严重并发症，暂停待再评估", True))
    page.change("suspend")
    assert page.grant_model.rows[0].status == "暂停"
    assert priv.surgeon_card(window.ctx.session, li).current[0].status == "暂停"


def test_a_surgeon_without_a_licence_cannot_be_granted(window_for, book, hospital):  # noqa: F811
    window, page = open_page(window_for, "surgery_privileges")
    page.surgeon_table.select_where(lambda s: s["name"] == "曾志伟")
    assert not page.grant_button.isEnabled() and "没有执业证书编号" in page.card.text()


def test_checks_page_shows_operations_without_privilege_and_who_may_operate(window_for, book, hospital, system,
                                                                             qtbot):  # noqa: F811
    priv.grant(system, hospital.staff["李四"], {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-02-01"})
    catalogues.file_catalogue(system, book.id, "2026-01-05")
    operations.record_operations(system, "手术记录.xlsx", "x", [
        {"row": 2, "date": "2026-03-05", "patient_no": "Z001", "code": "52.7x01", "surgeon": "张三"},
        {"row": 3, "date": "2026-03-06", "patient_no": "Z002", "code": "43.7x01", "surgeon": "李四"}])
    window, page = open_page(window_for, "surgery_operations", Role.CLINICIAN)  # the theatre nurse may look
    assert [r["patient_no"] for r in page.operation_model.rows] == ["Z001"]
    assert page.cards["越权手术"].text() == "1" and page.cards["三、四级手术实际开展率"].text() == "66.7%"  # 2 of the 3 filed
    page.tabs.setCurrentIndex(3)
    page.procedure_search.setText("胃大部")
    qtbot.waitUntil(lambda: [p.staff_name for p in page.authorised_model.rows] == ["李四"])
    assert "43.7x01 胃大部切除伴胃空肠吻合术" in page.procedure_label.text()


def test_dashboard_link_opens_the_surgeons_card(window_for, book, hospital, system):  # noqa: F811
    li = hospital.staff["李四"]
    priv.grant(system, li, {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-01-01",
                            "valid_until": "2026-11-28"})
    window = window_for(Role.QUALITY)
    dashboard = window.page("dashboard")
    row = next(i for i, t in enumerate(dashboard.todo_texts()) if "将在 7 天内到期" in t)
    dashboard._open_item(dashboard.todos.item(row))
    page = window.page("surgery_privileges")
    assert window.current_page_key() == "surgery_privileges" and page.staff_id == li
    assert page.grant_model.rows[0].valid_until == "2026-11-28"


def test_import_a_catalogue_and_an_operations_log_and_print(window_for, book, hospital, system, qtbot, tmp_path,  # noqa: F811
                                                           monkeypatch, messages):
    import subprocess

    from tests.excel.files import write_xlsx
    from tests.surgery.test_surgery_import import his_export
    from ui.dialogs.import_preview import ImportPreviewDialog
    from ui.jobs import active_jobs

    window, page = open_page(window_for, "surgery_catalogue")
    path = write_xlsx(tmp_path / "目录.xlsx", [["手术编码", "手术名称", "手术级别", "调整原因"],
                                              ["81.5101", "全髋关节置换术", "Ⅳ级", "新开展"]])
    monkeypatch.setattr(ImportPreviewDialog, "exec", lambda self: 1)
    page.import_file(str(path), name="手术分级管理目录（2027 年版）")
    qtbot.waitUntil(lambda: active_jobs() == 0 and any(t == "导入完成" for _k, t, _x in messages), timeout=20000)
    assert "2027 年版" in page.version.currentText() and page.count.text() == "6 项"
    assert [d.kind for d in page.diff_model.rows] == ["新增"] and page.diff_model.rows[0].reason == "新开展"
    page.print_pdf("catalogue")
    qtbot.waitUntil(lambda: active_jobs() == 0 and getattr(page, "_last_preview", None) is not None, timeout=20000)
    text = subprocess.run(["pdftotext", "-layout", str(page._last_preview.pdf_path), "-"], capture_output=True,
                          text=True).stdout
    assert "全髋关节置换术" in text
    page._last_preview.close()

    priv.grant(system, hospital.staff["李四"], {"scope": "procedure", "codes": ["43.7x01"], "granted_on": "2026-02-01"})
    window.navigate("surgery_operations")
    checks = window.page("surgery_operations")
    log = his_export(tmp_path, [("2026-03-05 08:30", "43.7x01", None, "李四", "D002"),
                                ("2026-03-06 09:00", "52.7x01", None, "李四", "D002")])
    checks.import_log(str(log))
    qtbot.waitUntil(lambda: active_jobs() == 0 and sum(t == "导入完成" for _k, t, _x in messages) == 2, timeout=20000)
    assert "越权手术 1 例" in messages[-1][2] and [r["patient_no"] for r in checks.operation_model.rows] == ["Z00002"]
