"""半年/全年报送 page: the quality officer drafts, a leader finalises, the archive prints and verifies."""
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from desktop_app.accounts.permissions import Role
from desktop_app.submissions import service as submissions
from tests.submissions.conftest import NARRATIVE, SIGNERS, half_year  # noqa: F401 - the records fixture


def open_page(window_for, role):
    window = window_for(role)
    window.navigate("submissions")
    return window, window.page("submissions")


def test_draft_then_finalise_by_a_leader_and_verify_the_archive(window_for, half_year, monkeypatch, messages,  # noqa: F811
                                                                 tmp_path, qtbot):
    from ui.pages import submissions as page_module

    window, page = open_page(window_for, Role.QUALITY)
    quality_page = page
    assert "下一期：2026年全年报送，截止 2027-01-10，还有 48 天（尚未开始）" in page.deadline.text()

    def create(dialog):
        dialog.kind.setCurrentIndex(dialog.kind.findData("上半年"))
        dialog.year.setValue(2026)
        dialog.save()
        return dialog.result()

    monkeypatch.setattr(page_module.NewSubmissionDialog, "exec", create)
    page.new_submission()
    assert page.current.title == "2026年上半年医疗质量安全工作报送表"
    assert "定稿前还需" in page.findings.text() and "请填写“工作开展情况”" in page.findings.text()
    assert "一、自查自纠与问题整改" in page.preview.toPlainText()
    assert not page.finalize_button.isVisible()  # the quality officer drafts; a leader finalises
    for k, text in NARRATIVE.items():
        page.narrative[k].setPlainText(text)
    for k, text in SIGNERS.items():
        page.signers[k].setText(text)
    t = page.indicator_table
    for i in range(t.rowCount()):
        if t.item(i, 1).flags() & Qt.ItemFlag.ItemIsEditable:
            t.item(i, 1).setText("3")
            t.item(i, 2).setText("60")
    stemi = next(i for i in range(t.rowCount()) if t.item(i, 0).text().startswith("急性ST段"))
    t.item(stemi, 5).setCheckState(Qt.CheckState.Checked)
    t.item(stemi, 6).setText("本院未开展急诊 PCI")
    assert page.save()
    assert page.findings.text() == "内容已齐全，可交院领导审核定稿。"
    saved = submissions.get_submission(window.ctx.session, page.current.id)
    assert saved.indicators["stemi_reperfusion"]["not_applicable"] and saved.narrative == NARRATIVE

    window, page = open_page(window_for, Role.LEADER)
    page.table.select_first()
    assert page.finalize_button.isVisible() and not page.save_button.isVisible()
    page.finalize()
    assert page.current.final and page.current.verification_code in messages[-1][2]
    assert "定稿，验证码 QL-" in page.findings.text() and not page.amend_button.isVisible()  # leaders do not amend
    page.print_pdf()
    original = page._last_preview.pdf_path
    copy = tmp_path / "收到的报送表.pdf"
    copy.write_bytes(original.read_bytes())
    page._last_preview.close()
    page.verify(str(copy))
    assert messages[-1][0] == "information" and "与存档一致" in messages[-1][2]

    page = quality_page
    page.mark_dirty()
    page.table.select_first()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("更正不良事件报告例次", True))
    page.amend()
    assert (page.current.version, page.current.status) == (2, "草稿") and page.save_button.isVisible()
    assert [(s.version, s.superseded) for s in page.model.rows] == [(2, False), (1, False)]
