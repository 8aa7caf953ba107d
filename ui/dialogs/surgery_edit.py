"""Dialogs of surgery grading: a catalogue version, a procedure, approval and 备案, a grant, an
ability assessment. Each gathers input for one core call and shows the findings beside the fields."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_app.people import service as people
from desktop_app.surgery import catalogue as catalogues
from desktop_app.surgery import privileges as priv
from desktop_app.surgery.models import (
    ASSESSMENT_FIELDS,
    CATALOGUE_FIELDS,
    CONCLUSIONS,
    GRADE_LABELS,
    GRANT_FIELDS,
    SURGERY_FIELDS,
    Catalogue,
    Procedure,
)
from ui.dialogs.staff_edit import department_items
from ui.errors import guarded
from ui.forms import (
    OptionalDateEdit,
    ValidatedForm,
    combo,
    combo_value,
    date_edit,
    date_value,
    line_edit,
    save_cancel_buttons,
    text_area,
)

COMMITTEE = "医疗质量与安全管理委员会"


class _FormDialog(QDialog):
    """A titled form with 保存/取消 whose save runs one service call."""

    def __init__(self, ctx, title: str, parent=None, *, width: int = 540):
        super().__init__(parent)
        self.ctx = ctx
        self.saved = None
        self.setWindowTitle(title)
        self.setMinimumWidth(width)
        self.outer = QVBoxLayout(self)
        self.form = ValidatedForm()
        self.outer.addWidget(self.form)

    def finish(self, save_text: str = "保存") -> None:
        self.outer.addWidget(save_cancel_buttons(self, self.save, save_text=save_text))

    def call(self, fn, *args) -> None:
        ok, self.saved = self.form.submit(fn, self.ctx.session, *args)
        if ok:
            self.ctx.notify("surgery")
            self.accept()

    def save(self) -> None:
        raise NotImplementedError


def department_combo(ctx, current: int | None, blank: str = "（未指定）") -> QComboBox:
    box = combo([], None, blank=blank)
    for label, dept_id in department_items(guarded(None, people.list_departments, ctx.session) or []):
        box.addItem(label, dept_id)
    if current:
        box.setCurrentIndex(max(0, box.findData(current)))
    return box


class CatalogueDialog(_FormDialog):
    """A new version (made from another) or the details of a draft."""

    def __init__(self, ctx, existing: Catalogue | None = None, based_on: Catalogue | None = None, parent=None):
        super().__init__(ctx, "目录版本信息" if existing else "新建目录版本", parent)
        self.existing = existing
        e = existing
        C = CATALOGUE_FIELDS
        self.name = self.form.add(C["name"], line_edit(e.name if e else "", "如：手术分级管理目录（2027 年版）", 80),
                                  required=True)
        self.based_on = None
        if e is None:
            self.based_on = self.form.add(C["based_on"], combo([], None, blank="（空白目录）"),
                                          hint="以上一版本为基础复制全部手术，再逐项调整（动态调整）。")
            for c in guarded(self, catalogues.list_catalogues, ctx.session) or []:
                self.based_on.addItem(c.label, c.id)
            if based_on:
                self.based_on.setCurrentIndex(max(0, self.based_on.findData(based_on.id)))
        self.effective = self.form.add(C["effective_date"], OptionalDateEdit(e.effective_date if e else None))
        self.notes = self.form.add(C["notes"], text_area(e.notes if e else "", "如：依据 2026 年手术质量评估调整", 50))
        self.finish()

    def save(self) -> None:
        values = {"name": self.name.text(), "effective_date": self.effective.value(), "notes": self.notes.toPlainText()}
        if self.existing:
            self.call(catalogues.update_catalogue, self.existing.id, values)
        else:
            self.call(catalogues.create_catalogue, values, self.based_on.currentData())


class ApproveDialog(_FormDialog):
    def __init__(self, ctx, cat: Catalogue, parent=None):
        super().__init__(ctx, f"批准 — {cat.name}", parent)
        self.cat = cat
        note = QLabel("批准后目录内容冻结，不能再修改；如需调整，以它为基础新建版本。与上一版本的每处调整须写明原因。")
        note.setWordWrap(True)
        self.outer.insertWidget(0, note)
        C = CATALOGUE_FIELDS
        self.approved_by = self.form.add(C["approved_by"], line_edit(COMMITTEE, max_length=60), required=True)
        self.approved_on = self.form.add(C["approved_on"], date_edit(ctx.session.today()), required=True)
        self.effective = self.form.add(C["effective_date"], date_edit(cat.effective_date or ctx.session.today()),
                                       required=True)
        self.finish("批准")

    def save(self) -> None:
        self.call(catalogues.approve_catalogue, self.cat.id, self.approved_by.text(), date_value(self.approved_on),
                  date_value(self.effective))


class FileDialog(_FormDialog):
    def __init__(self, ctx, cat: Catalogue, parent=None):
        super().__init__(ctx, f"备案 — {cat.name}", parent)
        self.cat = cat
        self.filed_on = self.form.add(CATALOGUE_FIELDS["filed_on"], date_edit(ctx.session.today()), required=True,
                                      hint="三、四级手术目录报送执业登记机关（县卫健局）备案的日期。")
        self.finish("登记备案")

    def save(self) -> None:
        self.call(catalogues.file_catalogue, self.cat.id, date_value(self.filed_on))


class ProcedureDialog(_FormDialog):
    def __init__(self, ctx, catalogue_id: int, existing: Procedure | None = None, parent=None):
        super().__init__(ctx, "修改手术" if existing else "新增手术", parent)
        self.catalogue_id = catalogue_id
        self.existing = existing
        e = existing
        F = SURGERY_FIELDS  # the dialog's rows say 编码 and 级别 for short (the fields: 手术编码, 手术级别)
        self.code = self.form.add("编码", line_edit(e.code if e else "", "ICD-9-CM-3 国家临床版，如 21.3104", 20),
                                  required=True, key="code")
        self.name = self.form.add(F["name"], line_edit(e.name if e else "", max_length=120), required=True)
        self.grade = self.form.add("级别", combo([GRADE_LABELS[g] for g in (1, 2, 3, 4)],
                                                GRADE_LABELS[e.grade] if e else "三级"), required=True, key="grade")
        self.department = self.form.add(F["department"], department_combo(ctx, e.department_id if e else None))
        self.specialty = self.form.add(F["specialty"], line_edit(e.specialty if e else "", "目录中的专业分组（可选）", 40))
        flags = QWidget()
        row = QHBoxLayout(flags)
        row.setContentsMargins(0, 0, 0, 0)
        self.restricted = QCheckBox("限制类技术")
        self.day_surgery = QCheckBox("日间手术")
        self.minimal = QCheckBox("微创/介入")
        for box, on in ((self.restricted, e and e.restricted), (self.day_surgery, e and e.day_surgery),
                        (self.minimal, e and e.minimally_invasive)):
            box.setChecked(bool(on))
            row.addWidget(box)
        row.addStretch(1)
        self.form.add(F["flags"], flags, hint="限制类技术按四级手术管理，且不得纳入日间手术。")
        self.form.alias("day_surgery", "flags")
        self.notes = self.form.add(F["notes"], line_edit(e.notes if e else "", max_length=200))
        self.finish()

    def save(self) -> None:
        values = {"code": self.code.text(), "name": self.name.text(), "grade": self.grade.currentText(),
                  "department_id": self.department.currentData(), "specialty": self.specialty.text(),
                  "restricted": self.restricted.isChecked(), "day_surgery": self.day_surgery.isChecked(),
                  "minimally_invasive": self.minimal.isChecked(), "notes": self.notes.text()}
        self.call(catalogues.save_procedure, self.catalogue_id, values, self.existing.id if self.existing else None)


class ProcedurePicker(QWidget):
    """Search the catalogue in force for 三、四级 procedures and tick several."""

    def __init__(self, ctx, catalogue_id: int | None, min_grade: int = 3, parent=None):
        super().__init__(parent)
        self.ctx, self.catalogue_id, self.min_grade = ctx, catalogue_id, min_grade
        self.chosen: dict[str, str] = {}  # code -> label
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText("名称、编码或拼音首字母")
        self.search.textChanged.connect(self._search)
        self.results = QListWidget()
        self.results.setMaximumHeight(150)
        self.results.itemChanged.connect(self._toggled)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        for w in (self.search, self.results, self.summary):
            col.addWidget(w)
        self._search("")

    def _search(self, text: str) -> None:
        self.results.blockSignals(True)
        self.results.clear()
        if self.catalogue_id:
            found = guarded(self, catalogues.search_procedures, self.ctx.session, self.catalogue_id, text, limit=200) or []
            for p in found:
                if p.grade < self.min_grade:
                    continue
                item = QListWidgetItem(f"{p.code}　{p.name}　{p.grade_label}")
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Checked if p.code in self.chosen else Qt.CheckState.Unchecked)
                item.setData(Qt.ItemDataRole.UserRole, (p.code, f"{p.name}（{p.grade_label}）"))
                self.results.addItem(item)
        self.results.blockSignals(False)

    def _toggled(self, item: QListWidgetItem) -> None:
        code, label = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self.chosen[code] = label
        else:
            self.chosen.pop(code, None)
        self.summary.setText(f"已选 {len(self.chosen)} 项：" + "、".join(self.chosen.values()) if self.chosen else "")

    def pick(self, *codes: str) -> None:
        for i in range(self.results.count()):
            item = self.results.item(i)
            if item.data(Qt.ItemDataRole.UserRole)[0] in codes:
                item.setCheckState(Qt.CheckState.Checked)


class GrantDialog(_FormDialog):
    """授权: 一、二级 by grade, 三、四级 procedure by procedure."""

    def __init__(self, ctx, staff_id: int, name: str, parent=None):
        super().__init__(ctx, f"手术授权 — {name}", parent, width=620)
        self.staff_id = staff_id
        mode = QWidget()
        row = QHBoxLayout(mode)
        row.setContentsMargins(0, 0, 0, 0)
        self.by_grade = QRadioButton("按级别（一、二级手术）")
        self.by_procedure = QRadioButton("逐项（三、四级手术）")
        group = QButtonGroup(self)
        for b in (self.by_grade, self.by_procedure):
            group.addButton(b)
            row.addWidget(b)
        self.grade = combo(["授权至一级", "授权至二级"], "授权至二级")
        row.addWidget(self.grade)
        row.addStretch(1)
        G = GRANT_FIELDS
        self.form.add(G["scope"], mode)
        self.form.alias("grade", "scope")
        cat = catalogues.catalogue_in_force(ctx.session)
        self.picker = self.form.add(G["codes"], ProcedurePicker(ctx, cat.id if cat else None),
                                    hint=f"现行目录：{cat.name}" if cat else "还没有已批准生效的目录。")
        self.granted_on = self.form.add(G["granted_on"], date_edit(ctx.session.today()), required=True)
        self.valid_until = self.form.add(G["valid_until"], OptionalDateEdit(None),
                                         hint="不填则按系统设置的评估周期（四级 12 个月，其他 24 个月）。")
        self.basis = self.form.add(G["basis"], combo([], None, blank="（无）"), hint="四级手术须以经批准的能力评估为依据。")
        for a in guarded(self, lambda: priv.surgeon_card(ctx.session, staff_id).assessments) or []:
            if a.approved_on:
                self.basis.addItem(f"{a.assessed_on} {a.conclusion}：{a.subject}", a.id)
        self.approved_by = self.form.add(G["approved_by"], line_edit(COMMITTEE, max_length=60))
        self.approved_on = self.form.add(G["approved_on"], OptionalDateEdit(None))
        self.by_procedure.setChecked(True)
        self.by_grade.toggled.connect(self._mode)
        self._mode()
        self.finish("授权")

    def _mode(self) -> None:
        grade = self.by_grade.isChecked()
        self.grade.setEnabled(grade)
        self.picker.setEnabled(not grade)

    def save(self) -> None:
        grade = self.by_grade.isChecked()
        values = {"scope": "grade" if grade else "procedure", "grade": self.grade.currentIndex() + 1,
                  "codes": [] if grade else list(self.picker.chosen), "granted_on": date_value(self.granted_on),
                  "valid_until": self.valid_until.value(), "assessment_id": self.basis.currentData(),
                  "approved_by": self.approved_by.text(), "approved_on": self.approved_on.value()}
        self.call(priv.grant, self.staff_id, values)


class AssessmentDialog(_FormDialog):
    """能力评估: the period, the procedures with their cases and complications, the conclusion."""

    def __init__(self, ctx, staff_id: int, name: str, parent=None):
        super().__init__(ctx, f"能力评估 — {name}", parent, width=680)
        self.staff_id = staff_id
        today = ctx.session.today()
        period = QWidget()
        row = QHBoxLayout(period)
        row.setContentsMargins(0, 0, 0, 0)
        self.period_from = date_edit(today.replace(year=today.year - 1))
        self.period_to = date_edit(today)
        for w in (self.period_from, QLabel("至"), self.period_to):
            row.addWidget(w)
        row.addStretch(1)
        A = ASSESSMENT_FIELDS
        self.form.add(A["period"], period, required=True)
        self.grade = self.form.add("按级别", combo(["授权至一级", "授权至二级"], None, blank="（逐项评估三、四级手术）"),
                                   key="grade")
        cat = catalogues.catalogue_in_force(ctx.session)
        self.picker = self.form.add(A["procedures"], ProcedurePicker(ctx, cat.id if cat else None))
        self.cases_table = QTableWidget(0, 3)
        self.cases_table.setHorizontalHeaderLabels(["手术", "例数", "并发症"])
        self.cases_table.verticalHeader().setVisible(False)
        self.cases_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.cases_table.setMaximumHeight(130)
        self.cases_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.form.add("例数与并发症", self.cases_table, key="cases", hint="勾选手术后逐项填写期间内完成例数和并发症例数。")
        self.picker.results.itemChanged.connect(lambda _i: self._sync_cases())
        self.adverse = self.form.add(A["adverse_events"], QSpinBox())
        self.adverse.setRange(0, 999)
        self.conclusion = self.form.add(A["conclusion"], combo(list(CONCLUSIONS), "授予"), required=True)
        self.assessed_on = self.form.add(A["assessed_on"], date_edit(today), required=True)
        self.assessors = self.form.add(A["assessors"], line_edit("科室质量与安全管理小组、医务科", max_length=80))
        self.approved_by = self.form.add(A["approved_by"], line_edit(COMMITTEE, max_length=60))
        self.approved_on = self.form.add(A["approved_on"], OptionalDateEdit(None), hint="委员会批准后才能执行结论。")
        self.notes = self.form.add(A["notes"], line_edit("", max_length=300))
        self.form.alias("complications", "cases")
        self.finish()

    def _sync_cases(self) -> None:
        have = {self.cases_table.item(r, 0).data(Qt.ItemDataRole.UserRole): r for r in range(self.cases_table.rowCount())}
        for code, label in self.picker.chosen.items():
            if code not in have:
                r = self.cases_table.rowCount()
                self.cases_table.insertRow(r)
                name = QTableWidgetItem(label)
                name.setData(Qt.ItemDataRole.UserRole, code)
                name.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.cases_table.setItem(r, 0, name)
                for c in (1, 2):
                    self.cases_table.setItem(r, c, QTableWidgetItem("0"))
        for r in reversed(range(self.cases_table.rowCount())):
            if self.cases_table.item(r, 0).data(Qt.ItemDataRole.UserRole) not in self.picker.chosen:
                self.cases_table.removeRow(r)

    def values(self) -> dict:
        procedures = [{"code": self.cases_table.item(r, 0).data(Qt.ItemDataRole.UserRole),
                       "cases": self.cases_table.item(r, 1).text(), "complications": self.cases_table.item(r, 2).text()}
                      for r in range(self.cases_table.rowCount())]
        grade = self.grade.currentIndex()  # 0: none
        return {"staff_id": self.staff_id, "period_from": date_value(self.period_from),
                "period_to": date_value(self.period_to), "grade": grade or None, "procedures": procedures,
                "adverse_events": self.adverse.value(), "conclusion": combo_value(self.conclusion),
                "assessed_on": date_value(self.assessed_on), "assessors": self.assessors.text(),
                "approved_by": self.approved_by.text(), "approved_on": self.approved_on.value(),
                "notes": self.notes.text()}

    def save(self) -> None:
        self.call(priv.save_assessment, self.values())
