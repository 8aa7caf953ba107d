"""检查表 dialogs: a new checklist, a new version of one, and a check point (add or edit)."""
from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QWidget

from desktop_app.ledger import checklists
from desktop_app.ledger.checklists import CHECKLIST_FIELDS as CF
from desktop_app.ledger.checklists import ITEM_FIELDS as IF

# The ledger dialogs' frame (a form, 保存/取消, notify "ledger" on success) serves these too;
# with item=None it shows no problem header.
from ui.dialogs.ledger_item import _StepDialog
from ui.errors import guarded
from ui.forms import combo, line_edit, text_area
from ui.widgets.result_grid import number


class ChecklistDialog(_StepDialog):
    """新建检查表: name, version, kind, basis, and its categories one per line."""

    save_text = "建立检查表"

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(ctx, None, "新建检查表", parent)
        f = self.form
        self.name = f.add(CF["name"], line_edit(max_length=60, placeholder="如：院感防控专项检查表"), required=True)
        self.version = f.add(CF["version"], line_edit(str(ctx.session.today().year), max_length=20), required=True,
                             hint="一般用年份；同一名称的检查表每年可有一个新版本。")
        self.kind = f.add(CF["kind"], combo(checklists.KINDS, "本院"), required=True)
        self.basis = f.add(CF["basis"], line_edit(max_length=120, placeholder="文件名称或文号（可不填）"))
        self.categories = f.add(CF["categories"], text_area("", "每行一个类别，如：\n手卫生\n医疗废物管理", height=110),
                                required=True, hint="检查要点按类别归组；建立后在“添加检查要点”中逐条添加。")
        self.finish_layout()

    def values(self) -> dict:
        return {"name": self.name.text(), "version": self.version.text(), "kind": self.kind.currentData(),
                "basis": self.basis.text()}

    def category_lines(self) -> list[str]:
        return [line for line in self.categories.toPlainText().splitlines() if line.strip()]

    def save(self) -> None:
        self.call(checklists.create_checklist, self.values(), self.category_lines())


class NewVersionDialog(_StepDialog):
    """新版本: copy a checklist's categories and check points under a new version (and name)."""

    save_text = "复制为新版本"

    def __init__(self, ctx, source: checklists.Checklist, parent: QWidget | None = None):
        super().__init__(ctx, None, "新版本", parent)
        self.source = source
        intro = QLabel(f"复制“{source.label()}”的全部类别和 {source.item_count} 个在用检查要点，作为新版本；"
                       "原版本及用过它的检查记录保持不变。新版本中可以修改、增删要点。")
        intro.setWordWrap(True)
        self.outer.insertWidget(0, intro)
        f = self.form
        self.version = f.add(CF["version"], line_edit(str(ctx.session.today().year + 1), max_length=20), required=True)
        self.name = f.add(CF["name"], line_edit(source.name, max_length=60), required=True)
        self.finish_layout()

    def save(self) -> None:
        name = self.name.text().strip()
        self.call(checklists.new_version, self.source.id, self.version.text(), name=name or None)


class ChecklistItemDialog(_StepDialog):
    """添加 (item=None) or 编辑 a check point of a hospital's own checklist."""

    def __init__(self, ctx, checklist: checklists.Checklist, item: checklists.ChecklistItem | None = None,
                 parent: QWidget | None = None, *, category_id: int | None = None):
        super().__init__(ctx, None, "编辑检查要点" if item else "添加检查要点", parent)
        self.checklist = checklist
        self.item = item
        f = self.form
        self.category = f.add(IF["category_id"], combo([]), required=True)
        for c in guarded(self, checklists.list_categories, ctx.session, checklist.id) or []:
            self.category.addItem(f"{c.code}　{c.name}", c.id)
        wanted = item.category_id if item else category_id
        if wanted is not None:
            self.category.setCurrentIndex(max(self.category.findData(wanted), 0))
        self.code = f.add(IF["code"], line_edit(item.code if item else "", max_length=20, placeholder="可不填：自动编号"))
        self.text = f.add(IF["text"], text_area(item.text if item else "", "检查什么、达到什么要求", height=80),
                          required=True)
        self.method = f.add(IF["method"], text_area(item.method if item else "", "如：查阅资料、现场查看、抽查病历 5 份",
                                              height=56))
        self.deduction = f.add(IF["deduction"], line_edit(number(item.deduction) if item else "0", max_length=6),
                               hint="该要点“不符合”时默认扣的分数（0–100），录入结果时可按实际修改。")
        self.active = f.add(IF["active"], QCheckBox("启用（停用的要点不再出现在新的检查中）"))
        self.active.setChecked(item.active if item else True)
        self.finish_layout()

    def values(self) -> dict:
        return {"category_id": self.category.currentData(), "code": self.code.text(),
                "text": self.text.toPlainText(), "method": self.method.toPlainText(),
                "deduction": self.deduction.text().strip() or 0, "active": self.active.isChecked()}

    def save(self) -> None:
        if self.item is None:
            self.call(checklists.add_item, self.checklist.id, self.values())
        else:
            self.call(checklists.update_item, self.item.id, self.values())
